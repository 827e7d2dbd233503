"""Write the bundled example exports (synthetic; fixed seed).

Two fictional housing areas, Nørrevang and Solhøjparken, survey their
partnership partners every year from 2022 to 2024, 40-60 respondents per area
and round. The numbers carry a story:

* resident representatives rate *equality* far below the municipality in
  2022; a shared decision forum set up in 2023 lifts equality for everyone
  from 2023 to 2024, most for residents and volunteers, so the gap narrows;
* *resident voice* follows the same path, a little behind;
* *time and resources* stays in the concern zone for everyone;
* *trust* grows slowly in both areas, more slowly in Solhøjparken;
* the police take part with two people per area and round, so their group
  is below the anonymity threshold in every round and suppressed; businesses
  take part now and then, too few to show even over all rounds.

Every file holds the same responses:

* ``partnerskab_2022-2024.xlsx``: a Microsoft Forms export in Danish (ID,
  start and completion time, e-mail and name columns, statements as headers,
  label answers, "Ved ikke");
* ``partnerskab_2022-2024.csv``: a semicolon-separated cp1252 CSV with numeric
  codes (6 = "Ved ikke") and ``Stem - Statement`` headers.

Both also hold the four relation grids of the instrument (``Stem - Target``
headers): every partner rates how much influence each actor type has, how much
it should have, how much they trust it and how valuable the collaboration with
it is. The municipality holds more influence than the others think right in
2022 and 2023 (less so in 2024, after the decision forum) and rates its own
influence lower than the others do; residents and volunteers have less influence
than partners think right; trust rises over the years, least towards the police.
The relation answers come from a random stream of their own, so the other
columns are the same as before they were added.

A few rows carry what real exports carry: one respondent answered only
"Ved ikke", one answered too few items to score, one cell holds a stray "?".

``areas/<area>/<round>.xlsx`` holds twelve more fictional areas, one Microsoft
Forms export per area and round (18-30 respondents each, no area or round
column: they come from the folder and file names), for ``partnerkit areas``.
Havnevænget's partners share decision power unusually well, Møllehøj has a
trust problem, and Toftegården improves on every dimension from round to round.

``partnerskab_lang_2017-2024.csv`` is a long series for ``trend --over-time``: the
same two areas every year from 2017 to 2024 (8 rounds, 30-40 respondents per area
and year, codes as in the CSV above, a ``Respondent-ID`` column). Fifteen partners
per area answer in most years under the same id (linked respondents: their own
level stays with them), the others answer once. Trust grows steadily in Nørrevang
(about 0.12 points a year) and slowly in Solhøjparken; equality rises from 2020,
when the decision forum starts; time and resources stay flat in the concern zone.

``../netvaerk/netvaerk_2024.xlsx`` (with the instrument ``netvaerk.toml`` beside it;
a folder of its own, so that ``partnerkit score data/examples`` reads surveys of one
instrument) is one round of a
partnership of ten named organisations: 71 partners name their organisation
("Organisationens navn", some by an alias) and rate their trust in each
organisation. The police, the kindergarten and the childminders have fewer than
five respondents, so they rate only inside their actor type's other organisations. The
municipality's two departments, the housing company and the tenants' board trust
each other much; everyone trusts the police less, and the police's trust in the
tenants' board is not returned.

Run ``python data/examples/generate.py [FOLDER]`` to write them again.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from partnerkit.instrument import load_instrument  # noqa: E402

SEED = 20221130
AREAS = ("Nørrevang", "Solhøjparken")
ROUNDS = (2022, 2023, 2024)
LEVELS = ("Bestyrelse/ledelse", "Styregruppe", "Medarbejder/følgegruppe")
#: actor id -> respondents per area and round (min, max)
ACTORS = {
    "municipality": (9, 13),
    "housing": (9, 12),
    "school": (6, 9),
    "volunteer": (5, 8),
    "resident": (9, 13),
    "police": (2, 2),
    "business": (0, 1),
}
BASE = {  # dimension means on 1-5 for an average partner in 2022
    "shared_purpose": 3.7,
    "equality": 3.5,
    "trust": 3.4,
    "understanding": 3.5,
    "learning": 3.6,
    "coordination": 3.5,
    "resident_voice": 3.4,
    "leadership": 3.8,
    "resources": 2.7,
    "value": 3.8,
}
COMMENTS = (
    "Godt samarbejde i arbejdsgruppen.",
    "Vi mangler tid til at mødes.",
    "Beboerne bør inddrages tidligere.",
    "Mere opfølgning på aftaler.",
)


def effect(dim: str, actor: str, area: str, round_: int) -> float:
    """The story: shifts from the base mean by actor, area and round."""
    t = ROUNDS.index(round_)
    shift = 0.0
    if dim == "equality":
        shift += {"municipality": 0.7, "housing": 0.4, "resident": -0.9, "volunteer": -0.4}.get(
            actor, 0.0
        )
        if round_ == 2024:  # the decision forum of 2023 shows: everyone, residents most
            shift += 0.25 + (0.6 if actor in ("resident", "volunteer") else 0.0)
        if actor in ("resident", "volunteer"):
            shift += 0.15 * t  # and the gap narrows a little every year
    if dim == "resident_voice":
        shift += {"municipality": 0.4, "resident": -0.7, "volunteer": -0.3}.get(actor, 0.0)
        if actor in ("resident", "volunteer"):
            shift += 0.2 * t
    if dim == "trust":
        shift += (0.2 if area == "Nørrevang" else 0.08) * t
    if dim == "coordination" and actor == "housing":
        shift += 0.4
    if dim == "learning" and area == "Solhøjparken":
        shift -= 0.3
    if dim == "leadership" and actor == "municipality":
        shift += 0.2
    return shift


def simulate(rng: np.random.Generator) -> pd.DataFrame:
    inst = load_instrument()
    rows = []
    respondent = 0
    for round_ in ROUNDS:
        for area in AREAS:
            for actor, (lo, hi) in ACTORS.items():
                for _ in range(rng.integers(lo, hi + 1)):
                    respondent += 1
                    general = rng.normal(0, 0.45)
                    row = {
                        "round": round_,
                        "area": area,
                        "actor": actor,
                        "level": rng.choice(LEVELS, p=[0.25, 0.3, 0.45]),
                    }
                    for dim in inst.dimensions:
                        mu = BASE[dim.id] + effect(dim.id, actor, area, round_) + general
                        mu += rng.normal(0, 0.45)
                        for item in dim.items:
                            agree = int(np.clip(np.rint(mu + rng.normal(0, 0.55)), 1, 5))
                            value = 6 - agree if item.reverse else agree
                            if rng.random() < 0.04:
                                value = 6  # Ved ikke
                            elif rng.random() < 0.015:
                                value = 0  # left blank
                            row[item.id] = value
                    rows.append(row)
    frame = pd.DataFrame(rows)
    items = list(inst.item_ids)
    # Real-world blemishes, one of each (row positions fixed by the seed):
    frame.loc[7, items] = 6  # answered only "Ved ikke": no item answered
    frame.loc[19, items] = 0  # too few items to score any dimension:
    frame.loc[19, ["trust_1", "value_2", "learning_3"]] = [4, 4, 3]
    frame.loc[33, "coordination_2"] = -9  # a stray "?" in the export
    return frame


#: Relation stories: mean rating of each target by the others in 2022, and its change per round
INFLUENCE = {  # target -> (2022, change per round)
    "municipality": (4.4, -0.2), "housing": (4.0, 0.0), "police": (2.6, 0.0),
    "school": (2.9, 0.0), "volunteer": (2.2, 0.15), "resident": (2.1, 0.3), "business": (1.8, 0.0),
}  # fmt: skip
DESIRED = {
    "municipality": (3.6, 0.0), "housing": (3.9, 0.0), "police": (2.8, 0.0),
    "school": (3.3, 0.0), "volunteer": (3.2, 0.0), "resident": (3.9, 0.0), "business": (2.2, 0.0),
}  # fmt: skip
TRUST = {
    "municipality": (3.1, 0.3), "housing": (3.4, 0.25), "police": (2.9, 0.1),
    "school": (3.5, 0.2), "volunteer": (3.6, 0.2), "resident": (3.3, 0.25), "business": (3.0, 0.1),
}  # fmt: skip
VALUE = {
    "municipality": (3.9, 0.1), "housing": (4.0, 0.1), "police": (3.0, 0.05),
    "school": (3.5, 0.1), "volunteer": (3.3, 0.1), "resident": (3.6, 0.15), "business": (2.5, 0.0),
}  # fmt: skip
RELATION_STORY = {
    "influence": INFLUENCE, "influence_desired": DESIRED, "trust": TRUST, "value": VALUE
}  # fmt: skip


def relation_answer(relation: str, rater: str, target: str, t: int) -> float:
    """The mean answer of a rater type about a target type in round ``t`` (0, 1, 2)."""
    base, change = RELATION_STORY[relation][target]
    mu = base + change * t
    if rater == target:
        if relation == "influence" and rater == "municipality":
            mu -= 0.9  # the municipality sees its own influence as smaller than others do
        elif relation in ("trust", "value"):
            mu += 0.4  # partners trust their own kind
        elif relation == "influence_desired" and rater == "resident":
            mu += 0.4
    if relation == "trust" and rater == "resident" and target == "municipality":
        mu -= 0.5 - 0.15 * t  # residents distrust the municipality, less every year
    return mu


def simulate_relations(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Answers (codes 1-5, 6 = Ved ikke, 0 = blank) to the relation grids of every row."""
    inst = load_instrument()
    t = frame["round"].map({r: i for i, r in enumerate(ROUNDS)}).to_numpy()
    out = {}
    for relation in inst.relations:
        person = rng.normal(0, 0.35, len(frame))  # a rater's leniency on this question
        for target in relation.targets:
            mu = np.array(
                [
                    relation_answer(relation.id, rater, target, step)
                    for rater, step in zip(frame["actor"], t, strict=True)
                ]
            )
            value = np.clip(np.rint(mu + person + rng.normal(0, 0.6, len(frame))), 1, 5)
            unknown = rng.random(len(frame)) < (0.3 if target == "business" else 0.05)
            value[unknown] = 6
            value[rng.random(len(frame)) < 0.01] = 0
            out[relation.column(target)] = value.astype(int)
    codes = pd.DataFrame(out, index=frame.index)
    codes.loc[7] = 6  # the row answering only "Ved ikke" does so here too
    return codes


