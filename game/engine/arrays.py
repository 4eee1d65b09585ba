"""Group sums over firms that give bit-identical results for a world alone or in a batch.

BLAS matrix products (``@``, ``einsum`` with optimisation) may sum in a different order
for different batch sizes, which would break "a world plays the same alone or in a
batch". These helpers use ``np.bincount``, which adds its inputs one by one in array
order: each world's sum runs over its own firms in slot order, whatever the batch.
"""

from __future__ import annotations

import numpy as np


def by_city(firm_city: np.ndarray, values: np.ndarray, n_cities: int) -> np.ndarray:
    """[W, F] -> [W, C]: the sum over each city's firms."""
    n_worlds = values.shape[0]
    key = firm_city + (np.arange(n_worlds) * n_cities)[:, None]
    return np.bincount(key.ravel(), weights=values.ravel(), minlength=n_worlds * n_cities).reshape(n_worlds, n_cities)


def by_sector(firm_sector: np.ndarray, values: np.ndarray, n_sectors: int) -> np.ndarray:
    """[W, F] -> [W, S]: the sum over each sector's firms (firm_sector is [F])."""
    n_worlds = values.shape[0]
    key = firm_sector[None, :] + (np.arange(n_worlds) * n_sectors)[:, None]
    return np.bincount(key.ravel(), weights=values.ravel(), minlength=n_worlds * n_sectors).reshape(n_worlds, n_sectors)


def by_city_sector(firm_city: np.ndarray, firm_sector: np.ndarray, values: np.ndarray,
                   n_cities: int, n_sectors: int) -> np.ndarray:
    """[W, F] -> [W, C, S]."""
    n_worlds = values.shape[0]
    cells = n_cities * n_sectors
    key = firm_city * n_sectors + firm_sector[None, :] + (np.arange(n_worlds) * cells)[:, None]
    flat = np.bincount(key.ravel(), weights=values.ravel(), minlength=n_worlds * cells)
    return flat.reshape(n_worlds, n_cities, n_sectors)


def over_links(values: np.ndarray, links: np.ndarray) -> np.ndarray:
    """[..., S] and a 0/1 [S, S] graph -> [..., S]: out[..., s] = sum of values[..., t] where links[s, t]."""
    out = np.zeros(values.shape)
    for s in range(links.shape[0]):
        for t in np.nonzero(links[s] > 0)[0]:  # added one by one: the same order in any batch
            out[..., s] += values[..., t]
    return out


def total(values: np.ndarray, axis: int) -> np.ndarray:
    """Sum along ``axis`` by adding slices one by one: the same order in any batch.

    numpy's own ``sum`` may reorder additions depending on an array's shape, so a world
    alone and the same world in a batch could differ in the last bit.
    """
    n = values.shape[axis]
    if n == 0:
        return np.zeros(np.delete(values.shape, axis))
    out = np.take(values, 0, axis=axis).astype(np.float64, copy=True)
    for i in range(1, n):
        out += np.take(values, i, axis=axis)
    return out


def at_firm_city(values: np.ndarray, firm_city: np.ndarray) -> np.ndarray:
    """[W, C] and each firm's city [W, F] -> [W, F]: the value of the firm's city.

    One ``np.take`` on flat indices: much cheaper than ``take_along_axis`` or fancy indexing
    with broadcast index arrays, and the same numbers.
    """
    n_worlds, n_cities = values.shape
    flat = firm_city + (np.arange(n_worlds) * n_cities)[:, None]
    return np.take(values.reshape(-1), flat)


def at_firm_city_sector(values: np.ndarray, firm_city: np.ndarray, firm_sector: np.ndarray) -> np.ndarray:
    """[W, C, S], each firm's city [W, F] and sector [F] -> [W, F]."""
    n_worlds, n_cities, n_sectors = values.shape
    flat = firm_city * n_sectors
    flat += firm_sector
    flat += (np.arange(n_worlds) * (n_cities * n_sectors))[:, None]
    return np.take(values.reshape(-1), flat)
