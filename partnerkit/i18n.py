"""Texts a board or a respondent sees, in Danish and English.

Everything rendered into tables and reports goes through :func:`t`. Messages for
analysts (errors, warnings, ``validate``'s report) are :class:`Message` objects: English
text as a ``str`` (the library's messages), and Danish on the command line under
``--lang da``. The command-line help stays English (the Typer convention).
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

LANGS = ("da", "en")

# Symbols every renderer shows next to the texts: a zone's mark (so colour is never the only
# signal) and the mark of a hidden (suppressed) value. One table, so a terminal table, the
# markdown, the HTML report and its charts can never disagree.
ZONE_MARK = {"strength": "●", "attention": "◐", "concern": "○"}
HIDDEN = "–"

_TEXTS: dict[str, tuple[str, str]] = {
    # key: (da, en)
    "scores_by": ("{title}: gennemsnit pr. {keys}", "{title}: mean scores by {keys}"),
    "scores_overall": ("{title}: gennemsnit", "{title}: mean scores"),
    "all_of": ("Alle {key}", "All {key}"),
    "all": ("Alle", "All"),
    "merged": ("Andre (samlet)", "Other (merged)"),
    "not_given": ("(ikke angivet)", "(not given)"),  # a grouping column left empty
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
    "dimension.no_columns": (
        "ingen kolonner til denne dimensions udsagn: forkert --instrument?",
        "no columns for this dimension's items: wrong --instrument?",
    ),
    "dimension.no_columns.short": ("ingen kolonner", "no columns"),
    "legend.hidden": (
        "– n<{min_n} skjult: færre end {min_n} svar; – uden n: skjult for at beskytte en anden "
        "gruppe, så den ikke kan regnes ud af denne eller andre tabeller (eller, med "
        "dominansreglen, fordi alle i gruppen svarede ens)",
        "– n<{min_n} hidden: fewer than {min_n} answers; – without n: hidden to protect another "
        "group, so it cannot be worked out from this or other tables (or, with the dominance "
        "rule, because everyone in the group gave the same answer)",
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
    "rel.one_item": ("ikke defineret (ét udsagn)", "not defined (one item)"),
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
    "gaps.none": (
        "Ingen markerede forskelle blandt de testede.",
        "No flagged gaps among the tested ones.",
    ),
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
    "areas.above_other": (
        "{area} ligger {diff} point over {other} på {dimension}.",
        "{area} is {diff} points above {other} on {dimension}.",
    ),
    "areas.below_other": (
        "{area} ligger {diff} point under {other} på {dimension}.",
        "{area} is {diff} points below {other} on {dimension}.",
    ),
    "areas.model_above": (
        "{area} ligger over gennemsnittet af boligområderne på {dimension}: {estimate} "
        "(95 % CI {low}-{high}) mod {overall}.",
        "{area} is above the mean of the areas on {dimension}: {estimate} "
        "(95% CI {low}-{high}) against {overall}.",
    ),
    "areas.model_below": (
        "{area} ligger under gennemsnittet af boligområderne på {dimension}: {estimate} "
        "(95 % CI {low}-{high}) mod {overall}.",
        "{area} is below the mean of the areas on {dimension}: {estimate} "
        "(95% CI {low}-{high}) against {overall}.",
    ),
    "areas.model_title": (
        "{title}: boligområder i en flerniveaumodel",
        "{title}: housing areas in a multilevel model",
    ),
    "areas.estimate": ("Estimat", "Estimate"),
    "areas.raw": ("Rå", "Raw"),
    "areas.rank_interval": ("Nr. (95 %)", "Rank (95%)"),
    "areas.model_legend": (
        "Metode: flerniveaumodel med et tilfældigt niveau pr. boligområde (REML). Estimatet "
        "vejer områdets egne svar mod spredningen mellem områderne, så små områder ikke "
        "havner øverst eller nederst ved et tilfælde; 95 %-interval og interval for "
        "placeringen. ▲ ▼ over/under gennemsnittet af områderne ({overall}), næppe tilfældigt "
        "({adjust}-justeret p < {alpha}). Skjulte områder indgår ikke i modellen. "
        "Runde: {rounds}.",
        "Method: multilevel model with a random intercept per area (REML). The estimate "
        "weighs the area's own answers against the spread between areas, so small areas do "
        "not top or tail the ranking by chance; 95% interval and rank interval. ▲ ▼ "
        "above/below the mean of the areas ({overall}), unlikely to be chance "
        "({adjust}-adjusted p < {alpha}). Hidden areas take no part in the model. "
        "Round: {rounds}.",
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
        "Gennemsnit med to decimaler; ▲ ▼ ligger mindst {gap} point over/under de andre "
        "boligområder tilsammen, og det er næppe tilfældigt (Welchs t-test, {adjust}-justeret "
        "p < {alpha}). Runde: {rounds}.",
        "Means to two decimals; ▲ ▼ at least {gap} points above/below the other areas pooled, "
        "unlikely to be chance (Welch's t-test, {adjust}-adjusted p < {alpha}). Round: "
        "{rounds}.",
    ),
    "trend.marked": ("næppe tilfældigt", "unlikely to be chance"),
    # instrument show (issue 20: its frame was English only)
    "show.scale": (
        "Skala: {labels}; «{missing}» tæller som manglende.",
        "Scale: {labels}; {missing} is missing.",
    ),
    "show.zones": (
        "Zoner: {strength} ≥ {s}, {attention} ≥ {a}. ↺ markerer et negativt formuleret udsagn.",
        "Zones: {strength} ≥ {s}, {attention} ≥ {a}. ↺ marks a reverse-keyed item.",
    ),
    "show.item": ("Udsagn", "Item"),
    "show.statement": ("Tekst", "Statement"),
    "score.detail": (
        "Overblik. Hver gruppe for sig: {inner} (alle runder samlet) eller {by} (pr. runde).",
        "Overview. Each group on its own: {inner} (all rounds pooled) or {by} (per round).",
    ),
    "areas.latest": ("hvert områdes seneste", "each area's latest"),
    # trend --over-time
    "trajectory.rose.year": (
        "{dimension} er steget {slope} point om året siden {since} (95 % CI {low}-{high}).",
        "{dimension} has risen {slope} points a year since {since} (95% CI {low}-{high}).",
    ),
    "trajectory.fell.year": (
        "{dimension} er faldet {slope} point om året siden {since} (95 % CI {low}-{high}).",
        "{dimension} has fallen {slope} points a year since {since} (95% CI {low}-{high}).",
    ),
    "trajectory.rose.round": (
        "{dimension} er steget {slope} point pr. runde siden {since} (95 % CI {low}-{high}).",
        "{dimension} has risen {slope} points a round since {since} (95% CI {low}-{high}).",
    ),
    "trajectory.fell.round": (
        "{dimension} er faldet {slope} point pr. runde siden {since} (95 % CI {low}-{high}).",
        "{dimension} has fallen {slope} points a round since {since} (95% CI {low}-{high}).",
    ),
    "trajectory_title": (
        "{title}: udvikling over alle runder ({first}-{last})",
        "{title}: trajectory over all rounds ({first}-{last})",
    ),
    "trajectory.per.year": ("pr. år", "a year"),
    "trajectory.per.round": ("pr. runde", "a round"),
    "trajectory.change": ("Ændring", "Change"),
    "trajectory.rounds": ("Runder", "Rounds"),
    "trajectory.legend": (
        "Linje gennem alle svar i de viste runder ({placed}); {model}. ▲ ▼ næppe tilfældigt "
        "({adjust}-justeret p < {alpha}). Søjlerne ▁-█ går fra {low} til {high}.",
        "A line through every answer of the rounds shown ({placed}); {model}. ▲ ▼ unlikely "
        "to be chance ({adjust}-adjusted p < {alpha}). Bars ▁-█ run from {low} to {high}.",
    ),
    "trajectory.placed.year": ("runderne placeret på deres år", "rounds placed on their years"),
    "trajectory.placed.round": (
        "runderne med lige stor afstand",
        "rounds evenly spaced",
    ),
    "trajectory.model.mixed": (
        "samme respondenter er koblet på tværs af runder, så modellen har et tilfældigt "
        "niveau pr. respondent (REML)",
        "respondents are linked across rounds, so the model has a random intercept per "
        "respondent (REML)",
    ),
    "trajectory.model.ols": (
        "ingen kobling af respondenter, så almindelige mindste kvadrater",
        "respondents are not linked, so ordinary least squares",
    ),
    # trend
    "trend.rose": (
        "{dimension} steg {diff} point fra {r_from} til {r_to}, {effect}; næppe tilfældigt.",
        "{dimension} rose {diff} points from {r_from} to {r_to}, {effect}; unlikely to be chance.",
    ),
    "trend.fell": (
        "{dimension} faldt {diff} point fra {r_from} til {r_to}, {effect}; næppe tilfældigt.",
        "{dimension} fell {diff} points from {r_from} to {r_to}, {effect}; unlikely to be chance.",
    ),
    "trend.higher": (
        "{dimension}: flere vurderer højere i {r_to} end i {r_from}, {effect}; næppe tilfældigt.",
        "{dimension}: more respondents rate it higher in {r_to} than in {r_from}, {effect}; "
        "unlikely to be chance.",
    ),
    "trend.lower": (
        "{dimension}: flere vurderer lavere i {r_to} end i {r_from}, {effect}; næppe tilfældigt.",
        "{dimension}: more respondents rate it lower in {r_to} than in {r_from}, {effect}; "
        "unlikely to be chance.",
    ),
    "trend.moved": ("{dimension} {diff}", "{dimension} {diff}"),
    "trend.same": ("{dimension} uændret", "{dimension} unchanged"),
    "note.too_few": (
        "{where}: færre end {n} svar i en runde, ingen test mulig; gennemsnittet ændrede sig: "
        "{moves}.",
        "{where}: fewer than {n} respondents in a round, no test possible; the mean moved: "
        "{moves}.",
    ),
    "note.no_spread": (
        "{where}: alle svarede ens i begge runder (eller ændrede sig lige meget), ingen test "
        "mulig; gennemsnittet ændrede sig: {moves}.",
        "{where}: all answered the same in both rounds (or changed by the same amount), no test "
        "possible; the mean moved: {moves}.",
    ),
    "note.gap_untested": (
        "{where}{dimension}: {reason}; største forskel {gap} point ({high} over {low}), ikke "
        "testet.",
        "{where}{dimension}: {reason}; largest gap {gap} points ({high} above {low}), not tested.",
    ),
    "reason.too_few": (
        "færre end to grupper store nok til en test",
        "fewer than two groups large enough to test",
    ),
    "reason.no_spread": (
        "ingen spredning i svarene, ingen test mulig",
        "no spread in the answers, no test possible",
    ),
    "note.untested_group": (
        "{where}{dimension}: {groups} vises, men er for små til testen (under {n} svar) og "
        "indgår ikke i fundene.",
        "{where}{dimension}: {groups} shown but too small to test (under {n} respondents), "
        "so not part of the findings.",
    ),
    "note.missing_group": (
        "Gruppen {group} (ingen aktørtype angivet) vises, men indgår ikke i test og fund "
        "(--include-missing-group tager den med).",
        "The group {group} (no actor type given) is shown but takes no part in tests and "
        "findings (--include-missing-group keeps it).",
    ),
    "family.bh": (
        "p justeret med Benjamini-Hochberg over alle {m} test i dette output: højst omkring 1 "
        "ud af 20 fund forventes at være tilfældigt.",
        "p adjusted by Benjamini-Hochberg across all {m} tests of this output: at most about 1 "
        "in 20 findings is expected to be chance.",
    ),
    "family.holm": (
        "p justeret med Holm over alle {m} test i dette output: risikoen for bare ét tilfældigt "
        "fund er højst 1 ud af 20.",
        "p adjusted by Holm across all {m} tests of this output: the chance of even one finding "
        "by chance is at most 1 in 20.",
    ),
    "family.none": (
        "p ikke justeret for de {m} test: flere fund kan være tilfældige.",
        "p not adjusted for the {m} tests: several findings may be chance.",
    ),
    "findings.more": ("… og {n} flere: {where}.", "… and {n} more: {where}."),
    "findings.more_in": ("{n} under «{where}»", "{n} under “{where}”"),
    "findings.section.gaps": ("Forskelle mellem aktørtyperne", "Gaps between actor types"),
    "findings.section.trend": ("Ændringer over tid", "Changes over time"),
    "findings.section.areas": ("Boligområderne", "Housing areas"),
    "findings.section.relations": ("Relationer mellem aktørerne", "Relations between actors"),
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
    "trend.none": (
        "Ingen af de testede ændringer er næppe tilfældige.",
        "None of the tested changes is unlikely to be chance.",
    ),
    "test.welch": ("Welchs t-test", "Welch's t-test"),
    "test.paired-t": ("parret t-test", "paired t-test"),
    "test.partial-overlap-t": (
        "t-test for delvist overlappende stikprøver",
        "partially overlapping samples t-test",
    ),
    "test.mann-whitney": ("Mann-Whitney U-test", "Mann-Whitney U test"),
    "test.wilcoxon": ("Wilcoxons fortegnsrangtest", "Wilcoxon signed-rank test"),
    "test.brunner-munzel": ("Brunner-Munzel-test", "Brunner-Munzel test"),
    "adjust.holm": ("Holm", "Holm"),
    "adjust.bh": ("Benjamini-Hochberg", "Benjamini-Hochberg"),
    "adjust.none": ("ikke", "un"),
    "reliability_title": ("{title}: pålidelighed", "{title}: reliability"),
    "reliability_by": ("{title}: pålidelighed pr. {keys}", "{title}: reliability by {keys}"),
    # html report
    "html.contents": ("Indhold", "Contents"),
    "html.respondents": ("{n} besvarelser", "{n} respondents"),
    "html.respondents_total": (
        "{n} besvarelser i alt over {rounds} runder",
        "{n} respondents in all over {rounds} rounds",
    ),
    "html.areas_count": ("{n} boligområder", "{n} housing areas"),
    "report.findings": ("Hovedfund", "Findings"),
    "html.findings.intro": (
        "Forskelle og ændringer, som er store nok og næppe tilfældige. Tallene bag står i "
        "afsnittene nedenfor.",
        "Gaps and changes that are large enough and unlikely to be chance. The numbers behind "
        "them are in the sections below.",
    ),
    "html.findings.none": (
        "Ingen markerede forskelle mellem aktørtyper og ingen ændringer, der næppe er "
        "tilfældige. Det betyder ikke, at alt er ens: se tallene nedenfor.",
        "No flagged gaps between actor types and no change that is unlikely to be chance. "
        "That does not mean everything is equal: see the numbers below.",
    ),
    "html.profile": (
        "Sådan vurderer partnerne partnerskabet",
        "How the partners rate the partnership",
    ),
    "html.profile.intro": (
        "Hver markør er en aktørtypes gennemsnit på en dimension{round}, på skalaen fra "
        "{lo} ({lo_name}) til {hi} ({hi_name}); den sorte streg er alle svar tilsammen. Fra "
        "{strength} regnes en dimension for en styrke, under {attention} for en bekymring.",
        "Each marker is an actor type's mean on a dimension{round}, on the scale from {lo} "
        "({lo_name}) to {hi} ({hi_name}); the black tick is all respondents together. From "
        "{strength} a dimension counts as a strength, below {attention} as a concern.",
    ),
    "html.in_round": (" i runde {round}", " in round {round}"),
    "html.profile.hidden": (
        "{groups} vises ikke: færre end {min_n} svar, så deres gennemsnit kunne afsløre, "
        "hvem der har svaret.",
        "{groups} not shown: fewer than {min_n} answers, so their means could reveal who answered.",
    ),
    "html.profile.partly": (
        "{groups} vises kun på de dimensioner, hvor gruppen kan vises uden at afsløre nogen.",
        "{groups} shown only on the dimensions where the group can be shown without "
        "revealing anyone.",
    ),
    "html.profile.table": (
        "Gennemsnit, zone og antal svar pr. aktørtype",
        "Mean, zone and number of respondents by actor type",
    ),
    "html.gaps": (
        "Hvor ser partnerne forskelligt på samarbejdet?",
        "Where do the partners disagree?",
    ),
    "html.gaps.intro": (
        "Stregen går fra den aktørtype, der vurderer dimensionen lavest, til den, der "
        "vurderer den højest. En stor forskel kan betyde, at partnerne oplever samarbejdet "
        "forskelligt, og er et godt sted at begynde en snak. ⚑ markerer en forskel på mindst "
        "{gap} point, som næppe er tilfældig.",
        "The line runs from the actor type that rates the dimension lowest to the one that "
        "rates it highest. A large gap can mean the partners experience the collaboration "
        "differently, and is a good place to start a conversation. ⚑ marks a gap of at least "
        "{gap} points that is unlikely to be chance.",
    ),
    "html.gaps.table": ("Største forskel pr. dimension", "Largest gap per dimension"),
    "report.highest": ("Højest", "Highest"),
    "report.lowest": ("Lavest", "Lowest"),
    "html.p_adj": ("p (justeret)", "p (adjusted)"),
    "html.trend": ("Udvikling fra runde til runde", "Change between rounds"),
    "html.trend.intro": (
        "Ét lille diagram pr. dimension med gennemsnittet i hver runde ({rounds}): en linje "
        "pr. aktørtype, navngivet ved linjens ende, og alle svar tilsammen i sort. ▲ og ▼ "
        "markerer en ændring fra {compare}, som næppe er tilfældig; små udsving uden "
        "markering kan skyldes, at det ikke er de samme personer, der svarer hvert år.",
        "A small chart per dimension with the mean of each round ({rounds}): a line per "
        "actor type, named at the line's end, and all respondents together in black. ▲ and "
        "▼ mark a change from {compare} that is unlikely to be chance; small moves without a "
        "mark may come from different people answering each year.",
    ),
    "html.trend.table": ("Gennemsnit pr. runde", "Mean per round"),
    "html.trend.actor": (
        "Ændringer inden for en aktørtype, der næppe er tilfældige",
        "Changes within an actor type that are unlikely to be chance",
    ),
    "html.trend.actor.none": (
        "Ingen ændringer inden for en aktørtype, der næppe er tilfældige.",
        "No change within an actor type that is unlikely to be chance.",
    ),
    "html.from": ("Fra", "From"),
    "html.to": ("Til", "To"),
    "html.change": ("Ændring", "Change"),
    "html.areas": ("Boligområderne side om side", "Housing areas side by side"),
    "html.areas.intro": (
        "Diagrammet viser {dimension} i hvert boligområde med et 95% interval; tabellen "
        "viser alle dimensioner med to decimaler. ▲ ▼ markerer et område, der ligger mindst "
        "{gap} point over eller under de andre boligområder tilsammen, og hvor forskellen "
        "næppe er tilfældig. Runde: {rounds}.",
        "The chart shows {dimension} in each housing area with a 95% interval; the table shows "
        "every dimension to two decimals. ▲ ▼ mark an area at least {gap} points above or "
        "below the other areas pooled, by more than chance. Round: {rounds}.",
    ),
    "html.areas.hidden": (
        "{areas} vises ikke i diagrammet: for få svar.",
        "{areas} not shown in the chart: too few answers.",
    ),
    "html.areas.table": (
        "Gennemsnit pr. boligområde og dimension",
        "Mean by housing area and dimension",
    ),
    "html.reliability": ("Måler udsagnene det samme?", "Do the statements measure one thing?"),
    "html.reliability.intro": (
        "Cronbachs alfa viser, om udsagnene i en dimension hænger sammen{round}. Fra "
        "{limit} regnes det normalt for tilstrækkeligt; under det bør dimensionens "
        "gennemsnit læses med forsigtighed.",
        "Cronbach's alpha shows whether the statements of a dimension hang together{round}. "
        "From {limit} it is usually taken as enough; below it, read the dimension's mean with "
        "care.",
    ),
    "html.reliability.table": ("Pålidelighed pr. dimension", "Reliability per dimension"),
    "html.interval": ("95% interval", "95% interval"),
    "html.notes": ("Bemærkninger", "Notes"),
    "report.method": ("Metode", "Method"),
    "html.m.instrument": (
        "Instrument: {name} ({id}, version {version}), {dims} dimensioner med {items} udsagn; "
        "{reversed} udsagn er negativt formuleret og vendes som {lo} + {hi} − svar.",
        "Instrument: {name} ({id}, version {version}), {dims} dimensions of {items} "
        "statements; {reversed} statements are worded negatively and turned as {lo} + {hi} − "
        "answer.",
    ),
    "html.m.scale": (
        "Svarskala: {labels}. «{missing}» og tomme svar tæller som manglende, aldrig som point.",
        "Answer scale: {labels}. “{missing}” and blank answers count as missing, never as points.",
    ),
    "html.m.score": (
        "En respondents score på en dimension er gennemsnittet af de besvarede udsagn, når "
        "mindst halvdelen af dimensionens udsagn er besvaret. En gruppes gennemsnit har et "
        "95% t-interval. Zoner: {zones}.",
        "A respondent's score on a dimension is the mean of the statements answered, when at "
        "least half of the dimension's statements are answered. A group's mean has a 95% "
        "t-interval. Zones: {zones}.",
    ),
    "html.m.anonymity": (
        "Anonymitet: en gruppe med færre end {min_n} svar vises uden gennemsnit, interval og "
        "zone (– n<{min_n}). Tabellerne hænger sammen (en sektor er summen af sine aktørtyper, "
        "Alle summen af alle grupper, et område summen af sine runder), så der skjules også "
        "grupper (– uden n) efter ét mønster for hele målingen, så ingen skjult gruppe kan "
        "regnes ud af tabellerne, heller ikke sammen med andre kørsler. Skjulte "
        "grupper indgår hverken i diagrammer eller i tests af forskelle.",
        "Anonymity: a group with fewer than {min_n} answers shows no mean, interval or zone "
        "(– n<{min_n}). The tables are linked (a sector is the sum of its actor types, All the "
        "sum of every group, an area the sum of its rounds), so further groups are hidden (– "
        "without n) by one pattern for the whole survey, so that no hidden group can be worked "
        "out from the tables, nor together with other runs. Hidden groups take part in neither "
        "the charts nor the tests of gaps.",
    ),
    "html.m.gaps": (
        "Forskelle mellem aktørtyper: {tests} pr. dimension, {adjust}-justeret over "
        "dimensionerne; ⚑ når forskellen er mindst {gap} point og justeret p < {alpha}.",
        "Gaps between actor types: {tests} per dimension, {adjust}-adjusted across the "
        "dimensions; ⚑ when the gap is at least {gap} points and adjusted p < {alpha}.",
    ),
    "html.m.trend": (
        "Ændringer mellem runder: {tests}, {adjust}-justeret, sammenlignet med {compare}; "
        "effektstørrelse Hedges' g. {link}",
        "Changes between rounds: {tests}, {adjust}-adjusted, compared with {compare}; effect "
        "size Hedges' g. {link}",
    ),
    "html.m.areas": (
        "Boligområder: Welchs t-test af hvert område mod de andre tilsammen, "
        "{adjust}-justeret over områder og dimensioner; markeret når forskellen er mindst "
        "{gap} point og justeret p < {alpha}.",
        "Housing areas: Welch's t-test of each area against the other areas pooled, "
        "{adjust}-adjusted across areas and dimensions; marked when the difference is at "
        "least {gap} points and adjusted p < {alpha}.",
    ),
    "html.m.reliability": (
        "Pålidelighed: Cronbachs alfa fra parvise kovarianser (som R psych alpha()) med 95% "
        "interval efter Feldt; markeret under {limit}.",
        "Reliability: Cronbach's alpha from pairwise covariances (as R psych alpha()) with a "
        "95% Feldt interval; flagged below {limit}.",
    ),
    "html.m.snapshot": (
        "Profil, forskelle og pålidelighed bygger på runde {round} ({n} besvarelser); "
        "udviklingen på alle runder.",
        "Profile, gaps and reliability use round {round} ({n} respondents); the change "
        "between rounds uses every round.",
    ),
    "html.m.version": ("Lavet med partnerkit {version}.", "Made with partnerkit {version}."),
    "html.m.files": ("Inddata", "Input files"),
    "report.file": ("Fil", "File"),
    "html.m.warnings": ("Advarsler", "Warnings"),
    # charts of the html report
    "chart.mean_axis": (
        "Gennemsnit ({lo} = {lo_name}, {hi} = {hi_name})",
        "Mean ({lo} = {lo_name}, {hi} = {hi_name})",
    ),
    "chart.profile_title": (
        "Gennemsnit pr. dimension for hver aktørtype",
        "Mean score per dimension for each actor type",
    ),
    "chart.profile_desc": (
        "Prikplot: dimensionerne lodret, gennemsnittet vandret. Én markørform og farve pr. "
        "aktørtype: {groups}. Lodret sort streg: {all}. Baggrunden viser zonerne {zones}.",
        "Dot plot: dimensions down, mean across. One marker shape and colour per actor type: "
        "{groups}. Black vertical tick: {all}. The background shows the zones {zones}.",
    ),
    "chart.trend_title": (
        "Gennemsnit pr. runde, én boks pr. dimension, én linje pr. aktørtype",
        "Mean per round, one panel per dimension, one line per actor type",
    ),
    "chart.trend_desc": (
        "Små linjediagrammer, ét pr. dimension: {dims}. Runderne vandret ({rounds}), "
        "gennemsnittet lodret på hele skalaen {lo}-{hi}. Én linje pr. gruppe, navngivet ved "
        "linjens ende: {groups}; hver har sin farve, sin markør og sin streg. Skjulte runder "
        "er huller i linjen. ▲ eller ▼ efter et navn markerer en ændring, der næppe er "
        "tilfældig.",
        "Small line charts, one per dimension: {dims}. Rounds across ({rounds}), the mean up "
        "on the whole scale {lo}-{hi}. One line per group, named at the line's end: {groups}; "
        "each has its own colour, marker and dash. Hidden rounds are gaps in a line. ▲ or ▼ "
        "after a name marks a change that is unlikely to be chance.",
    ),
    "chart.trend_up": ("steg, næppe tilfældigt", "rose, unlikely to be chance"),
    "chart.trend_down": ("faldt, næppe tilfældigt", "fell, unlikely to be chance"),
    "chart.gaps_title": (
        "Spændet mellem den højeste og den laveste aktørtype pr. dimension",
        "Range from the lowest to the highest actor type per dimension",
    ),
    "chart.gaps_desc": (
        "For hver dimension en vandret streg fra laveste til højeste gruppegennemsnit, med "
        "en prik pr. synlig gruppe og navnene ved enderne. Forskellen står til højre; en "
        "markeret forskel (⚑) er tegnet tyk og mørkeorange.",
        "For each dimension a horizontal line from the lowest to the highest group mean, a "
        "dot per visible group and the names at both ends. The gap is written on the right; "
        "a flagged gap (⚑) is drawn thick in vermillion.",
    ),
    "chart.gaps_range": ("Spænd (ikke markeret)", "Range (not flagged)"),
    "chart.gaps_flag": ("⚑ markeret forskel", "⚑ flagged gap"),
    "chart.gaps_group": ("Gruppegennemsnit", "Group mean"),
    "chart.areas_title": (
        "{dimension}: gennemsnit pr. boligområde",
        "{dimension}: mean per housing area",
    ),
    "chart.areas_desc": (
        "Boligområderne lodret, sorteret efter gennemsnit; vandret gennemsnittet med 95% "
        "interval. ▲ og ▼ markerer et område, der ligger over eller under de andre, så det "
        "næppe er tilfældigt. Stiplet lodret linje: alle boligområder.",
        "Housing areas down, sorted by mean; across the mean with its 95% interval. ▲ and "
        "▼ mark an area above or below the others by more than chance. Dashed vertical line: "
        "all areas.",
    ),
    "html.trajectory": ("Udvikling over alle runder", "Trajectory over all rounds"),
    "html.trajectory.intro": (
        "Pr. dimension en ret linje gennem alle svar i de viste runder ({placed}); {model}. "
        "Ændringen pr. år står over hvert panel; justeret i sin egen familie.",
        "Per dimension, a straight line through every answer of the rounds shown ({placed}); "
        "{model}. The change per year is above each panel; adjusted in its own family.",
    ),
    "html.area_model": ("Boligområder i en flerniveaumodel", "Areas in a multilevel model"),
    "html.area_model.intro": (
        "Et tilfældigt niveau pr. boligområde (REML): hvert områdes estimat vejer dets egne "
        "svar mod spredningen mellem områderne, så små områder ikke havner øverst eller "
        "nederst ved et tilfælde. Skjulte områder indgår ikke i modellen.",
        "A random intercept per area (REML): each area's estimate weighs its own answers "
        "against the spread between areas, so small areas do not top or tail the ranking "
        "by chance. Hidden areas take no part in the model.",
    ),
    "xlsx.trajectory": ("Udvikling pr. år", "Trajectory per year"),
    "xlsx.area_model": ("Områder (model)", "Areas (model)"),
    "chart.caterpillar_title": (
        "Boligområder i flerniveaumodellen: {dimension}",
        "Areas in the multilevel model: {dimension}",
    ),
    "chart.caterpillar_desc": (
        "Hvert vist områdes modelbaserede gennemsnit med 95 %-interval, sorteret; den "
        "stiplede linje er gennemsnittet af områderne. Skjulte områder vises ikke.",
        "Each shown area's model-based mean with its 95% interval, sorted; the dashed line "
        "is the mean of the areas. Hidden areas are not drawn.",
    ),
    "chart.caterpillar_estimate": ("Estimat med 95 %-interval", "Estimate with 95% interval"),
    "chart.caterpillar_flag": (
        "over/under gennemsnittet, næppe tilfældigt",
        "above/below the mean, unlikely to be chance",
    ),
    "chart.trajectory_title": (
        "Udvikling pr. dimension, {first}-{last}",
        "Trajectory per dimension, {first}-{last}",
    ),
    "chart.trajectory_desc": (
        "Et panel pr. dimension: gennemsnittet i hver vist runde og den rette linje gennem "
        "alle svar; ændringen pr. år står over panelet.",
        "One panel per dimension: the mean of every round shown and the straight line "
        "through all answers; the change per year is above the panel.",
    ),
    "chart.areas_mean": ("Gennemsnit med 95% interval", "Mean with 95% interval"),
    "chart.areas_above": ("over de andre", "above the others"),
    "chart.areas_below": ("under de andre", "below the others"),
    "chart.areas_all": ("Alle boligområder", "All areas"),
    # xlsx workbook
    "xlsx.summary": ("Oversigt", "Summary"),
    "xlsx.scores": ("Scorer", "Scores"),
    "xlsx.trend": ("Udvikling", "Trend"),
    "xlsx.gaps": ("Forskelle", "Gaps"),
    # privacy-check's table (an analyst's audit, in the language of the messages)
    "audit.title": (
        "Angrebne skjulte grupper: intervallet, hvert gennemsnit kan ligge i",
        "Hidden groups attacked: the interval each mean could lie in",
    ),
    "audit.columns": ("måling|gruppe|n|interval|bredde|", "measure|group|n|interval|width|"),
    "audit.all": ("alle", "all"),
    "audit.interval": ("{low:.2f} til {high:.2f}", "{low:.2f} to {high:.2f}"),
    "audit.width": ("{width:.2f}", "{width:.2f}"),
    # a group hidden because its mean would pin its subgroups needs less width itself
    "audit.needed": (" (skal ≥ {needed:.2f})", " (needs ≥ {needed:.2f})"),
    "audit.protected": ("beskyttet", "protected"),
    "audit.exposed": ("AFSLØRET", "EXPOSED"),
    "audit.the": ("de", "the"),
    "audit.summary": (
        "{published} offentliggjorte tal fra {outputs} output; {groups} skjulte grupper "
        "angrebet, {sensitive} som skal beskyttes; beskyttelse {protection:g} skalapoint: ",
        "{published} published figures from {outputs} output(s); {groups} hidden groups "
        "attacked, {sensitive} needing protection; protection {protection:g} scale points: ",
    ),
    "audit.exposed_count": ("{count} AFSLØRET.", "{count} EXPOSED."),
    "audit.all_protected": ("alle beskyttet.", "all protected."),
    "instruments.title": ("Medfølgende instrumenter", "Bundled instruments"),
    "instruments.columns": (
        "Navn|Titel|Version|Sprog|Dimensioner|Udsagn",
        "Name|Title|Version|Language|Dimensions|Items",
    ),
    "xlsx.reliability": ("Pålidelighed", "Reliability"),
    "xlsx.m.alpha_method": (
        "Cronbachs alfa (som R psych alpha()), Feldt-interval",
        "Cronbach's alpha (R psych alpha()), Feldt",
    ),
    "xlsx.areas": ("Boligområder", "Areas"),
    "xlsx.chart_data": ("Diagramdata", "Chart data"),
    "xlsx.mean": ("Gennemsnit", "Mean"),
    "xlsx.respondents": ("Antal besvarelser (n)", "Respondents (n)"),
    "xlsx.guide": (
        "Tallene er gennemsnit på skalaen {lo}–{hi}; højere er bedre. Grøn: styrke (fra {s}), "
        "gul: opmærksomhed (fra {a}), rød: bekymring. – betyder skjult: færre end {n} svar, "
        "eller skjult så en lille gruppe ikke kan regnes ud. Metoden står på arket Metode.",
        "The numbers are means on the {lo}–{hi} scale; higher is better. Green: strength (from "
        "{s}), yellow: needs attention (from {a}), red: concern. – means hidden: fewer than {n} "
        "answers, or hidden so a small group cannot be worked out. The Method sheet explains.",
    ),
    "xlsx.no_findings": (
        "Ingen markerede forskelle eller ændringer.",
        "No flagged gaps or changes.",
    ),
    "xlsx.yes": ("ja", "yes"),
    "xlsx.no": ("nej", "no"),
    "xlsx.chart_profile": ("Gennemsnit pr. aktørtype", "Mean by actor type"),
    "xlsx.chart_trend": ("Udvikling pr. dimension", "Change per dimension"),
    "xlsx.chart_areas": ("Boligområder: {dimension}", "Areas: {dimension}"),
    "xlsx.flags": ("Advarsler", "Flags"),
    "xlsx.m.scale": ("Skala", "Scale"),
    "xlsx.m.missing": ("Manglende svar", "Missing answers"),
    "xlsx.m.missing_text": (
        "{missing} og tomme felter tæller ikke; koder {codes} betyder ved ikke.",
        "{missing} and blanks do not count; codes {codes} mean don't know.",
    ),
    "xlsx.m.score": ("Dimensionsscore", "Dimension score"),
    "xlsx.m.score_text": (
        "Gennemsnit af de besvarede udsagn, når mindst halvdelen er besvaret; negativt "
        "formulerede udsagn vendes (min + max − svar).",
        "Mean of the answered items when at least half are answered; negatively "
        "worded items are reversed (min + max − answer).",
    ),
    "xlsx.m.anonymity": ("Anonymitet", "Anonymity"),
    "xlsx.m.anonymity_text": (
        "Grupper med færre end {min_n} svar vises ikke; andre grupper skjules, når "
        "en lille gruppe ellers kunne regnes ud af totalerne.",
        "Groups with fewer than {min_n} answers are not shown; other groups are "
        "hidden when a small group could otherwise be worked out from the totals.",
    ),
    "xlsx.m.rows": ("Rækker", "Rows"),
    "xlsx.m.rows_text": (
        "Filerne har {read} rækker med svar; {scored} indgår i resultaterne.",
        "The files hold {read} rows of answers; {scored} are in the results.",
    ),
    "xlsx.m.rows_round": (
        "{rows} rækker er fra tidligere runder: øjebliksbilledet viser runde {round}, "
        "udviklingen viser alle runder.",
        "{rows} rows are from earlier rounds: the snapshot shows round {round}, the trend "
        "shows every round.",
    ),
    "xlsx.m.rows_reason": (
        "{rows} rækker er udeladt: {reason}.",
        "{rows} rows left out: {reason}.",
    ),
    # column titles of the workbook's tables (issue 20: they were the JSON names)
    "col.round_from": ("Fra runde", "From round"),
    "col.round_to": ("Til runde", "To round"),
    "col.n_from": ("n før", "n before"),
    "col.n_to": ("n efter", "n after"),
    "col.diff": ("Ændring", "Change"),
    "col.diff_ci_low": ("95%-interval, fra", "95% interval, from"),
    "col.diff_ci_high": ("95%-interval, til", "95% interval, to"),
    "col.test": ("Test", "Test"),
    "col.statistic": ("Teststørrelse", "Statistic"),
    "col.p": ("p", "p"),
    "col.p_adj": ("Justeret p", "Adjusted p"),
    "col.hedges_g": ("Effektstørrelse (Hedges' g)", "Effect size (Hedges' g)"),
    "col.gap": ("Forskel", "Gap"),
    "col.n": ("Antal svar (n)", "Answers (n)"),
    "col.k": ("Antal udsagn", "Items"),
    "col.alpha": ("Cronbachs alfa", "Cronbach's alpha"),
    "col.alpha_ci_low": ("Alfa, 95%-interval fra", "Alpha, 95% interval from"),
    "col.alpha_ci_high": ("Alfa, 95%-interval til", "Alpha, 95% interval to"),
    "col.alpha_std": ("Standardiseret alfa", "Standardised alpha"),
    "col.average_r": ("Gennemsnitlig korrelation", "Average correlation"),
    "col.mean": ("Gennemsnit", "Mean"),
    "col.rank": ("Placering", "Rank"),
    "col.benchmark_mean": ("De andre områder", "The other areas"),
    "col.benchmark_diff": ("Forskel til de andre", "Difference to the others"),
    "col.benchmark_p_adj": ("Justeret p", "Adjusted p"),
    "col.round_first": ("Første runde", "First round"),
    "col.round_last": ("Sidste runde", "Last round"),
    "col.mean_first": ("Gennemsnit, første runde", "Mean, first round"),
    "col.mean_last": ("Gennemsnit, sidste runde", "Mean, last round"),
    "col.slope": ("Ændring pr. år", "Change per year"),
    "col.slope_low": ("95%-interval, fra", "95% interval, from"),
    "col.slope_high": ("95%-interval, til", "95% interval, to"),
    "col.model": ("Model", "Model"),
    "col.estimate": ("Modellens gennemsnit", "Model-based mean"),
    "col.estimate_low": ("95%-interval, fra", "95% interval, from"),
    "col.estimate_high": ("95%-interval, til", "95% interval, to"),
    "col.overall_mean": ("Alle områder", "All areas"),
    "col.rank_low": ("Placering, 95%-interval fra", "Rank, 95% interval from"),
    "col.rank_high": ("Placering, 95%-interval til", "Rank, 95% interval to"),
    "col.model_p_adj": ("Justeret p", "Adjusted p"),
    # questionnaire template (partnerkit template)
    "template.instructions": ("Vejledning", "Instructions"),
    "template.responses": ("Svar", "Responses"),
    "template.lists": ("Lister", "Lists"),
    "template.area": ("Boligområde", "Housing area"),
    "template.actor": ("Aktørtype", "Actor type"),
    "template.organisation": ("Organisationens navn", "Organisation name"),
    "template.level": ("Rolle", "Role"),
    "template.level.board": ("Bestyrelse/ledelse", "Board/management"),
    "template.level.steering": ("Styregruppe", "Steering group"),
    "template.level.staff": ("Medarbejder/følgegruppe", "Staff/working group"),
    "template.line.rows": (
        "Skriv én række pr. besvarelse på arket '{responses}'. Ændr ikke overskrifterne.",
        "Enter one row per response on the sheet '{responses}'. Do not change the headers.",
    ),
    "template.line.answers": (
        "Vælg svarene fra listerne: {labels}. Vælg '{missing}', hvis du ikke kan svare.",
        "Choose the answers from the lists: {labels}. Choose '{missing}' when you cannot answer.",
    ),
    "template.line.lists": (
        "Aktørtype og rolle vælges også fra lister; boligområde og runde skrives som tekst "
        "(fx 2025).",
        "Actor type and role are chosen from lists too; write the housing area and the round "
        "as text (e.g. 2025).",
    ),
    "template.line.privacy": (
        "Skriv ikke navne, e-mailadresser eller andet, der kan identificere en person.",
        "Do not write names, e-mail addresses or anything else that identifies a person.",
    ),
    "template.line.min_n": (
        "Resultater vises kun for grupper med mindst {min_n} besvarelser.",
        "Results are shown only for groups of at least {min_n} responses.",
    ),
    "template.line.score": (
        "Beregn resultaterne med: partnerkit score <denne fil>.xlsx",
        "Score the results with: partnerkit score <this file>.xlsx",
    ),
    "template.choose": ("Vælg et svar fra listen.", "Choose an answer from the list."),
    # relations (issue 21)
    "finding.balance_more": (
        "{target} har mere indflydelse end de andre partnere mener er rigtigt "
        "({actual} mod ønsket {desired})",
        "{target} has more influence than the other partners think right "
        "({actual} against {desired} desired)",
    ),
    "finding.balance_less": (
        "{target} har mindre indflydelse end de andre partnere mener er rigtigt "
        "({actual} mod ønsket {desired})",
        "{target} has less influence than the other partners think right "
        "({actual} against {desired} desired)",
    ),
    "finding.self_lower": (
        "{target} vurderer sin egen {relation} {gap} lavere end de andre gør ({own} mod {others})",
        "{target} rates its own {relation} {gap} lower than the others do ({own} against {others})",
    ),
    "finding.self_higher": (
        "{target} vurderer sin egen {relation} {gap} højere end de andre gør ({own} mod {others})",
        "{target} rates its own {relation} {gap} higher than the others do "
        "({own} against {others})",
    ),
    "finding.reciprocity": (
        "{a} har mere {relation} til {b} ({more}) end {b} har til {a} ({less})",
        "{a} rates {b} higher on {relation} ({more}) than {b} rates {a} ({less})",
    ),
    "finding.cell_rose": (
        "{relation} fra {rater} til {target} steg fra {old} til {new} ({r_from}→{r_to})",
        "{relation} from {rater} to {target} rose from {old} to {new} ({r_from}→{r_to})",
    ),
    "finding.cell_fell": (
        "{relation} fra {rater} til {target} faldt fra {old} til {new} ({r_from}→{r_to})",
        "{relation} from {rater} to {target} fell from {old} to {new} ({r_from}→{r_to})",
    ),
    "finding.cell_rose_self": (
        "{rater}s {relation} til sig selv steg fra {old} til {new} ({r_from}→{r_to})",
        "{relation} of {rater} in itself rose from {old} to {new} ({r_from}→{r_to})",
    ),
    "finding.cell_fell_self": (
        "{rater}s {relation} til sig selv faldt fra {old} til {new} ({r_from}→{r_to})",
        "{relation} of {rater} in itself fell from {old} to {new} ({r_from}→{r_to})",
    ),
    "finding.top_share_rose": (
        "den mest indflydelsesrige aktørs andel af {relation} steg fra {old} til {new} "
        "({r_from}→{r_to}): magten samles mere",
        "the most influential actor's share of {relation} rose from {old} to {new} "
        "({r_from}→{r_to}): power is more concentrated",
    ),
    "finding.top_share_fell": (
        "den mest indflydelsesrige aktørs andel af {relation} faldt fra {old} til {new} "
        "({r_from}→{r_to}): magten deles mere",
        "the most influential actor's share of {relation} fell from {old} to {new} "
        "({r_from}→{r_to}): power is more evenly shared",
    ),
    "finding.gini_rose": (
        "Gini-koefficienten for {relation} steg fra {old} til {new} ({r_from}→{r_to}): "
        "magten samles mere",
        "the Gini coefficient of {relation} rose from {old} to {new} ({r_from}→{r_to}): "
        "power is more concentrated",
    ),
    "finding.gini_fell": (
        "Gini-koefficienten for {relation} faldt fra {old} til {new} ({r_from}→{r_to}): "
        "magten deles mere",
        "the Gini coefficient of {relation} fell from {old} to {new} ({r_from}→{r_to}): "
        "power is more evenly shared",
    ),
    "relations.matrix": (
        "{relation}: bedømmer (rækker) × bedømt (kolonner)",
        "{relation}: rater (rows) × rated (columns)",
    ),
    "relations.rater": ("Bedømmer", "Rater"),
    "relations.legend": (
        "Gennemsnit på skalaen {lo}–{hi} ({low_name} … {high_name}); ▲ {high} og derover, "
        "▼ under {low}; diagonalen (i kursiv) er aktørens vurdering af sig selv.",
        "Mean on the {lo}–{hi} scale ({low_name} … {high_name}); ▲ {high} and above, "
        "▼ below {low}; the diagonal (in italics) is an actor rating itself.",
    ),
    "relations.self_other": ("Hvordan de andre ser hver aktør", "How the others see each actor"),
    "relations.target": ("Aktør", "Actor"),
    "relations.others": ("De andre", "Others"),
    "relations.self": ("Selv", "Self"),
    "relations.gap": ("Forskel", "Gap"),
    "relations.balance": (
        "Indflydelse: faktisk mod ønsket (de andres vurdering)",
        "Influence: actual against desired (as the others see it)",
    ),
    "relations.actual": ("Faktisk", "Actual"),
    "relations.desired": ("Ønsket", "Desired"),
    "relations.concentration": ("Koncentration af indflydelse", "Concentration of influence"),
    "relations.top": ("Mest indflydelse", "Most influence"),
    "relations.share": ("Andel", "Share"),
    "relations.gini": ("Gini", "Gini"),
    "relations.changes": (
        "Ændringer mellem runderne, næppe tilfældige",
        "Changes between rounds, unlikely to be chance",
    ),
    "relations.no_changes": (
        "Ingen ændring mellem runderne er næppe tilfældig ({m} testet).",
        "No change between rounds is unlikely to be chance ({m} tested).",
    ),
    "relations.changes_legend": (
        "Hver celles ændring er testet som i trend (Welchs t-test; parret når et id knytter "
        "runderne); koncentrationens ændring med en permutationstest. Skjulte celler har "
        "ingen ændring.",
        "Each cell's change is tested as trend tests a dimension (Welch's t-test; paired "
        "when an id links the rounds); the concentration's change by a permutation test. "
        "Hidden cells show no change.",
    ),
    "relations.relation": ("Relation", "Relation"),
    "relations.network": (
        "Netværk af {relation} (en pil A → B når A's svarpersoner giver B {bound} eller mere): "
        "{nodes} organisationer, {edges} pile, tæthed {density}, gensidighed {reciprocity}, "
        "centralisering (indgrad) {centralisation}",
        "{relation} network (an arrow A → B where A's raters give B {bound} or more): "
        "{nodes} organisations, {edges} arrows, density {density}, reciprocity {reciprocity}, "
        "in-degree centralisation {centralisation}",
    ),
    "relations.other_organisations": ("{actor}: øvrige", "{actor}: others"),
    "unit.pp": ("%-point", "pp"),
    "relations.rounds": ("Runder", "Rounds"),
    "relations.from": ("Fra", "From"),
    "relations.to": ("Til", "To"),
    "relations.change": ("Ændring", "Change"),
    "relations.top_share": ("Største andel", "Top share"),
    "relations.reciprocity": ("Gensidighed: {relation}", "Reciprocity: {relation}"),
    "relations.pair": ("Par", "Pair"),
    "relations.asymmetry": ("Asymmetri", "Asymmetry"),
    "relations.findings": ("Fund", "Findings"),
    "relations.no_findings": ("Ingen fund.", "No findings."),
    "html.relations": ("Relationer mellem aktørerne", "Relations between actors"),
    "html.relations.intro": (
        "Hver partner vurderer hver aktørtype: hvor meget indflydelse den har, hvor meget den "
        "bør have, hvor stor tillid de har til den, og hvor værdifuldt samarbejdet med den er. "
        "Rækkerne er den, der vurderer; kolonnerne den, der bliver vurderet.",
        "Every partner rates every actor type: how much influence it has, how much it should "
        "have, how much they trust it and how valuable the collaboration with it is. Rows are "
        "the raters, columns the rated.",
    ),
}


def t(text_key: str, lang: str, /, **values: object) -> str:
    """The text ``text_key`` in ``lang`` (English when the language is unknown).

    A number with a format spec is written the Danish way in Danish texts: thousands
    with '.', decimals with ',' ("1.048.576 celler", "0,5 skalapoint").
    """
    da, en = _TEXTS[text_key]
    if lang == "da":
        return _DANISH.vformat(da, (), values) if values else da
    return en.format(**values) if values else en


class _DanishNumbers(string.Formatter):
    def format_field(self, value: object, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        if format_spec and isinstance(value, int | float) and not isinstance(value, bool):
            return text.translate(_SWAP_SEPARATORS)
        return text


_DANISH = _DanishNumbers()
_SWAP_SEPARATORS = str.maketrans(",.", ".,")


MEAN_DECIMALS = 2
"""The one precision of means and differences: every output shows them to two decimals and
a mean's zone is that of the mean as shown (round first, then classify; issue 20)."""


