"""Errors, warnings and validate's report in the user's language (issue 20, point 6).

Messages are :class:`partnerkit.i18n.Message` objects: a catalogue key with named values,
English as a ``str`` (the library's message, unchanged), Danish on the command line under
``--lang da``, ``PARTNERKIT_LANG=da`` or the project file's ``lang``.
"""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import partnerkit
from partnerkit.errors import InputFileError
from partnerkit.i18n import _MESSAGES, Joined, Message, in_lang, t
from tests.conftest import EXAMPLE_CSV, EXAMPLE_XLSX, invoke, tiny_answers, write_table
from tests.test_i18n import _calls, _fields

PACKAGE = Path(partnerkit.__file__).parent


def _message_calls():
    """Every ``Message("key", name=...)`` written in the package: (where, key, names)."""
    for path, node in _calls("Message"):
        where = f"{path.relative_to(PACKAGE)}:{node.lineno}"
        names = {k.arg for k in node.keywords}
        first = node.args[0]
        keys = [first.value] if isinstance(first, ast.Constant) else None
        if path.name != "i18n.py":  # Message's own helpers pass keys through
            yield where, keys, names


def test_every_message_raised_names_a_catalogue_key_and_fills_its_values():
    calls = list(_message_calls())
    assert len(calls) > 80  # the walk sees the raise sites of every layer
    computed = [where for where, keys, _ in calls if keys is None]
    assert len(computed) <= 4, computed  # keys chosen from a table: checked below
    for where, keys, names in calls:
        if keys is None:
            continue
        (key,) = keys
        assert key in _MESSAGES, f"{where}: {key} is not in the catalogue"
        da, en = _MESSAGES[key]
        assert _fields(en) == names, f"{where}: {key} takes {_fields(en)}, given {names}"
        assert _fields(da) == names, f"{where}: {key} (da) takes {_fields(da)}, given {names}"


def test_keys_chosen_from_a_table_are_in_the_catalogue():
    from partnerkit.io.files import _NOT_TEXT

    for _, key in _NOT_TEXT:
        assert _fields(_MESSAGES[key][1]) == {"path"}, key
    for key in ("warn.file_twice.same", "warn.file_twice.within"):
        assert key in _MESSAGES
    for scope in ("round_area", "round", "area", "survey"):
        assert f"scope.{scope}" in _MESSAGES


@pytest.mark.parametrize("key", sorted(_MESSAGES))
def test_every_message_formats_in_both_languages_with_its_values(key):
    da, en = _MESSAGES[key]
    values = dict.fromkeys(_fields(en), 7)  # a number fits every field, {protection:g} too
    message = Message(key, **values)
    assert str(message) == en.format(**values)
    assert message.text("da") == da.format(**values)
    assert message.text("en") == str(message)


def test_a_message_is_english_text_and_keeps_its_key_through_pickling():
    # --jobs reads files in worker processes: their errors come back pickled
    message = Message("error.no_sheet", path="a.xlsx", sheet="X", listed="'Ark1'")
    assert message == "a.xlsx: no sheet 'X'. The workbook has 'Ark1'; choose one with --sheet."
    error = pickle.loads(pickle.dumps(InputFileError(message)))
    assert str(error) == message
    assert error.message.text("da") == (
        "a.xlsx: intet ark 'X'. Projektmappen har 'Ark1'; vælg et med --sheet."
    )
    joined = pickle.loads(pickle.dumps(Joined([Message("scope.area"), "x"], " + ")))
    assert (str(joined), joined.text("da")) == ("area + x", "område + x")
    assert in_lang("plain text", "da") == "plain text"


def test_a_value_that_is_a_message_follows_the_language():
    where = Message("where.sheet", path="a.xlsx", sheet="Data")
    message = Message("error.sheet_empty", where=where)
    assert message == "a.xlsx, sheet 'Data': is empty. Export the survey with its answers."
    assert message.text("da") == "a.xlsx, ark 'Data': er tomt. Eksportér spørgeskemaet med svarene."


