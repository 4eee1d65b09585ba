"""The event engine: every condition form, scope, effect, option rule, chain, once and
cooldown, the player's decisions through the Session, rivals answering by archetype, and
determinism with events in. Test events live in a small pack loaded over the base game and
run on the tutorial's world, with state set by hand so each test sees exactly one cause."""

from __future__ import annotations

import numpy as np
import pytest

from game.content.loader import load_content
from game.engine import events as ev
from game.engine.actions import ChooseEvent, parse_action
from game.engine.build import build_world
from game.engine.events import dice
from game.engine.ledger import K
from game.engine.session import Refused, Session
from game.engine.state import new_state, state_hash
from game.engine.tick import begin_turn, end_turn
from game.engine.world import BUILDING, DISTRESSED, OPERATING, PROSPECT
from game.sim import BOTS, play_batch

BASE_TEST_EVENT = 'title = "t"\ntext = "x"\nchance = 1.0\n'


def pack_dir(tmp_path_factory, events: dict[str, str]):
    root = tmp_path_factory.mktemp("evpack")
    (root / "pack.toml").write_text('id = "evtest"\nname = "Event tests"\nversion = "1.0"\n', encoding="utf-8")
    (root / "events").mkdir()
    for eid, body in events.items():
        (root / "events" / f"{eid}.toml").write_text(f'id = "{eid}"\n{body}', encoding="utf-8")
    return root


def simple(trigger: str, extra: str = "") -> str:
    return BASE_TEST_EVENT + extra + f"trigger = {trigger}\n"


CONDITIONS = {
    # (trigger, fires at turn 2 with the tutorial's player treasury of 10)
    "c-gt": ('{ metric = "game.turn", op = ">", value = 1 }', True),
    "c-lt": ('{ metric = "game.turn", op = "<", value = 1 }', False),
    "c-ge": ('{ metric = "game.turn", op = ">=", value = 2 }', True),
    "c-le": ('{ metric = "game.turn", op = "<=", value = 1 }', False),
    "c-eq": ('{ metric = "game.turn", op = "==", value = 2 }', True),
    "c-ne": ('{ metric = "game.turn", op = "!=", value = 2 }', False),
    "c-between": ('{ metric = "city.treasury_bn", min = 5, max = 15 }', True),
    "c-between-out": ('{ metric = "city.treasury_bn", min = 11 }', False),
    "c-all": ('{ all = [ { metric = "game.turn", op = ">", value = 1 }, { metric = "city.treasury_bn", op = ">", value = 5 } ] }', True),
    "c-all-no": ('{ all = [ { metric = "game.turn", op = ">", value = 1 }, { metric = "city.treasury_bn", op = ">", value = 50 } ] }', False),
    "c-any": ('{ any = [ { metric = "game.turn", op = "<", value = 1 }, { metric = "city.treasury_bn", op = ">", value = 5 } ] }', True),
    "c-any-no": ('{ any = [ { metric = "game.turn", op = "<", value = 1 }, { metric = "city.treasury_bn", op = ">", value = 50 } ] }', False),
    "c-not": ('{ not = { metric = "game.turn", op = "<", value = 1 } }', True),
    "c-flag": ('{ flag = "test-flag" }', False),
    "c-sector-key": ('{ metric = "sector.price_index", sector = "ev-makers", op = ">", value = 0 }', True),
    "c-firm-key": ('{ metric = "firm.quality", firm = "aurora-panels", op = ">", value = 0.7 }', True),
    "c-missing-firm": ('{ metric = "firm.quality", firm = "nio-china", op = ">", value = 0 }', False),
}