def has_text(text_key: str) -> bool:
    """Whether the catalogue holds ``text_key``."""
    return text_key in _TEXTS


def half_up(values, decimals: int = MEAN_DECIMALS):
    """``values`` (a float or an array) rounded half away from zero to ``decimals`` places,
    as a person rounds the decimal number: 3.575 -> 3.58 whichever way its sum was added up.

    The one rounding of the package: :func:`number` prints it and the zones classify it, so a
    mean shown as 4.00 is a strength. Never -0.0.

    >>> float(half_up(3.574999999999999)), float(half_up(-0.004)), float(half_up(2.5, 0))
    (3.58, 0.0, 3.0)
    """
    import numpy as np

    # scaled to the last kept place and rounded to 6 more, so that 357.49999999999994 (the
    # double nearest 3.575 times 100) counts as the 357.5 it stands for
    scaled = np.round(np.abs(values) * 10.0**decimals, 6)
    return np.copysign(np.floor(scaled + 0.5), values) / 10.0**decimals + 0.0


def number(value: float, lang: str, decimals: int = MEAN_DECIMALS) -> str:
    """A number for people: :func:`half_up` rounding, decimal comma in Danish.

    >>> number(3.574999999999999, "da"), number(3.5750000000000006, "en"), number(-0.05, "en", 1)
    ('3,58', '3.58', '-0.1')
    >>> number(-0.004, "en")
    '0.00'
    """
    text = f"{float(half_up(value, decimals)):.{decimals}f}"
    return text.replace(".", ",") if lang == "da" else text