def relation_headers(lang: str = "da") -> dict[str, str]:
    """``Stem - Target`` header of every relation cell."""
    inst = load_instrument()
    actors = {a.id: a for a in inst.actors}
    return {
        relation.column(target): f"{relation.stem_text(lang)} - {actors[target].label(lang)}"
        for relation in inst.relations
        for target in relation.targets
    }


def timestamps(rng, rounds: pd.Series) -> tuple[list[datetime], list[datetime]]:
    """Start and completion times in March of each response's round."""
    minutes = rng.integers(0, 60 * 24 * 20, len(rounds))
    seconds = rng.integers(200, 900, len(rounds))
    begins = [
        datetime(int(r), 3, 1, 8, 0) + timedelta(minutes=int(m))
        for r, m in zip(rounds, minutes, strict=True)
    ]
    ends = [b + timedelta(seconds=int(s)) for b, s in zip(begins, seconds, strict=True)]
    return begins, ends


def forms_xlsx(
    frame: pd.DataFrame, rng: np.random.Generator, path: Path, relations: pd.DataFrame
) -> None:
    """Microsoft Forms, Danish export: label answers, statements as headers."""
    inst = load_instrument()
    labels = {p: inst.scale.name(p, "da") for p in inst.scale.points}
    labels |= {6: "Ved ikke", 0: None, -9: "?"}
    begins, ends = timestamps(rng, frame["round"])
    out = pd.DataFrame(
        {
            "ID": np.arange(1, len(frame) + 1),
            "Starttidspunkt": begins,
            "Fuldførelsestidspunkt": ends,
            "Mail": [f"partner{i:03d}@example.dk" for i in range(1, len(frame) + 1)],
            "Navn": [f"Partner {i}" for i in range(1, len(frame) + 1)],
            "Boligområde": frame["area"],
            "Runde": frame["round"],
            "Aktørtype": frame["actor"].map({a.id: a.label("da") for a in inst.actors}),
            "Rolle": frame["level"],
        }
    )
    for item in inst.items:
        out[item.label("da")] = frame[item.id].map(labels)
    inst_rel = {r.id: r for r in inst.relations}
    for column, header in relation_headers().items():
        scale = inst_rel[column.split(":")[0]].scale
        names = {p: scale.name(p, "da") for p in scale.points} | {6: "Ved ikke", 0: None}
        out[header] = relations[column].map(names)
    comment = rng.random(len(frame)) < 0.15
    out["Kommentar"] = np.where(comment, rng.choice(COMMENTS, len(frame)), None)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        out.to_excel(writer, sheet_name="Sheet1", index=False)


