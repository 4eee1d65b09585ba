"""Session codes: they round-trip, and a typo is reported as a typo, never a different world."""

from __future__ import annotations

import copy
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.classroom import codes as C
from game.classroom.codes import CodeError, decode, encode, new_code, parse

SCENARIOS = ("tutorial", "hefei-2008", "land-cliff", "classroom")
SEEDS = st.one_of(st.integers(0, 1023), st.integers(0, 2**63 - 1), st.sampled_from([1024, 2008, 2**63 - 1]))
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def body_of(code: str) -> tuple[str, str]:
    label, _, body = code.partition("-")
    return label, body.replace("-", "")


@FAST
@given(sid=st.sampled_from(SCENARIOS), seed=SEEDS)
def test_a_code_round_trips(content, sid, seed):
    code = encode(content, sid, seed)
    assert decode(code, content) == (sid, seed)
    # people type codes in any case, with spaces, and with typographic dashes
    assert decode(f"  {code.lower().replace('-', ' – ', 1)} ", content) == (sid, seed)


@FAST
@given(sid=st.sampled_from(SCENARIOS), seed=SEEDS, data=st.data())
def test_one_changed_symbol_is_always_a_typo(content, sid, seed, data):
    label, body = body_of(encode(content, sid, seed))
    i = data.draw(st.integers(0, len(body) - 1))
    new = data.draw(st.sampled_from(C.ALPHABET + "01OI").filter(lambda ch: ch != body[i]))
    with pytest.raises(CodeError) as err:
        decode(f"{label}-{body[:i]}{new}{body[i + 1:]}", content)
    assert err.value.kind == "typo"
    assert "typo" in str(err.value)


@FAST
@given(sid=st.sampled_from(SCENARIOS), seed=SEEDS, data=st.data())
def test_two_swapped_symbols_are_always_a_typo(content, sid, seed, data):
    label, body = body_of(encode(content, sid, seed))
    i = data.draw(st.integers(0, len(body) - 2))
    j = data.draw(st.integers(i + 1, len(body) - 1))
    if body[i] == body[j]:
        return  # swapping equal symbols changes nothing
    swapped = list(body)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    with pytest.raises(CodeError) as err:
        decode(f"{label}-{''.join(swapped)}", content)
    assert err.value.kind == "typo"


def test_dropped_or_added_symbols_almost_never_pass(content):
    """One check symbol cannot catch every insertion or deletion; canonical parsing catches
    nearly all the rest. Exhaustive over a fixed sample: none may crash, and fewer than one
    in a thousand may decode to another world."""
    rng = random.Random(7)
    silent = total = 0
    for sid in SCENARIOS:
        for seed in [*rng.sample(range(1024), 20), *rng.sample(range(10**6), 10)]:
            label, body = body_of(encode(content, sid, seed))
            variants = {body[:i] + body[i + 1:] for i in range(len(body))}
            variants |= {body[:i] + ch + body[i:] for i in range(len(body) + 1) for ch in C.ALPHABET}
            for v in variants:
                total += 1
                try:
                    got = decode(f"{label}-{v}", content)
                except CodeError:
                    continue
                silent += got != (sid, seed)
    assert total > 10_000
    assert silent / total < 0.001


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=40))
def test_garbage_gives_a_clear_error_never_a_crash(content, text):
    try:
        decode(text, content)
    except CodeError as exc:
        assert exc.kind in ("format", "typo", "version", "scenario", "ambiguous")
        assert str(exc)


def test_codes_never_use_confusable_symbols():
    assert len(C.ALPHABET) == len(set(C.ALPHABET)) == 32
    assert not set("0O1I") & set(C.ALPHABET)


def test_confusable_characters_are_named_in_the_error(content):
    label, body = body_of(encode(content, "hefei-2008", 5))
    with pytest.raises(CodeError, match="never use 0, O, 1 or I"):
        decode(f"{label}-O{body[1:]}", content)


def test_a_class_code_is_short_and_its_label_names_the_scenario(content):
    code, seed = new_code(content, "hefei-2008")
    assert 0 <= seed < 1024
    assert code.startswith("HEFEI-") and len(code) == len("HEFEI-") + 5
    assert decode(code, content) == ("hefei-2008", seed)
    assert encode(content, "classroom", 3).startswith("CLASSROOM-")


def test_a_code_for_another_pack_version_says_which(content):
    code = encode(content, "hefei-2008", 7)
    newer = copy.copy(content)
    newer.packs = [content.packs[0].model_copy(update={"version": "0.2.0"}), *content.packs[1:]]
    with pytest.raises(CodeError) as err:
        decode(code, newer)
    assert err.value.kind == "version"
    assert f"this code is for pack version {content.packs[0].version}; you have 0.2.0" in str(err.value)


def test_a_code_for_a_scenario_this_game_lacks(content):
    code = encode(content, "land-cliff", 7)
    fewer = copy.copy(content)
    fewer.scenarios = {k: v for k, v in content.scenarios.items() if k != "land-cliff"}
    with pytest.raises(CodeError) as err:
        decode(code, fewer)
    assert err.value.kind == "scenario"
    assert "LAND" in str(err.value) and "--mods" in str(err.value)


def test_a_typo_in_the_name_suggests_the_right_code(content):
    label, body = body_of(encode(content, "hefei-2008", 99))
    with pytest.raises(CodeError) as err:
        decode(f"HEFIE-{body}", content)
    assert err.value.kind == "typo"
    assert f"did you mean HEFEI-{body}" in str(err.value)


def test_scenarios_sharing_a_short_label_get_long_ones(content):
    more = copy.copy(content)
    twin = content.scenario("hefei-2008").model_copy(update={"id": "hefei-2016"})
    more.scenarios = {**content.scenarios, "hefei-2016": twin}
    more.sources = {**content.sources, ("scenarios", "hefei-2016"): content.sources[("scenarios", "hefei-2008")]}
    a, b = encode(more, "hefei-2008", 5), encode(more, "hefei-2016", 5)
    assert a.startswith("HEFEI2008-") and b.startswith("HEFEI2016-")
    assert decode(a, more) == ("hefei-2008", 5)
    assert decode(b, more) == ("hefei-2016", 5)
    # a code made where the label was unique still opens the right world
    assert decode(encode(content, "hefei-2008", 5), more) == ("hefei-2008", 5)


def test_parse_reads_the_fields_without_content():
    code = C.encode_fields("HEFEI", "1.22.3", "hefei-2008", 123456)
    f = parse(code)
    assert (f.label, f.version, f.seed, f.fingerprint) == ("HEFEI", (1, 22, 3), 123456, C.fingerprint("hefei-2008"))
    assert f.version_text == "1.22.3"


@pytest.mark.parametrize("bad", ["", "HEFEI", "-25JPM", "HEFEI-", "HEFEI-2", "HE FEI!-25JPM"])
def test_malformed_codes_are_refused(content, bad):
    with pytest.raises(CodeError):
        decode(bad, content)