# ------------------------------------------------------------------ the command line


@pytest.fixture
def empty_csv(tmp_path: Path) -> Path:
    path = tmp_path / "tom.csv"
    path.write_bytes(b"")
    return path


@pytest.fixture
def unrelated_csv(tmp_path: Path) -> Path:
    path = tmp_path / "andet.csv"
    pd.DataFrame({"Farve": ["rød", "blå"], "Tal": [1, 2]}).to_csv(path, index=False)
    return path


@pytest.fixture
def gzip_csv(tmp_path: Path) -> Path:
    path = tmp_path / "svar.csv"
    path.write_bytes(b"\x1f\x8b\x08\x00rest")
    return path


# (arguments, Danish line, English line, exit code): the English lines are today's messages
COMMON = {
    "file not found": (
        ["score", "findes_ikke.xlsx"],
        "Fejl: findes_ikke.xlsx: filen findes ikke. Tjek stien og filnavnet.",
        "Error: findes_ikke.xlsx: no such file. Check the path and the file name.",
        1,
    ),
    "unknown sheet": (
        ["score", EXAMPLE_XLSX, "--sheet", "Ark9"],
        f"Fejl: {EXAMPLE_XLSX}: intet ark 'Ark9'. Projektmappen har 'Sheet1'; vælg et med --sheet.",
        f"Error: {EXAMPLE_XLSX}: no sheet 'Ark9'. The workbook has 'Sheet1'; choose one with "
        "--sheet.",
        1,
    ),
    "unknown --by column": (
        ["score", EXAMPLE_CSV, "--by", "Hobby"],
        f"Fejl: --by Hobby: ingen sådan kolonne i {EXAMPLE_CSV}. Brug actor, round, area "
        "eller en af de andre kolonner: 'Rolle'.",
        f"Error: --by Hobby: no such column in {EXAMPLE_CSV}. Use actor, round, area or one "
        "of the other columns: 'Rolle'.",
        2,
    ),
    "--rounds naming an absent round": (
        ["score", EXAMPLE_CSV, "--rounds", "2019"],
        f"Fejl: --rounds: ingen runde 2019 i {EXAMPLE_CSV}; runderne er 2022, 2023, 2024.",
        f"Error: --rounds: no round 2019 in {EXAMPLE_CSV}; the rounds are 2022, 2023, 2024.",
        2,
    ),
    "an unknown instrument": (
        ["score", EXAMPLE_CSV, "--instrument", "ukendt"],
        "Fejl: ukendt: ingen instrumentfil og intet medfølgende instrument med det navn "
        "(medfølgende: partnerskab). Angiv stien til en TOML-fil, eller kør "
        "`partnerkit instrument init my.toml` for at begynde på et.",
        "Error: ukendt: no such instrument file, and no bundled instrument of that name "
        "(bundled: partnerskab). Give a path to a TOML file, or run "
        "`partnerkit instrument init my.toml` to start one.",
        1,
    ),
    "an output format the extension does not tell": (
        ["score", EXAMPLE_CSV, "-o", "ud.pdf"],
        "Fejl: ud.pdf: formatet kan ikke ses af filendelsen '.pdf'. Brug en af",
        "Error: ud.pdf: cannot tell the format from the extension '.pdf'. Use one of",
        2,
    ),
}


@pytest.mark.parametrize("case", sorted(COMMON))
def test_common_errors_in_danish_and_english_with_the_same_exit_code(runner, case):
    args, danish, english, code = COMMON[case]
    da = invoke(runner, *args, "--lang", "da")
    en = invoke(runner, *args, "--lang", "en")
    assert (da.exit_code, en.exit_code) == (code, code), da.output
    assert da.stderr.startswith(danish), da.stderr
    assert en.stderr.startswith(english), en.stderr
    assert len(da.stderr.splitlines()) == 1 and "Traceback" not in da.output