SCOPES = {
    "s-own-distressed": 'scope = { kind = "firm", stages = ["distressed"] }\n',
    "s-rival": 'scope = { kind = "firm", where = "rival", stages = ["operating"] }\n',
    "s-max": 'scope = { kind = "firm", where = "any", stages = ["operating"], pick = "max", by = "firm.capacity_bn" }\n',
    "s-min": 'scope = { kind = "firm", where = "any", stages = ["operating"], pick = "min", by = "firm.capacity_bn" }\n',
    "s-held": 'scope = { kind = "firm", where = "any", held = true }\n',
    "s-sector": 'scope = { kind = "sector", pick = "max", by = "sector.price_index" }\n',
}

EFFECTS = {
    "e-add-per": 'effects = [ { op = "add", field = "city.treasury_bn", value = 0.01, per = "city.gdp_bn" } ]\n',
    "e-multiply": ('scope = { kind = "firm", stages = ["operating"] }\n'
                   'effects = [ { op = "multiply", field = "firm.capacity_bn", value = 0.5 } ]\n'),
    "e-set-clip": 'effects = [ { op = "set", field = "city.credibility", value = 5 } ]\n',
    "e-sector-field": ('scope = { kind = "sector", sectors = ["batteries"] }\n'
                       'effects = [ { op = "add", field = "sector.sentiment", value = 0.3 } ]\n'),
    "e-stake-pay": ('scope = { kind = "firm", stages = ["operating"] }\n'
                    'effects = [ { op = "stake", change = 0.1, pay = true } ]\n'),
    "e-stake-lose": ('scope = { kind = "firm", stages = ["operating"] }\n'
                     'effects = [ { op = "stake", change = -0.1 } ]\n'),
    "e-invest": ('scope = { kind = "firm", stages = ["prospect"] }\n'
                 'effects = [ { op = "invest", amount = 1.0, per = "firm.ask_bn" } ]\n'),
    "e-rescue": ('scope = { kind = "firm", stages = ["distressed"] }\n'
                 'effects = [ { op = "invest", amount = 1.0, per = "firm.rescue_need_bn" } ]\n'),
    "e-spawn": 'effects = [ { op = "spawn_firm", template = "nio-china" } ]\n',
    "e-flags": 'effects = [ { op = "set_flag", flag = "test-flag" }, { op = "clear_flag", flag = "other-flag" } ]\n',
    "e-other-flag": 'effects = [ { op = "set_flag", flag = "other-flag" } ]\n',
    "e-modifier": ('effects = [ { op = "modifier", field = "city.infrastructure", add = 0.5, turns = 2 } ]\n'),
    "e-modifier-x": ('scope = { kind = "firm", stages = ["operating"] }\n'
                     'effects = [ { op = "modifier", field = "firm.quality", multiply = 0.5, turns = 1 } ]\n'),
    "e-queue": ('scope = { kind = "firm", where = "any", stages = ["operating"], pick = "min", by = "firm.capacity_bn" }\n'
                'effects = [ { op = "queue", event = "e-queued", after = 2 } ]\n'),
}

