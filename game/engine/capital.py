"""Capital: investor sentiment per sector, each city's credibility, the province's
patience with its debt, and guidance funds that draw private money to the city's.

Calibration: hefei_fof_leverage 6.2x (2024, a trusted city in a hot market) is the top
of the range; cn_guidance_funds_target_met_share 26% says most funds raise far less.
"""

from __future__ import annotations

import numpy as np

from game.engine.state import State
from game.engine.world import HORIZON_PRIVATE_APPETITE, World

IPO_WINDOW = 1.0  # sector sentiment above which IPOs can price
SENTIMENT_MEMORY = 0.7
MAX_PRIVATE_LEVERAGE = 5.2  # private money per yuan of the city's, at full trust and a hot market
CREDIBILITY_ANCHOR = 0.5
CREDIBILITY_REVERSION = 0.01
PATIENCE_RECOVERY = 0.03
DEBT_WARNING_RATIO = 1.5  # debt over yearly revenue where the province starts to frown


def update_sentiment(world: World, state: State) -> None:
    """Investors chase recent prices: sentiment is a slow average of the price index."""
    state.sentiment[:] = SENTIMENT_MEMORY * state.sentiment + (1 - SENTIMENT_MEMORY) * state.price


def window_open(state: State) -> np.ndarray:
    return state.sentiment >= IPO_WINDOW


def private_appetite(world: World, state: State) -> np.ndarray:
    """How willing private money is to join, per world and sector, 0..1."""
    appetite = world.sector_params["private_appetite"] / max(HORIZON_PRIVATE_APPETITE.values())
    return np.clip(appetite * state.sentiment / 1.2, 0.0, 1.0)


def fund_leverage(world: World, state: State, city: int, sector: int) -> np.ndarray:
    """Private money that joins each yuan the city commits to a sector fund, [W]."""
    return MAX_PRIVATE_LEVERAGE * state.credibility[:, city] * private_appetite(world, state)[:, sector]


def commit_to_fund(world: World, state: State, city: int, sector: int, amount: np.ndarray) -> None:
    lev = fund_leverage(world, state, city, sector)
    cash = state.fund_cash[:, city, sector]
    share = state.fund_city_share[:, city, sector]
    total = cash + amount * (1.0 + lev)
    state.fund_city_share[:, city, sector] = np.where(total > 0, (share * cash + amount) / np.maximum(total, 1e-12), share)
    state.fund_cash[:, city, sector] = total


def adjust_credibility(state: State, delta: np.ndarray) -> None:
    state.credibility[:] = np.clip(state.credibility + delta, 0.05, 1.0)


def adjust_credibility_city(state: State, city: int, delta: np.ndarray) -> None:
    state.credibility[:, city] = np.clip(state.credibility[:, city] + delta, 0.05, 1.0)


def drift(world: World, state: State, debt_ratio: np.ndarray) -> None:
    """End of quarter: credibility drifts back; the province watches the debt ratio."""
    state.credibility += CREDIBILITY_REVERSION * (CREDIBILITY_ANCHOR - state.credibility)
    limit = world.scenario.debt_limit_ratio
    over = np.clip((debt_ratio - DEBT_WARNING_RATIO) / max(limit - DEBT_WARNING_RATIO, 1e-9), 0.0, None)
    loss = np.where(debt_ratio > DEBT_WARNING_RATIO, 0.04 + 0.12 * over, -PATIENCE_RECOVERY)
    state.patience[:] = np.clip(state.patience - loss, 0.0, 1.0)