def test_errors_of_unreadable_files_in_danish(runner, empty_csv, gzip_csv, unrelated_csv):
    result = invoke(runner, "score", empty_csv, "--lang", "da")
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Fejl: {empty_csv}: filen er tom (0 byte). Eksportér spørgeskemaet igen.\n"
    )
    result = invoke(runner, "score", gzip_csv, "--lang", "da")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Fejl: {gzip_csv}: er gzip-komprimeret, ikke en CSV-fil;")
    result = invoke(runner, "score", unrelated_csv, "--lang", "da")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Fejl: {unrelated_csv}: ingen kolonne passer til et udsagn i instrumentet "
        f"'partnerskab'. Kør `partnerkit validate {unrelated_csv}` for at se, hvordan "
        "kolonnerne blev læst, eller vælg instrumentet med --instrument.\n"
    )


def test_bad_option_values_in_danish_exit_2(runner):
    result = invoke(runner, "score", EXAMPLE_CSV, "--min-n", "0", "--lang", "da")
    assert result.exit_code == 2
    assert result.stderr.startswith("Fejl: --min-n: ")
    result = invoke(runner, "trend", EXAMPLE_CSV, "--by", "round", "--lang", "da")
    assert result.exit_code == 2
    assert result.stderr == (
        "Fejl: --by round: trend sammenligner allerede runder; gruppér efter aktør eller område.\n"
    )
    # Click's own usage errors keep exit code 2 (and are Danish too: below)
    assert invoke(runner, "score", EXAMPLE_CSV, "--lang", "da", "--format", "xml").exit_code == 2


