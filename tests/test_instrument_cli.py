"""``partnerkit instrument list | show | init | check``."""

from __future__ import annotations

import json

from partnerkit.instrument import load_instrument
from tests.conftest import invoke


def test_list_shows_the_bundled_instrument(runner):
    result = invoke(runner, "instrument", "list", "-f", "json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)["results"]
    assert listed[0] | {"title": None} == {
        "id": "partnerskab",
        "version": "1.0",
        "language": "da",
        "title": None,
        "dimensions": 10,
        "items": 30,
    }
    table = invoke(runner, "instrument", "list")
    assert "partnerskab" in table.stdout and "Partnership survey" in table.stdout


def test_show_marks_reverse_keyed_items_in_either_language(runner):
    en = invoke(runner, "instrument", "show", "partnerskab", "--lang", "en")
    assert en.exit_code == 0, en.output
    assert "Equality and shared power" in en.stdout
    line = next(x for x in en.stdout.splitlines() if "equality_2" in x)
    assert "↺" in line and "A few partners make the important decisions" in line
    assert "↺" not in next(x for x in en.stdout.splitlines() if "equality_1" in x)
    da = invoke(runner, "instrument", "show", "--lang", "da", "-f", "json")
    shown = json.loads(da.stdout)
    assert shown["meta"]["scale"]["labels"]["5"] == "Helt enig"
    equality = next(d for d in shown["results"] if d["dimension"] == "equality")
    assert [i["reverse"] for i in equality["items"]] == [False, True, False]


def test_init_writes_a_commented_starter_that_passes_check(runner, tmp_path):
    path = tmp_path / "vores-maaling.toml"
    result = invoke(runner, "instrument", "init", path)
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert text.count("\n#") > 20  # every field explained
    assert 'id = "vores_maaling"' in text
    check = invoke(runner, "instrument", "check", path)
    assert check.exit_code == 0, check.output
    assert "valid: instrument 'vores_maaling' with 10 dimensions and 30 items" in check.stdout
    assert load_instrument(path).items == load_instrument().items
    again = invoke(runner, "instrument", "init", path)
    assert again.exit_code == 2
    assert again.stderr.startswith(f"Error: {path}: exists already")


def test_check_reports_several_planted_errors_in_one_run(runner, tmp_path):
    path = tmp_path / "planted.toml"
    invoke(runner, "instrument", "init", path)
    text = path.read_text(encoding="utf-8")
    text = text.replace('id = "trust_2"', 'id = "trust_1"', 1)  # duplicate item id
    text = text.replace("strength = 4.0", "strength = 6.0", 1)  # zone outside the scale
    text = text.replace('"3" = ["Hverken', '"3" = ["Helt enig", "Hverken', 1)  # label on 2 points
    text = text.replace(', en = "Value and synergy" }', " }", 1)  # missing English name
    path.write_text(text, encoding="utf-8")
    result = invoke(runner, "instrument", "check", path)
    assert result.exit_code == 1
    out = " ".join(result.stdout.split())
    assert "item 'trust_1' is already declared" in out
    assert "zones.strength: 6.0 lies outside the scale 1..5" in out
    assert "'Helt enig' is also a label of" in out
    assert "dimensions[9].name: missing the 'en' text" in out
    assert result.stderr.startswith(f"Error: {path}: 5 problem(s) found.")  # labels + names


def test_list_and_show_write_csv(runner):
    # the CSV of `instrument list` / `show` crashed ("no attribute 'records'") before
    import csv
    import io

    listed = invoke(runner, "instrument", "list", "-f", "csv")
    assert listed.exit_code == 0, listed.output
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert (rows[0]["id"], rows[0]["dimensions"], rows[0]["items"]) == ("partnerskab", "10", "30")
    shown = invoke(runner, "instrument", "show", "partnerskab", "-f", "csv", "--lang", "en")
    assert shown.exit_code == 0, shown.output
    items = list(csv.DictReader(io.StringIO(shown.stdout)))
    inst = load_instrument()
    assert [r["item"] for r in items] == list(inst.item_ids)
    equality_2 = next(r for r in items if r["item"] == "equality_2")
    assert equality_2["reverse"] == "true" and equality_2["name"] == "Equality and shared power"
