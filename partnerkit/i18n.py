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
    "merged": ("Andre (samlet)", "Other (merged)"),
    "overall": ("Samlet", "Overall"),
    "dimension": ("Dimension", "Dimension"),
    "key.actor": ("aktørtype", "actor type"),
    "key.actor.plural": ("aktørtyper", "actor types"),
    "key.round": ("runde", "round"),
    "key.round.plural": ("runder", "rounds"),
    "key.area": ("boligområde", "housing area"),
    "key.area.plural": ("boligområder", "housing areas"),
    "and": ("og", "and"),
    "key.sector": ("sektor", "sector"),
    "key.sector.plural": ("sektorer", "sectors"),
    "sector.public": ("Offentlig", "Public"),
    "sector.housing": ("Almen bolig", "Non-profit housing"),
    "sector.civil_society": ("Civilsamfund", "Civil society"),
    "sector.private": ("Privat", "Private"),
    "sector.other": ("Andet", "Other"),
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
    "reason.round_not_selected": ("runder ikke valgt", "rounds not selected"),
    "round": ("Runde", "Round"),
    "comments.title": (
        "Kommentarer (kun fra grupper med mindst {min_n} svar):",
        "Comments (only from groups with at least {min_n} respondents):",
    ),
    "comments.none": ("Ingen kommentarer.", "No comments."),
    # reliability flags
    "flag.low_alpha": (
        "Cronbachs alfa er {alpha}, under {limit}: udsagnene måler måske ikke det samme.",
        "Cronbach's alpha is {alpha}, below {limit}: the items may not measure one thing.",
    ),
    "flag.low_r_drop": (
        "Udsagnet {item_id} hænger svagt sammen med resten af dimensionen "
        "(r = {r}, under {limit}).",
        "Item {item_id} correlates weakly with the rest of the dimension (r = {r}, below {limit}).",
    ),
    "flag.negative_r_drop": (
        "Udsagnet {item_id} trækker den modsatte vej af resten (r = {r}): er det vendt forkert?",
        "Item {item_id} runs against the rest of the dimension (r = {r}): is its reverse-keying "
        "wrong?",
    ),
    "flag.few_respondents": (
        "Kun {n} besvarelser (under {limit}): for få til at vurdere pålideligheden.",
        "Only {n} respondents (fewer than {limit}): too few to judge reliability.",
    ),
    "flag.wide_interval": (
        "Intervallet for alfa er bredt ({low} til {high}): for usikkert til at vurdere.",
        "The interval of alpha is wide ({low} to {high}): too uncertain to judge.",
    ),
    "flag.few_items": (
        "Kun {k} udsagn med svar (under {limit}): alfa er ustabil med så få udsagn.",
        "Only {k} items with answers (fewer than {limit}): alpha is unstable with so few items.",
    ),
    "rel.legend": (
        "α: Cronbachs alfa (parvise kovarianser, som R psych alpha()); 95% CI: Feldt; α std: "
        "standardiseret alfa; r̄: gennemsnitlig korrelation mellem udsagn; n: besvarelser; "
        "k: udsagn.",
        "α: Cronbach's alpha (pairwise covariances, as R psych alpha()); 95% CI: Feldt; α std: "
        "standardised alpha; r̄: mean inter-item correlation; n: respondents; k: items.",
    ),
    "rel.items": (
        "Udsagn|n|gns.|sd|r drop|α uden|% mangler",
        "Item|n|mean|sd|r drop|α if dropped|% missing",
    ),
    # gaps
    "gaps.lower": (
        "{low} vurderer {dimension} {gap} point lavere end {high}.",
        "{low} rates {dimension} {gap} points lower than {high}.",
    ),
    "gaps_title": (
        "{title}: forskelle mellem {between}",
        "{title}: differences between {between}",
    ),
    "gaps.gap": ("Forskel", "Gap"),
    "gaps.focus": ("{dimension} efter sektor", "{dimension} by sector"),
    "gaps.legend": (
        "Forskel: største minus mindste gruppegennemsnit. ⚑ en forskel på mindst {gap} point, "
        "som næppe er tilfældig ({test}, {adjust}-justeret p < {alpha}).",
        "Gap: largest minus smallest group mean. ⚑ a gap of at least {gap} points that is "
        "unlikely to be chance ({test}, {adjust}-adjusted p < {alpha}).",
    ),
    "gaps.none": ("Ingen markerede forskelle.", "No flagged gaps."),
    "test.welch-anova": ("Welchs ANOVA", "Welch's ANOVA"),
    "test.kruskal-wallis": ("Kruskal-Wallis-test", "Kruskal-Wallis test"),
    # areas
    "areas.above": (
        "{area} ligger {diff} point over de andre boligområder på {dimension}.",
        "{area} is {diff} points above the other areas on {dimension}.",
    ),
    "areas.below": (
        "{area} ligger {diff} point under de andre boligområder på {dimension}.",
        "{area} is {diff} points below the other areas on {dimension}.",
    ),
    "areas_title": ("{title}: boligområder side om side", "{title}: housing areas side by side"),
    "areas.area": ("Boligområde", "Area"),
    "areas.rank": ("Nr.", "Rank"),
    "areas.change_title": (
        "Ændring siden forrige runde",
        "Change since the previous round",
    ),
    "areas.focus_title": ("{area} mod de andre boligområder", "{area} against the other areas"),
    "areas.others": ("De andre", "The others"),
    "areas.legend": (
        "Gennemsnit med én decimal; ▲ ▼ ligger mindst {gap} point over/under de andre "
        "boligområder tilsammen, og det er næppe tilfældigt (Welchs t-test, {adjust}-justeret "
        "p < {alpha}). Runde: {rounds}.",
        "Means to one decimal; ▲ ▼ at least {gap} points above/below the other areas pooled, "
        "unlikely to be chance (Welch's t-test, {adjust}-adjusted p < {alpha}). Round: "
        "{rounds}.",
    ),
    "trend.marked": ("næppe tilfældigt", "unlikely to be chance"),
    "areas.latest": ("hvert områdes seneste", "each area's latest"),
    # trend
    "trend.rose": (
        "{dimension} steg {diff} point fra {r_from} til {r_to}, {effect}; næppe tilfældigt.",
        "{dimension} rose {diff} points from {r_from} to {r_to}, {effect}; unlikely to be chance.",
    ),
    "trend.fell": (
        "{dimension} faldt {diff} point fra {r_from} til {r_to}, {effect}; næppe tilfældigt.",
        "{dimension} fell {diff} points from {r_from} to {r_to}, {effect}; unlikely to be chance.",
    ),
    "effect.negligible": ("en ubetydelig effekt ({size})", "a negligible effect ({size})"),
    "effect.small": ("en lille effekt ({size})", "a small effect ({size})"),
    "effect.medium": ("en middelstor effekt ({size})", "a medium effect ({size})"),
    "effect.large": ("en stor effekt ({size})", "a large effect ({size})"),
    "trend_title": ("{title}: udvikling fra runde til runde", "{title}: change between rounds"),
    "trend.legend": (
        "▲ ▼ markerer en ændring fra {compare}, som næppe er tilfældig ({test}, {adjust}-"
        "justeret p < {alpha}); uden pil kan ændringen være tilfældig.",
        "▲ ▼ mark a change from {compare} that is unlikely to be chance ({test}, "
        "{adjust}-adjusted p < {alpha}); no arrow: the change may be chance.",
    ),
    "trend.previous": ("forrige runde", "the previous round"),
    "trend.first": ("første runde", "the first round"),
    "trend.independent": (
        "Runderne er sammenlignet som uafhængige stikprøver (ingen respondent-id forbinder dem).",
        "Rounds were compared as independent samples (no respondent id links them).",
    ),
    "trend.paired": (
        "Parrede sammenligninger, hvor samme respondenter kunne følges: {pairs}.",
        "Paired comparisons where the same respondents could be followed: {pairs}.",
    ),
    "trend.untested": (
        "Ikke testet (færre end 5 svar i en runde): {which}.",
        "Not tested (fewer than 5 respondents in a round): {which}.",
    ),
    "trend.none": (
        "Ingen ændringer, der næppe er tilfældige.",
        "No change that is unlikely to be chance.",
    ),
    "test.welch": ("Welchs t-test", "Welch's t-test"),
    "test.paired-t": ("parret t-test", "paired t-test"),
    "test.mann-whitney": ("Mann-Whitney U-test", "Mann-Whitney U test"),
    "test.wilcoxon": ("Wilcoxons fortegnsrangtest", "Wilcoxon signed-rank test"),
    "test.brunner-munzel": ("Brunner-Munzel-test", "Brunner-Munzel test"),
    "adjust.holm": ("Holm", "Holm"),
    "adjust.bh": ("Benjamini-Hochberg", "Benjamini-Hochberg"),
    "adjust.none": ("ikke", "un"),
    "reliability_title": ("{title}: pålidelighed", "{title}: reliability"),
    "reliability_by": ("{title}: pålidelighed pr. {keys}", "{title}: reliability by {keys}"),
}


