"""Texts a board or a respondent sees, in Danish and English.

Messages for analysts (errors, warnings, help) are in English; everything
rendered into tables and reports goes through :func:`t`.
"""

from __future__ import annotations

LANGS = ("da", "en")

_TEXTS: dict[str, tuple[str, str]] = {
    # key: (da, en)
    "scores_by": ("{title}: gennemsnit pr. {keys}", "{title}: mean scores by {keys}"),
    "scores_overall": ("{title}: gennemsnit", "{title}: mean scores"),
    "all_of": ("Alle {key}", "All {key}"),
    "all": ("Alle", "All"),
    "overall": ("Samlet", "Overall"),
    "dimension": ("Dimension", "Dimension"),
    "key.actor": ("aktørtype", "actor type"),
    "key.actor.plural": ("aktørtyper", "actor types"),
    "key.round": ("runde", "round"),
    "key.round.plural": ("runder", "rounds"),
    "key.area": ("boligområde", "housing area"),
    "key.area.plural": ("boligområder", "housing areas"),
    "and": ("og", "and"),
    "zone.strength": ("styrke", "strength"),
    "zone.attention": ("opmærksomhed", "needs attention"),
    "zone.concern": ("bekymring", "concern"),
    "hidden": ("skjult", "hidden"),
    "legend.hidden": (
        "– skjult: færre end {min_n} svar, eller skjult så en lille gruppe ikke kan regnes ud "
        "fra totalerne",
        "– hidden: fewer than {min_n} answers, or hidden so a small group cannot be worked out "
        "from the totals",
    ),
    "legend.cell": (
        "Gennemsnit på skalaen {lo}–{hi} (højere er bedre) og antal besvarelser n.",
        "Mean on the {lo}–{hi} scale (higher is better) and number of respondents n.",
    ),
    "summary.rows": (
        "Læst {read} rækker: {scored} scoret, {excluded} udeladt",
        "Read {read} rows: {scored} scored, {excluded} excluded",
    ),
    "summary.invalid": ("{count} ugyldig(e) celle(r)", "{count} invalid cell(s)"),
    "continued": ("fortsat", "continued"),
    "summary.dropped": (
        "personoplysninger fjernet ({columns})",
        "personal data removed ({columns})",
    ),
    "reason.empty_row": ("tomme rækker", "empty rows"),
    "reason.no_item_answered": ("ingen udsagn besvaret", "no item answered"),
    "reason.duplicate_respondent": ("dubletter", "duplicate respondents"),
    "reason.too_few_items": ("for få udsagn besvaret", "too few items answered"),
    "round": ("Runde", "Round"),
}


def t(text_key: str, lang: str, **values: object) -> str:
    """The text ``text_key`` in ``lang`` (English when the language is unknown)."""
    da, en = _TEXTS[text_key]
    text = da if lang == "da" else en
    return text.format(**values) if values else text


def number(value: float, lang: str, decimals: int = 2) -> str:
    """A number for people: decimal comma in Danish."""
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "da" else text


def key_name(key: str, lang: str, plural: bool = False) -> str:
    """Display name of a grouping key (roles translated, other headers as given)."""
    name = f"key.{key}.plural" if plural else f"key.{key}"
    return t(name, lang) if name in _TEXTS else key


def join_words(words: list[str], lang: str) -> str:
    """``a, b og c`` / ``a, b and c``."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {t('and', lang)} {words[-1]}"