OTHER = {
    # fires only when queued; keeps the binding of the event that queued it
    "e-queued": ('title = "{firm} again"\ntext = "x"\n'
                 'scope = { kind = "firm", where = "any", stages = ["operating"] }\n'
                 'effects = [ { op = "add", field = "firm.cash_bn", value = 1 } ]\n'),
    "once": BASE_TEST_EVENT + "once = true\n",
    "cooldown": BASE_TEST_EVENT + "cooldown = 2\n",
    "mtth": 'title = "t"\ntext = "x"\nmtth = 4\n',
    "choice": (
        'title = "A choice for {my_city}"\ntext = "{firm} asks."\nchance = 1.0\nai_default = 1\n'
        'scope = { kind = "firm", stages = ["operating"] }\n'
        '[[options]]\nlabel = "Pay {firm}"\n'
        'effects = [ { op = "add", field = "city.treasury_bn", value = -1 } ]\n'
        'follow_up = { event = "e-queued", after = 1 }\n'
        '[[options]]\nlabel = "Refuse"\neffects = [ { op = "add", field = "city.credibility", value = -0.1 } ]\n'
        '[[options]]\nlabel = "Only when rich"\ncondition = { metric = "city.treasury_bn", op = ">", value = 1000 }\n'
        'effects = []\n'),
    "rivals": (
        'title = "t"\ntext = "x"\nchance = 1.0\ncities = "rivals"\nai_default = 2\n'
        'scope = { kind = "firm", where = "any", stages = ["operating"], pick = "max", by = "firm.capacity_bn" }\n'
        '[[options]]\nlabel = "cash"\neffects = [ { op = "add", field = "city.treasury_bn", value = 2 } ]\n'
        '[[options]]\nlabel = "bold"\neffects = [ { op = "stake", change = 0.01 } ]\n'
        '[[options]]\nlabel = "cost"\neffects = [ { op = "add", field = "city.treasury_bn", value = -1 } ]\n'),
    "rivals-override": (
        'title = "t"\ntext = "x"\nchance = 1.0\ncities = "rivals"\nrival_choice = { land-addict = 1 }\n'
        '[[options]]\nlabel = "cash"\neffects = [ { op = "add", field = "city.treasury_bn", value = 2 } ]\n'
        '[[options]]\nlabel = "nothing"\neffects = []\n'),
}


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    events = {}
    for eid, (trigger, _) in CONDITIONS.items():
        events[eid] = simple(trigger)
    for eid, scope in SCOPES.items():
        title = "{sector}" if "sector" in eid else "{firm} ({sector}) in {city}"
        events[eid] = BASE_TEST_EVENT.replace('title = "t"', f'title = "{title}"') + scope
    for eid, body in EFFECTS.items():
        events[eid] = BASE_TEST_EVENT + body
    events.update(OTHER)
    return load_content([pack_dir(tmp_path_factory, events)])


def make_world(content, ids, scenario="tutorial", **changes):
    sc = content.scenario(scenario).model_copy(update={"events": list(ids), **changes})
    return build_world(sc, content.sectors, content.firms)


def staged(world, n_worlds=1, turn=2):
    """A tutorial state with Aurora operating in Lakeside (5 bn), Bright Glass operating in
    Hillport (1.5 bn), Swift EV distressed in Lakeside."""
    state = new_state(world, n_worlds)
    begin_turn(world, state)
    state.turn = turn
    a, b, s = (world.firm_index[i] for i in ("aurora-panels", "bright-glass", "swift-ev"))
    state.stage[:, a] = OPERATING
    state.stage[:, b] = OPERATING
    state.stage[:, s] = DISTRESSED
    state.firm_city[:, a] = 0
    state.firm_city[:, b] = 1
    state.firm_city[:, s] = 0
    state.cash[:, s] = -1.0
    state.valuation[:, a] = 10.0
    state.valuation[:, b] = 2.0
    state.paid_in[:, s] = 2.0
    return state, a, b, s


def fired(world, state, eid, city=0):
    return int(state.ev_count[0, city, world.event_table.index[eid]])


def target(world, state, eid, city=0):
    return int(state.ev_target[0, city, world.event_table.index[eid]])


# ----- conditions ----------------------------------------------------------------------------------


def test_each_condition_form(content):
    world = make_world(content, list(CONDITIONS) + ["e-flags", "e-other-flag"])
    state, *_ = staged(world)
    ev.step(world, state)
    for eid, (_, expect) in CONDITIONS.items():
        if eid != "c-flag":
            assert fired(world, state, eid) == int(expect), eid
    # the flag condition held only once e-flags had set the flag, in id order before it
    assert fired(world, state, "c-flag") == 0
    state.turn += 1
    ev.step(world, state)
    assert fired(world, state, "c-flag") == 1


def test_a_condition_over_a_firm_the_scenario_lacks_never_holds(content):
    world = make_world(content, ["c-missing-firm"])
    state, *_ = staged(world)
    for _ in range(3):
        ev.step(world, state)
        state.turn += 1
    assert fired(world, state, "c-missing-firm") == 0