def signed(value: float, lang: str, decimals: int = MEAN_DECIMALS) -> str:
    """A difference with its sign, ``+0,35`` / ``−0,35``; one that rounds to zero has none.

    >>> signed(0.349, "da"), signed(-0.004, "en"), signed(-0.35, "en")
    ('+0,35', '0.00', '−0.35')
    """
    shown = float(half_up(value, decimals))
    if shown == 0:
        return number(0.0, lang, decimals)
    return f"{'+' if shown > 0 else '−'}{number(abs(shown), lang, decimals)}"


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


class Message(str):
    """A message for an analyst (an error, a warning): its English text as a ``str``, and
    its catalogue key and named values, so the command line can show it in Danish.

    Raised as ``InputFileError(Message("error.no_file", path=path))``; a value that is
    itself a Message (a file's place, a reason) is shown in the same language.

    >>> m = Message("error.no_file", path="x.csv")
    >>> print(m)
    x.csv: no such file. Check the path and the file name.
    >>> print(m.text("da"))
    x.csv: filen findes ikke. Tjek stien og filnavnet.
    """

    key: str
    values: dict

    def __new__(cls, text_key: str, /, **values: object) -> Message:
        self = super().__new__(cls, t(text_key, "en", **values))
        self.key, self.values = text_key, values
        return self

    def text(self, lang: str) -> str:
        """The message in ``lang``."""
        return t(self.key, lang, **{k: in_lang(v, lang) for k, v in self.values.items()})

    def __reduce__(self):  # pickled for --jobs worker processes: key and values, not text
        return (_message, (self.key, self.values))