def test_privacy_check_input_errors_in_danish(runner, tmp_path):
    missing = tmp_path / "ikke_her.json"
    result = invoke(
        runner, "privacy-check", EXAMPLE_CSV, "--published", missing, "--project", tmp_path
    )
    assert result.exit_code == 2  # English: no language was asked for
    assert result.stderr.startswith(f"Error: --project {tmp_path / 'partnerkit.toml'}")
    (tmp_path / "partnerkit.toml").write_text('lang = "da"\n', encoding="utf-8")
    result = invoke(
        runner, "privacy-check", EXAMPLE_CSV, "--published", missing, "--project", tmp_path
    )
    assert result.exit_code == 2
    assert result.stderr == f"Fejl: --published {missing}: filen findes ikke.\n"
    not_json = tmp_path / "ud.json"
    not_json.write_text("[1, 2", encoding="utf-8")
    result = invoke(
        runner, "privacy-check", EXAMPLE_CSV, "--published", not_json, "--project", tmp_path
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Fejl: {not_json}: ikke et JSON-output fra partnerkit (")


def test_the_language_comes_from_the_option_then_the_environment_then_the_project(
    runner, tmp_path, monkeypatch
):
    english = "Error: findes_ikke.csv: no such file."
    danish = "Fejl: findes_ikke.csv: filen findes ikke."
    monkeypatch.chdir(tmp_path)
    assert invoke(runner, "score", "findes_ikke.csv").stderr.startswith(english)
    (tmp_path / "partnerkit.toml").write_text('lang = "da"\n', encoding="utf-8")
    assert invoke(runner, "score", "findes_ikke.csv").stderr.startswith(danish)
    assert invoke(runner, "score", "findes_ikke.csv", "--lang", "en").stderr.startswith(english)
    monkeypatch.setenv("PARTNERKIT_LANG", "en")
    assert invoke(runner, "score", "findes_ikke.csv").stderr.startswith(english)
    assert invoke(runner, "score", "findes_ikke.csv", "--lang", "da").stderr.startswith(danish)
    # commands without --lang follow the environment and the project file too
    monkeypatch.setenv("PARTNERKIT_LANG", "da")
    result = invoke(runner, "validate", "findes_ikke.csv")
    assert result.stderr.startswith(danish)
    # a broken project file: its error comes before the language is known, in English
    (tmp_path / "partnerkit.toml").write_text('lang = "da"\nfarve = 1\n', encoding="utf-8")
    monkeypatch.delenv("PARTNERKIT_LANG")
    result = invoke(runner, "score", EXAMPLE_CSV)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {tmp_path / 'partnerkit.toml'}: unknown key 'farve'")


def test_warnings_in_danish(runner):
    result = invoke(runner, "score", EXAMPLE_CSV, "--min-n", "2", "--lang", "da")
    assert result.exit_code == 0
    assert (
        "Advarsel: min_n er 2, under de anbefalede 5: så små grupper kan afsløre enkelte "
        "partnere. Del disse resultater med omtanke."
    ) in result.stderr.splitlines()
    assert "Warning" not in result.stderr
    english = invoke(runner, "score", EXAMPLE_CSV, "--min-n", "2", "--lang", "en")
    assert "Warning: min_n is 2, below the recommended 5" in english.stderr


def test_a_missing_dimension_warns_in_danish_with_its_parts(runner, tmp_path):
    from partnerkit.validate import validate

    (report,) = validate(EXAMPLE_XLSX).files
    learning = [c.column for c in report.columns if str(c.target).startswith("learning_")]
    assert len(learning) == 3
    path = tmp_path / "uden_laering.csv"
    pd.read_excel(EXAMPLE_XLSX, engine="openpyxl").drop(columns=learning).to_csv(path, index=False)
    result = invoke(runner, "score", path, "--lang", "da")
    assert result.exit_code == 0
    assert (
        "Advarsel: instrument 'partnerskab': 1 af 10 dimension(er) har ingen kolonne til "
        "noget udsagn og viser derfor ingen scorer: 'Fælles læring' (learning; udsagn "
        "learning_1, learning_2, learning_3). Ingen kolonner til denne dimensions udsagn: "
        "forkert --instrument?"
    ) in result.stderr.splitlines()
    english = invoke(runner, "score", path, "--lang", "en")
    assert (
        "Warning: instrument 'partnerskab': 1 of 10 dimension(s) have no column for any item, "
        "so they show no scores: 'Fælles læring' (learning; items learning_1, learning_2, "
        "learning_3). No columns for this dimension's items: wrong --instrument?"
    ) in english.stderr.splitlines()


def test_validate_reports_in_danish(runner):
    result = invoke(runner, "validate", EXAMPLE_XLSX, "--lang", "da")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"{EXAMPLE_XLSX}, ark 'Sheet1'" in out
    assert "Microsoft Forms, overskriftsrække 1, 293 datarækker  ✓ kan scores" in out
    assert "personoplysning: fjernet" in out and "udsagn: shared_purpose_1" in out
    assert "Rækker: 293 læst, 291 kan scores; 1 udeladt: intet udsagn besvaret" in out
    english = invoke(runner, "validate", EXAMPLE_XLSX).stdout
    assert "Microsoft Forms, header row 1, 293 data rows  ✓ can be scored" in english
    assert "Rows: 293 read, 291 can be scored; 1 excluded: no item answered" in english


def test_the_help_says_how_to_get_danish_output(runner):
    help_text = " ".join(invoke(runner, "--help").stdout.split())
    assert "Danish output" in help_text and "--lang da" in help_text
    assert "PARTNERKIT_LANG=da" in help_text and 'lang = "da"' in help_text
    assert t("cli.error", "da") == "Fejl" and t("cli.warning", "da") == "Advarsel"


# ------------------------------------------------------------------ the rule, kept by a walk

#: the exception classes whose message a user reads (``partnerkit.errors``, and the TOML
#: problem that becomes an instrument's or a project file's error)
ERROR_CLASSES = {
    name
    for name, value in vars(partnerkit.errors).items()
    if isinstance(value, type) and issubclass(value, partnerkit.errors.PartnerkitError)
} | {"TomlProblem"}

#: where a message is put for a user: names of lists of warnings, notes and problems
MESSAGE_LISTS = ("warning", "notes", "problems")

#: the command line's own prints that are no sentence to translate (the program's version)
ALLOWED = {("cli.py", "f'partnerkit {__version__}'")}


def _plain(node: ast.expr | None) -> bool:
    """Whether ``node`` is text written in place (a str, an f-string, a joined or formatted
    str, or a choice between such), rather than a catalogue Message."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):  # words of its own, not only "{path}: {problem}"
        return any(_plain(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _plain(node.left) or _plain(node.right)
    if isinstance(node, ast.IfExp):
        return _plain(node.body) or _plain(node.orelse)
    if isinstance(node, ast.BoolOp):
        return any(_plain(v) for v in node.values)
    if isinstance(node, ast.Call) and _name(node.func) == "terminal_text":
        return _plain(node.args[0])  # only made safe for the terminal
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and _plain(node.func.value)
    if isinstance(node, ast.List | ast.Tuple):
        return any(_plain(e) for e in node.elts)
    return False


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _owner(func: ast.expr) -> str:
    """``warnings`` of ``warnings.append``; ``typer`` of ``typer.echo``."""
    if isinstance(func, ast.Attribute):
        return _name(func.value)
    return ""


def _message_args(node: ast.AST) -> list[ast.expr]:
    """The arguments of ``node`` that hold a message for a user, if it puts one anywhere."""
    if isinstance(node, ast.AugAssign):  # warnings += (...)
        return [node.value] if any(w in _name(node.target) for w in MESSAGE_LISTS) else []
    if not isinstance(node, ast.Call):
        return []
    name, owner = _name(node.func), _owner(node.func)
    keywords = [k.value for k in node.keywords if k.arg == "warnings"]
    if name == "Problem" or (name == "add" and owner in ("c", "self")):
        return node.args[1:2] + keywords  # an instrument problem: (key, message)
    listed = name in ("append", "extend") and any(w in owner for w in MESSAGE_LISTS)
    printed = (owner == "typer" and name in ("echo", "secho")) or name == "print"
    if name in ERROR_CLASSES or listed or printed or name in ("_error", "_warn", "_note"):
        return node.args[:1] + keywords
    return keywords


def plain_messages(source: str, filename: str = "x.py") -> list[str]:
    """Every place in ``source`` where a message for a user is plain text: an error raised
    (or built) with a str, an instrument problem, a warning, note or problem added to its
    list, or a line printed. A name is followed to what it was given in the same function."""
    found = []
    for scope in ast.walk(ast.parse(source)):
        if not isinstance(scope, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        given: dict[str, list[ast.expr]] = {}
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        given.setdefault(target.id, []).append(node.value)
        for node in ast.walk(scope):
            for arg in _message_args(node):
                values = given.get(arg.id, ()) if isinstance(arg, ast.Name) else (arg,)
                if any(_plain(v) for v in values) and (filename, ast.unparse(arg)) not in ALLOWED:
                    found.append(f"{filename}:{arg.lineno}: {ast.unparse(arg)[:80]}")
    return sorted(set(found))


def test_every_message_for_a_user_is_a_catalogue_message():
    """Issue 20, point 6: errors, warnings, instrument problems and the command line's own
    lines go through the catalogue, so ``--lang da`` covers them all."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        found += plain_messages(source, str(path.relative_to(PACKAGE)))
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        'raise SurveyReadError(f"{path}: bad")',
        'raise errors.OptionError("give -o report.xlsx.")',
        'def f():\n    message = f"{a} and {b}"\n    raise MappingError(message)',
        'def f():\n    return SurveyReadError("a sheet spans " + str(n) + " cells")',
        'raise TomlProblem("not valid TOML: {}".format(exc))',
        'c.add("scale", f"min ({lo}) must be below max ({hi})")',
        'problems.append(Problem("", "invalid instrument"))',
        'warnings.append("a column is empty")',
        'notes += ["two files are the same"]',
        'Result(data, warnings=("min_n is low",))',
        'raise InstrumentError(Message("x") if ok else "no such instrument")',
        'console.print(terminal_text(f"{path}: valid: instrument {name}"))',
    ],
)
def test_the_walk_finds_plain_text_where_a_message_belongs(source):
    assert plain_messages(source) != []


