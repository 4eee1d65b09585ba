"""Group sums over firms that give bit-identical results for a world alone or in a batch.

BLAS matrix products (``@``, ``einsum`` with optimisation) may sum in a different order
for different batch sizes, which would break "a world plays the same alone or in a
batch". These helpers loop over the few cities and sectors and sum each world's own row.
"""

from __future__ import annotations

import numpy as np


def by_city(firm_city: np.ndarray, values: np.ndarray, n_cities: int) -> np.ndarray:
    """[W, F] -> [W, C]: the sum over each city's firms."""
    out = np.empty((values.shape[0], n_cities))
    for c in range(n_cities):
        out[:, c] = np.where(firm_city == c, values, 0.0).sum(axis=1)
    return out


def by_sector(firm_sector: np.ndarray, values: np.ndarray, n_sectors: int) -> np.ndarray:
    """[W, F] -> [W, S]: the sum over each sector's firms."""
    out = np.empty((values.shape[0], n_sectors))
    for s in range(n_sectors):
        out[:, s] = values[:, firm_sector == s].sum(axis=1)
    return out


def by_city_sector(firm_city: np.ndarray, firm_sector: np.ndarray, values: np.ndarray,
                   n_cities: int, n_sectors: int) -> np.ndarray:
    """[W, F] -> [W, C, S]."""
    out = np.empty((values.shape[0], n_cities, n_sectors))
    for s in range(n_sectors):
        cols = firm_sector == s
        out[:, :, s] = by_city(firm_city[:, cols], values[:, cols], n_cities)
    return out


def over_links(values: np.ndarray, links: np.ndarray) -> np.ndarray:
    """[..., S] and a 0/1 [S, S] graph -> [..., S]: out[..., s] = sum of values[..., t] where links[s, t]."""
    out = np.zeros(values.shape)
    for s in range(links.shape[0]):
        cols = links[s] > 0
        if cols.any():
            out[..., s] = values[..., cols].sum(axis=-1)
    return out