def codes_csv(frame: pd.DataFrame, path: Path, relations: pd.DataFrame) -> None:
    """Semicolon-separated cp1252 CSV with numeric codes (6 = Ved ikke)."""
    inst = load_instrument()
    out = pd.DataFrame(
        {
            "Respondent": np.arange(1, len(frame) + 1),
            "Boligområde": frame["area"],
            "År": frame["round"],
            "Aktørtype": frame["actor"].map({a.id: a.label("da") for a in inst.actors}),
            "Rolle": frame["level"],
        }
    )
    for item in inst.items:
        header = f"Hvor enig er du i følgende? - {item.label('da')}"
        out[header] = frame[item.id].replace({0: None}).astype("Int64")
    for column, header in relation_headers().items():
        out[header] = relations[column].replace({0: None}).astype("Int64")
    out.to_csv(path, sep=";", encoding="cp1252", index=False)


AREAS_MANY = (
    "Birkelunden", "Engbakken", "Havnevænget", "Kildeparken", "Lindegården", "Møllehøj",
    "Skovparken", "Strandhusene", "Toftegården", "Vestervang", "Østergården", "Åparken",
)  # fmt: skip
AREA_STORY = {  # dimension shifts of an area's partnership, on top of the common story
    "Havnevænget": {"equality": 0.6, "resident_voice": 0.4},
    "Møllehøj": {"trust": -0.7, "understanding": -0.3},
}