def test_the_walk_lets_messages_and_computed_values_pass():
    source = (
        'raise SurveyReadError(Message("error.x", path=path))\n'
        "raise InstrumentError(exc.message)\n"
        'c.add("scale", Message("problem.scale_order", lo=lo, hi=hi))\n'
        "warnings.append(Message('warn.min_n', min_n=2, default=5))\n"
        'raise ValueError(f"stacked {n} rows")\n'  # a bug, not a message: not in the rule
    )
    assert plain_messages(source) == []


# ------------------------------------------------------------------ read as a board member would

BAD_INSTRUMENT = """\
id = "x"
title = {da = "X"}
focus = "ingen"
[scale]
min = 1
max = 5
favourable = 9
[zones]
strength = 3
attention = 4
[[actors]]
id = "kommune"
name = {da = "Kommune"}
sector = "offentlig"
[[dimensions]]
id = "d"
name = {da = "D"}
[[dimensions.items]]
id = "round"
text = {da = "T"}
reverse = "ja"
"""


def test_instrument_check_lists_its_problems_in_danish(runner, tmp_path):
    path = tmp_path / "forkert.toml"
    path.write_text(BAD_INSTRUMENT, encoding="utf-8")
    result = invoke(runner, "instrument", "check", path, "--lang", "da")
    assert result.exit_code == 1
    # written out by hand from the file above, in the order the check reads it
    assert result.stdout.splitlines() == [
        f"{path}: scale.favourable: skal ligge på skalaen 1..5, fik 9",
        f"{path}: zones: attention (4) skal være mindre end strength (3)",
        f"{path}: actors[0].sector: skal være en af public, housing, civil_society, private, "
        "other, fik 'offentlig'",
        f"{path}: dimensions[0].items[0].id: 'round' er forbeholdt spørgeskemaets egne kolonner "
        "(actor, round, area, respondent, organisation, sector, _row, _source); giv udsagnet et "
        "andet id",
        f"{path}: dimensions[0].items[0].reverse: skal være true eller false, fik 'ja'",
        f"{path}: focus: 'ingen' er ikke et dimensions-id (d)",
    ]
    assert result.stderr == f"Fejl: {path}: 6 problem(er) fundet.\n"
    english = invoke(runner, "instrument", "check", path)
    assert english.stdout.splitlines()[1] == (
        f"{path}: zones: attention (4) must be below strength (3)"
    )
    valid = invoke(runner, "instrument", "check", "partnerkit/instruments/partnerskab.toml",
                   "--lang", "da")  # fmt: skip
    assert valid.stdout == (
        "partnerkit/instruments/partnerskab.toml: gyldigt: instrumentet 'partnerskab' med 10 "
        "dimensioner og 30 udsagn.\n"
    )


