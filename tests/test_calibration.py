"""Calibration against history and the bots' promises (issue: the economy in depth).

The historical bot plays Hefei 2008 as the city did (BOE 2008, Changxin 2016, NIO 2020,
real amounts); over 200 seeds its median GDP must land within 30% of the real figures
(hefei_gdp 2015 = 566.03, 2020 = 1004.6 ¥ bn) and its land share must fall.
"""

from __future__ import annotations

import numpy as np
import pytest

from game.bots import BOTS
from game.engine.tick import land_share
from game.sim import play_batch

REAL_GDP = {2015: 566.03, 2020: 1004.6}  # hefei_gdp, shared/data/history.toml


def _yearly(world, bot, n_worlds):
    """Per-turn GDP and land share of the player's city, [T, W] each, plus final figures."""
    gdp, share = [], []

    def record(state):
        gdp.append(state.gdp[:, world.player].copy())
        share.append(land_share(state)[:, world.player].copy())

    _state, final = play_batch(world, n_worlds, bot=BOTS[bot], on_turn=record)
    return np.array(gdp), np.array(share), final


def _year_mean(world, series, year):
    """Mean over the four quarters of ``year`` (turn t closes quarter t), [W]."""
    turns = [t for t in range(len(series)) if year <= world.year_of_turn[t] < year + 1]
    return series[turns].mean(axis=0)


@pytest.fixture(scope="module")
def historical(hefei):
    return _yearly(hefei, "historical", 200)


@pytest.mark.parametrize("year", sorted(REAL_GDP))
def test_historical_bot_matches_hefei_gdp_within_30_percent(hefei, historical, year):
    gdp, _share, _final = historical
    median = float(np.median(_year_mean(hefei, gdp, year)))
    assert abs(median / REAL_GDP[year] - 1) <= 0.30, (year, median, REAL_GDP[year])


def test_historical_land_share_falls_over_the_period(hefei, historical):
    _gdp, share, _final = historical
    first = np.median(_year_mean(hefei, share, 2009))
    last = np.median(_year_mean(hefei, share, 2021))
    assert last < first


@pytest.fixture(scope="module")
def bots500(hefei):
    return {bot: play_batch(hefei, 500, bot=BOTS[bot])[1]
            for bot in ("land-addict", "herd-chaser", "historical")}


def test_land_addict_scores_below_historical_over_500_seeds(bots500):
    assert np.median(bots500["land-addict"]["score"]) < np.median(bots500["historical"]["score"])


def test_herd_chaser_has_the_most_failed_firms(bots500):
    failed = {bot: final["failed_firms"].mean() for bot, final in bots500.items()}
    assert max(failed, key=failed.get) == "herd-chaser", failed


def test_land_addict_meets_fiscal_crisis_most_often(bots500):
    crisis = {bot: final["fiscal_crisis"].mean() for bot, final in bots500.items()}
    assert max(crisis, key=crisis.get) == "land-addict", crisis
