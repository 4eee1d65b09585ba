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
    if n > 8 and axis % values.ndim != 0:
        # many slices across the array: one copy with the summed axis first makes each
        # slice contiguous (the same additions in the same order)
        values = np.ascontiguousarray(np.moveaxis(values, axis, 0))
        axis = 0
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


def rows_any(mask: np.ndarray) -> np.ndarray:
    """[N, K] bool -> [N]: whether each row has a True; the same as ``mask.any(axis=1)``.

    numpy's ``any`` along a short last axis costs about a microsecond per row; reading a
    contiguous row as a few 8-byte words and OR-ing those is ten times cheaper.
    """
    n, k = mask.shape
    if k == 0:
        return np.zeros(n, dtype=bool)
    if n < 64:  # a few rows (one world played alone): one call is cheapest
        return mask.any(axis=1)
    if mask.flags.c_contiguous:
        for size, dtype in ((8, np.uint64), (4, np.uint32), (2, np.uint16)):
            if k % size == 0:
                words = mask.view(dtype)
                if words.shape[1] > 16:
                    return words.any(axis=1)
                out = words[:, 0].copy()
                for j in range(1, words.shape[1]):
                    out |= words[:, j]
                return out != 0
    if k > 16:
        return mask.any(axis=1)
    out = mask[:, 0].copy()
    for j in range(1, k):
        out |= mask[:, j]
    return out


def cols_any(mask: np.ndarray) -> np.ndarray:
    """[N, K] bool -> [K]: whether each column has a True; the same as ``mask.any(axis=0)``."""
    if mask.shape[0] == 0:
        return np.zeros(mask.shape[1], dtype=bool)
    return np.bitwise_or.reduce(np.ascontiguousarray(mask).view(np.uint8), axis=0).astype(bool)


def where_or_zero(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``np.where(mask, values, 0.0)`` bit for bit, for float64 ``values`` of the mask's shape.

    Keeps each value's bits where the mask holds and clears them (+0.0) elsewhere: three
    branch-free passes, about twice as fast as ``np.where`` on masks that vary from slot to slot.
    """
    if not (isinstance(values, np.ndarray) and values.dtype == np.float64 and values.shape == mask.shape
            and values.flags.c_contiguous) or values.size < 4096:
        return np.where(mask, values, 0.0)  # small arrays: one call is cheapest
    bits = mask.astype(np.int64)
    np.negative(bits, out=bits)
    np.bitwise_and(values.view(np.int64), bits, out=bits)
    return bits.view(np.float64)


# ----- reading firm inputs where a formula applies -----------------------------------------
#
# A formula over firms (economics.py) is written once, element by element. It runs either
# over every slot (``AtEveryFirm``: whole [W, F] arrays) or only at the slots where it
# applies (``AtSlots``: flat [W, F] indices), which is much less work when few slots
# qualify. Both read each input by its shape, so the same formula gets the same numbers.


class AtEveryFirm:
    """Inputs at every firm slot, as [W, F] arrays (or [F], which broadcasts)."""

    def __init__(self, firm_sector: np.ndarray, firm_city: np.ndarray | None = None):
        self.firm_sector, self.firm_city = firm_sector, firm_city

    def firm(self, values: np.ndarray) -> np.ndarray:
        """A [W, F] firm quantity."""
        return values

    def slot(self, values: np.ndarray) -> np.ndarray:
        """An [F] quantity per firm slot."""
        return values

    def sector(self, values: np.ndarray) -> np.ndarray:
        """An [S] sector parameter, at each slot's sector."""
        return values[self.firm_sector]

    def world_sector(self, values: np.ndarray) -> np.ndarray:
        """A [W, S] sector quantity, at each firm's sector."""
        return values[:, self.firm_sector]

    def city(self, values: np.ndarray) -> np.ndarray:
        """A [W, C] city quantity, at each firm's city."""
        assert self.firm_city is not None
        return at_firm_city(values, self.firm_city)

    def city_sector(self, values: np.ndarray) -> np.ndarray:
        """A [W, C, S] quantity, at each firm's city and sector."""
        assert self.firm_city is not None
        return at_firm_city_sector(values, self.firm_city, self.firm_sector)


class AtSlots:
    """Inputs at the flat [W, F] indices ``idx`` (``w * F + f``), as 1-D arrays in ``idx``
    order (the same methods as AtEveryFirm); ``scatter`` puts a formula's values back."""

    def __init__(self, idx: np.ndarray, firm_sector: np.ndarray, firm_city: np.ndarray | None = None):
        self.idx, self.firm_sector, self.firm_city = idx, firm_sector, firm_city
        self.w, self.f = np.divmod(idx, len(firm_sector))
        self.sectors = firm_sector[self.f]  # the sector of each slot
        # the city of each slot's firm (None when the formula reads no city)
        self.cities = None if firm_city is None else np.take(firm_city.reshape(-1), idx)

    def firm(self, values: np.ndarray) -> np.ndarray:
        return np.take(values.reshape(-1), self.idx)

    def slot(self, values: np.ndarray) -> np.ndarray:
        return values[self.f]

    def sector(self, values: np.ndarray) -> np.ndarray:
        return values[self.sectors]

    def world_sector(self, values: np.ndarray) -> np.ndarray:
        return values[self.w, self.sectors]

    def city(self, values: np.ndarray) -> np.ndarray:
        return values[self.w, self.cities]

    def city_sector(self, values: np.ndarray) -> np.ndarray:
        return values[self.w, self.cities, self.sectors]

    def scatter(self, values: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
        """A [W, F] array of zeros with ``values`` at the slots."""
        out = np.zeros(shape)
        out.reshape(-1)[self.idx] = values
        return out


FirmInputs = AtEveryFirm | AtSlots  # where a firm formula reads its inputs
