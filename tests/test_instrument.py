"""The instrument model: the bundled default, loading by name or path, validation messages."""

from __future__ import annotations

import math

import pytest

from partnerkit.errors import InstrumentError
from partnerkit.instrument import check_instrument, list_instruments, load_instrument
from tests.conftest import TINY_TOML


def test_default_instrument_has_ten_dimensions_of_three_items(default_instrument):
    inst = default_instrument
    assert inst.id == "partnerskab"
    assert inst.language == "da"
    assert [d.id for d in inst.dimensions] == [
        "shared_purpose",
        "equality",
        "trust",
        "understanding",
        "learning",
        "coordination",
        "resident_voice",
        "leadership",
        "resources",
        "value",
    ]
    assert all(len(d.items) == 3 for d in inst.dimensions)
    for item in inst.items:  # every statement exists in Danish and English
        assert item.text["da"].strip() and item.text["en"].strip()


def test_default_instrument_reverse_keys_at_least_four_items_in_different_dimensions(
    default_instrument,
):
    reversed_dims = [d.id for d in default_instrument.dimensions for i in d.items if i.reverse]
    assert len(reversed_dims) >= 4
    assert len(set(reversed_dims)) == len(reversed_dims)


def test_default_scale_labels_decode_danish_english_and_variants(default_instrument):
    codes = default_instrument.scale.text_codes
    assert codes["helt uenig"] == 1
    assert codes["delvist uenig"] == 2 and codes["uenig"] == 2 and codes["delvis uenig"] == 2
    assert codes["hverken enig eller uenig"] == 3
    assert codes["agree"] == 4 and codes["overvejende enig"] == 4
    assert codes["strongly agree"] == 5 and codes["meget enig"] == 5
    assert math.isnan(codes["ved ikke"]) and math.isnan(codes["ikke relevant"])
    assert math.isnan(codes["don't know"])


def test_default_zones_and_actor_sectors(default_instrument):
    z = default_instrument.zones
    assert (z.of(4.0), z.of(3.99), z.of(3.0), z.of(2.99)) == (
        "strength",
        "attention",
        "attention",
        "concern",
    )
    sectors = {a.label("da"): a.sector for a in default_instrument.actors}
    assert sectors["Kommune"] == "public" and sectors["Politi"] == "public"
    assert sectors["Boligorganisation"] == "housing"
    assert sectors["Beboerrepræsentant"] == "civil_society"


def test_bundled_name_and_path_load_the_same(tiny_path):
    assert "partnerskab" in list_instruments()
    by_path = load_instrument(tiny_path)
    assert by_path.id == "tiny" and by_path.min_n == 2
    assert load_instrument("partnerskab").id == load_instrument(None).id


def test_zones_scale_with_a_seven_point_scale(tmp_path):
    text = TINY_TOML.replace("max = 5", "max = 7").replace("missing_codes = [6]", "")
    path = tmp_path / "seven.toml"
    path.write_text(text, encoding="utf-8")
    z = load_instrument(path).zones
    # 1-5 bounds 4.0 and 3.0 map linearly onto 1-7: 1 + 3/4 * 6 = 5.5 and 1 + 2/4 * 6 = 4.0
    assert (z.strength, z.attention) == (5.5, 4.0)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("reverse = true", 'reverse = "yes"'), "dimensions[0].items[2].reverse: must be true"),
        (('id = "a2"', 'id = "a1"'), "dimensions[0].items[1].id: item 'a1' is already declared"),
        (("max = 5", "max = 1"), "scale: min (1) must be below max (1)"),
        (('"2" = ["Disagree"', '"2" = ["Agree"'), "is also a label of"),
        (("favourable = 4", "favourable = 4\ncolour = 1"), "scale.colour: unknown key"),
        (("missing_codes = [6]", "missing_codes = [3]"), "3 is a point of the scale"),
        (('[title]\nen = "Tiny"\nda = "Lille"', "[title]\nen = 'Tiny'"), "language: 'da'"),
    ],
)
def test_invalid_instrument_names_file_and_key(tmp_path, edit, message):
    path = tmp_path / "broken.toml"
    text = TINY_TOML
    if "language" in message:
        text = text.replace('language = "en"', 'language = "da"')
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(InstrumentError) as info:
        load_instrument(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_zone_bounds_outside_the_scale_are_reported(tmp_path):
    path = tmp_path / "zones.toml"
    path.write_text(TINY_TOML + "\n[zones]\nstrength = 6.0\nattention = 3.0\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match=r"zones.strength: 6.0 lies outside the scale 1..5"):
        load_instrument(path)


def test_check_reports_every_problem_at_once(tmp_path):
    path = tmp_path / "many.toml"
    text = TINY_TOML.replace("reverse = true", 'reverse = "yes"').replace('id = "b2"', 'id = "b1"')
    path.write_text(text.replace("favourable = 4", "favourable = 9"), encoding="utf-8")
    problems = [str(p) for p in check_instrument(path)]
    assert len(problems) == 3
    assert any("favourable" in p for p in problems)
    assert any("reverse" in p for p in problems)
    assert any("'b1' is already declared" in p for p in problems)
    with pytest.raises(InstrumentError, match=r"\(2 more problem\(s\); run `partnerkit"):
        load_instrument(path)


def test_broken_toml_and_missing_file(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("id = [unclosed", encoding="utf-8")
    with pytest.raises(InstrumentError, match=r"bad.toml: not valid TOML"):
        load_instrument(path)
    with pytest.raises(InstrumentError, match=r"nope.toml: no such instrument file"):
        load_instrument(tmp_path / "nope.toml")


def test_descending_scale_is_declared(tmp_path):
    path = tmp_path / "desc.toml"
    text = TINY_TOML.replace("missing_codes = [6]", 'missing_codes = [6]\ndirection = "descending"')
    path.write_text(text, encoding="utf-8")
    assert load_instrument(path).scale.descending