def _message(key: str, values: dict) -> Message:
    return Message(key, **values)


class Joined(Message):
    """Texts (some of them Messages) joined by ``sep``, each shown in the message's language.

    >>> Joined([Message("error.none"), "x"], " / ").text("da")
    'ingen / x'
    """

    def __new__(cls, parts, sep: str = ", ") -> Joined:
        parts = tuple(parts)
        self = str.__new__(cls, sep.join(parts))
        self.parts, self.sep = parts, sep
        return self

    def text(self, lang: str) -> str:
        return self.sep.join(str(in_lang(part, lang)) for part in self.parts)

    def __reduce__(self):
        return (Joined, (self.parts, self.sep))


def translated(text: str, keys: tuple[str, ...], lang: str) -> str:
    """``text``, written in English by another library (Click), in ``lang``: read by the
    first of ``keys`` whose English text it is, its values taken from it (each in turn read
    the same way); unchanged when no key reads it.

    >>> translated("Missing command.", ("click.missing_command",), "da")
    'Mangler en kommando.'
    """
    if lang == "en":
        return text
    for key in keys:
        found = _reader(key).fullmatch(text)
        if found:
            values = {k: translated(v, keys, lang) for k, v in found.groupdict().items()}
            return t(key, lang, **values)
    return text


@lru_cache
def _reader(key: str) -> re.Pattern:
    """A pattern that reads the values back out of ``key``'s English text."""
    parts = []
    for literal, field, _, _ in string.Formatter().parse(_TEXTS[key][1]):
        parts.append(re.escape(literal))
        if field:
            parts.append(f"(?P<{field}>.+?)")
    return re.compile("".join(parts), re.DOTALL)


def in_lang(text: object, lang: str) -> object:
    """``text`` in ``lang`` when it is a :class:`Message` (or an exception raised with
    one, as a value of another message), else as it is."""
    raised = isinstance(text, BaseException) and len(text.args) == 1
    if raised and isinstance(text.args[0], Message):  # a TomlProblem, say
        text = text.args[0]
    return text.text(lang) if isinstance(text, Message) else text


