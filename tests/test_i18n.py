"""The text catalogue: one place for every Danish/English text a reader sees.

Walks the package source with ``ast``, so a text looked up under a key the catalogue lacks
fails here rather than with a KeyError in one language of one report section.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

import partnerkit
from partnerkit import template
from partnerkit.i18n import _TEXTS, LANGS, t

PACKAGE = Path(partnerkit.__file__).parent
SOURCES = sorted(PACKAGE.rglob("*.py"))


def _trees():
    for path in SOURCES:
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _literal_keys(node: ast.expr) -> list[str]:
    """The keys a written-out first argument of ``t()`` can take: "a", or "a" if x else "b"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literal_keys(node.body) + _literal_keys(node.orelse)
    return []


def _calls(name: str):
    """Every call ``name(first, ...)`` written in the package: (path, call node)."""
    for path, tree in _trees():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == name
                and node.args
            ):
                yield path, node


def _used_keys() -> dict[str, str]:
    used = {}
    for path, node in _calls("t"):
        for key in _literal_keys(node.args[0]):
            used[key] = f"{path.relative_to(PACKAGE)}:{node.lineno}"
    return used


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_a_danish_and_an_english_text_with_the_same_placeholders():
    assert LANGS == ("da", "en")
    for key, texts in _TEXTS.items():
        assert isinstance(texts, tuple) and len(texts) == 2, key
        da, en = texts
        assert isinstance(da, str) and da.strip(), f"{key}: no Danish text"
        assert isinstance(en, str) and en.strip(), f"{key}: no English text"
        assert _fields(da) == _fields(en), f"{key}: placeholders differ"


def test_every_literal_key_in_the_code_is_in_the_catalogue():
    used = _used_keys()
    assert len(used) > 100  # the walk finds the texts of every renderer, not just a few
    missing = {key: where for key, where in used.items() if key not in _TEXTS}
    assert not missing


def test_the_template_keys_are_in_the_catalogue():
    # kept as tuples of keys in template.py (the order of the sheet's lines), not t() calls
    for key in (*template._LINES, *template._LEVELS):
        assert key in _TEXTS, key


def test_no_renderer_keeps_its_own_text_table_or_symbols():
    # one catalogue: no _TEXT table or _x() lookup, and ZONE_MARK / HIDDEN defined once
    defined: dict[str, list[str]] = {}
    for path, tree in _trees():
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Assign):
                targets = [n.id for n in node.targets if isinstance(n, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                targets = [node.target.id]
            elif isinstance(node, ast.FunctionDef):
                targets = [node.name]
            for name in targets:
                defined.setdefault(name, []).append(str(path.relative_to(PACKAGE)))
    assert "_TEXT" not in defined
    assert "_x" not in defined
    assert defined["ZONE_MARK"] == ["i18n.py"]
    assert defined["HIDDEN"] == ["i18n.py"]
    assert defined["_TEXTS"] == ["i18n.py"]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("da", "Vælg et svar fra listen."), ("en", "Choose an answer from the list.")],
)
def test_t_falls_back_to_english(lang, expected):
    assert t("template.choose", lang) == expected
    assert t("template.choose", "de") == "Choose an answer from the list."


def test_the_report_css_is_package_data():
    from importlib.resources import files

    from partnerkit.render.html import _css

    assert files("partnerkit.render").joinpath("report.css").is_file()
    css = _css()
    assert css.startswith(":root {") and "@media print" in css and css.endswith("}")