def simulate_areas(rng: np.random.Generator) -> dict[tuple[str, int], pd.DataFrame]:
    """Responses per (area, round) for the areas folder."""
    inst = load_instrument()
    out = {}
    for area in AREAS_MANY:
        offsets = {d.id: rng.normal(0, 0.15) for d in inst.dimensions}
        for d, shift in AREA_STORY.get(area, {}).items():
            offsets[d] += shift
        for round_ in ROUNDS:
            n = int(rng.integers(18, 31))
            actors = rng.choice(
                ["municipality", "housing", "school", "volunteer", "resident", "police"],
                n,
                p=[0.22, 0.2, 0.16, 0.14, 0.22, 0.06],
            )
            rows = []
            for actor in actors:
                general = rng.normal(0, 0.45)
                row = {"actor": actor, "level": rng.choice(LEVELS, p=[0.25, 0.3, 0.45])}
                for dim in inst.dimensions:
                    mu = BASE[dim.id] + effect(dim.id, actor, "Nørrevang", round_) + general
                    mu += offsets[dim.id] + rng.normal(0, 0.45)
                    if area == "Toftegården":
                        mu += 0.35 * ROUNDS.index(round_) - 0.3
                    for item in dim.items:
                        agree = int(np.clip(np.rint(mu + rng.normal(0, 0.55)), 1, 5))
                        value = 6 - agree if item.reverse else agree
                        if rng.random() < 0.04:
                            value = 6
                        row[item.id] = value
                rows.append(row)
            frame = pd.DataFrame(rows)
            frame["round"] = round_
            out[(area, round_)] = frame
    return out