# Messages for analysts (issue 20, point 6): errors, warnings and notes of the command line
# and validate's report. The English text is the library's message (``str(error)``), the
# Danish one is shown under --lang da; named values (path, sheet, column, row) in both.
_MESSAGES: dict[str, tuple[str, str]] = {
    # command line (issue 20, point 6): the frame of every message
    "cli.error": ("Fejl", "Error"),
    "cli.warning": ("Advarsel", "Warning"),
    "cli.interrupted": ("afbrudt.", "interrupted."),
    "cli.bug": (
        "uventet {kind}: {error}. Det er en fejl i partnerkit; kør igen med --traceback, og "
        "rapportér den.",
        "unexpected {kind}: {error}. This is a bug in partnerkit; run again with --traceback "
        "and report it.",
    ),
    "cli.failed": ("{count} fil(er) kunne ikke læses:", "{count} file(s) could not be read:"),
    "cli.wrote": ("Skrev {path}", "Wrote {path}"),
    "cli.wrote_project": (
        "Skrev {path}. Angiv dens inputs, og kør så `partnerkit areas`.",
        "Wrote {path}. Set its inputs, then run `partnerkit areas`.",
    ),
    "cli.wrote_instrument": (
        "Skrev {path}. Ret den til, og kør så `partnerkit instrument check {path}`.",
        "Wrote {path}. Edit it, then run `partnerkit instrument check {path}`.",
    ),
    "cli.problems": ("{path}: {count} problem(er) fundet.", "{path}: {count} problem(s) found."),
    "cli.instrument_valid": (
        "{path}: gyldigt: instrumentet '{instrument}' med {dimensions} dimensioner og {items} "
        "udsagn.",
        "{path}: valid: instrument '{instrument}' with {dimensions} dimensions and {items} items.",
    ),
    "cli.exposed": (
        "{count} skjult(e) gruppe(r), der skal beskyttes, kan regnes ud til inden for "
        "{protection:g} skalapoint; offentliggør ikke disse output sammen.",
        "{count} hidden group(s) needing protection can be worked out to within "
        "{protection:g} scale points; do not publish these outputs together.",
    ),
    "where.sheet": ("{path}, ark '{sheet}'", "{path}, sheet '{sheet}'"),
    # errors: files and sheets
    "error.no_file": (
        "{path}: filen findes ikke. Tjek stien og filnavnet.",
        "{path}: no such file. Check the path and the file name.",
    ),
    "error.is_folder": (
        "{path}: er en mappe; angiv en spørgeskemafil i den (eller en mappe med en SurveyXact "
        "CSV-eksport med dataset.csv, structure.csv og labels.csv).",
        "{path}: is a folder; give a survey file inside it (or a SurveyXact CSV export "
        "folder holding dataset.csv, structure.csv and labels.csv).",
    ),
    "error.empty_file": (
        "{path}: filen er tom (0 byte). Eksportér spørgeskemaet igen.",
        "{path}: the file is empty (0 bytes). Export the survey again.",
    ),
    "error.sheet_csv": (
        "{path}: --sheet gælder regneark, ikke CSV-filer.",
        "{path}: --sheet applies to spreadsheets, not to CSV files.",
    ),
    "error.gzip": (
        "{path}: er gzip-komprimeret; pak den ud først (gunzip), eller send den ind via en "
        "pipe: `zcat {path} | partnerkit score -`.",
        "{path}: is gzip-compressed; decompress it first (gunzip), or pipe it in: "
        "`zcat {path} | partnerkit score -`.",
    ),
    "error.file_type": (
        "{path}: filtypen '{suffix}' understøttes ikke. partnerkit læser {supported}; "
        "eksportér spørgeskemaet i en af dem.",
        "{path}: unsupported file type '{suffix}'. partnerkit reads {supported}; export the "
        "survey in one of them.",
    ),
    "error.not_text.gzip": (
        "{path}: er gzip-komprimeret, ikke en CSV-fil; pak den ud først (gunzip), eller send "
        "den ind via en pipe: `zcat {path} | partnerkit score -`.",
        "{path}: is gzip-compressed, not a CSV file; decompress it first (gunzip), or pipe "
        "it in: `zcat {path} | partnerkit score -`.",
    ),
    "error.not_text.zip": (
        "{path}: er et zip-arkiv (en xlsx- eller ods-projektmappe?), ikke en CSV-fil; giv den "
        "den filendelse, den blev gemt med, fx .xlsx.",
        "{path}: is a zip archive (an xlsx or ods workbook?), not a CSV file; give it the "
        "extension it was saved with, such as .xlsx.",
    ),
    "error.not_text.office": (
        "{path}: er en Excel- eller Office-fil, ikke en CSV-fil; giv den den filendelse, den "
        "blev gemt med, fx .xls.",
        "{path}: is an Excel or Office file, not a CSV file; give it the extension it was "
        "saved with, such as .xls.",
    ),
    "error.not_text.utf32": (
        "{path}: er UTF-32-kodet; gem den som UTF-8 (eller UTF-16), og prøv igen.",
        "{path}: is UTF-32 encoded; save it as UTF-8 (or UTF-16) and try again.",
    ),
    "error.no_sheets": (
        "{path}: projektmappen har ingen ark.",
        "{path}: the workbook has no sheets.",
    ),
    "error.no_sheet": (
        "{path}: intet ark '{sheet}'. Projektmappen har {listed}; vælg et med --sheet.",
        "{path}: no sheet '{sheet}'. The workbook has {listed}; choose one with --sheet.",
    ),
    "error.sheet_empty": (
        "{where}: er tomt. Eksportér spørgeskemaet med svarene.",
        "{where}: is empty. Export the survey with its answers.",
    ),
    "error.csv_empty": (
        "{path}: er tom. Eksportér spørgeskemaet med svarene.",
        "{path}: is empty. Export the survey with its answers.",
    ),
    "error.csv_unreadable": (
        "{path}: de første rækker kan ikke læses som CSV ({problem}). Tjek, at filen er en "
        "CSV-eksport af spørgeskemaet.",
        "{path}: the first rows cannot be read as CSV ({problem}). Check that the file is a "
        "CSV export of the survey.",
    ),
    "error.decode": (
        "{path}: filen kan ikke afkodes som {encoding}. Gem den som UTF-8, og prøv igen.",
        "{path}: cannot decode the file as {encoding}. Save it as UTF-8 and try again.",
    ),
    "error.nul": (
        "{path}: indeholder en NUL-byte på linje {line}; filen er beskadiget eller ikke en "
        "CSV-fil. Eksportér den igen.",
        "{path}: contains a NUL byte on line {line}; the file is damaged or not a CSV "
        "file. Export it again.",
    ),
    "error.mixed_encoding": (
        "{path}: blander UTF-8-tekst med en anden tegnkodning (første byte, der ikke er UTF-8, "
        "på linje {line}); bogstaver som æ, ø og å ville blive læst forkert. Gem filen igen "
        "som UTF-8.",
        "{path}: mixes UTF-8 text with another encoding (first non-UTF-8 byte on line "
        "{line}); letters such as æ, ø and å would be read wrongly. Save the file again as "
        "UTF-8.",
    ),
    "error.at": ("{where}: {problem}", "{where}: {problem}"),
    "error.too_wide": (
        "række {row} har {cells} celler, men overskriftsrækken har {header}. Tjek "
        "skilletegnet, eller sæt tekst, der indeholder det, i anførselstegn, og eksportér "
        "igen.",
        "row {row} has {cells} cells but the header has {header}. Check the delimiter, "
        "or quote text that contains it, and export again.",
    ),
    "error.csv_parse": (
        "CSV-filen kan ikke læses ({problem}).",
        "cannot parse the CSV ({problem}).",
    ),
    "error.no_answers": (
        "{where}: har en overskriftsrække, men ingen svar. Eksportér spørgeskemaet med svarene.",
        "{where}: has a header row but no answers. Export the survey with responses.",
    ),
    "error.pattern": (
        "{pattern}: ingen fil passer til dette mønster.",
        "{pattern}: no file matches this pattern.",
    ),
    "error.empty_folder": (
        "{path}: er en mappe uden spørgeskemafiler (ledte efter {supported}).",
        "{path}: is a folder with no survey files in it (looked for {supported}).",
    ),
    "error.stdin_empty": (
        "{what}: intet kom ind. Send en CSV-fil ind via en pipe, som i "
        "`partnerkit score - < survey.csv`.",
        "{what}: nothing came in. Pipe a CSV file in, as in `partnerkit score - < survey.csv`.",
    ),
    "error.none_read": (
        "ingen af de {count} filer kunne læses; den første: {first}",
        "none of the {count} files could be read; the first: {first}",
    ),
    # errors: columns and the instrument
    "error.no_items": (
        "{where}: ingen kolonne passer til et udsagn i instrumentet '{instrument}'. Kør "
        "`partnerkit validate {path}` for at se, hvordan kolonnerne blev læst, eller vælg "
        "instrumentet med --instrument.",
        "{where}: no column matches any item of instrument '{instrument}'. Run "
        "`partnerkit validate {path}` to see how the columns were read, or choose the "
        "instrument with --instrument.",
    ),
    "error.header_twice": (
        "{where}: overskriften '{header}' står {count} gange (kolonne {positions}); omdøb "
        "eller fjern den ekstra kolonne.",
        "{where}: the header '{header}' appears {count} times (columns {positions}); rename "
        "or remove the extra column.",
    ),
    "error.header_row": (
        "{where}: overskriftsrækken ser ud til at være række {found}, ikke række {row}. Slet "
        "rækkerne over kolonneoverskrifterne (titler, noter), og prøv igen.",
        "{where}: the header row seems to be row {found}, not row {row}. Delete the rows "
        "above the column headers (titles, notes) and try again.",
    ),
    "error.strict": ("{message} (--strict)", "{message} (--strict)"),
    "error.instrument": ("{source}: {problem}{more}", "{source}: {problem}{more}"),
    "error.instrument.more": (
        " ({count} problem(er) mere; kør `partnerkit instrument check {source}`)",
        " ({count} more problem(s); run `partnerkit instrument check {source}`)",
    ),
    "error.no_instrument": (
        "{name}: ingen instrumentfil og intet medfølgende instrument med det navn "
        "(medfølgende: {bundled}). Angiv stien til en TOML-fil, eller kør "
        "`partnerkit instrument init my.toml` for at begynde på et.",
        "{name}: no such instrument file, and no bundled instrument of that name "
        "(bundled: {bundled}). Give a path to a TOML file, or run "
        "`partnerkit instrument init my.toml` to start one.",
    ),
    "error.instrument_unreadable": (
        "{path}: instrumentet kan ikke læses ({problem}).",
        "{path}: cannot read the instrument ({problem}).",
    ),
    "error.instrument_toml": ("{source}: {problem}.", "{source}: {problem}."),
    # errors: options
    "error.by_respondent": (
        "{option} respondent ville vise enkeltpersoners svar; gruppér efter aktør, runde, "
        "område eller en anden kolonne.",
        "{option} respondent would show single persons' answers; group by actor, round, area "
        "or another column.",
    ),
    "error.by_ambiguous": (
        "{option} {name}: flere kolonner har dette navn ({listed}). Angiv kolonnens "
        "overskrift eller eksportnavn i stedet.",
        "{option} {name}: several columns go by this name ({listed}). Give the column's "
        "header or export tag instead.",
    ),
    "error.by_personal": (
        "{option} {name}: '{column}' identificerer personer og blev fjernet; partnerkit "
        "grupperer aldrig efter personoplysninger.",
        "{option} {name}: '{column}' identifies people and was dropped; partnerkit never "
        "groups by personal data.",
    ),
    "error.by_unknown": (
        "{option} {name}: ingen sådan kolonne i {files}. Brug actor, round, area eller en af "
        "de andre kolonner: {choices}.",
        "{option} {name}: no such column in {files}. Use actor, round, area or one of the "
        "other columns: {choices}.",
    ),
    "error.no_role": (
        "{given}: {files} har ingen {role}-kolonne (ledte efter overskrifter som {aliases}). "
        "Omdøb kolonnen, angiv dens overskrift under [columns] {role} i instrumentet, eller "
        "gruppér efter en anden kolonne.",
        "{given}: {files} has no {role} column (looked for headers such as {aliases}). Rename "
        "the column, declare its header under [columns] {role} in the instrument, or group "
        "by another column.",
    ),
    "error.files": ("{count} filer", "{count} files"),
    "error.none": ("ingen", "none"),
    "error.rounds_none": (
        "--rounds: {files} har ingen oplysning om runder (ingen rundekolonne og intet årstal "
        "eller rundenummer i filnavnene).",
        "--rounds: {files} has no round information (no round column, and no year or round "
        "in the file names).",
    ),
    "error.rounds_empty": (
        "--rounds: angiv mindst én runde, fx --rounds 2023,2024.",
        "--rounds: name at least one round, for example --rounds 2023,2024.",
    ),
    "error.rounds_twice": (
        "--rounds: runde {rounds} er nævnt to gange; nævn hver runde én gang.",
        "--rounds: round {rounds} is named twice; name each round once.",
    ),
    "error.rounds_missing": (
        "--rounds: ingen runde {missing} i {files}; runderne er {present}.",
        "--rounds: no round {missing} in {files}; the rounds are {present}.",
    ),
    "error.no_rounds": (
        "{where}: ingen oplysning om runder. Angiv én fil pr. runde med årstal eller runde i "
        "navnet (area_2023.xlsx), en rundekolonne eller --round med en enkelt fil.",
        "{where}: no round information. Give one file per round with the year or round in "
        "the name (area_2023.xlsx), a round column, or --round with a single file.",
    ),
    "error.by_round_trend": (
        "--by round: trend sammenligner allerede runder; gruppér efter aktør eller område.",
        "--by round: trend compares rounds already; group by actor or area.",
    ),
    "error.one_round": (
        "kun én runde ({rounds}) i input: angiv mindst to {purpose}.",
        "only one round ({rounds}) in the input: give at least two {purpose}.",
    ),
    "error.no_inputs": ("ingen inputfiler angivet.", "no input files given."),
    "error.round_one_file": (
        "--round gælder en enkelt fil; navngiv i stedet filerne efter runde.",
        "--round applies to a single file; name the files by round instead.",
    ),
    "error.option_problem": ("{option}: {problem}.", "{option}: {problem}."),
    "error.no_input": (
        "intet input: angiv spørgeskemafiler, mapper eller mønstre, eller kør hvor en "
        "partnerkit.toml nævner dem (partnerkit init skriver en).",
        "no input: give survey files, folders or patterns, or run where a partnerkit.toml "
        "lists them (partnerkit init writes one).",
    ),
    "error.no_project": (
        "--project {path}: projektfilen findes ikke.",
        "--project {path}: no such project file.",
    ),
    "error.project_unreadable": (
        "{path}: projektfilen kan ikke læses ({problem}).",
        "{path}: cannot read the project file ({problem}).",
    ),
    "error.project_key": (
        "{path}: ukendt nøgle '{key}' (tilladt: {allowed}).",
        "{path}: unknown key '{key}' (allowed: {allowed}).",
    ),
    "error.project_value": ("{path}: {key}: {problem}.", "{path}: {key}: {problem}."),
    "error.project_lang": (
        "{path}: lang: 'da' eller 'en', fik {value!r}.",
        "{path}: lang: 'da' or 'en', got {value!r}.",
    ),
    "error.published_missing": (
        "--published {path}: filen findes ikke.",
        "--published {path}: no such file.",
    ),
    "error.not_json": (
        "{path}: ikke et JSON-output fra partnerkit ({problem}). Skriv et med -f json.",
        "{path}: not a JSON output of partnerkit ({problem}). Write one with -f json.",
    ),
    "error.no_meta": (
        "{path}: ikke et JSON-output fra partnerkit (intet 'meta'-objekt).",
        "{path}: not a JSON output of partnerkit (no 'meta' object).",
    ),
    # errors: outputs
    "error.output_format": (
        "{path}: formatet kan ikke ses af filendelsen '{suffix}'. Brug en af {known}, eller "
        "angiv --format.",
        "{path}: cannot tell the format from the extension '{suffix}'. Use one of {known}, "
        "or give --format.",
    ),
    "error.output_is_input": (
        "{path}: er en af inputfilerne; vælg en anden sti til output.",
        "{path}: is one of the input files; choose another output path.",
    ),
    "error.output_folder_missing": (
        "{path}: mappen {folder} findes ikke.",
        "{path}: the folder {folder} does not exist.",
    ),
    "error.output_unwritable": (
        "{path}: kan ikke skrive ({problem}).",
        "{path}: cannot write ({problem}).",
    ),
    "error.output_is_folder": (
        "{path}: er en mappe; angiv et filnavn.",
        "{path}: is a folder; give a file name.",
    ),
    "error.output_protected": (
        "{path}: er skrivebeskyttet; vælg en anden sti til output, eller gør den skrivbar.",
        "{path}: is write-protected; choose another output path or make it writable.",
    ),
    "error.output_exists": (
        "{path}: findes og er ikke skrevet af partnerkit (eller er ændret siden); brug "
        "--force for at erstatte den.",
        "{path}: exists and was not written by partnerkit (or was changed since); "
        "use --force to replace it.",
    ),
    "purpose.compare": ("runder at sammenligne", "rounds to compare"),
    "purpose.trajectory": ("runder til en udvikling", "rounds for a trajectory"),
    # warnings
    "warn.min_n": (
        "min_n er {min_n}, under de anbefalede {default}: så små grupper kan afsløre enkelte "
        "partnere. Del disse resultater med omtanke.",
        "min_n is {min_n}, below the recommended {default}: groups this small can identify "
        "single partners. Share these results with care.",
    ),
    "warn.brunner_munzel": (
        "Brunner-Munzel sammenligner uafhængige stikprøver; runderne blev ikke parret.",
        "Brunner-Munzel compares independent samples; rounds were not paired.",
    ),
    "warn.no_groups": (
        "ingen aktør- eller rundekolonne fundet: kun samlede scorer vises.",
        "no actor or round column found: only overall scores are shown.",
    ),
    "warn.unproved": (
        "{count} skjulte grupper kunne ikke bevises beskyttet mod at blive regnet ud fra de "
        "viste tal; kør 'partnerkit privacy-check' på resultaterne, før de offentliggøres.",
        "{count} hidden groups could not be proved safe from being worked out from the "
        "figures shown; run 'partnerkit privacy-check' on the outputs before publishing them.",
    ),
    "warn.clipped": (
        "{count} 95%-interval(ler) for små eller spredte grupper rækker ud over skalaen "
        "({lo}-{hi}) og vises afskåret ved den.",
        "{count} 95% interval(s) of small or spread-out groups reach past the scale "
        "({lo}-{hi}) and are shown clipped to it.",
    ),
    "warn.coverage": (
        "instrument '{instrument}': {missing} af {total} dimension(er) har ingen kolonne til "
        "noget udsagn og viser derfor ingen scorer: {dims}. Ingen kolonner til denne "
        "dimensions udsagn: forkert --instrument?{unused}{advice}",
        "instrument '{instrument}': {missing} of {total} dimension(s) have no column for any "
        "item, so they show no scores: {dims}. No columns for this dimension's items: wrong "
        "--instrument?{unused}{advice}",
    ),
    "warn.coverage.dim": ("'{label}' ({id}; udsagn {items})", "'{label}' ({id}; items {items})"),
    "warn.coverage.unused": (
        " Kolonner, der ligner udsagn, men ikke passer til nogen: {shown}{more}.",
        " Columns that look like items but match none: {shown}{more}.",
    ),
    "warn.more": (" og {count} mere", " and {count} more"),
    "warn.coverage.default": (
        " Standardinstrumentet '{instrument}' fandt kun {found} af sine {total} udsagn: angiv "
        "dit eget med --instrument FIL, eller skriv et med "
        "`partnerkit instrument init my_instrument.toml`.",
        " The default instrument '{instrument}' found only {found} of its {total} items: give "
        "your own with --instrument FILE, or write one with "
        "`partnerkit instrument init my_instrument.toml`.",
    ),
    "warn.hidden_sheets": (
        "{path}: skjult(e) ark {listed} ikke læst; et skjult ark læses kun, når det nævnes "
        "med --sheet.",
        "{path}: hidden sheet(s) {listed} not read; a hidden sheet is read only when named "
        "with --sheet.",
    ),
    "warn.merged": (
        "{where}: {role}-kolonnen '{column}' har flettede celler (række {rows}); kun den "
        "første række i hver holder værdien, de andre læses som ikke angivet. Ophæv "
        "fletningen, og skriv værdien i hver række.",
        "{where}: the {role} column '{column}' has merged cells (rows {rows}); only the first "
        "row of each holds the value, the others are read as not given. Unmerge the cells and "
        "fill the value into every row.",
    ),
    "warn.items_missing": (
        "{where}: {missing} af {total} udsagn har ingen kolonne ({items}).",
        "{where}: {missing} of {total} items have no column ({items}).",
    ),
    "warn.dimension_half": (
        "{where}: dimensionen '{dimension}' har {present} af {total} udsagn; færre end "
        "halvdelen, så den kan ikke scores.",
        "{where}: dimension '{dimension}' has {present} of {total} items; fewer than half, "
        "so it cannot be scored.",
    ),
    "warn.controls": (
        "{name}: kontroltegn fjernet fra {role}-værdi(er) {listed}; de kan ikke vises i en "
        "projektmappe, et diagram eller en terminal.",
        "{name}: control characters removed from {role} value(s) {listed}; they cannot be "
        "shown in a workbook, a chart or a terminal.",
    ),
    "warn.unknown_actors": (
        "{name}: aktørværdi(er) {listed}{more} er ikke aktørtyper i instrumentet "
        "'{instrument}'; de beholdes som egne grupper (knyt dem til aktørtyper med "
        "--actor-map).",
        "{name}: actor value(s) {listed}{more} are not actor types of instrument "
        "'{instrument}'; they are kept as their own groups (map them to actor types with "
        "--actor-map).",
    ),
    "warn.unknown_organisations": (
        "{name}: organisationsværdi(er) {listed}{more} er ikke organisationer i instrumentet "
        "'{instrument}'; de bedømmer som deres aktørtypes øvrige organisationer (tilføj dem "
        "under [[organisations]] eller deres aliases).",
        "{name}: organisation value(s) {listed}{more} are not organisations of instrument "
        "'{instrument}'; they rate as their actor type's other organisations (add them to "
        "[[organisations]] or their aliases).",
    ),
    "warn.identical": (
        "{path} er identisk med {first} (de samme bytes): læst én gang.",
        "{path} is identical to {first} (the same bytes): read once.",
    ),
    "warn.links": (
        "{count} symbolsk(e) link(s) i mappen peger uden for den og blev ikke læst "
        "({listed}); læs dem med --follow-links.",
        "{count} symbolic link(s) in the folder point outside it and were not read "
        "({listed}); read them with --follow-links.",
    ),
    "warn.file_twice": (
        "{left} ({rows} rækker) indeholder {what} {kept} (samme spørgeskema eksporteret to "
        "gange, eller en del af det): læst én gang, fra {kept}.",
        "{left} ({rows} rows) holds {what} {kept} (the same survey exported twice, or part "
        "of it): read once, from {kept}.",
    ),
    "warn.file_twice.same": ("de samme svar som", "the same responses as"),
    "warn.file_twice.within": ("svar, der alle står i", "responses all in"),
    "warn.repeated_rows": (
        "{count} rækker i {files} gentager respondenter fra en tidligere fil (samme id og "
        "svar); hver tælles én gang, gentagelserne som dubletter.",
        "{count} rows of {files} repeat respondents of an earlier file (the same id and "
        "answers); each is counted once, the repeats as duplicates.",
    ),
    "scope.round_area": ("runde og område", "round and area"),
    "scope.round": ("runde", "round"),
    "scope.area": ("område", "area"),
    "scope.survey": ("spørgeskema", "survey"),
    "warn.ids_across": (
        "respondent-id'erne i '{column}' gentages på tværs af filer i samme {scope} ({count} "
        "af {rows} rækker; {named}), så ingen række blev udeladt som dublet. Filerne ser ud "
        "til at nummerere deres respondenter hver for sig: er de forskellige områder eller "
        "runder, så lad hver sige hvilken (en område- eller rundekolonne, én mappe pr. område "
        "lige under den læste mappe, eller navne som --area-from beskriver); holder to af dem "
        "samme spørgeskema, så læs det én gang.",
        "the respondent ids in '{column}' repeat across files in the same {scope} ({count} of "
        "{rows} rows; {named}), so no row was dropped as a duplicate. The files seem to number "
        "their respondents each on their own: if they are different areas or rounds, let each "
        "say which (an area or round column, one folder per area directly below the folder "
        "read, or names as --area-from describes); if two of them hold the same survey, read "
        "it once.",
    ),
    "warn.ids_within": (
        "respondent-id-kolonnen '{column}' gentager værdier i {count} af {rows} rækker i samme "
        "{scope}, så den ligner ikke et id; ingen række blev udeladt som dublet. Holder en "
        "anden kolonne id'erne, så angiv den under [columns] respondent i instrumentet.",
        "the respondent id column '{column}' repeats values in {count} of {rows} rows in the "
        "same {scope}, so it does not look like an id; no row was dropped as a duplicate. If "
        "another column holds the ids, name it under [columns] respondent in the instrument.",
    ),
    # validate's report
    "validate.ok": ("✓ kan scores", "✓ can be scored"),
    "validate.not_ok": ("✗ kan ikke scores", "✗ cannot be scored"),
    "validate.read": (
        "{layout}, overskriftsrække {row}, {rows} datarækker",
        "{layout}, header row {row}, {rows} data rows",
    ),
    "validate.encoding": (
        ", {encoding}, skilletegn {delimiter}",
        ", {encoding}, delimiter {delimiter}",
    ),
    "validate.columns": ("Kolonne|Læst som|Hvordan", "Column|Read as|How"),
    "validate.kind.personal": ("personoplysning: fjernet", "personal data: dropped"),
    "validate.kind.other": ("ignoreret", "ignored"),
    "validate.kind.item": ("udsagn", "item"),
    "validate.kind.role": ("rolle", "role"),
    "validate.missing": (
        "Udsagn uden kolonne ({count} af {total}): {items}",
        "Items with no column ({count} of {total}): {items}",
    ),
    "validate.all": (
        "Hvert udsagn i '{instrument}' har en kolonne.",
        "Every item of '{instrument}' has a column.",
    ),
    "validate.invalid": ("Ugyldige svar", "Invalid answers"),
    "validate.invalid_columns": ("Kolonne|Værdi|Antal|Rækker", "Column|Value|Count|Rows"),
    "validate.rows": (
        "Rækker: {read} læst, {scorable} kan scores",
        "Rows: {read} read, {scorable} can be scored",
    ),
    "validate.excluded": (
        "; {rows} udeladt: {reason} (række {rows_at})",
        "; {rows} excluded: {reason} (row {rows_at})",
    ),
    "validate.problem": ("Problem", "Problem"),
    "validate.no_items": (
        "{where}: ingen kolonne passer til et udsagn i instrumentet '{instrument}'.",
        "{where}: no column matches any item of instrument '{instrument}'.",
    ),
    "validate.strict_missing": (
        "{where}: {count} udsagn har ingen kolonne",
        "{where}: {count} item(s) have no column",
    ),
    "validate.strict_invalid": (
        "{where}: {count} ugyldig(e) celle(r)",
        "{where}: {count} invalid cell(s)",
    ),
    "excluded.empty_row": ("tom række", "empty row"),
    "excluded.no_item_answered": (
        "intet udsagn besvaret på skalaen (kun tomme, ved ikke eller ugyldige)",
        "no item answered on the scale (only blank, don't know or invalid)",
    ),
    "excluded.duplicate_respondent": (
        "dublet af respondent-id i samme runde og område (sidste række beholdt)",
        "duplicate respondent id in the same round and area (last row kept)",
    ),
    "excluded.too_few_items": (
        "færre end halvdelen af udsagnene besvaret i hver dimension",
        "fewer than half the items of every dimension answered",
    ),
    "excluded.round_not_selected": (
        "en runde, der ikke er valgt med --rounds",
        "a round not chosen with --rounds",
    ),
    # errors: options of the analyses
    "error.choose": (
        "{option} {value}: vælg en af {choices}.",
        "{option} {value}: choose one of {choices}.",
    ),
    "error.alpha": (
        "--alpha {alpha}: skal ligge mellem 0 og 1.",
        "--alpha {alpha}: must lie between 0 and 1.",
    ),
    "error.gap_alpha": (
        "--gap skal være mindst 0 og --alpha mellem 0 og 1.",
        "--gap must be at least 0 and --alpha between 0 and 1.",
    ),
    "error.by_between": (
        "--by {key}: det er allerede den nøgle, der sammenlignes (--between).",
        "--by {key}: it is already the key compared (--between).",
    ),
    "error.no_groups": (
        "--between {key}: ingen grupper at sammenligne.",
        "--between {key}: no groups to compare.",
    ),
    "error.paired_no_id": (
        "--paired yes: spørgeskemaet har ingen kolonne med respondent-id til at koble runder.",
        "--paired yes: the survey has no respondent id column to link rounds.",
    ),
    "error.paired_no_link": (
        "--paired yes: intet respondent-id kobler runder i dette spørgeskema.",
        "--paired yes: no respondent id links rounds in this survey.",
    ),
    "error.no_areas": (
        "{where}: ingen oplysning om boligområder. Hav én mappe pr. område "
        "(surveys/<område>/2024.xlsx), navngiv filerne <område>_<runde>.csv, eller tilføj en "
        "områdekolonne.",
        "{where}: no area information. Keep one folder per area (surveys/<area>/2024.xlsx), "
        "name files <area>_<round>.csv, or add an area column.",
    ),
    "error.focus": (
        "--focus {focus}: intet område med det navn; områderne er {areas}.",
        "--focus {focus}: no area of that name; the areas are {areas}.",
    ),
    "error.compare_round_none": (
        "--compare-round: input har ingen oplysning om runder.",
        "--compare-round: the input has no round information.",
    ),
    "error.compare_round": (
        "--compare-round {round}: ingen sådan runde; runderne er {rounds}.",
        "--compare-round {round}: no such round; the rounds are {rounds}.",
    ),
    "error.sort": (
        "--sort {sort}: ingen sådan dimension; brug en af {choices}.",
        "--sort {sort}: no such dimension; use one of {choices}.",
    ),
    "error.relations_no_actor": (
        "relations: spørgeskemaet har ingen aktørkolonne, så bedømmerne kan ikke grupperes. "
        "Tilføj en kolonne med aktørtype (fx 'Aktørtype'), eller knyt den med --actor-map.",
        "relations: the survey has no actor column, so raters cannot be grouped. Add an "
        "actor-type column (for example 'Aktørtype') or map it with --actor-map.",
    ),
    "error.relations_by_actor": (
        "--by actor: bedømmerens aktørtype er allerede matricens rækker.",
        "--by actor: the rater's actor type is already the matrix's rows.",
    ),
    "error.relations_none": (
        "relations: instrumentet '{instrument}' angiver ingen [[relations]]; se "
        "docs/instrument.md om relationsspørgsmålene.",
        "relations: instrument '{instrument}' declares no [[relations]]; see "
        "docs/instrument.md for the relation questions.",
    ),
    "error.relations_columns": (
        "relations: {where} har ingen kolonne til relationsspørgsmålene i instrumentet "
        "'{instrument}' (overskrifter som '{stem} - <aktørtype>'). Kør `partnerkit validate` "
        "for at se, hvordan kolonnerne blev læst.",
        "relations: {where} has no column of the relation questions of instrument "
        "'{instrument}' (headers like '{stem} - <actor type>'). Run `partnerkit validate` to "
        "see how the columns were read.",
    ),
    "error.relation_unknown": (
        "--relation {relation}: ikke en relation i dette spørgeskema (vælg mellem {choices}).",
        "--relation {relation}: not a relation of this survey (choose from {choices}).",
    ),
    # errors: layouts and actor maps
    "error.layout_unknown": (
        "--layout {layout}: ukendt layout; vælg en af {choices}.",
        "--layout {layout}: unknown layout; choose one of {choices}.",
    ),
    "error.layout_answers": (
        "{place}: --layout {layout} tager række {row} som overskriftsrække, men den ligner "
        "svar ({why}); at læse den sådan ville tabe en respondent. Udelad --layout, så "
        "layoutet genkendes, eller vælg det, filen har.",
        "{place}: --layout {layout} takes row {row} as a header row, but it looks like "
        "answers ({why}); reading it so would drop a respondent. Leave out --layout to have "
        "the layout recognised, or choose the one the file has.",
    ),
    "error.not_surveyxact": (
        "{path}: er ikke en SurveyXact-eksport; angiv projektmappen (arkene Dataset, "
        "Structure, Labels) eller mappen med dataset.csv, structure.csv og labels.csv.",
        "{path}: is not a SurveyXact export; give the workbook (sheets Dataset, Structure, "
        "Labels) or the folder holding dataset.csv, structure.csv and labels.csv.",
    ),
    "error.not_surveyxact_sheets": (
        "{path}: er ikke en SurveyXact-projektmappe (den skal have arkene Dataset, Structure "
        "og Labels; den har {sheets}).",
        "{path}: is not a SurveyXact workbook (it needs the sheets Dataset, Structure and "
        "Labels; it has {sheets}).",
    ),
    "error.not_surveyxact_workbook": (
        "{path}: er ikke en SurveyXact-projektmappe (ingen ark Dataset og Labels).",
        "{path}: is not a SurveyXact workbook (no Dataset and Labels sheets).",
    ),
    "error.dataset_empty": ("{where}: er tomt.", "{where}: is empty."),
    "error.datasets_differ": (
        "{path}: Dataset-arkene er forskellige i både kolonner og rækker; eksportér "
        "spørgeskemaet igen som ét datasæt.",
        "{path}: the Dataset sheets differ in both columns and rows; export the survey again "
        "as one dataset.",
    ),
    "error.spss_package": (
        "{path}: SPSS-filer kræver den valgfrie pakke pyreadstat. Installér den med "
        "`pip install 'partnerkit[spss]'`, eller eksportér spørgeskemaet som xlsx eller CSV.",
        "{path}: reading SPSS files needs the optional package pyreadstat. Install it with "
        "`pip install 'partnerkit[spss]'`, or export the survey as xlsx or CSV.",
    ),
    "error.spss_unreadable": (
        "{path}: SPSS-filen kan ikke læses ({problem}).",
        "{path}: cannot read the SPSS file ({problem}).",
    ),
    "error.spss_empty": (
        "{path}: har variabler, men ingen svar.",
        "{path}: has variables but no answers.",
    ),
    "error.actor_map_decode": (
        "{path}: aktørkortet kan ikke afkodes som {encoding}.",
        "{path}: cannot decode the actor map as {encoding}.",
    ),
    "error.actor_map_row": (
        "{path}, række {row}: en række i aktørkortet skal have to celler: svaret og aktørtypen.",
        "{path}, row {row}: an actor map row needs two cells: the answer and the actor type.",
    ),
    "error.actor_map_actor": (
        "{path}, række {row}: '{actor}' er ikke en aktørtype i instrumentet '{instrument}' "
        "(kendte: {known}).",
        "{path}, row {row}: '{actor}' is not an actor type of instrument '{instrument}' "
        "(known: {known}).",
    ),
    # errors: size limits
    "error.unzipped": (
        "{path}: projektmappen fylder {size:,.0f} MB udpakket, mere end grænsen på "
        "{limit:,.0f} MB. Er filen ægte, så hæv grænsen med PARTNERKIT_MAX_UNZIPPED_MB.",
        "{path}: the workbook unpacks to {size:,.0f} MB, more than the limit of {limit:,.0f} "
        "MB. If the file is genuine, raise the limit with PARTNERKIT_MAX_UNZIPPED_MB.",
    ),
    "error.entities": (
        "{path}: projektmappen erklærer XML-entiteter ({member}), som Excel aldrig skriver, og "
        "som kan vokse uden grænse; den læses ikke. Gem filen igen fra et regnearksprogram.",
        "{path}: the workbook declares XML entities ({member}), which Excel never writes and "
        "which can expand without bound; refusing to read it. Save the file again from a "
        "spreadsheet program.",
    ),
    "error.cells_declared": (
        "{path}: et ark erklærer {cells:,} celler ({rows:,} rækker x {columns:,} kolonner), "
        "mere end grænsen på {limit:,} celler. Er filen ægte, så hæv grænsen med "
        "PARTNERKIT_MAX_CELLS.",
        "{path}: a sheet declares {cells:,} cells ({rows:,} rows x {columns:,} columns), more "
        "than the limit of {limit:,} cells. If the file is genuine, raise the limit with "
        "PARTNERKIT_MAX_CELLS.",
    ),
    "error.cells": (
        "{where}: {rows:,} rækker x {columns:,} kolonner er mere end grænsen på {limit:,} "
        "celler. Er filen ægte, så hæv grænsen med PARTNERKIT_MAX_CELLS.",
        "{where}: {rows:,} rows x {columns:,} columns is more than the limit of {limit:,} "
        "cells. If the file is genuine, raise the limit with PARTNERKIT_MAX_CELLS.",
    ),
    "error.workbook": (
        "{path}: projektmappen kan ikke læses: {hint}.",
        "{path}: cannot read the workbook: {hint}.",
    ),
    "error.workbook.encrypted": (
        "den ser ud til at være beskyttet med adgangskode (krypteret); gem en ubeskyttet kopi, "
        "og prøv igen",
        "it looks password-protected (encrypted); save an unprotected copy and try again",
    ),
    "error.workbook.not_spreadsheet": (
        "det er ikke et regneark; er det en CSV-fil, så giv den endelsen .csv",
        "it is not a spreadsheet; if it is a CSV file, give it the .csv extension",
    ),
    "error.workbook.damaged": (
        "den er måske beskadiget ({problem}); åbn og gem den igen i Excel",
        "it may be damaged ({problem}); open and save it again in Excel",
    ),
    # errors: the project file and starter files
    "project.inputs": (
        "en liste af filer, mapper eller mønstre",
        "a list of files, folders or patterns",
    ),
    "project.one_of": ("en af {choices}, fik {value!r}", "one of {choices}, got {value!r}"),
    "project.jobs": (
        "et helt tal, 0 for ét pr. CPU, fik {value!r}",
        "a whole number, 0 for one per CPU, got {value!r}",
    ),
    "project.table": ("en tabel (format = ...)", "a table (format = ...)"),
    "project.formats": ("en af {choices}", "one of {choices}"),
    "error.project_exists": (
        "{path}: findes allerede; angiv --force for at erstatte den.",
        "{path}: exists already; give --force to replace it.",
    ),
    "error.instrument_suffix": (
        "{path}: en instrumentfil ender på .toml.",
        "{path}: an instrument file ends in .toml.",
    ),
    "error.instrument_exists": (
        "{path}: findes allerede; vælg et andet navn, eller angiv --force.",
        "{path}: exists already; choose another name or give --force.",
    ),
    "error.template_suffix": (
        "{path}: skabelonen er en Excel-projektmappe; angiv en sti, der ender på .xlsx.",
        "{path}: the template is an Excel workbook; give a path ending in .xlsx.",
    ),
    "error.nothing_scorable": (
        "{where}: ingen dimension har mindst halvdelen af sine udsagn som kolonner, så intet "
        "kan scores. Kør `partnerkit validate` for at se, hvilke kolonner der blev knyttet.",
        "{where}: no dimension has at least half of its items as columns, so nothing can be "
        "scored. Run `partnerkit validate` to see which columns were mapped.",
    ),
    # problems of a value, in the same words for every source (option, instrument, project)
    "problem.control": (
        "indeholder et kontroltegn (U+{code:04X}); fjern det",
        "holds a control character (U+{code:04X}); remove it",
    ),
    "problem.min_n": (
        "skal være et helt tal på mindst {floor}, fik {value!r}",
        "must be a whole number of at least {floor}, got {value!r}",
    ),
    "problem.protection": (
        "skal være et positivt antal skalapoint, fik {value!r}",
        "must be a positive number of scale points, got {value!r}",
    ),
    "problem.protection_range": (
        "må højst være skalaens spænd ({range} point på {lo}-{hi}), fik {value!r}",
        "must be at most the scale's range ({range} points on {lo}-{hi}), got {value!r}",
    ),
    "problem.bool": (
        "skal være true eller false, fik {value!r}",
        "must be true or false, got {value!r}",
    ),
    # problems of an instrument file (instrument check, and the first in the error)
    "problem.missing_table": ("tabel mangler", "missing table"),
    "problem.table": ("skal være en tabel, fik {kind}", "must be a table, got {kind}"),
    "problem.missing": ("mangler", "missing"),
    "problem.text": (
        "skal være en ikke-tom tekst, fik {kind}",
        "must be a non-empty text, got {kind}",
    ),
    "problem.integer": (
        "skal være et helt tal, fik {value!r}",
        "must be an integer, got {value!r}",
    ),
    "problem.number": ("skal være et tal, fik {value!r}", "must be a number, got {value!r}"),
    "problem.texts": (
        "skal være en liste af tekster, fik {value!r}",
        "must be a list of texts, got {value!r}",
    ),
    "problem.missing_texts": (
        "mangler; angiv en tabel med tekster pr. sprog",
        "missing; give a table of texts per language",
    ),
    "problem.empty_text": ("skal være en ikke-tom tekst", "must be a non-empty text"),
    "problem.missing_lang": ("mangler teksten på '{lang}'", "missing the '{lang}' text"),
    "problem.unknown_key": (
        "ukendt nøgle (tilladt: {allowed})",
        "unknown key (allowed: {allowed})",
    ),
    "problem.invalid": ("ugyldigt instrument", "invalid instrument"),
    "problem.toml": ("ikke gyldig TOML: {detail}", "not valid TOML: {detail}"),
    "problem.toml_depth": (
        "tabeller eller lister ligger mere end {depth} niveauer inde i hinanden; partnerkits "
        "filer bruger højst fire; tjek de kantede parenteser",
        "tables or lists are nested more than {depth} levels deep; partnerkit's files need at "
        "most four; check the brackets",
    ),
    "problem.language_title": (
        "'{language}' har ingen titel; tilføj title.{language}",
        "'{language}' has no title; add title.{language}",
    ),
    "problem.focus": (
        "'{focus}' er ikke et dimensions-id ({ids})",
        "'{focus}' is not a dimension id ({ids})",
    ),
    "problem.item_role_header": (
        "'{item}' er en overskrift for kolonnen {role}; giv udsagnet et andet id",
        "'{item}' is a header of the {role} column; give the item another id",
    ),
    "problem.scale_order": (
        "min ({lo}) skal være mindre end max ({hi})",
        "min ({lo}) must be below max ({hi})",
    ),
    "problem.scale_size": (
        "{lo}..{hi} har {points:,} punkter; en skala har højst {most} (0 til 100)",
        "{lo}..{hi} has {points:,} points; a scale has at most {most} (0 to 100)",
    ),
    "problem.on_scale": (
        "skal ligge på skalaen {lo}..{hi}, fik {value}",
        "must lie on the scale {lo}..{hi}, got {value}",
    ),
    "problem.numbers": (
        "skal være en liste af tal, fik {value!r}",
        "must be a list of numbers, got {value!r}",
    ),
    "problem.code_on_scale": (
        "{code} er et punkt på skalaen {lo}..{hi}",
        "{code} is a point of the scale {lo}..{hi}",
    ),
    "problem.direction": (
        "skal være 'ascending' (stigende) eller 'descending' (faldende), fik {value!r}",
        "must be 'ascending' or 'descending', got {value!r}",
    ),
    "problem.label_key": (
        "nøglerne skal være skalaens punkter {lo}..{hi} eller 'missing'",
        "label keys must be the points {lo}..{hi} or 'missing'",
    ),
    "problem.label_twice": (
        "'{text}' står også for {other}: en svartekst må kun betyde ét svar",
        "'{text}' is also a label of {other}: a label must mean one answer",
    ),
    "problem.names_table": (
        "skal være en tabel fra punkt til tekst",
        "must be a table of point to text",
    ),
    "problem.names_key": (
        "nøglerne skal være {lo}..{hi} eller 'missing'",
        "keys must be {lo}..{hi} or 'missing'",
    ),
    "problem.name_twice": (
        "'{text}' står også for {other}",
        "'{text}' is also a label of {other}",
    ),
    "problem.off_scale": (
        "{value} ligger uden for skalaen {lo}..{hi}",
        "{value} lies outside the scale {lo}..{hi}",
    ),
    "problem.zone_order": (
        "attention ({attention}) skal være mindre end strength ({strength})",
        "attention ({attention}) must be below strength ({strength})",
    ),
    "problem.sector": ("sektoren skal være en af {sectors}", "sector must be one of {sectors}"),
    "problem.actors": (
        "skal være en liste af [[actors]]-tabeller eller en tabel med aktør = sektor",
        "must be a list of [[actors]] tables or a table of actor = sector",
    ),
    "problem.must_table": ("skal være en tabel", "must be a table"),
    "problem.one_of": (
        "skal være en af {allowed}, fik {value!r}",
        "must be one of {allowed}, got {value!r}",
    ),
    "problem.duplicate_actor": (
        "aktør-id'et '{id}' er angivet to gange",
        "duplicate actor id '{id}'",
    ),
    "problem.duplicate_dimension": (
        "dimensions-id'et '{id}' er angivet to gange",
        "duplicate dimension id '{id}'",
    ),
    "problem.duplicate_organisation": (
        "organisations-id'et '{id}' er angivet to gange",
        "duplicate organisation id '{id}'",
    ),
    "problem.duplicate_relation": (
        "relations-id'et '{id}' er angivet to gange",
        "duplicate relation id '{id}'",
    ),
    "problem.no_dimensions": (
        "mangler; angiv mindst én [[dimensions]] med [[dimensions.items]]",
        "missing; declare at least one [[dimensions]] with [[dimensions.items]]",
    ),
    "problem.no_items": (
        "mangler; en dimension skal have mindst ét udsagn",
        "missing; a dimension needs at least one item",
    ),
    "problem.reserved_id": (
        "'{item}' er forbeholdt spørgeskemaets egne kolonner ({reserved}); giv udsagnet et "
        "andet id",
        "'{item}' is reserved for the survey's own columns ({reserved}); give the item another id",
    ),
    "problem.item_twice": (
        "udsagnet '{item}' er allerede angivet i {at}",
        "item '{item}' is already declared at {at}",
    ),
    "problem.same_text": (
        "samme tekst som {other}: kolonnerne kan ikke skelnes fra hinanden",
        "same text as {other}: columns could not be told apart",
    ),
    "problem.list_of": (
        "skal være en liste af [[{table}]]-tabeller",
        "must be a list of [[{table}]] tables",
    ),
    "problem.organisation_actor_id": (
        "'{id}' er id for en aktørtype; giv organisationen et andet",
        "'{id}' is an actor type's id; give the organisation another",
    ),
    "problem.separator": ("må ikke indeholde '{sep}'", "must not hold '{sep}'"),
    "problem.actor_type": (
        "skal angive en aktørtype ({actors}), fik {value!r}",
        "must name an actor type ({actors}), got {value!r}",
    ),
    "problem.none_declared": ("ingen angivet", "none declared"),
    "problem.scale_table": ("skal være en tabel som [scale]", "must be a table like [scale]"),
    "problem.not_actor": (
        "'{text}' er ikke en aktørtype ({actors})",
        "'{text}' is not an actor type ({actors})",
    ),
    "problem.targets": (
        'skal være "actors", "organisations" eller en liste af aktørtyper, fik {value!r}',
        'must be "actors", "organisations" or a list of actor types, got {value!r}',
    ),
    "problem.no_actor_targets": (
        "ingen aktørtype at vurdere; angiv [[actors]] først",
        "no actor type to rate; declare [[actors]] first",
    ),
    "problem.no_organisation_targets": (
        "ingen organisation at vurdere; angiv [[organisations]]",
        "no organisation to rate; declare [[organisations]]",
    ),
    "problem.compares": (
        "skal angive en anden relation, fik {value!r}",
        "must name another relation, got {value!r}",
    ),
    "problem.compares_other": (
        "'{other}' har andre mål eller en anden skala",
        "'{other}' has other targets or another scale",
    ),
    # errors of the readers, the relations, the report and the audit (issue 20, point 6)
    "error.cells_spanned": (
        "{where}: et ark spænder over {cells:,} celler ({rows:,} rækker x {columns:,} "
        "kolonner), mere end grænsen på {limit:,} celler. Er filen ægte, så hæv grænsen med "
        "PARTNERKIT_MAX_CELLS.",
        "{where}: a sheet spans {cells:,} cells ({rows:,} rows x {columns:,} columns), more than "
        "the limit of {limit:,} cells. If the file is genuine, raise the limit with "
        "PARTNERKIT_MAX_CELLS.",
    ),
    "where.sheet_dimensions": (
        "{path}, ark '{sheet}' (dets DIMENSIONS-post)",
        "{path}, sheet '{sheet}' (its DIMENSIONS record)",
    ),
    "error.text_mb": (
        "{where}: arkets delte tekster fylder {size:,.0f} MB udpakket, mere end grænsen på "
        "{limit:,.0f} MB. Er filen ægte, så hæv grænsen med PARTNERKIT_MAX_TEXT_MB.",
        "{where}: the sheet's shared texts expand to {size:,.0f} MB, more than the limit of "
        "{limit:,.0f} MB. If the file is genuine, raise the limit with PARTNERKIT_MAX_TEXT_MB.",
    ),
    "error.sav_cases": (
        "{path}: filhovedet angiver {cases:,} besvarelser, flere end filens {size:,} byte kan "
        "rumme; filen er beskadiget eller manipuleret. Gem den igen fra SPSS.",
        "{path}: the header declares {cases:,} cases, more than the file's {size:,} bytes can "
        "hold; the file is damaged or manipulated. Save it again from SPSS.",
    ),
    "error.actor_map_name": (
        "aktørkort: '{name}' er ikke en aktørtype.",
        "actor map: '{name}' is not an actor type.",
    ),
    "error.round_conflict": (
        "{where}: rundekolonnen '{column}' siger {found}, men {source} siger {given}. Ret "
        "kolonnen eller {source}, og prøv igen.",
        "{where}: the round column '{column}' says {found} but the {source} says {given}. "
        "Correct the column or the {source}, and try again.",
    ),
    "round_source.file_name": ("filnavnet", "file name"),
    "round_source.sheet_name": ("arkets navn", "sheet name"),
    "round_source.option": ("--round", "--round option"),
    "error.both_map_item": (
        "{where}: kolonnerne '{first}' og '{second}' passer begge til udsagnet '{item}'. Fjern "
        "eller omdøb den ene.",
        "{where}: columns '{first}' and '{second}' both map to item '{item}'. Remove or rename "
        "one of them.",
    ),
    "error.both_map_cell": (
        "{where}: kolonnerne '{first}' og '{second}' passer begge til relationscellen "
        "'{cell}'. Fjern eller omdøb den ene.",
        "{where}: columns '{first}' and '{second}' both map to relation cell '{cell}'. Remove "
        "or rename one of them.",
    ),
    "error.relations_no_organisation": (
        "relations: relationen '{relation}' vurderer navngivne organisationer, men ingen "
        "kolonne i spørgeskemaet angiver svarpersonens organisation (en overskrift som "
        "'Organisationens navn', eller en angivet som [columns] organisation i instrumentet).",
        "relations: relation '{relation}' rates named organisations, but no column of the "
        "survey names the respondent's organisation (a header such as 'Organisationens navn', "
        "or one given as [columns] organisation in the instrument).",
    ),
    "error.report_no_output": (
        "angiv -o rapport.xlsx og/eller -o rapport.html.",
        "give -o report.xlsx and/or -o report.html.",
    ),
    "error.report_suffix": (
        "{path}: en rapport er en Excel-projektmappe (.xlsx) eller en webside (.html); angiv "
        "-o rapport.xlsx og/eller -o rapport.html.",
        "{path}: a report is an Excel workbook (.xlsx) or a web page (.html); give "
        "-o report.xlsx and/or -o report.html.",
    ),
    "error.audit_survey": (
        "audit: angiv det spørgeskema, JSON-outputtene blev lavet af (gruppernes størrelser).",
        "audit: give the survey the JSON outputs were made from (the group sizes).",
    ),
    "error.published_contradict": (
        "de offentliggjorte tal modsiger hinanden (ingen summer passer til dem alle): blev "
        "outputtene lavet af de samme spørgeskemafiler?",
        "the published figures contradict each other (no sums fit them all): were the outputs "
        "made from the same survey files?",
    ),
    "error.adjust": (
        "Ukendt p-værdi-justering {method!r}; vælg en af {methods}.",
        "Unknown p-value adjustment {method!r}; choose one of {methods}.",
    ),
    "layout.plain": ("almindelig tabel (én overskriftsrække)", "plain table (one header row)"),
    "layout.why_dates": (
        "den indeholder datoer eller klokkeslæt, fx {value!r}",
        "it holds dates or times, such as {value!r}",
    ),
    "layout.why_first_number": (
        "dens første celle er et tal ({value!r})",
        "its first cell is a number ({value!r})",
    ),
    "layout.why_numbers": (
        "{numbers} af dens {filled} udfyldte celler er tal",
        "{numbers} of its {filled} filled cells are numbers",
    ),
    # Click's usage errors, English as Click writes them (read back by translated())
    "click.usage": ("Brug: {usage}", "Usage: {usage}"),
    "click.try": (
        "Skriv '{command} {option}' for at få hjælp.",
        "Try '{command} {option}' for help.",
    ),
    "click.no_such_option.possible": (
        "Ukendt tilvalg: {option} (mulige tilvalg: {options})",
        "No such option: {option} (Possible options: {options})",
    ),
    "click.no_such_option": ("Ukendt tilvalg: {option}", "No such option: {option}"),
    "click.requires_argument": (
        "Tilvalget {option} skal have en værdi.",
        "Option {option} requires an argument.",
    ),
    "click.requires_arguments": (
        "Tilvalget {option} skal have {count} værdier.",
        "Option {option} requires {count} arguments.",
    ),
    "click.takes_no_value": (
        "Tilvalget {option} tager ingen værdi.",
        "Option {option} does not take a value.",
    ),
    "click.invalid_value_for": (
        "Ugyldig værdi for {param}: {detail}",
        "Invalid value for {param}: {detail}",
    ),
    "click.invalid_value": ("Ugyldig værdi: {detail}", "Invalid value: {detail}"),
    "click.not_one_of": ("{value} er ikke en af {choices}.", "{value} is not one of {choices}."),
    "click.not_integer": ("{value} er ikke et helt tal.", "{value} is not a valid integer."),
    "click.not_int": ("{value} er ikke et helt tal.", "{value} is not a valid int."),
    "click.not_float": ("{value} er ikke et tal.", "{value} is not a valid float."),
    "click.not_in_range": (
        "{value} ligger ikke i intervallet {range}.",
        "{value} is not in the range {range}.",
    ),
    "click.missing_argument_choose": (
        "Mangler argumentet {param}. Vælg mellem:{choices}",
        "Missing argument {param}. Choose from:{choices}",
    ),
    "click.missing_argument": ("Mangler argumentet {param}.", "Missing argument {param}."),
    "click.missing_option": ("Mangler tilvalget {param}.", "Missing option {param}."),
    "click.no_such_command.mean": (
        "Ukendt kommando {name}. Mente du {suggestions}?",
        "No such command {name}. Did you mean {suggestions}?",
    ),
    "click.no_such_command": ("Ukendt kommando {name}.", "No such command {name}."),
    "click.extra_arguments": (
        "Uventede ekstra argumenter ({args})",
        "Got unexpected extra argument(s) ({args})",
    ),
    "click.missing_command": ("Mangler en kommando.", "Missing command."),
    "click.aborted": ("Afbrudt!", "Aborted!"),
    "cli.reading": ("Læser filer", "Reading files"),
}
_TEXTS.update(_MESSAGES)
