"""Session codes: a short code such as ``HEFEI-7QK2M`` that names one world for a class.

A code is a *label* (a word from the scenario id, for people), a dash, and a *body* of
symbols from a 32-letter alphabet with no 0/O or 1/I. The body carries, bit by bit:

- the seed: ``0`` and 10 bits below 1024, else ``1`` and the Elias-delta code of seed-1023,
- a 4-bit fingerprint of the scenario id (tells apart scenarios that share a label),
- the version of the content pack that defines the scenario (three Elias-gamma numbers),
- zero padding to a whole symbol,

and then one check symbol. The check is a weighted sum over GF(32) with a distinct
power of a primitive element per position (plus a hash of the label), so changing any
one symbol, or swapping any two different ones, always breaks it; the fields are
parsed canonically, so a symbol dropped or added almost always fails to parse as well.
A typo is reported as a typo; it never opens a different world.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import NamedTuple

from game.content.loader import Content

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 symbols; no 0, O, 1 or I
CONFUSABLE = "0O1I"
SHORT_SEED_BITS = 10  # seeds below 1024 take 11 bits; the default code uses one of them
SHORT_SEEDS = 1 << SHORT_SEED_BITS
FINGERPRINT_BITS = 4
MAX_SEED = 2**63 - 1  # as in saves
MAX_VERSION_PART = 999
MAX_BODY = 30  # symbols, check included; GF(32)* has 31 distinct weights
LABEL_MAX = 10
EXAMPLE = "HEFEI-7QK2M"

# GF(32) with the primitive polynomial x^5 + x^2 + 1: log and antilog tables
_POLY = 0b100101
_EXP = [0] * 62
_LOG = [0] * 32
_x = 1
for _i in range(31):
    _EXP[_i] = _EXP[_i + 31] = _x
    _LOG[_x] = _i
    _x <<= 1
    if _x & 0b100000:
        _x ^= _POLY


def _mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


class CodeError(ValueError):
    """A session code that cannot be used; ``str()`` is a sentence for a student.

    ``kind`` is "format", "typo", "version", "scenario" or "ambiguous"."""

    def __init__(self, kind: str, message: str):
        self.kind = kind
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class CodeFields:
    """What a code says, before it is matched against loaded content."""

    label: str
    version: tuple[int, int, int]
    fingerprint: int
    seed: int

    @property
    def version_text(self) -> str:
        return ".".join(str(v) for v in self.version)


class Decoded(NamedTuple):
    scenario_id: str
    seed: int


# ----- labels, versions, fingerprints -------------------------------------------------------


def short_label(scenario_id: str) -> str:
    """HEFEI for hefei-2008, CLASSROOM for classroom, LAND for land-cliff."""
    return scenario_id.split("-")[0].upper()[:LABEL_MAX]


def long_label(scenario_id: str) -> str:
    """The whole id without dashes (HEFEI2008): used when two scenarios share a short label."""
    return scenario_id.replace("-", "").upper()


def fingerprint(scenario_id: str) -> int:
    return hashlib.sha256(scenario_id.encode()).digest()[0] >> (8 - FINGERPRINT_BITS)


def version_tuple(text: str) -> tuple[int, int, int]:
    parts = [int(p) for p in text.split(".")]
    parts += [0] * (3 - len(parts))
    return parts[0], parts[1], parts[2]


def scenario_pack_version(content: Content, scenario_id: str) -> str:
    """The version of the pack whose file defines the scenario (the last one, after overrides)."""
    label, _ = content.sources.get(("scenarios", scenario_id), ("", ""))
    folder = label.split("/")[0]
    for pack, pack_dir in reversed(list(zip(content.packs, content.pack_dirs, strict=False))):
        if pack_dir.name == folder:
            return pack.version
    return content.packs[0].version if content.packs else "0.0.0"


def _label_for(content: Content, scenario_id: str) -> str:
    mine = short_label(scenario_id)
    clash = any(short_label(s) == mine for s in content.scenarios if s != scenario_id)
    return long_label(scenario_id) if clash else mine


# ----- bits ---------------------------------------------------------------------------------


def _gamma(n: int) -> str:
    assert n >= 1
    b = bin(n)[2:]
    return "0" * (len(b) - 1) + b


def _delta(n: int) -> str:
    assert n >= 1
    b = bin(n)[2:]
    return _gamma(len(b)) + b[1:]


class _Reader:
    def __init__(self, bits: str):
        self.bits = bits
        self.pos = 0

    def take(self, n: int) -> str:
        if self.pos + n > len(self.bits):
            raise ValueError("ran out of bits")
        out = self.bits[self.pos:self.pos + n]
        self.pos += n
        return out

    def gamma(self, limit_bits: int) -> int:
        zeros = 0
        while self.take(1) == "0":
            zeros += 1
            if zeros > limit_bits:
                raise ValueError("number too long")
        return int("1" + self.take(zeros), 2)

    def delta(self) -> int:
        length = self.gamma(7)
        if length > 64:
            raise ValueError("number too long")
        return int("1" + self.take(length - 1), 2)


def _check_symbol(label: str, symbols: list[int]) -> int:
    c = hashlib.sha256(label.encode()).digest()[0] & 31
    for i, x in enumerate(symbols):
        c ^= _mul(_EXP[i + 1], x)
    return c


def _body_bits(version: tuple[int, int, int], fp: int, seed: int) -> str:
    if seed < SHORT_SEEDS:
        bits = "0" + format(seed, f"0{SHORT_SEED_BITS}b")
    else:
        bits = "1" + _delta(seed - SHORT_SEEDS + 1)
    bits += format(fp, f"0{FINGERPRINT_BITS}b") + "".join(_gamma(v + 1) for v in version)
    return bits + "0" * (-len(bits) % 5)


def _group(body: str) -> str:
    if len(body) <= 5:
        return body
    return "-".join(body[i:i + 4] for i in range(0, len(body), 4))


# ----- encoding -----------------------------------------------------------------------------


def encode_fields(label: str, version: str | tuple[int, int, int], scenario_id: str, seed: int) -> str:
    """A code from its parts (no content needed); see ``encode`` for the usual entry."""
    ver = version_tuple(version) if isinstance(version, str) else version
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"a seed must be between 0 and {MAX_SEED}, not {seed}")
    if any(not 0 <= v <= MAX_VERSION_PART for v in ver):
        raise ValueError(f"pack version parts must be between 0 and {MAX_VERSION_PART}")
    bits = _body_bits(ver, fingerprint(scenario_id), seed)
    symbols = [int(bits[i:i + 5], 2) for i in range(0, len(bits), 5)]
    symbols.append(_check_symbol(label, symbols))
    return f"{label}-{_group(''.join(ALPHABET[s] for s in symbols))}"


def encode(content: Content, scenario_id: str, seed: int) -> str:
    """The session code for ``scenario_id`` and ``seed`` with the loaded content's version."""
    content.scenario(scenario_id)  # ContentError when unknown
    return encode_fields(_label_for(content, scenario_id), scenario_pack_version(content, scenario_id),
                         scenario_id, seed)


