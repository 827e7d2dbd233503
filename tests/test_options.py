"""A command's options against the project file: the option, else the file, else the default.

The command line builds one :class:`ReadOptions` per command and
:func:`resolve_options` settles it; ``read_survey(rounds=...)`` applies ``--rounds``.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pandas as pd
import pytest

from partnerkit import read_survey, select_rounds
from partnerkit.cli import Lang
from partnerkit.errors import OptionError
from partnerkit.output import Format
from partnerkit.project import ReadOptions, resolve_options
from tests.conftest import EXAMPLE_CSV, ROOT

PROJECT = """\
inputs = ["surveys"]
instrument = "mine.toml"
lang = "en"
min_n = 7
jobs = 3
area_from = "folder"
actor_map = "actors.csv"

[output]
format = "json"
"""


@pytest.fixture
def full(tmp_path) -> Path:
    """A project file that sets everything."""
    path = tmp_path / "full" / "partnerkit.toml"
    path.parent.mkdir()
    path.write_text(PROJECT, encoding="utf-8")
    return path


@pytest.fixture
def bare(tmp_path) -> Path:
    """A project file that names its inputs and nothing else."""
    path = tmp_path / "bare" / "partnerkit.toml"
    path.parent.mkdir()
    path.write_text('inputs = ["surveys"]\n', encoding="utf-8")
    return path


# (setting, the option given, what the full project file gives, the default)
from partnerkit.project import usable_cpus  # noqa: E402

PRECEDENCE = [
    ("lang", "da", "en", None),
    ("min_n", 2, 7, None),
    ("jobs", 1, min(3, usable_cpus()), usable_cpus()),  # capped at the CPUs (issue 18)
    ("instrument", "partnerskab", "mine.toml", None),
    ("format", "csv", "json", "table"),
    ("area_from", "column", "folder", "auto"),
    ("actor_map", "given.csv", "actors.csv", None),
]


@pytest.mark.parametrize(("name", "option", "from_file", "default"), PRECEDENCE)
def test_an_option_beats_the_project_file_which_beats_the_default(
    name, option, from_file, default, full, bare
):
    given = resolve_options(ReadOptions(project=full, **{name: option}))
    assert getattr(given, name) == option
    in_file = getattr(resolve_options(ReadOptions(project=full)), name)
    if name in ("instrument", "actor_map"):  # a path in the file is relative to the file
        assert in_file == str(full.parent / from_file)
    else:
        assert in_file == from_file
    assert getattr(resolve_options(ReadOptions(project=bare)), name) == default


def test_without_a_project_file_the_defaults_hold(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no partnerkit.toml here
    settings = resolve_options(ReadOptions(files=["a.csv"]))
    assert settings.paths == ("a.csv",) and settings.project is None
    assert (settings.lang, settings.min_n, settings.instrument) == (None, None, None)
    assert settings.format is Format.table and settings.area_from == "auto"
    assert settings.jobs == (os.cpu_count() or 1) and settings.keep_going
    with pytest.raises(OptionError, match="no input: give survey files"):
        resolve_options(ReadOptions())


def test_the_working_folders_project_file_is_found(full, monkeypatch):
    monkeypatch.chdir(full.parent)
    settings = resolve_options(ReadOptions())
    assert settings.paths == (str(full.parent / "surveys"),)
    # every input is protected from -o: the folder, the actor map, the project file
    assert settings.inputs[0] == full.parent / "surveys"
    assert full.resolve() in settings.inputs
    assert settings.min_n == 7 and settings.project.path == full.resolve()


def test_jobs_0_means_one_process_per_cpu_even_over_the_project_file(full):
    assert resolve_options(ReadOptions(project=full, jobs=0)).jobs == (os.cpu_count() or 1)


def test_files_beat_the_project_inputs(full):
    settings = resolve_options(ReadOptions(project=full, files=["x.csv", "y.csv"]))
    assert settings.paths == ("x.csv", "y.csv")


def test_an_output_file_names_the_format_before_the_project_file_does(full, tmp_path):
    by_extension = resolve_options(ReadOptions(project=full, output=tmp_path / "out.csv"))
    assert by_extension.format is Format.csv
    with pytest.raises(OptionError, match=r"cannot tell the format from the extension '\.xyz'"):
        resolve_options(ReadOptions(project=full, output=tmp_path / "out.xyz"))


def test_a_bad_project_format_names_the_file(tmp_path):
    path = tmp_path / "partnerkit.toml"
    path.write_text('inputs = ["x"]\n[output]\nformat = "pdf"\n', encoding="utf-8")
    with pytest.raises(OptionError, match=r"partnerkit.toml: \[output\] format: one of table"):
        resolve_options(ReadOptions(project=path))


def test_the_command_lines_choices_reach_the_library_as_text(bare):
    settings = resolve_options(ReadOptions(project=bare, lang=Lang.en, fail_fast=True))
    assert settings.lang == "en" and type(settings.lang) is str
    assert not settings.keep_going


def test_rounds_as_typed_or_as_a_list(bare):
    assert resolve_options(ReadOptions(project=bare, rounds="2024,2022")).rounds == (
        "2024",
        "2022",
    )
    assert resolve_options(ReadOptions(project=bare, rounds=["2023"])).rounds == ("2023",)
    assert resolve_options(ReadOptions(project=bare, rounds="")).rounds is None


def test_read_survey_selects_rounds_as_select_rounds_does():
    chosen = read_survey(EXAMPLE_CSV, rounds=["2024", "2022"])
    expected = select_rounds(read_survey(EXAMPLE_CSV), ["2024", "2022"])
    assert chosen.round_order == ("2024", "2022")
    assert set(chosen.data["round"]) == {"2022", "2024"}
    pd.testing.assert_frame_equal(chosen.data, expected.data)
    assert chosen.ledger == expected.ledger
    assert {e.reason for e in chosen.ledger.excluded} >= {"round_not_selected"}
    everything = read_survey(EXAMPLE_CSV, rounds=None)
    assert set(everything.data["round"]) == {"2022", "2023", "2024"}
    with pytest.raises(OptionError, match="--rounds: no round 2031 in"):
        read_survey(EXAMPLE_CSV, rounds=["2031"])


def test_settings_read_the_survey_the_command_reads(tmp_path):
    settings = resolve_options(
        ReadOptions(files=[str(EXAMPLE_CSV)], rounds="2023", jobs=1, project=None)
    )
    survey = settings.read()
    assert set(survey.data["round"]) == {"2023"}
    assert survey.sources[0].path == str(EXAMPLE_CSV)


def test_the_command_line_passes_no_locals():
    """Options travel as a typed object, never as a dict of a function's local names."""
    tree = ast.parse((ROOT / "partnerkit" / "cli.py").read_text(encoding="utf-8"))
    calls = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("locals", "vars")
    ]
    assert calls == []


