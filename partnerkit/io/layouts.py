"""Recognising which survey platform wrote an export, from its headers and sheet names."""

from __future__ import annotations

from collections.abc import Sequence

from .mapping import compact

#: Layout names as reported in ``validate`` and in JSON ``meta.files[].layout``.
LAYOUTS = {
    "plain": "plain table (one header row)",
    "microsoft_forms": "Microsoft Forms",
    "google_forms": "Google Forms",
    "qualtrics": "Qualtrics",
    "surveymonkey": "SurveyMonkey",
    "surveyxact": "SurveyXact",
}

_MS_FORMS = ({"starttime", "starttidspunkt"}, {"completiontime", "fuldførelsestidspunkt"})
_GOOGLE = {"timestamp", "tidsstempel"}
_QUALTRICS = {"responseid", "startdate", "enddate", "recordeddate", "distributionchannel"}
_SURVEYMONKEY = {"respondentid", "collectorid"}


def detect_layout(headers: Sequence[str], sheet: str | None = None) -> str:
    """The most likely layout of a sheet with these headers (``"plain"`` when unsure)."""
    keys = {compact(h) for h in headers}
    if all(keys & names for names in _MS_FORMS):
        return "microsoft_forms"
    if headers and compact(headers[0]) in _GOOGLE:
        return "google_forms"
    if len(keys & _QUALTRICS) >= 2:
        return "qualtrics"
    if keys >= _SURVEYMONKEY:
        return "surveymonkey"
    if (sheet or "").casefold().startswith("dataset") or any(k.startswith("stato") for k in keys):
        return "surveyxact"
    return "plain"