# ----- scopes --------------------------------------------------------------------------------------


def test_firm_and_sector_scopes_bind_what_they_should(content):
    world = make_world(content, list(SCOPES))
    state, a, b, s = staged(world)
    state.stake[:, a, 0] = 0.2
    state.price[:, :] = [1.0, 1.1, 1.7, 0.9]  # ev-makers priciest
    ev.step(world, state)
    assert target(world, state, "s-own-distressed") == s
    assert target(world, state, "s-rival") == b
    assert target(world, state, "s-max") == a
    assert target(world, state, "s-min") == b
    assert target(world, state, "s-held") == a
    assert world.sectors[target(world, state, "s-sector")].id == "ev-makers"
    names = ev.names_for(world, state, world.event_table.events[world.event_table.index["s-rival"]], b, 0)
    assert names["firm"] == "Bright Glass" and names["city"] == "Hillport" and names["my_city"] == "Lakeside"


def test_a_scope_with_no_match_does_not_fire(content):
    world = make_world(content, ["s-own-distressed"])
    state, a, b, s = staged(world)
    state.stage[:, s] = OPERATING
    ev.step(world, state)
    assert fired(world, state, "s-own-distressed") == 0


def test_text_is_plain_substitution_of_known_names_only():
    text = "{firm} in {city} {__class__} {firm.__init__} {0} {date}"
    out = ev.render(text, {"firm": "Aurora", "city": "Lakeside", "date": "2009 Q1"})
    assert out == "Aurora in Lakeside {__class__} {firm.__init__} {0} 2009 Q1"


# ----- effects -------------------------------------------------------------------------------------


def run_one(content, eid, setup=None, n_worlds=1):
    world = make_world(content, [eid])
    state, a, b, s = staged(world, n_worlds)
    if setup:
        setup(state, a, b, s)
    before = state.copy()
    ev.step(world, state)
    assert state.ev_count[:, 0, 0].min() == 1, f"{eid} did not fire"
    return world, before, state, (a, b, s)


def test_add_with_per_books_treasury_money_in_the_ledger(content):
    world, before, state, _ = run_one(content, "e-add-per")
    delta = 0.01 * before.gdp[0, 0]
    assert state.treasury[0, 0] == pytest.approx(before.treasury[0, 0] + delta)
    assert state.ledger[0, 0, K["events"]] == pytest.approx(delta)
    np.testing.assert_allclose(state.treasury - state.treasury_open, state.ledger.sum(axis=2), atol=1e-9)
    assert (state.treasury[:, 1:] == before.treasury[:, 1:]).all()  # rivals untouched


def test_multiply_acts_on_the_bound_firm_only(content):
    world, before, state, (a, b, s) = run_one(content, "e-multiply")
    assert state.capacity_f[0, a] == pytest.approx(0.5 * before.capacity_f[0, a])
    assert state.capacity_f[0, b] == before.capacity_f[0, b]


def test_set_is_clipped_to_the_fields_range(content):
    _, _, state, _ = run_one(content, "e-set-clip")
    assert state.credibility[0, 0] == 1.0


def test_a_sector_field_changes_the_bound_sector(content):
    world, before, state, _ = run_one(content, "e-sector-field")
    s = world.sector_index["batteries"]
    assert state.sentiment[0, s] == pytest.approx(before.sentiment[0, s] + 0.3)
    others = [i for i in range(world.n_sectors) if i != s]
    assert (state.sentiment[0, others] == before.sentiment[0, others]).all()