def new_code(content: Content, scenario_id: str, seed: int | None = None) -> tuple[str, int]:
    """A code for a fresh world (a random seed below 1024 unless given) and its seed."""
    seed = secrets.randbelow(SHORT_SEEDS) if seed is None else seed
    return encode(content, scenario_id, seed), seed


# ----- decoding -----------------------------------------------------------------------------

_DASHES = re.compile(r"[\u2010-\u2015\u2212_]")


def normalise(code: str) -> str:
    """Upper case, no spaces, any kind of dash as '-'."""
    return re.sub(r"\s+", "", _DASHES.sub("-", code or "")).upper()


def parse(code: str) -> CodeFields:
    """The fields of a well-formed code; CodeError("format" or "typo") otherwise."""
    text = normalise(code)
    if "-" not in text or not text.split("-")[0] or len(text) > 80:
        raise CodeError("format", f"a session code looks like {EXAMPLE}: a name, a dash, then "
                                  "letters and digits")
    label, _, rest = text.partition("-")
    body = rest.replace("-", "")
    if not re.fullmatch(r"[A-Z0-9]+", label):
        raise CodeError("typo", f"this code has a typo: the name {label!r} should be letters and "
                                "digits only")
    wrong = sorted({ch for ch in body if ch not in ALPHABET})
    if wrong:
        shown = ", ".join(repr(ch) for ch in wrong[:4])
        extra = (" (codes never use 0, O, 1 or I, so they cannot be misread)"
                 if any(ch in CONFUSABLE for ch in wrong) else "")
        raise CodeError("typo", f"this code has a typo: {shown} cannot appear after the dash{extra}; "
                                "check the code with your teacher")
    if len(body) < 2 or len(body) > MAX_BODY:
        raise CodeError("typo", f"this code has a typo: it has {len(body)} letters after the name; "
                                f"a code looks like {EXAMPLE}")
    symbols = [ALPHABET.index(ch) for ch in body]
    if _check_symbol(label, symbols[:-1]) != symbols[-1]:
        raise CodeError("typo", "this code has a typo: its letters do not add up (the last one is "
                                "a check); compare it letter by letter with your teacher's")
    bits = "".join(format(s, "05b") for s in symbols[:-1])
    r = _Reader(bits)
    try:
        if r.take(1) == "0":
            seed = int(r.take(SHORT_SEED_BITS), 2)
        else:
            seed = r.delta() + SHORT_SEEDS - 1
        fp = int(r.take(FINGERPRINT_BITS), 2)
        version = (r.gamma(10) - 1, r.gamma(10) - 1, r.gamma(10) - 1)
        pad = bits[r.pos:]
        if len(pad) >= 5 or "1" in pad or seed > MAX_SEED or max(version) > MAX_VERSION_PART:
            raise ValueError("not canonical")
    except ValueError:
        raise CodeError("typo", "this code has a typo: it does not read as a session code; "
                                "compare it letter by letter with your teacher's") from None
    return CodeFields(label, version, fp, seed)


