"""A firm's economics, each formula written once: unit cost, quarterly profit and equity value.

Each formula works element by element on its inputs, so it serves any shape: whole
[W, F] arrays, or 1-D arrays gathered at the slots where it applies (``arrays.AtSlots``,
e.g. only the firms that produce), which is how the tick runs it. The gathering is
written once too: ``firms.unit_cost``, ``firms.profit`` and :func:`equity_value_at` read
their inputs through a gatherer, ``arrays.AtEveryFirm`` for the plain whole-array form
and ``arrays.AtSlots`` for the fast one (tests/test_economics.py checks they agree).

This module sits below ``state`` (a new state marks its firms with :func:`marks`), so it
reads arrays, never a State.
"""

from __future__ import annotations

import numpy as np

from game.engine.arrays import AtSlots, FirmInputs
from game.engine.world import DISTRESSED, LISTED, OPERATING, QUARTERS_PER_YEAR, World, is_live

# production
MATURE_YIELD = 0.95  # the share of capacity a mature plant can use
# unit cost
MATURE_EXPERIENCE_YEARS = 2.0  # output at full capacity, in years, at which unit cost is the sector's
MIN_EXPERIENCE_YEARS = 0.25  # a new plant counts as having this much experience
MAX_LEARNING_PENALTY = 2.0  # an inexperienced plant's unit cost is at most this multiple
QUALITY_COST = 1.0  # unit cost is (1 + this x (0.5 - quality)): weak managers waste a lot
COST_CUT = 0.15  # unit-cost reduction at full chain density
# profit
FIRM_INTEREST_RATE = 0.05  # a year, on the firm's bank debt
# valuation
IPO_PREMIUM = 1.25  # listed firms trade above private marks (liquidity)
PRIVATE_DISCOUNT = 0.8  # unlisted firms are marked below listed peers
MOOD_RANGE = (0.5, 1.5)  # sector sentiment counts within these bounds
MOOD_ELASTICITY = 0.75  # valuations move with sentiment to this power
BOOK_FLOOR = 0.5  # a trading firm is worth at least this share of the equity paid in
DISTRESSED_MARK = 0.3  # a distressed firm is worth this share of its market value
DISTRESSED_BOOK_FLOOR = 0.2  # ... or of this share of the equity paid in, if more


def learning_exponent(learning_rate: np.ndarray) -> np.ndarray:
    """b in cost ~ experience^-b: each doubling of experience cuts cost by ``learning_rate``."""
    return -np.log2(1.0 - learning_rate)


def unit_cost(base_cost: np.ndarray, exponent: np.ndarray, cum_output: np.ndarray,
              capacity: np.ndarray, quality: np.ndarray, infrastructure: np.ndarray,
              chain_density: np.ndarray) -> np.ndarray:
    """Cash cost per ¥ of output at the reference price: the sector's mature cost, raised
    while the plant is young (learning curve) and by weak management, cut by a dense local
    chain and by good infrastructure."""
    experience = np.maximum(cum_output / np.maximum(capacity, 1e-9), MIN_EXPERIENCE_YEARS)
    learning = np.clip((experience / MATURE_EXPERIENCE_YEARS) ** (-exponent), 1.0, MAX_LEARNING_PENALTY)
    management = 1.0 + QUALITY_COST * (0.5 - quality)
    chain = 1.0 - COST_CUT * chain_density
    return base_cost * learning * management * chain / np.sqrt(infrastructure)


def quarterly_profit(revenue: np.ndarray, taxes: np.ndarray, output: np.ndarray, unit_cost: np.ndarray,
                     capex: np.ndarray, fixed_cost_share: np.ndarray, debt: np.ndarray) -> np.ndarray:
    """Sales less variable costs, fixed costs (a yearly share of the plant's capex),
    interest and taxes, for one quarter."""
    fixed = capex * fixed_cost_share / QUARTERS_PER_YEAR
    cost = output * unit_cost + fixed
    interest = debt * FIRM_INTEREST_RATE / QUARTERS_PER_YEAR
    return revenue - cost - interest - taxes


def market_mood(sentiment: np.ndarray) -> np.ndarray:
    """How a sector's sentiment lifts or cuts what its firms are worth (1 = neutral)."""
    return np.clip(sentiment, *MOOD_RANGE) ** MOOD_ELASTICITY


def equity_value(stage: np.ndarray, annual_revenue: np.ndarray, multiple: np.ndarray, mood: np.ndarray,
                 cash: np.ndarray, debt: np.ndarray, paid_in: np.ndarray) -> np.ndarray:
    """A live firm's mark: a trading firm (operating or listed) on its sales times the
    sector's multiple and mood, plus cash, less debt, listed above private and never far
    below what was paid in; a distressed one at a fraction of that; others at cost."""
    market = annual_revenue * multiple * mood + np.maximum(cash, 0.0) - debt
    market = np.where(stage == LISTED, market * IPO_PREMIUM, market * PRIVATE_DISCOUNT)
    book_value = np.maximum(paid_in, 0.0)
    trading = (stage == OPERATING) | (stage == LISTED)
    value = np.where(trading, np.maximum(market, BOOK_FLOOR * book_value), book_value)
    distressed = DISTRESSED_MARK * np.maximum(market, DISTRESSED_BOOK_FLOOR * book_value)
    value = np.where(stage == DISTRESSED, distressed, value)
    return np.maximum(value, 0.0)


def equity_value_at(world: World, at: FirmInputs, stage: np.ndarray, annual_revenue: np.ndarray,
                    sentiment: np.ndarray, cash: np.ndarray, debt: np.ndarray,
                    paid_in: np.ndarray) -> np.ndarray:
    """:func:`equity_value` of the firms ``at`` reads ([W, F] arrays, sentiment [W, S])."""
    return equity_value(
        stage=at.firm(stage), annual_revenue=at.firm(annual_revenue),
        multiple=at.sector(world.sector_params["valuation_multiple"]),
        mood=at.world_sector(market_mood(sentiment)),  # per sector, then per firm
        cash=at.firm(cash), debt=at.firm(debt), paid_in=at.firm(paid_in))


def marks(world: World, stage: np.ndarray, annual_revenue: np.ndarray, sentiment: np.ndarray,
          cash: np.ndarray, debt: np.ndarray, paid_in: np.ndarray) -> np.ndarray:
    """Every firm's equity value, [W, F]: live firms marked, every other slot worth zero
    (the formula runs only at the live slots)."""
    at = AtSlots(np.flatnonzero(is_live(stage)), world.firm_sector)
    return at.scatter(equity_value_at(world, at, stage, annual_revenue, sentiment, cash, debt, paid_in),
                      stage.shape)