def test_an_instrument_error_in_a_command_is_danish_and_counts_the_rest(runner, tmp_path):
    path = tmp_path / "forkert.toml"
    path.write_text(BAD_INSTRUMENT, encoding="utf-8")
    result = invoke(runner, "score", EXAMPLE_CSV, "--instrument", path, "--lang", "da")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Fejl: {path}: scale.favourable: skal ligge på skalaen 1..5, fik 9 (5 problem(er) "
        f"mere; kør `partnerkit instrument check {path}`)\n"
    )
    deep = tmp_path / "dyb.toml"
    deep.write_text("x = " + "[" * 10 + "1" + "]" * 10 + "\n", encoding="utf-8")
    result = invoke(runner, "score", EXAMPLE_CSV, "--instrument", deep, "--lang", "da")
    assert result.stderr == (
        f"Fejl: {deep}: tabeller eller lister ligger mere end 8 niveauer inde i hinanden; "
        "partnerkits filer bruger højst fire; tjek de kantede parenteser.\n"
    )


def test_a_round_column_against_the_file_name_in_danish(runner, tmp_path, tiny_path):
    frame = tiny_answers(np.random.default_rng(2), 6)
    frame.insert(0, "Runde", 2023)
    path = write_table(tmp_path / "omraade_2024.xlsx", frame)
    result = invoke(runner, "score", path, "--instrument", tiny_path, "--lang", "da")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Fejl: {path}, ark 'Sheet1': rundekolonnen 'Runde' siger 2023, men filnavnet siger "
        "2024. Ret kolonnen eller filnavnet, og prøv igen.\n"
    )