def _close(a: str, b: str) -> bool:
    """One letter changed, added, dropped, or two neighbours swapped."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = sorted((a, b), key=len)
    return len(long_) - len(short) == 1 and any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def decode(code: str, content: Content) -> Decoded:
    """(scenario_id, seed) of a code, checked against the loaded content; CodeError otherwise."""
    label, _, body = normalise(code).partition("-")
    labels = {lab: sid for sid in content.scenarios for lab in (short_label(sid), long_label(sid))}
    if label and label not in labels:
        # the name may carry the typo (the check covers it): try the names one typo away
        for near in sorted(lab for lab in labels if _close(label, lab)):
            try:
                fields = parse(f"{near}-{body}")
            except CodeError:
                continue
            if fingerprint(labels[near]) == fields.fingerprint:
                raise CodeError("typo", f"this code has a typo in its name: did you mean "
                                        f"{_label_for(content, labels[near])}-{body}?")
    fields = parse(code)
    matches = [sid for sid in sorted(content.scenarios)
               if fields.label in (short_label(sid), long_label(sid))
               and fingerprint(sid) == fields.fingerprint]
    if not matches:
        known = ", ".join(sorted({_label_for(content, s) for s in content.scenarios}))
        raise CodeError("scenario", f"this code is for a scenario ({fields.label}, made with pack "
                                    f"version {fields.version_text}) that this game does not have; "
                                    f"it has {known}. If your teacher uses a mod, start the game "
                                    "with --mods")
    if len(matches) > 1:
        raise CodeError("ambiguous", f"this code could mean {' or '.join(matches)}: ask your teacher "
                                     "for the longer code `architect classroom new` prints on this "
                                     "computer")
    sid = matches[0]
    have = scenario_pack_version(content, sid)
    if version_tuple(have) != fields.version:
        raise CodeError("version", f"this code is for pack version {fields.version_text}; you have "
                                   f"{have}. Ask your teacher for a code made with version {have}, "
                                   "or install the version the class uses")
    return Decoded(sid, fields.seed)