def test_stake_with_pay_buys_at_the_mark_and_makes_room(content):
    def setup(state, a, b, s):
        state.stake[:, a, 1] = 0.95  # a rival holds almost everything
    world, before, state, (a, *_) = run_one(content, "e-stake-pay", setup)
    assert state.stake[0, a, 0] == pytest.approx(0.1)
    assert state.stake[0, a].sum() <= 1 + 1e-12
    assert state.treasury[0, 0] == pytest.approx(before.treasury[0, 0] - 0.1 * 10.0)
    assert state.cost_basis[0, a, 0] == pytest.approx(1.0)
    assert state.ledger[0, 0, K["equity_investment"]] == pytest.approx(-1.0)


def test_losing_stake_without_pay_writes_off_its_cost(content):
    def setup(state, a, b, s):
        state.stake[:, a, 0] = 0.4
        state.cost_basis[:, a, 0] = 4.0
    world, before, state, (a, *_) = run_one(content, "e-stake-lose", setup)
    assert state.stake[0, a, 0] == pytest.approx(0.3)
    assert state.cost_basis[0, a, 0] == pytest.approx(3.0)
    assert state.written_off[0, 0] == pytest.approx(1.0)


def test_invest_backs_a_prospect_and_rescues_a_distressed_firm(content):
    def prospect(state, a, b, s):
        state.stage[:, a] = PROSPECT
        state.ask[:, a] = 3.0
    world, before, state, (a, *_) = run_one(content, "e-invest", prospect)
    assert state.stage[0, a] == BUILDING
    assert state.stake[0, a, 0] == pytest.approx(world.firm_offered_stake[a])
    assert state.treasury[0, 0] == pytest.approx(before.treasury[0, 0] - 3.0)
    world, before, state, (a, b, s) = run_one(content, "e-rescue")
    assert state.rescued[0, s] and state.cash[0, s] > 0
    assert state.ledger[0, 0, K["rescues"]] < 0


def test_spawn_brings_the_template_as_a_prospect(content):
    world, before, state, _ = run_one(content, "e-spawn")
    f = int(np.nonzero((state.stage[0] == PROSPECT) & (before.stage[0] != PROSPECT))[0][0])
    assert world.spare[f] and world.sectors[world.firm_sector[f]].id == "ev-makers"
    assert world.firm_name(f, int(state.name_index[0, f])) == "NIO China"
    assert state.ask[0, f] == 7.0 and state.offered_stake[0, f] == pytest.approx(0.241)
    assert state.firm_city[0, f] == 0


def test_flags_are_set_and_cleared(content):
    world = make_world(content, ["e-flags", "e-other-flag"])
    state, *_ = staged(world)
    table = world.event_table
    ev.step(world, state)  # e-flags (clears other-flag) runs before e-other-flag sets it
    assert state.flags[0, 0, table.flags.index("test-flag")]
    assert state.flags[0, 0, table.flags.index("other-flag")]
    state.turn += 1
    state.ev_count[:] = 0
    ev.step(world, state)
    assert state.flags[0, 0, table.flags.index("other-flag")]  # set again after the clear


def test_a_modifier_is_undone_after_its_turns(content):
    world = make_world(content, ["e-modifier"])
    state, *_ = staged(world)
    start = float(state.infrastructure[0, 0])
    ev.step(world, state)
    assert state.infrastructure[0, 0] == pytest.approx(start + 0.5)
    state.infrastructure[0, 0] += 0.1  # the economy moves the field meanwhile
    state.turn += 1
    state.ev_count[:] = 0
    state.ev_last[:] = -10  # let it fire again: the modifier is renewed, not stacked
    ev.step(world, state)
    assert state.infrastructure[0, 0] == pytest.approx(start + 0.6)
    state.turn += 2
    state.ev_last[:] = state.turn + 100  # no new firing
    ev.step(world, state)
    assert state.infrastructure[0, 0] == pytest.approx(start + 0.1)


def test_a_multiplying_modifier_is_divided_back(content):
    world = make_world(content, ["e-modifier-x"])
    state, a, *_ = staged(world)
    q = float(state.quality[0, a])
    ev.step(world, state)
    assert state.quality[0, a] == pytest.approx(0.5 * q)
    state.turn += 1
    state.ev_last[:] = state.turn + 100  # no new firing
    ev.step(world, state)
    assert state.quality[0, a] == pytest.approx(q)