def test_read_survey_takes_rounds_as_the_option_writes_them():
    # "2024,2022" as --rounds takes it (a string was iterated letter by letter)
    expected = select_rounds(read_survey(EXAMPLE_CSV), ["2024", "2022"])
    chosen = read_survey(EXAMPLE_CSV, rounds="2024,2022")
    assert chosen.round_order == ("2024", "2022")
    assert len(chosen.data) == len(expected.data)


def test_the_language_comes_from_partnerkit_lang_unless_lang_is_given(tmp_path, monkeypatch):
    """--lang, else PARTNERKIT_LANG, else the project file's lang, else the instrument's
    (Danish for the bundled one); a value that is not da or en is a usage error."""
    from typer.testing import CliRunner

    from tests.conftest import invoke

    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    danish = invoke(runner, "score", EXAMPLE_CSV, "-q").stdout
    assert danish.startswith("Partnerskabsmåling")
    monkeypatch.setenv("PARTNERKIT_LANG", "en")
    assert invoke(runner, "score", EXAMPLE_CSV, "-q").stdout.startswith("Partnership survey")
    assert invoke(runner, "score", EXAMPLE_CSV, "-q", "--lang", "da").stdout == danish
    (tmp_path / "partnerkit.toml").write_text('lang = "da"\n', encoding="utf-8")
    assert invoke(runner, "score", EXAMPLE_CSV, "-q").stdout.startswith("Partnership survey")
    monkeypatch.setenv("PARTNERKIT_LANG", "fr")
    wrong = invoke(runner, "score", EXAMPLE_CSV, "-q")
    assert wrong.exit_code == 2 and "PARTNERKIT_LANG" in wrong.output