def areas_folder(frames: dict, rng: np.random.Generator, folder: Path) -> int:
    """One Danish Microsoft Forms export per area and round, without area or round columns."""
    inst = load_instrument()
    labels = {p: inst.scale.name(p, "da") for p in inst.scale.points} | {6: "Ved ikke"}
    count = 0
    for (area, round_), frame in frames.items():
        begins, ends = timestamps(rng, frame["round"])
        out = pd.DataFrame(
            {
                "ID": np.arange(1, len(frame) + 1),
                "Starttidspunkt": begins,
                "Fuldførelsestidspunkt": ends,
                "Mail": "anonymous",
                "Navn": None,
                "Aktørtype": frame["actor"].map({a.id: a.label("da") for a in inst.actors}),
                "Rolle": frame["level"],
            }
        )
        for item in inst.items:
            out[item.label("da")] = frame[item.id].map(labels)
        path = folder / area / f"{round_}.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        out.to_excel(path, index=False, sheet_name="Sheet1")
        count += len(frame)
    return count


YEARS_LONG = tuple(range(2017, 2025))


def simulate_long(rng: np.random.Generator) -> pd.DataFrame:
    """Eight yearly rounds of two areas, with a panel of linked respondents."""
    inst = load_instrument()
    actors = ["municipality", "housing", "school", "volunteer", "resident"]
    panel = {  # id -> (area, actor, own level): answers in most years
        f"{area[:2].upper()}-{i:02d}": (area, actors[i % len(actors)], rng.normal(0, 0.45))
        for area in AREAS
        for i in range(1, 16)
    }
    rows = []
    fresh = 0
    for year in YEARS_LONG:
        t = year - YEARS_LONG[0]
        for area in AREAS:
            people = [(pid, a, g) for pid, (ar, a, g) in panel.items()
                      if ar == area and rng.random() < 0.8]  # fmt: skip
            for _ in range(int(rng.integers(18, 26))):
                fresh += 1
                people.append((f"R{fresh:04d}", str(rng.choice(actors)), rng.normal(0, 0.45)))
            for pid, actor, general in people:
                row = {"id": pid, "round": year, "area": area, "actor": actor}
                for dim in inst.dimensions:
                    mu = BASE[dim.id] + general + rng.normal(0, 0.4)
                    if dim.id == "trust":
                        mu += (0.12 if area == "Nørrevang" else 0.04) * t - 0.3
                    if dim.id == "equality":
                        mu += 0.15 * max(0, year - 2020) - (0.5 if actor == "resident" else 0)
                    for item in dim.items:
                        agree = int(np.clip(np.rint(mu + rng.normal(0, 0.55)), 1, 5))
                        value = 6 - agree if item.reverse else agree
                        if rng.random() < 0.04:
                            value = 6
                        row[item.id] = value
                rows.append(row)
    return pd.DataFrame(rows)


def long_csv(frame: pd.DataFrame, path: Path) -> None:
    """The long series as a semicolon-separated cp1252 CSV with numeric codes."""
    inst = load_instrument()
    out = pd.DataFrame(
        {
            "Respondent-ID": frame["id"],
            "Boligområde": frame["area"],
            "År": frame["round"],
            "Aktørtype": frame["actor"].map({a.id: a.label("da") for a in inst.actors}),
        }
    )
    for item in inst.items:
        out[f"Hvor enig er du i følgende? - {item.label('da')}"] = frame[item.id].astype("Int64")
    out.to_csv(path, sep=";", encoding="cp1252", index=False)


