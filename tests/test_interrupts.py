"""Ctrl-C (issue 18, point 6): one ``Error: interrupted.`` line and exit code 130 at any
moment after partnerkit's code starts, no traceback, and no worker left behind holding
a pipe open (``partnerkit ... --jobs 2 | cat`` ends)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import TINY_TOML

BIN = str(Path(sys.executable).parent / "partnerkit")


@pytest.fixture(scope="module")
def many_areas(tmp_path_factory) -> Path:
    """300 areas of 40 respondents (a --jobs run of a few seconds)."""
    root = tmp_path_factory.mktemp("areas")
    (root / "tiny.toml").write_text(TINY_TOML, encoding="utf-8")
    rng = np.random.default_rng(18)
    header = "Aktørtype;a1;a2;a3;b1;b2;b3;b4\n"
    for k in range(300):
        folder = root / "surveys" / f"area{k:03d}"
        folder.mkdir(parents=True)
        rows = [";".join(["Kommune", *map(str, rng.integers(1, 6, 7))]) for _ in range(40)]
        (folder / "2024.csv").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def started() -> float:
    """Seconds until partnerkit's own code runs: a whole ``partnerkit --version`` (Python's
    own start-up before it, ~20 ms on an idle machine, ends on Ctrl-C as Python does)."""
    begin = time.perf_counter()
    subprocess.run([BIN, "--version"], capture_output=True, check=True)
    return time.perf_counter() - begin


def _alive(group: int) -> list[str]:
    """Processes of ``group`` that have not ended (zombies waiting for init are ended)."""
    found = subprocess.run(["pgrep", "-g", str(group)], capture_output=True, text=True)
    alive = []
    for pid in found.stdout.split():
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.append(pid)
    return alive


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process groups, /proc")
@pytest.mark.parametrize("presses", [1, 2])
@pytest.mark.parametrize("delay", [0.0, 0.2, 1.5])
def test_ctrl_c_in_a_piped_jobs_run_ends_everything_with_one_line(
    many_areas, started, delay, presses
):
    command = (
        f"'{BIN}' areas '{many_areas / 'surveys'}' --instrument '{many_areas / 'tiny.toml'}' "
        "--jobs 2 | cat"
    )
    run = subprocess.Popen(
        command, shell=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    time.sleep(started + delay)
    for _ in range(presses):  # as a terminal does: to the whole foreground group
        os.killpg(run.pid, signal.SIGINT)
        time.sleep(0.02)
    _, err = run.communicate(timeout=30)  # the pipe closes: no worker holds it
    text = err.decode()
    assert "Traceback" not in text, text
    assert text.strip().splitlines()[-1] == "Error: interrupted.", text
    deadline = time.monotonic() + 10
    while _alive(run.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _alive(run.pid) == []  # no orphaned worker


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.25, 0.6])
def test_ctrl_c_gives_exit_130_without_a_traceback(many_areas, started, delay):
    run = subprocess.Popen(
        [BIN, "areas", str(many_areas / "surveys"), "--instrument", str(many_areas / "tiny.toml")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(started * 0.6 + delay)  # from the loading of the command line on
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=30)
    assert run.returncode == 130, err.decode()
    assert err.decode().strip().splitlines()[-1] == "Error: interrupted."
    assert "Traceback" not in err.decode()


@pytest.mark.parametrize(("how", "delay"), [("option", 0.25), ("environment", 0.0)])
def test_ctrl_c_says_it_in_danish_when_danish_is_asked_for(many_areas, started, how, delay):
    # --lang da is read from the raw arguments, PARTNERKIT_LANG=da from the environment, both
    # before the command line loads (delay 0: while it loads; 0.25: once the command runs)
    args = [
        BIN,
        "areas",
        str(many_areas / "surveys"),
        "--instrument",
        str(many_areas / "tiny.toml"),
    ]
    env = dict(os.environ, PARTNERKIT_LANG="da") if how == "environment" else None
    run = subprocess.Popen(
        args + (["--lang", "da"] if how == "option" else []),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    time.sleep(started * 0.6 + delay)
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=30)
    assert run.returncode == 130, err.decode()
    assert err.decode().strip().splitlines()[-1] == "Fejl: afbrudt."


def test_ctrl_c_while_the_launcher_loads_is_answered_once_it_has():
    # the press the CI run met (SIGINT inside _launch's own imports, which printed a
    # traceback and died of the signal), made certain: pressed after the module has loaded
    # and before main() runs, it is remembered and answered in the asked language
    code = (
        "import os, signal; import partnerkit._launch as launch; "
        "os.kill(os.getpid(), signal.SIGINT); launch.main()"
    )
    env = dict(os.environ, PARTNERKIT_LANG="da")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, timeout=60)
    assert run.returncode == 130, run.stderr.decode()
    assert run.stderr.decode() == "Fejl: afbrudt.\n"
    assert run.stdout == b""
