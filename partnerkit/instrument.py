"""The instrument model: scale, answer labels, dimensions and items.

An instrument is a TOML file (schema in ``docs/instrument.md``). Loading
validates it completely; every problem names the file and the key.
Nothing here imports pandas, so the model is cheap to load.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

from .errors import InstrumentError
from .i18n import Joined, Message, half_up, in_lang
from .text import CONTROL, norm, norm_header

DEFAULT_INSTRUMENT = "partnerskab"
LANGUAGES = ("da", "en")
ROLES = ("actor", "round", "area", "respondent", "organisation")
SECTORS = ("public", "housing", "civil_society", "private", "other")
#: Answer texts that mean "no answer" on every scale, whatever the instrument declares
#: (SurveyXact, SPSS and the platforms write them in Danish, Norwegian and English).
DONT_KNOW = "Don't know"
BUILTIN_MISSING = (DONT_KNOW, "Ved ikke", "Vet ikke", "Ikke relevant", "Not applicable")

#: Header aliases of the role columns, built in; an instrument's ``[columns]`` adds to them.
DEFAULT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "actor": (
        "Aktørtype",
        "Aktør",
        "Organisation",
        "Organisationstype",
        "Type af organisation",
        "Actor",
        "Actor type",
        "Organisation type",
        "Organization",
        "Organization type",
    ),
    "round": ("Runde", "År", "Måling", "Round", "Wave", "Year", "Survey round"),
    "area": ("Boligområde", "Område", "Helhedsplan", "Area", "Housing area", "Estate"),
    "respondent": ("ID", "Respondent", "Respondent ID", "Respondent-ID", "Respondentnummer"),
    # a named organisation (of an instrument's [[organisations]]); "Organisation" alone is
    # the actor type's header, as it is in most exports
    "organisation": (
        "Organisationens navn",
        "Navn på organisation",
        "Din organisation",
        "Organisation name",
        "Organization name",
        "Your organisation",
        "Named organisation",
    ),
}


@dataclass(frozen=True)
class Item:
    """One statement of the instrument."""

    id: str
    text: Mapping[str, str]
    reverse: bool = False
    aliases: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return _pick(self.text, lang)


@dataclass(frozen=True)
class Dimension:
    """A group of items scored together."""

    id: str
    name: Mapping[str, str]
    description: Mapping[str, str]
    items: tuple[Item, ...]
    short: Mapping[str, str] = field(default_factory=dict)  # for narrow table headers

    def label(self, lang: str) -> str:
        return _pick(self.name, lang)

    def short_label(self, lang: str) -> str:
        return _pick(self.short, lang) if self.short else self.label(lang)


@dataclass(frozen=True)
class Actor:
    """An actor type with its sector."""

    id: str
    name: Mapping[str, str]
    sector: str
    aliases: tuple[str, ...] = ()
    short: Mapping[str, str] = field(default_factory=dict)  # for narrow table headers

    def label(self, lang: str) -> str:
        return _pick(self.name, lang)

    def short_label(self, lang: str) -> str:
        return _pick(self.short, lang) if self.short else self.label(lang)


@dataclass(frozen=True)
class Organisation:
    """A named organisation of the partnership (``[[organisations]]``), of one actor type."""

    id: str
    name: Mapping[str, str]
    actor: str  # the actor type's id
    aliases: tuple[str, ...] = ()
    short: Mapping[str, str] = field(default_factory=dict)

    def label(self, lang: str) -> str:
        return _pick(self.name, lang)

    def short_label(self, lang: str) -> str:
        return _pick(self.short, lang) if self.short else self.label(lang)


@dataclass(frozen=True)
class Relation:
    """A grid question whose statements are actor types: each rater rates each target.

    A column of the survey holds one (relation, target) cell; its id is
    :meth:`column` (``"influence:municipality"``), never an item id.
    """

    id: str
    name: Mapping[str, str]
    stem: Mapping[str, str]
    scale: Scale
    targets: tuple[str, ...]  # actor ids, or organisation ids with ``organisations``
    organisations: bool = False  # targets are the instrument's [[organisations]]
    compares: str | None = None  # the relation this desired one is paired with
    kind: str = "rating"  # "influence", "desired", "trust", "value" or "rating"
    short: Mapping[str, str] = field(default_factory=dict)

    def label(self, lang: str) -> str:
        return _pick(self.name, lang)

    def stem_text(self, lang: str) -> str:
        return _pick(self.stem, lang)

    def column(self, target: str) -> str:
        return f"{self.id}{RELATION_SEP}{target}"

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.column(t) for t in self.targets)


#: between a relation's id and its target's in the survey's column of one cell
RELATION_SEP = ":"
RELATION_KINDS = ("influence", "desired", "trust", "value", "rating")


@dataclass(frozen=True)
class Scale:
    """The answer scale; codes ``min``..``max`` run from worst to best unless ``descending``."""

    min: int
    max: int
    favourable: float
    missing_codes: tuple[float, ...] = ()
    labels: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    missing_labels: tuple[str, ...] = ()
    names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    descending: bool = False

    @property
    def points(self) -> range:
        return range(self.min, self.max + 1)

    def reverse(self, value: float) -> float:
        """Reverse-key one value on the declared scale: ``min + max - value``."""
        return self.min + self.max - value

    @cached_property
    def text_codes(self) -> Mapping[str, float]:
        """Normalised answer text to code; "don't know" texts map to NaN."""
        codes: dict[str, float] = {norm(t): math.nan for t in BUILTIN_MISSING}
        codes |= {norm(t): math.nan for t in self.missing_labels}
        for lang_names in self.names.values():
            for key, text in lang_names.items():
                codes[norm(text)] = math.nan if key == "missing" else float(key)
        for point, texts in self.labels.items():
            for t in texts:
                codes[norm(t)] = float(point)
        return codes

    def name(self, point: int | str, lang: str) -> str:
        """Display text of a scale point (or ``"missing"``) in ``lang``."""
        names = self.names.get(lang) or next(iter(self.names.values()), {})
        key = str(point)
        if key in names:
            return names[key]
        if key == "missing":
            return self.missing_labels[0] if self.missing_labels else "?"
        labels = self.labels.get(int(point), ())
        return labels[0] if labels else key


@dataclass(frozen=True)
class Zones:
    """Lower bounds of the zones a mean falls in; below ``attention`` is a concern."""

    strength: float
    attention: float

    def of(self, mean: float) -> str | None:
        """The zone of ``mean`` as shown (:func:`~partnerkit.i18n.half_up`): 3.996 is 4.00, a
        strength; 2.9999999999999996 is a mean of 3.

        >>> Zones(4.0, 3.0).of(3.996), Zones(4.0, 3.0).of(3.994)
        ('strength', 'attention')
        """
        if mean != mean:  # NaN
            return None
        mean = float(half_up(mean))
        if mean >= self.strength:
            return "strength"
        return "attention" if mean >= self.attention else "concern"

    def carried(self, source, target) -> Zones:
        """The same bounds on another scale (a relation's own), placed proportionally:
        4.0 and 3.0 on 1-5 are 4.0 and 3.0 on 1-5, 3.25 and 2.5 on 1-4.

        >>> Zones(4.0, 3.0).carried(Scale(1, 5, 3.0), Scale(1, 4, 2.5))
        Zones(strength=3.25, attention=2.5)
        """
        factor = (target.max - target.min) / (source.max - source.min)
        return Zones(
            strength=target.min + (self.strength - source.min) * factor,
            attention=target.min + (self.attention - source.min) * factor,
        )


@dataclass(frozen=True)
class Instrument:
    """A validated instrument. Build it with :func:`load_instrument`."""

    id: str
    version: str
    language: str
    title: Mapping[str, str]
    scale: Scale
    zones: Zones
    dimensions: tuple[Dimension, ...]
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    actors: tuple[Actor, ...] = ()
    min_n: int | None = None
    protection: float | None = None  # scale points; None: a quarter of the scale's range
    dominance: bool = False  # hide groups whose answers are all the same (privacy.pattern)
    source: str = "<memory>"
    focus: str | None = None  # the dimension compared by sector in `gaps` (shared power)
    relations: tuple[Relation, ...] = ()
    organisations: tuple[Organisation, ...] = ()

    def relation(self, relation_id: str) -> Relation:
        return next(r for r in self.relations if r.id == relation_id)

    @cached_property
    def relation_columns(self) -> tuple[str, ...]:
        """Every (relation, target) column id, in instrument order."""
        return tuple(c for r in self.relations for c in r.columns)

    def label(self, lang: str) -> str:
        return _pick(self.title, lang)

    @cached_property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for dim in self.dimensions for item in dim.items)

    @cached_property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @cached_property
    def dimension_ids(self) -> tuple[str, ...]:
        return tuple(dim.id for dim in self.dimensions)

    def dimension(self, dimension_id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == dimension_id)

    @cached_property
    def role_aliases(self) -> Mapping[str, tuple[str, ...]]:
        """Header aliases per role: the instrument's first, then the built-in ones."""
        return {role: (*self.columns.get(role, ()), *DEFAULT_COLUMNS[role]) for role in ROLES}

    @cached_property
    def actor_lookup(self) -> Mapping[str, Actor]:
        """Normalised actor name or alias (any language) to the actor."""
        return _lookup(self.actors)

    @cached_property
    def organisation_lookup(self) -> Mapping[str, Organisation]:
        """Normalised organisation name or alias (any language) to the organisation."""
        return _lookup(self.organisations)

    def named(self, target: str) -> Actor | Organisation:
        """The actor type or organisation a relation's target id names."""
        found = next((a for a in self.actors if a.id == target), None)
        return found or next(o for o in self.organisations if o.id == target)


# --------------------------------------------------------------------- loading


def list_instruments() -> list[str]:
    """Names of the instruments bundled with partnerkit."""
    folder = resources.files("partnerkit") / "instruments"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_instrument(spec: str | Path | None = None) -> Instrument:
    """Load a bundled instrument by name, or an instrument TOML file by path.

    Parameters
    ----------
    spec
        ``None`` for the default instrument ``partnerskab``, a bundled name, or a path.

    Raises
    ------
    InstrumentError
        When the file is missing or invalid; the message names the file and key.

    Examples
    --------
    >>> inst = load_instrument()
    >>> inst.id, len(inst.dimensions), len(inst.items)
    ('partnerskab', 10, 30)
    """
    source, text = _instrument_text(spec)
    data = _parse_toml(source, text)
    problems: list[Problem] = []
    instrument = _build(data, source, problems)
    if problems or instrument is None:
        first = problems[0] if problems else Problem("", Message("problem.invalid"))
        more = (
            Message("error.instrument.more", count=len(problems) - 1, source=source)
            if len(problems) > 1
            else ""
        )
        problem = Joined([first.key, first.message], ": ") if first.key else first.message
        raise InstrumentError(
            Message("error.instrument", source=source, problem=problem, more=more)
        )
    return instrument


def check_instrument(spec: str | Path) -> list[Problem]:
    """Every problem of an instrument file at once (empty when it is valid)."""
    source, text = _instrument_text(spec)
    try:
        data = _parse_toml(source, text)
    except InstrumentError as exc:
        return [Problem("", exc.message.values["problem"])]
    problems: list[Problem] = []
    _build(data, source, problems)
    return problems


def _instrument_text(spec: str | Path | None) -> tuple[str, str]:
    name = DEFAULT_INSTRUMENT if spec is None else str(spec)
    if name in list_instruments():
        path = resources.files("partnerkit") / "instruments" / f"{name}.toml"
        return name, path.read_text(encoding="utf-8")
    path = Path(name)
    if not path.is_file():
        raise InstrumentError(
            Message("error.no_instrument", name=name, bundled=", ".join(list_instruments()))
        )
    try:
        return str(path), path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InstrumentError(
            Message("error.instrument_unreadable", path=path, problem=exc)
        ) from exc


def _parse_toml(source: str, text: str) -> dict:
    from .tomltext import TomlProblem, loads

    try:
        return loads(text)
    except TomlProblem as exc:
        raise InstrumentError(
            Message("error.instrument_toml", source=source, problem=exc.args[0])
        ) from None


@dataclass(frozen=True)
class Problem:
    """One problem in an instrument: the key it concerns and what is wrong."""

    key: str
    message: str

    def text(self, lang: str = "en") -> str:
        """The problem in ``lang``: the key, then what is wrong with it."""
        message = str(in_lang(self.message, lang))
        return f"{self.key}: {message}" if self.key else message

    def __str__(self) -> str:
        return self.text()


#: item ids that would overwrite the survey's own columns: the role columns, the sector,
#: and the row and file bookkeeping (``survey.ROW_COLUMN``, ``survey.SOURCE_COLUMN``)
RESERVED_IDS = (*ROLES, "sector", "_row", "_source")

#: the most points a scale may have (0-100)
MAX_SCALE_POINTS = 101


def control_problem(text: str) -> str | None:
    found = CONTROL.search(text)
    if found:
        return Message("problem.control", code=ord(found.group()))
    return None


#: the smallest min_n accepted from any source (command line, instrument, project file)
MIN_N_FLOOR = 1


def min_n_problem(value: object) -> str | None:
    """What is wrong with ``value`` as a min_n, in the same words for every source."""
    if isinstance(value, bool) or not isinstance(value, int) or value < MIN_N_FLOOR:
        return Message("problem.min_n", floor=MIN_N_FLOOR, value=value)
    return None


def protection_problem(value: object, scale: Scale | None = None) -> str | None:
    """What is wrong with ``value`` as a protection width (scale points), in the same
    words for every source: positive, and at most the scale's range."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        return Message("problem.protection", value=value)
    if scale is not None and value > scale.max - scale.min:
        return Message(
            "problem.protection_range",
            range=scale.max - scale.min,
            lo=scale.min,
            hi=scale.max,
            value=value,
        )
    return None


def dominance_problem(value: object) -> str | None:
    """What is wrong with ``value`` as the dominance switch."""
    return None if isinstance(value, bool) else Message("problem.bool", value=value)


class _Checker:
    """Reads values out of the parsed TOML, recording problems instead of raising."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems

    def add(self, key: str, message: str) -> None:
        self.problems.append(Problem(key, message))

    def table(self, data: Mapping, key: str, where: str, required: bool = False) -> Mapping:
        value = data.get(key)
        if value is None:
            if required:
                self.add(_join(where, key), Message("problem.missing_table"))
            return {}
        if not isinstance(value, Mapping):
            self.add(_join(where, key), Message("problem.table", kind=_kind(value)))
            return {}
        return value

    def string(self, data: Mapping, key: str, where: str, default: str | None = None) -> str | None:
        value = data.get(key, default)
        if value is None:
            self.add(_join(where, key), Message("problem.missing"))
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str) or not value.strip():
            self.add(_join(where, key), Message("problem.text", kind=_kind(value)))
            return None
        if control_problem(value):
            self.add(_join(where, key), control_problem(value))
            return None
        return value.strip()

    def number(self, data: Mapping, key: str, where: str, default=None, integer=False):
        value = data.get(key, default)
        if value is None:
            self.add(_join(where, key), Message("problem.missing"))
            return None
        ok = isinstance(value, int) if integer else isinstance(value, int | float)
        if isinstance(value, bool) or not ok:
            wanted = "problem.integer" if integer else "problem.number"
            self.add(_join(where, key), Message(wanted, value=value))
            return None
        return value

    def strings(self, data: Mapping, key: str, where: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(_join(where, key), Message("problem.texts", value=value))
            return ()
        for v in value:
            if control_problem(v):
                self.add(_join(where, key), control_problem(v))
                return ()
        return tuple(v for v in value if v.strip())

    def texts(self, data: Mapping, key: str, where: str, languages: tuple[str, ...]):
        """A ``key.<lang>`` table; every language of the instrument must be present."""
        value = data.get(key)
        if isinstance(value, str):  # one text for all languages
            if control_problem(value):
                self.add(_join(where, key), control_problem(value))
                return {}
            return dict.fromkeys(languages, value)
        if not isinstance(value, Mapping) or not value:
            self.add(_join(where, key), Message("problem.missing_texts"))
            return {}
        out = {}
        for lang, text in value.items():
            if not isinstance(text, str) or not text.strip():
                self.add(_join(where, f"{key}.{lang}"), Message("problem.empty_text"))
            elif control_problem(text):
                self.add(_join(where, f"{key}.{lang}"), control_problem(text))
            else:
                out[lang] = text.strip()
        for lang in languages:
            if lang not in value:
                self.add(_join(where, key), Message("problem.missing_lang", lang=lang))
        return out

    def unknown(self, data: Mapping, allowed: set[str], where: str) -> None:
        for key in data:
            if key not in allowed:
                allowed_keys = ", ".join(sorted(allowed))
                self.add(_join(where, key), Message("problem.unknown_key", allowed=allowed_keys))


_TOP_KEYS = {"id", "version", "language", "title", "min_n", "scale", "zones", "columns", "focus"}
_TOP_KEYS |= {"actors", "dimensions", "protection", "dominance", "relations", "organisations"}


def _build(data: Mapping, source: str, problems: list[Problem]) -> Instrument | None:
    c = _Checker(problems)
    c.unknown(data, _TOP_KEYS, "")
    inst_id = c.string(data, "id", "")
    version = c.string(data, "version", "", default="1")
    language = c.string(data, "language", "", default="da") or "da"
    title_raw = data.get("title")
    languages = tuple(title_raw) if isinstance(title_raw, Mapping) and title_raw else (language,)
    if language not in languages:
        c.add("language", Message("problem.language_title", language=language))
    title = c.texts(data, "title", "", languages)
    min_n = None
    if "min_n" in data:
        problem = min_n_problem(data["min_n"])
        if problem:
            c.add("min_n", problem)
        else:
            min_n = data["min_n"]
    scale = _build_scale(c, c.table(data, "scale", "", required=True), languages)
    zones = _build_zones(c, c.table(data, "zones", ""), scale)
    protection = data.get("protection")
    if protection is not None and protection_problem(protection, scale):
        c.add("protection", protection_problem(protection, scale))
    dominance = data.get("dominance", False)
    if dominance_problem(dominance):
        c.add("dominance", dominance_problem(dominance))
    columns = _build_columns(c, c.table(data, "columns", ""))
    actors = _build_actors(c, data.get("actors", []), languages)
    dimensions = _build_dimensions(c, data.get("dimensions"), languages)
    dim_ids = [d.id for d in dimensions]
    focus = data.get("focus", "equality" if "equality" in dim_ids else None)
    if "focus" in data and focus not in dim_ids:
        c.add("focus", Message("problem.focus", focus=focus, ids=", ".join(dim_ids)))
    role_names = {
        norm_header(name): role
        for role in ROLES
        for name in (*columns.get(role, ()), *DEFAULT_COLUMNS[role])
    }
    for d, dimension in enumerate(dimensions):
        for i, item in enumerate(dimension.items):
            role = role_names.get(norm_header(item.id))
            if role and item.id.casefold() not in RESERVED_IDS:
                c.add(
                    f"dimensions[{d}].items[{i}].id",
                    Message("problem.item_role_header", item=item.id, role=role),
                )
    organisations = _build_organisations(c, data.get("organisations", []), languages, actors)
    relations = _build_relations(
        c, data.get("relations", []), languages, scale, actors, organisations
    )
    if problems or scale is None or zones is None:
        return None
    return Instrument(
        id=inst_id or "",
        version=version or "",
        language=language,
        title=title,
        scale=scale,
        zones=zones,
        dimensions=dimensions,
        columns=columns,
        actors=actors,
        min_n=min_n,
        protection=protection,
        dominance=dominance,
        source=source,
        focus=focus,
        relations=relations,
        organisations=organisations,
    )


def _build_scale(c: _Checker, data: Mapping, languages) -> Scale | None:
    if not data:
        return None
    c.unknown(
        data,
        {"min", "max", "favourable", "missing_codes", "labels", "names", "direction"},
        "scale",
    )
    lo = c.number(data, "min", "scale", integer=True)
    hi = c.number(data, "max", "scale", integer=True)
    if lo is None or hi is None:
        return None
    if lo >= hi:
        c.add("scale", Message("problem.scale_order", lo=lo, hi=hi))
        return None
    if hi - lo + 1 > MAX_SCALE_POINTS:
        c.add(
            "scale",
            Message("problem.scale_size", lo=lo, hi=hi, points=hi - lo + 1, most=MAX_SCALE_POINTS),
        )
        return None
    fav = c.number(data, "favourable", "scale", default=(lo + hi) // 2 + 1)
    if fav is not None and not lo <= fav <= hi:
        c.add("scale.favourable", Message("problem.on_scale", lo=lo, hi=hi, value=fav))
    missing_codes = data.get("missing_codes", [])
    if not isinstance(missing_codes, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in missing_codes
    ):
        c.add("scale.missing_codes", Message("problem.numbers", value=missing_codes))
        missing_codes = []
    for code in missing_codes:
        if lo <= code <= hi and float(code).is_integer():
            c.add("scale.missing_codes", Message("problem.code_on_scale", code=code, lo=lo, hi=hi))
    direction = data.get("direction", "ascending")
    if direction not in ("ascending", "descending"):
        c.add("scale.direction", Message("problem.direction", value=direction))

    labels: dict[int, tuple[str, ...]] = {}
    missing_labels: tuple[str, ...] = ()
    seen: dict[str, str] = {}
    for key, value in c.table(data, "labels", "scale").items():
        where = f"scale.labels.{key}"
        texts = c.strings({key: value}, key, "scale.labels")
        if key == "missing":
            missing_labels = texts
        elif not (key.lstrip("-").isdigit() and lo <= int(key) <= hi):
            c.add(where, Message("problem.label_key", lo=lo, hi=hi))
            continue
        else:
            labels[int(key)] = texts
        for text in texts:
            other = seen.setdefault(norm(text), key)
            if other != key:
                c.add(where, Message("problem.label_twice", text=text, other=other))

    names: dict[str, dict[str, str]] = {}
    for lang, table in c.table(data, "names", "scale").items():
        if not isinstance(table, Mapping):
            c.add(f"scale.names.{lang}", Message("problem.names_table"))
            continue
        names[lang] = {}
        for key, text in table.items():
            if key != "missing" and not (key.lstrip("-").isdigit() and lo <= int(key) <= hi):
                c.add(f"scale.names.{lang}.{key}", Message("problem.names_key", lo=lo, hi=hi))
            elif not isinstance(text, str) or not text.strip():
                c.add(f"scale.names.{lang}.{key}", Message("problem.empty_text"))
            else:
                names[lang][key] = text.strip()
                other = seen.get(norm(text))
                if other is not None and other != key:
                    c.add(
                        f"scale.names.{lang}.{key}",
                        Message("problem.name_twice", text=text, other=other),
                    )
    if fav is None:
        return None
    return Scale(
        min=lo,
        max=hi,
        favourable=float(fav),
        missing_codes=tuple(float(v) for v in missing_codes),
        labels=labels,
        missing_labels=missing_labels,
        names=names,
        descending=direction == "descending",
    )


def _build_zones(c: _Checker, data: Mapping, scale: Scale | None) -> Zones | None:
    if scale is None:
        return None
    c.unknown(data, {"strength", "attention"}, "zones")

    def default(bound_on_1_to_5: float) -> float:  # scale the 1-5 defaults to this scale
        return scale.min + (bound_on_1_to_5 - 1) * (scale.max - scale.min) / 4

    strength = c.number(data, "strength", "zones", default=default(4.0))
    attention = c.number(data, "attention", "zones", default=default(3.0))
    if strength is None or attention is None:
        return None
    for key, value in (("strength", strength), ("attention", attention)):
        if not scale.min <= value <= scale.max:
            c.add(
                f"zones.{key}",
                Message("problem.off_scale", value=value, lo=scale.min, hi=scale.max),
            )
    if attention >= strength:
        c.add("zones", Message("problem.zone_order", attention=attention, strength=strength))
    return Zones(strength=float(strength), attention=float(attention))


def _build_columns(c: _Checker, data: Mapping) -> dict[str, tuple[str, ...]]:
    c.unknown(data, set(ROLES), "columns")
    return {role: c.strings(data, role, "columns") for role in ROLES if role in data}


def _build_actors(c: _Checker, data, languages) -> tuple[Actor, ...]:
    # Short form: [actors] "Varde Kommune" = "public"
    if isinstance(data, Mapping):
        actors = []
        for label, sector in data.items():
            if sector not in SECTORS:
                c.add(f"actors.{label}", Message("problem.sector", sectors=", ".join(SECTORS)))
            actors.append(Actor(id=label, name=dict.fromkeys(languages, label), sector=sector))
        return tuple(actors)
    if not isinstance(data, list):
        c.add("actors", Message("problem.actors"))
        return ()
    actors = []
    ids: set[str] = set()
    for i, entry in enumerate(data):
        where = f"actors[{i}]"
        if not isinstance(entry, Mapping):
            c.add(where, Message("problem.must_table"))
            continue
        c.unknown(entry, {"id", "name", "short", "sector", "aliases"}, where)
        actor_id = c.string(entry, "id", where)
        sector = entry.get("sector", "other")
        if sector not in SECTORS:
            c.add(
                f"{where}.sector",
                Message("problem.one_of", allowed=", ".join(SECTORS), value=sector),
            )
        if actor_id in ids:
            c.add(f"{where}.id", Message("problem.duplicate_actor", id=actor_id))
        ids.add(actor_id or "")
        actors.append(
            Actor(
                id=actor_id or "",
                name=c.texts(entry, "name", where, languages),
                sector=sector,
                aliases=c.strings(entry, "aliases", where),
                short=c.texts(entry, "short", where, languages) if "short" in entry else {},
            )
        )
    return tuple(actors)


def _build_dimensions(c: _Checker, data, languages) -> tuple[Dimension, ...]:
    if not isinstance(data, list) or not data:
        c.add("dimensions", Message("problem.no_dimensions"))
        return ()
    dims: list[Dimension] = []
    dim_ids: set[str] = set()
    item_where: dict[str, str] = {}
    texts_seen: dict[str, str] = {}
    for d, entry in enumerate(data):
        where = f"dimensions[{d}]"
        if not isinstance(entry, Mapping):
            c.add(where, Message("problem.must_table"))
            continue
        c.unknown(entry, {"id", "name", "short", "description", "items"}, where)
        dim_id = c.string(entry, "id", where)
        if dim_id in dim_ids:
            c.add(f"{where}.id", Message("problem.duplicate_dimension", id=dim_id))
        dim_ids.add(dim_id or "")
        name = c.texts(entry, "name", where, languages)
        description = entry.get("description", {})
        description = c.texts(entry, "description", where, languages) if description else {}
        raw_items = entry.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            c.add(f"{where}.items", Message("problem.no_items"))
            raw_items = []
        items = []
        for i, raw in enumerate(raw_items):
            iw = f"{where}.items[{i}]"
            if not isinstance(raw, Mapping):
                c.add(iw, Message("problem.must_table"))
                continue
            c.unknown(raw, {"id", "text", "reverse", "aliases"}, iw)
            item_id = c.string(raw, "id", iw)
            if item_id is not None and item_id.casefold() in RESERVED_IDS:
                c.add(
                    f"{iw}.id",
                    Message("problem.reserved_id", item=item_id, reserved=", ".join(RESERVED_IDS)),
                )
            if item_id is not None and item_id in item_where:
                c.add(
                    f"{iw}.id", Message("problem.item_twice", item=item_id, at=item_where[item_id])
                )
            item_where.setdefault(item_id or "", iw)
            reverse = raw.get("reverse", False)
            if not isinstance(reverse, bool):
                c.add(f"{iw}.reverse", Message("problem.bool", value=reverse))
                reverse = False
            text = c.texts(raw, "text", iw, languages)
            for t in text.values():
                other = texts_seen.setdefault(norm_header(t), iw)
                if other != iw:
                    c.add(f"{iw}.text", Message("problem.same_text", other=other))
            items.append(
                Item(
                    id=item_id or "",
                    text=text,
                    reverse=reverse,
                    aliases=c.strings(raw, "aliases", iw),
                )
            )
        short = c.texts(entry, "short", where, languages) if "short" in entry else {}
        dims.append(Dimension(dim_id or "", name, description, tuple(items), short))
    return tuple(dims)


_RELATION_KEYS = {"id", "name", "short", "stem", "scale", "targets", "compares", "kind"}


def _build_organisations(c: _Checker, data, languages, actors) -> tuple[Organisation, ...]:
    """``[[organisations]]``: the partnership's named organisations, each of an actor type."""
    if not isinstance(data, list):
        c.add("organisations", Message("problem.list_of", table="organisations"))
        return ()
    lookup = _lookup(actors)
    actor_ids = {a.id for a in actors}
    out: list[Organisation] = []
    ids: set[str] = set()
    for i, entry in enumerate(data):
        where = f"organisations[{i}]"
        if not isinstance(entry, Mapping):
            c.add(where, Message("problem.must_table"))
            continue
        c.unknown(entry, {"id", "name", "short", "actor", "aliases"}, where)
        org_id = c.string(entry, "id", where) or ""
        if org_id in ids:
            c.add(f"{where}.id", Message("problem.duplicate_organisation", id=org_id))
        if org_id in actor_ids:
            c.add(f"{where}.id", Message("problem.organisation_actor_id", id=org_id))
        if RELATION_SEP in org_id:
            c.add(f"{where}.id", Message("problem.separator", sep=RELATION_SEP))
        ids.add(org_id)
        raw = entry.get("name")
        name = (
            dict.fromkeys(languages, raw)
            if isinstance(raw, str) and raw.strip()
            else c.texts(entry, "name", where, languages)
        )
        actor_raw = entry.get("actor")
        actor = lookup.get(norm_header(actor_raw)) if isinstance(actor_raw, str) else None
        if actor is None:
            declared = ", ".join(a.id for a in actors) or Message("problem.none_declared")
            c.add(
                f"{where}.actor",
                Message("problem.actor_type", actors=declared, value=actor_raw),
            )
        out.append(
            Organisation(
                id=org_id,
                name=name,
                actor=actor.id if actor else "",
                aliases=c.strings(entry, "aliases", where),
                short=c.texts(entry, "short", where, languages) if "short" in entry else {},
            )
        )
    return tuple(out)


def _build_relations(
    c: _Checker, data, languages, scale, actors, organisations=()
) -> tuple[Relation, ...]:
    """``[[relations]]``: grid questions rating actor types (or named organisations)."""
    if not isinstance(data, list):
        c.add("relations", Message("problem.list_of", table="relations"))
        return ()
    out: list[Relation] = []
    ids: set[str] = set()
    actor_ids = [a.id for a in actors]
    organisations_declared = organisations
    for r, entry in enumerate(data):
        where = f"relations[{r}]"
        if not isinstance(entry, Mapping):
            c.add(where, Message("problem.must_table"))
            continue
        c.unknown(entry, _RELATION_KEYS, where)
        rel_id = c.string(entry, "id", where) or ""
        if rel_id in ids:
            c.add(f"{where}.id", Message("problem.duplicate_relation", id=rel_id))
        if RELATION_SEP in rel_id:
            c.add(f"{where}.id", Message("problem.separator", sep=RELATION_SEP))
        ids.add(rel_id)
        name = c.texts(entry, "name", where, languages)
        stem = c.texts(entry, "stem", where, languages)
        short = c.texts(entry, "short", where, languages) if "short" in entry else {}
        own = entry.get("scale")
        rel_scale = scale
        if own is not None:
            if not isinstance(own, Mapping):
                c.add(f"{where}.scale", Message("problem.scale_table"))
            else:
                sub: list[Problem] = []
                rel_scale = _build_scale(_Checker(sub), own, languages)
                for p in sub:
                    c.add(f"{where}.{p.key}", p.message)
        kind = entry.get("kind", rel_id if rel_id in RELATION_KINDS else "rating")
        if kind not in RELATION_KINDS:
            c.add(
                f"{where}.kind",
                Message("problem.one_of", allowed=", ".join(RELATION_KINDS), value=kind),
            )
        targets_raw = entry.get("targets", "actors")
        organisations = targets_raw == "organisations"
        targets: tuple[str, ...] = ()
        if targets_raw == "actors":
            targets = tuple(actor_ids)
        elif isinstance(targets_raw, list) and all(isinstance(x, str) for x in targets_raw):
            lookup = {norm_header(t): a.id for a in actors for t in (a.id, *a.name.values())}
            lookup |= {norm_header(t): a.id for a in actors for t in a.aliases}
            found = []
            for text in targets_raw:
                actor = lookup.get(norm_header(text))
                if actor is None:
                    c.add(
                        f"{where}.targets",
                        Message("problem.not_actor", text=text, actors=", ".join(actor_ids)),
                    )
                elif actor not in found:
                    found.append(actor)
            targets = tuple(found)
        elif not organisations:
            c.add(
                f"{where}.targets",
                Message("problem.targets", value=targets_raw),
            )
        if not organisations and not targets:
            c.add(f"{where}.targets", Message("problem.no_actor_targets"))
        if organisations:
            targets = tuple(o.id for o in organisations_declared)
            if not targets:
                c.add(f"{where}.targets", Message("problem.no_organisation_targets"))
        compares = entry.get("compares")
        out.append(
            Relation(
                id=rel_id,
                name=name,
                stem=stem,
                scale=rel_scale or scale,
                targets=targets,
                organisations=organisations,
                compares=compares,
                kind=kind if kind in RELATION_KINDS else "rating",
                short=short,
            )
        )
    by_id = {r.id: r for r in out}
    for r, rel in enumerate(out):
        if rel.compares is None:
            continue
        other = by_id.get(rel.compares) if isinstance(rel.compares, str) else None
        if other is None or other is rel:
            c.add(f"relations[{r}].compares", Message("problem.compares", value=rel.compares))
        elif other.targets != rel.targets or other.scale.points != rel.scale.points:
            c.add(f"relations[{r}].compares", Message("problem.compares_other", other=other.id))
    return tuple(out)


def _lookup(named) -> dict:
    """Normalised id, names and aliases of actor types or organisations to each."""
    lookup: dict = {}
    for one in named:
        for text in (one.id, *one.name.values(), *one.aliases):
            lookup.setdefault(norm_header(text), one)
    return lookup


def _pick(texts: Mapping[str, str], lang: str) -> str:
    if lang in texts:
        return texts[lang]
    return next(iter(texts.values()), "")


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _kind(value: object) -> str:
    return repr(value) if isinstance(value, str | int | float | bool) else type(value).__name__