def main(out: Path = HERE) -> None:
    rng = np.random.default_rng(SEED)
    frame = simulate(rng)
    # the relation grids draw from a stream of their own: the other columns stay as they were
    relations = simulate_relations(frame, np.random.default_rng(SEED + 2))
    forms_xlsx(frame, rng, out / "partnerskab_2022-2024.xlsx", relations)
    codes_csv(frame, out / "partnerskab_2022-2024.csv", relations)
    print(f"wrote {len(frame)} responses to {out}")
    area_rng = np.random.default_rng(SEED + 1)  # its own stream: the files above stay as they are
    count = areas_folder(simulate_areas(area_rng), area_rng, out / "areas")
    print(f"wrote {count} responses in {len(AREAS_MANY) * len(ROUNDS)} files to {out / 'areas'}")
    write_long(out)
    write_network(NETWORK_DIR if out == HERE else out / "netvaerk")


NETWORK_DIR = HERE.parent / "netvaerk"
#: organisation id -> respondents in the network example
NETWORK = {
    "social": 10, "boern": 8, "vestbo": 12, "afdeling": 10, "politi": 2, "skolen": 8,
    "kloeveren": 3, "dagplejen": 4, "spiren": 8, "lektiecafe": 6,
}  # fmt: skip
#: how much each organisation is trusted on average (1-5)
TRUSTED = {
    "social": 3.9, "boern": 3.8, "vestbo": 4.1, "afdeling": 3.9, "politi": 2.7,
    "skolen": 3.6, "kloeveren": 3.5, "dagplejen": 3.3, "spiren": 3.5, "lektiecafe": 3.4,
}  # fmt: skip
#: the strong core: these trust each other more
CORE = {"social", "boern", "vestbo", "afdeling"}


def write_network(out: Path) -> None:
    """The named-organisation example (its own random stream)."""
    rng = np.random.default_rng(SEED + 3)
    inst = load_instrument(NETWORK_DIR / "netvaerk.toml")
    orgs = {o.id: o for o in inst.organisations}
    raters = [org for org, count in NETWORK.items() for _ in range(count)]
    rng.shuffle(raters)
    rows = []
    relation = inst.relation("trust")
    for i, rater in enumerate(raters):
        named = orgs[rater]
        # some write their organisation by an alias, as people do
        name = named.aliases[0] if named.aliases and rng.random() < 0.3 else named.label("da")
        row = {"ID": i + 1, "Organisationens navn": name}
        leniency = rng.normal(0, 0.3)
        for item in ("trust_1", "trust_2"):
            row[item] = int(np.clip(np.rint(3.6 + leniency + rng.normal(0, 0.7)), 1, 5))
        for target, org in orgs.items():
            mu = TRUSTED[target] + leniency
            if rater in CORE and target in CORE:
                mu += 0.4
            if rater == target:
                mu += 0.5
            if rater == "politi" and target == "afdeling":
                mu += 0.8  # the police trust the tenants' board; it is not returned
            value = int(np.clip(np.rint(mu + rng.normal(0, 0.6)), 1, 5))
            if rng.random() < 0.02:  # Ved ikke, rarely here
                value = 6
            row[f"{relation.stem_text('da')} - {org.label('da')}"] = value
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame = frame.rename(
        columns={"trust_1": inst.items[0].text["da"], "trust_2": inst.items[1].text["da"]}
    )
    out.mkdir(parents=True, exist_ok=True)
    path = out / "netvaerk_2024.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="Sheet1", index=False)
    print(f"wrote {len(frame)} responses of {len(orgs)} named organisations to {path}")


def write_long(out: Path = HERE) -> None:
    """Only the long series (its own random stream: the other files stay as they are)."""
    frame = simulate_long(np.random.default_rng(SEED + 2))
    long_csv(frame, out / "partnerskab_lang_2017-2024.csv")
    print(f"wrote {len(frame)} responses of {len(YEARS_LONG)} rounds to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