def test_danish_numbers_in_messages_use_danish_separators():
    # a hand-written case of each: thousands with '.', decimals with ','
    assert Message("error.sav_cases", path="a.sav", cases=1048576, size=2048).text("da") == (
        "a.sav: filhovedet angiver 1.048.576 besvarelser, flere end filens 2.048 byte kan "
        "rumme; filen er beskadiget eller manipuleret. Gem den igen fra SPSS."
    )
    assert Message("error.sav_cases", path="a.sav", cases=1048576, size=2048) == (
        "a.sav: the header declares 1,048,576 cases, more than the file's 2,048 bytes can "
        "hold; the file is damaged or manipulated. Save it again from SPSS."
    )
    assert "inden for 0,5 skalapoint" in Message("cli.exposed", count=1, protection=0.5).text("da")


# Click's usage errors: (arguments, the Danish error line, Click's English error line); the
# English lines are Click's own (typer 0.28), the Danish ones written out by hand
USAGE = {
    "a value not among the choices": (
        ["score", "x.csv", "--format", "xml"],
        "Fejl: Ugyldig værdi for '--format' / '-f': 'xml' er ikke en af 'table', 'json', "
        "'csv', 'markdown'.",
        "Error: Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'json', "
        "'csv', 'markdown'.",
    ),
    "an unknown option": (
        ["score", "--nope"],
        "Fejl: Ukendt tilvalg: --nope (mulige tilvalg: --force)",
        "Error: No such option: --nope (Possible options: --force)",
    ),
    "an unknown command": (
        ["scor"],
        "Fejl: Ukendt kommando 'scor'. Mente du 'score'?",
        "Error: No such command 'scor'. Did you mean 'score'?",
    ),
    "a missing argument": (
        ["instrument", "check"],
        "Fejl: Mangler argumentet 'path'.",
        "Error: Missing argument 'path'.",
    ),
    "a number out of range": (
        ["score", "x.csv", "--jobs", "-1"],
        "Fejl: Ugyldig værdi for '--jobs' / '-j': -1 ligger ikke i intervallet x>=0.",
        "Error: Invalid value for '--jobs' / '-j': -1 is not in the range x>=0.",
    ),
    "not a number": (
        ["score", "x.csv", "--min-n", "fem"],
        "Fejl: Ugyldig værdi for '--min-n': 'fem' er ikke et helt tal.",
        "Error: Invalid value for '--min-n': 'fem' is not a valid int.",
    ),
    "an option without its value": (
        ["score", "x.csv", "--sheet"],
        "Fejl: Tilvalget '--sheet' skal have en værdi.",
        "Error: Option '--sheet' requires an argument.",
    ),
}


@pytest.mark.parametrize("case", sorted(USAGE))
def test_clicks_usage_errors_in_danish_keep_exit_code_2(runner, case, tmp_path, monkeypatch):
    args, danish, english = USAGE[case]
    words = 2 if args[0] == "instrument" else 1  # --lang goes after the command
    command = " ".join(["partnerkit", *args[:words]])
    if case == "an unknown command":
        command = "partnerkit"
    en = invoke(runner, *args)
    assert en.exit_code == 2
    *frame, last = en.stderr.splitlines()
    assert last == english
    assert frame == [] or frame[1:] == [f"Try '{command} -h' for help.", ""]
    # Danish from --lang, PARTNERKIT_LANG or the project file
    monkeypatch.chdir(tmp_path)
    for how in ("option", "environment", "project"):
        extra = ["--lang", "da"] if how == "option" else []
        if how == "environment":
            monkeypatch.setenv("PARTNERKIT_LANG", "da")
        if how == "project":
            monkeypatch.delenv("PARTNERKIT_LANG")
            (tmp_path / "partnerkit.toml").write_text('lang = "da"\n', encoding="utf-8")
        da = invoke(runner, *args[:words], *extra, *args[words:])
        assert da.exit_code == 2
        expected = [danish]
        if frame:
            usage = frame[0].removeprefix("Usage: ")
            expected = [f"Brug: {usage}", f"Skriv '{command} -h' for at få hjælp.", "", danish]
        assert da.stderr.splitlines() == expected, how


