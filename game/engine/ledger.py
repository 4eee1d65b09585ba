"""The ledger: every yuan that enters or leaves a city's treasury, with a category.

Flows for the current turn live in ``state.ledger[w, c, k]``. Treasury only changes
through :func:`book`, so a city's treasury change over a turn equals the sum of its
ledger row for that turn by construction (tests check it anyway).
"""

from __future__ import annotations

import numpy as np

# (id, label, counts as fiscal revenue for the land share)
CATEGORIES: tuple[tuple[str, str, bool], ...] = (
    ("land_sales", "Land sales", True),
    ("taxes_base", "Taxes from the base economy", True),
    ("taxes_firms", "Taxes from strategic firms", True),
    ("tax_incentives", "Tax incentives granted", True),
    ("transfers", "Transfers from the province", True),
    ("land_preparation", "Land compensation and site works", False),
    ("spending_core", "Core spending (salaries, services)", False),
    ("spending_development", "Development spending", False),
    ("bond_proceeds", "Bonds issued", False),
    ("bond_repayment", "Bonds repaid", False),
    ("interest", "Interest on debt", False),
    ("equity_investment", "Equity invested in firms", False),
    ("rescues", "Rescue money for firms in a crunch", False),
    ("fund_commitment", "Committed to guidance funds", False),
    ("infrastructure", "Infrastructure built", False),
    ("supplier_recruitment", "Supplier recruitment", False),
    ("exits", "Stakes sold", False),
    ("events", "Events (grants, levies, windfalls)", False),
)
CATEGORY_IDS = tuple(c[0] for c in CATEGORIES)
CATEGORY_LABELS = {c[0]: c[1] for c in CATEGORIES}
K = {name: i for i, name in enumerate(CATEGORY_IDS)}
N_CATEGORIES = len(CATEGORIES)
REVENUE_MASK = np.array([c[2] for c in CATEGORIES])
LAND = K["land_sales"]


def book(state, category: str, amount: np.ndarray, city: int | slice | np.ndarray = slice(None)) -> None:
    """Move ``amount`` (¥ bn, [W] or [W, C]) into (positive) or out of (negative) treasuries."""
    k = K[category]
    state.ledger[:, city, k] += amount
    state.treasury[:, city] += amount