def test_a_queued_event_fires_later_with_the_same_binding(content):
    world = make_world(content, ["e-queue", "e-queued"])
    state, a, b, s = staged(world)
    ev.step(world, state)  # e-queue binds Bright Glass (the smallest operating firm)
    assert target(world, state, "e-queue") == b
    cash = float(state.cash[0, b])
    for _ in range(2):
        state.turn += 1
        state.ev_last[:] = state.turn + 100  # e-queue stays quiet
        ev.step(world, state)
    # e-queued's own scope would bind Aurora first; it keeps Bright Glass
    assert fired(world, state, "e-queued") == 1 and target(world, state, "e-queued") == b
    assert state.cash[0, b] == pytest.approx(cash + 1.0)


# ----- once, cooldown, chance -------------------------------------------------------------------------


def test_once_and_cooldown(content):
    world = make_world(content, ["once", "cooldown"])
    state, *_ = staged(world)
    fires = []
    for _ in range(5):
        ev.step(world, state)
        fires.append((fired(world, state, "once"), fired(world, state, "cooldown")))
        state.turn += 1
    assert [f[0] for f in fires] == [1, 1, 1, 1, 1]
    assert [f[1] for f in fires] == [1, 1, 2, 2, 3]


def test_the_dice_steps_say_why_an_event_was_held_back(content):
    """The per-quarter steps a tool can ask one by one: the chance came up, but ``once`` or
    the cooldown held the event back, and ``roll`` (what the tick uses) agrees."""
    world = make_world(content, ["once", "cooldown"])
    state, *_ = staged(world)
    tab = world.event_table
    once, cooldown = tab.index["once"], tab.index["cooldown"]
    ev.step(world, state)  # both fire at turn 2
    state.turn += 1
    t = state.turn
    assert dice.chance_came_up(tab, state, t)[0, 0, [once, cooldown]].all()
    assert not dice.once_allows(tab, state)[0, 0, once]
    assert dice.once_allows(tab, state)[0, 0, cooldown]
    assert not dice.cooled_down(tab, state, t)[0, 0, cooldown]
    assert dice.cooled_down(tab, state, t + 1)[0, 0, cooldown]
    assert not dice.roll(tab, state, t, ~state.over)[[once, cooldown], 0, 0].any()


def test_mtth_is_a_chance_of_one_over_it(content):
    world = make_world(content, ["mtth"])
    assert world.event_table.p[0] == pytest.approx(0.25)
    state, *_ = staged(world, n_worlds=400)
    ev.step(world, state)
    assert 0.15 < state.ev_count[:, 0, 0].mean() < 0.35


# ----- the player's decisions -------------------------------------------------------------------------


def session_with(content, ids):
    """A session whose turn opens on the staged state with the events of that quarter fired
    (as the end of the previous turn would have left it)."""
    world = make_world(content, ids)
    s = Session.start(world)
    staged_state, *_ = staged(world)
    staged_state.turn = s.state.turn
    s.state = staged_state
    ev.step(world, s.state)
    s._open_turn()
    return s