def test_a_text_no_key_reads_stays_english_in_the_danish_frame():
    from partnerkit.i18n import translated

    keys = ("click.invalid_value_for", "click.not_one_of")
    assert translated("Invalid value for 'x': a new wording.", keys, "da") == (
        "Ugyldig værdi for 'x': a new wording."
    )
    assert translated("Something else entirely", keys, "da") == "Something else entirely"


def test_privacy_checks_table_follows_the_language_of_the_messages():
    from partnerkit.privacy_check import PrivacyCheckResult
    from partnerkit.render import render

    records = pd.DataFrame(
        {
            "measure": ["trust", "trust", "trust"],
            "actor": ["Politi", None, "Kommune"],
            "n": [3, 40, 10],
            "low": [3.5, 2.0, 4.3],
            "high": [4.25, 5.0, 4.9],
            "width": [0.75, 3.0, 0.6],
            # a group the subgroup rule hides needs 1 x (5 - 1) / 10 = 0.4
            "needed": [1.0, 1.0, 0.4],
            "sensitive": [True, True, True],
            "protected": [False, True, True],
        }
    )
    result = PrivacyCheckResult(
        records=records, survey=None, min_n=5, lang="da", ledger=None, protection=1.0,
        published=12, outputs=("a.json", "b.json"),
    )  # fmt: skip
    english = " ".join(render(result, "table", width=100).split())
    danish = " ".join(render(result, "table", width=100, message_lang="da").split())
    # hand-written from the records: 3.5 to 4.25, width 0.75, exposed; no group is "all"
    assert "trust actor=Politi 3 3.50 to 4.25 0.75 EXPOSED" in english
    assert "trust actor=Politi 3 3,50 til 4,25 0,75 AFSLØRET" in danish
    assert "trust all 40 2.00 to 5.00 3.00 protected" in english
    assert "trust actor=Kommune 10 4.30 to 4.90 0.60 (needs ≥ 0.40) protected" in english
    assert "trust actor=Kommune 10 4,30 til 4,90 0,60 (skal ≥ 0,40) beskyttet" in danish
    assert "trust alle 40 2,00 til 5,00 3,00 beskyttet" in danish
    assert english.endswith(
        "12 published figures from 2 output(s); 3 hidden groups attacked, 3 needing "
        "protection; protection 1 scale points: 1 EXPOSED."
    )
    assert danish.endswith(
        "12 offentliggjorte tal fra 2 output; 3 skjulte grupper angrebet, 3 som skal "
        "beskyttes; beskyttelse 1 skalapoint: 1 AFSLØRET."
    )


def test_instrument_list_in_danish(runner):
    danish = invoke(runner, "instrument", "list", "--lang", "da").stdout.splitlines()
    assert danish[0] == "Medfølgende instrumenter"
    assert danish[2].split() == ["Navn", "Titel", "Version", "Sprog", "Dimensioner", "Udsagn"]
    assert danish[4].split() == ["partnerskab", "Partnerskabsmåling", "1.0", "da", "10", "30"]
    english = invoke(runner, "instrument", "list").stdout.splitlines()
    assert english[0] == "Bundled instruments"


def test_a_project_file_that_is_not_toml_in_danish(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "partnerkit.toml").write_text("x = " + "[" * 10 + "1" + "]" * 10, encoding="utf-8")
    result = invoke(runner, "score", EXAMPLE_CSV, "--lang", "da")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Fejl: {tmp_path / 'partnerkit.toml'}: projektfilen kan ikke læses (tabeller eller "
        "lister ligger mere end 8 niveauer inde i hinanden; partnerkits filer bruger højst "
        "fire; tjek de kantede parenteser).\n"
    )