def t(text_key: str, lang: str, **values: object) -> str:
    """The text ``text_key`` in ``lang`` (English when the language is unknown)."""
    da, en = _TEXTS[text_key]
    text = da if lang == "da" else en
    return text.format(**values) if values else text


def number(value: float, lang: str, decimals: int = 2) -> str:
    """A number for people: half-up rounding of its decimal value, decimal comma in Danish.

    A mean of exactly 3.575 reads 3.58, whichever way the sum was added up.

    >>> number(3.574999999999999, "da"), number(3.5750000000000006, "en"), number(-0.05, "en", 1)
    ('3,58', '3.58', '-0.1')
    """
    from decimal import ROUND_HALF_UP, Decimal

    exact = Decimal(repr(round(float(value), 9)))
    text = f"{exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):f}"
    return text.replace(".", ",") if lang == "da" else text


def bound(value: float, lang: str) -> str:
    """A zone bound with the decimals it needs: 4.0, 3.25."""
    decimals = 1 if round(value, 1) == round(value, 2) else 2
    return number(value, lang, decimals)


def key_name(key: str, lang: str, plural: bool = False) -> str:
    """Display name of a grouping key (roles translated, other headers as given)."""
    name = f"key.{key}.plural" if plural else f"key.{key}"
    return t(name, lang) if name in _TEXTS else key


def join_words(words: list[str], lang: str) -> str:
    """``a, b og c`` / ``a, b and c``."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {t('and', lang)} {words[-1]}"
