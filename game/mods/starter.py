"""`architect mods new`: a small working pack to start from — a firm, an event about it and a
short scenario with balance checks, each file pointing its editor at the schemas."""

from __future__ import annotations

from pathlib import Path

from game.content.messages import slug as _slug
from game.mods.schemas import write_schemas


def slug(name: str) -> str:
    """A pack id from a name: "My Pack" -> "my-pack"."""
    return _slug(name) or "my-pack"


def pack_folder(name_or_path: str, parent: Path | None = None) -> tuple[Path, str]:
    """Where `mods new NAME` puts the pack, and the pack's name. NAME is a name ("My pack":
    the folder my-pack/ here, or in ``parent``) or a folder path ("mods/my-pack", "./x",
    "/abs/path/x": that folder, the pack named after its last part)."""
    text = name_or_path.strip()
    looks_like_path = "/" in text or "\\" in text or text.startswith(("~", "."))
    if looks_like_path:
        path = Path(text).expanduser()
        folder = (parent / path) if parent is not None and not path.is_absolute() else path
        return folder, folder.name or "my-pack"
    return (parent or Path(".")) / slug(text), text


def new_pack(folder: Path, name: str) -> list[Path]:
    """A small working pack: a firm, an event and a scenario with expectations, and schemas."""
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} already exists and is not empty")
    pid = slug(name)
    files = {
        "pack.toml": PACK_TEMPLATE.format(id=pid, name=name.replace('"', "'")),
        "firms/lakeside-cells.toml": FIRM_TEMPLATE,
        "events/lakeside-battery-fair.toml": EVENT_TEMPLATE,
        "scenarios/lakeside-batteries.toml": SCENARIO_TEMPLATE,
        "README.md": README_TEMPLATE.format(folder=folder.name, name=name),
    }
    written = []
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    written += write_schemas(folder / "schema")
    return written


PACK_TEMPLATE = """#:schema ./schema/pack.schema.json
id = "{id}"
name = "{name}"
version = "0.1.0"
description = "A starter pack: a battery maker, an event about it and a short scenario."
requires = ["base"]
"""

FIRM_TEMPLATE = """#:schema ../schema/firm.schema.json
# A firm: it arrives as a prospect asking the city for equity. Money in ¥ bn.
id = "lakeside-cells"
name = "Lakeside Cells"
description = "A battery maker with real customers and a modest ask."
sector = "batteries"
city = "lakeside"
stage = "prospect"
arrives_turn = 2
capacity_bn = 3.0
cash_bn = 0.0
quality = 0.65
ask_bn = 1.2
offered_stake = 0.3
"""

EVENT_TEMPLATE = """#:schema ../schema/event.schema.json
# An event: when its trigger holds, it fires with its chance each quarter; the player
# chooses an option. Names of metrics and fields are listed in docs/modding.md.
id = "lakeside-battery-fair"
title = "{firm} shows its cells at a trade fair"
text = \"\"\"
Carmakers crowd {firm}'s stand. Its managers ask whether {my_city} will pay for a bigger \\
stand next year.\"\"\"
severity = "good"
chance = 0.5
once = true
ai_default = 1

[scope]
kind = "firm"
sectors = ["batteries"]
stages = ["ramping", "operating", "listed"]

[trigger]
all = [
    { metric = "firm.capacity_bn", op = ">", value = 1 },
    { metric = "game.turn", op = ">=", value = 4 },
]

[[options]]
label = "Pay for the stand"
effects = [
    { op = "add", field = "city.treasury_bn", value = -0.1 },
    { op = "add", field = "sector.sentiment", value = 0.1 },
]

[[options]]
label = "Let it pay its own way"
effects = []
"""

SCENARIO_TEMPLATE = """#:schema ../schema/scenario.schema.json
# A scenario: the player's city, its rivals, the sectors and firms in play, the events.
id = "lakeside-batteries"
name = "Lakeside batteries"
description = "A short game: Lakeside courts a battery maker while its land boom fades."
difficulty = "easy"
start_year = 2016
turns = 12
seed = 42
player_city = "lakeside"
sectors = ["batteries", "ev-makers"]
firms = ["lakeside-cells"]
events = ["lakeside-battery-fair", "price-war", "talent-poaching"]
victory = "Back the battery maker, keep the treasury above zero, and grow."
land_cycle = [{ year = 2016.0, index = 1.0 }, { year = 2019.0, index = 0.8 }]
macro_growth = [{ year = 2016.0, rate = 0.08 }]

# Balance checks for `architect mods test`:
[[expectations]]
label = "a city that does nothing stays out of a fiscal crisis"
bot = "pass"
worlds = 10
metric = "city.crisis"
op = "=="
value = 0

[[expectations]]
label = "the trade fair comes to a city that backs the battery maker"
bot = "patient-industrialist"
worlds = 20
event = "lakeside-battery-fair"
at_least = 1

[[cities]]
id = "lakeside"
name = "Lakeside"
archetype = "player"
gdp_bn = 120.0
population_m = 3.5
treasury_bn = 10.0
land_bank_ha = 3000.0
land_price_bn_per_ha = 0.04
land_absorption_ha = 80.0
tax_take = 0.085
transfers_share = 0.025
spending_share = 0.105

[[cities]]
id = "hillport"
name = "Hillport"
archetype = "herd-chaser"
gdp_bn = 150.0
population_m = 4.0
treasury_bn = 12.0
land_bank_ha = 3000.0
land_price_bn_per_ha = 0.04
"""

README_TEMPLATE = """# {name}

A content pack for Industrial Architect, made with `architect mods new`.

    architect mods validate {folder}        # every problem, with file, line and key
    architect mods test {folder}            # the scenario's expectations, played headless
    architect --mods {folder} play --scenario lakeside-batteries

Point your editor at the schemas: each TOML file starts with a `#:schema` line that taplo
and Even Better TOML read. See docs/modding.md in the game for every field and metric.
"""