def test_the_player_gets_a_decision_with_its_options_and_effects(content):
    s = session_with(content, ["choice", "e-queued"])
    [pe] = s.pending_events()
    assert pe["key"] == "choice" and pe["title"] == "A choice for Lakeside" and pe["text"] == "Aurora Panels asks."
    labels = [o["label"] for o in pe["options"]]
    assert labels == ["Pay Aurora Panels", "Refuse", "Only when rich"]
    assert [o["offered"] for o in pe["options"]] == [True, True, False]
    assert [o["default"] for o in pe["options"]] == [False, True, False]
    assert pe["options"][0]["effects"][0].startswith("Treasury -¥1.00 bn")
    assert any("Consequences in 1 quarter" in e for e in pe["options"][0]["effects"])
    with pytest.raises(Refused):
        s.choose("choice", 2)  # not on offer
    with pytest.raises(Refused):
        s.choose("no-such-event", 0)
    t0 = float(s.state.treasury[0, 0])
    s.choose("choice", 0)
    assert s.state.treasury[0, 0] == pytest.approx(t0 - 1)
    assert s.pending_events() == []
    assert s.log[s.turn][-1] == {"kind": "choose_event", "event": "choice", "option": 0}
    assert parse_action(s.log[s.turn][-1]) == ChooseEvent(event="choice", option=0)
    with pytest.raises(Refused):
        s.choose("choice", 0)  # answered already
    assert s.undo()  # undo brings the decision back
    assert [p["key"] for p in s.pending_events()] == ["choice"]


def test_a_decision_reads_with_its_names_filled_in(content):
    """The news line of an answered decision names the firm and the city, as the dialog did; the
    action read alone (from a log, with no game at hand) has plain words, never {braces}."""
    s = session_with(content, ["choice", "e-queued"])
    s.choose("choice", 0)
    line = s.news[-1].text
    assert line == "A choice for Lakeside: Pay Aurora Panels"
    alone = ChooseEvent(event="choice", option=0).describe(s.world)
    assert "{" not in alone and "}" not in alone
    assert alone == "A choice for the city: Pay a firm"


def test_a_city_in_fiscal_crisis_is_asked_nothing(content):
    """Its answers would be refused (the province runs its budget), so no dialog asks; the
    event takes its default when the quarter ends."""
    s = session_with(content, ["choice", "e-queued"])
    assert [p["key"] for p in s.pending_events()] == ["choice"]
    s.state.crisis[0, s.player] = True
    assert s.pending_events() == []


def test_an_unanswered_decision_takes_the_default_at_the_turn_end(content):
    s = session_with(content, ["choice", "e-queued"])
    cred = float(s.state.credibility[0, 0])
    news = s.end_turn()
    e = s.world.event_table.index["choice"]
    assert s.state.ev_choice[0, 0, e] == 1
    assert any(n.kind == "event" and "No answer" in n.text and "Refuse" in n.text for n in news)
    assert s.state.credibility[0, 0] < cred


def test_rivals_answer_by_archetype(content):
    cities = list(content.scenario("tutorial").cities)
    cities.append(cities[3].model_copy(update={"id": "copytown", "name": "Copytown", "archetype": "copycat"}))
    world = make_world(content, ["rivals", "rivals-override"], cities=cities)
    state, a, *_ = staged(world)
    e = world.event_table.index["rivals"]
    state.ev_choice[:, world.player, e] = 2  # what the player chose last time
    ev.step(world, state)
    choice = {world.cities[c].archetype: int(state.ev_choice[0, c, e]) for c in range(1, world.n_cities)}
    assert choice == {"herd-chaser": 1, "land-addict": 0, "cautious": 0, "copycat": 2}
    assert not state.ev_pending.any()  # the player is not asked: the event is for rivals
    o = world.event_table.index["rivals-override"]
    assert state.ev_choice[0, world.city_index["millbrook"], o] == 1


def test_a_player_decision_blocks_the_event_until_answered(content):
    world = make_world(content, ["choice", "e-queued"])
    state, *_ = staged(world)
    ev.step(world, state)
    e = world.event_table.index["choice"]
    assert state.ev_pending[0, 0, e] and state.ev_count[0, 0, e] == 1
    state.turn += 1
    ev.step(world, state)  # the default answers it first, then it may fire again
    assert state.ev_choice[0, 0, e] == 1 and state.ev_count[0, 0, e] == 2


# ----- determinism ------------------------------------------------------------------------------------


def test_a_world_alone_equals_the_same_world_in_a_batch_with_events(content):
    world = build_world(content.scenario("hefei-2008"), content.sectors, content.firms)
    turns = 40

    def run(state):
        begin_turn(world, state)
        for t in range(turns):
            BOTS["herd-chaser"](world, state)
            ev.answer_pending(world, state, "herd-chaser", state.world_ids % 2 == 0)
            end_turn(world, state)
            if t + 1 < turns:
                begin_turn(world, state)
        return state

    batch = run(new_state(world, 6, seed=5))
    assert batch.ev_count.sum() > 20 and (batch.ev_choice >= 0).any()
    for k in (0, 3, 5):
        alone = run(new_state(world, 1, seed=5, first_world=k))
        assert state_hash(alone) == state_hash(batch.take([k]))


def test_same_seed_and_choices_give_the_same_game_and_replay(content, tmp_path):
    from game import saves

    world = build_world(content.scenario("classroom"), content.sectors, content.firms)

    def play():
        s = Session.start(world, seed=3)
        while not s.over:
            for pe in s.pending_events():
                offered = [o["index"] for o in pe["options"] if o["offered"]]
                s.choose(pe["key"], offered[-1])
            s.end_turn()
        return s

    a, b = play(), play()
    assert a.hash() == b.hash()
    chosen = [x for turn in a.log for x in turn if x["kind"] == "choose_event"]
    assert len(chosen) >= 3
    saves.save_game(a, "events", tmp_path)
    result = saves.replay("events", content, tmp_path)
    assert result.ok, result.message


def test_events_are_switchable_per_scenario(content):
    off = make_world(content, [])
    assert off.event_table is None and off.n_events == 0
    state, _ = play_batch(off, 4, 8)
    assert state.ev_count.shape[2] == 0
    on = build_world(content.scenario("tutorial"), content.sectors, content.firms)
    assert on.n_events == len(content.events)


def test_scenario_flags_start_every_city(content):
    world = build_world(content.scenario("classroom"), content.sectors, content.firms)
    state = new_state(world, 2)
    g = world.event_table.flags.index("classroom")
    assert state.flags[:, :, g].all()


# ----- the base library -------------------------------------------------------------------------------


def test_every_base_event_fires_in_some_seeded_run():
    """Each scenario against several bots on the same seeds: every event of the base pack
    must fire for some city in some world (the sweep takes a few seconds)."""
    base = load_content()
    seen: set[str] = set()
    for sid in sorted(base.scenarios):
        world = build_world(base.scenario(sid), base.sectors, base.firms)
        for bot in ("pass", "herd-chaser", "patient-industrialist", "land-addict"):
            state, _ = play_batch(world, 48, seed=1, bot=BOTS[bot])
            fired_any = (state.ev_count > 0).any(axis=(0, 1))
            seen |= {e.id for e in world.event_table.events if fired_any[e.index]}
    assert set(base.events) - seen == set()
    assert len(base.events) >= 30


def test_in_hot_seat_every_person_gets_the_decision(content):
    world = make_world(content, ["choice", "e-queued"], cities=[
        c.model_copy(update={"archetype": "cautious"}) if c.id == "hillport" else c
        for c in content.scenario("tutorial").cities])
    s = Session.start(world, humans=[0, 1])
    staged_state, a, b, _ = staged(world)
    staged_state.turn = s.state.turn
    staged_state.human[:] = s.state.human
    s.state = staged_state
    ev.step(world, s.state)
    s._open_turn()
    assert [p["key"] for p in s.pending_events()] == ["choice"]
    [theirs] = s.pending_events(city=1)
    assert theirs["text"] == "Bright Glass asks."  # Hillport's own firm
    s.choose("choice", 0, city=1)
    assert s.pending_events(city=1) == [] and [p["key"] for p in s.pending_events()] == ["choice"]
    assert s.log[s.turn][-1] == {"kind": "choose_event", "event": "choice", "option": 0, "city": 1}
