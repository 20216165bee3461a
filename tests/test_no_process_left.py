"""`make test` leaves no browser and no Odoo server behind, whatever happens.

A step of the harness (a real child process, as the Odoo test runner is)
starts Chromium as the tours start it and an Odoo server in a session of its
own, as `make run` does, then dies without stopping them, or the run is
stopped with Ctrl-C or SIGTERM while they run. Every process the scenario
starts carries the test's temporary directory in its command line or its
environment, which is how the test finds the survivors.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools"

LEAKY_STEP = """
import logging, os, socket, subprocess, sys, time
sys.path.insert(0, {tools!r})
import psa_browser

class Tour:
    _logger = logging.getLogger("leaky")
    browser_size = "800x600"
    touch_enabled = False

browser = psa_browser.install()(Tour)
with socket.socket() as sock:
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
server = subprocess.Popen(
    [sys.executable, "-m", "odoo", "-c", {conf!r}, "--addons-path={addons}",
     "--http-port=%d" % port, "--max-cron-threads=0", "--data-dir={tmp}/odoo"],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
)
deadline = time.monotonic() + 120
while socket.socket().connect_ex(("127.0.0.1", port)):
    assert time.monotonic() < deadline and server.poll() is None, "odoo did not start"
    time.sleep(0.5)
with open({ready!r}, "w") as out:
    out.write(str([browser.chrome.pid, server.pid]))
if sys.argv[1] == "crash":
    os._exit(3)  # as a test server killed mid-run: nothing is stopped
time.sleep(600)
"""

HARNESS = """
import sys
sys.path.insert(0, {tools!r})
import psa

def leaky(tally):
    with tally.phase("leaky step"):
        done = psa.run_child([sys.executable, {step!r}, sys.argv[1]])
        tally.add(passed=int(done.returncode == 0), failed=int(done.returncode != 0))
    return tally.close()

psa.COMMANDS["leaky"] = leaky
sys.exit(psa.main(["leaky"]))
"""


def _survivors(marker):
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.status() == psutil.STATUS_ZOMBIE:
                continue
            if marker in " ".join(proc.cmdline()) or marker in str(proc.environ()):
                found.append(proc)
        except psutil.Error:
            continue
    return found


@pytest.fixture
def scenario(tmp_path):
    """The leaky step's and harness's scripts; kills survivors whatever the outcome."""
    ready = tmp_path / "ready"
    step = tmp_path / "leaky_step.py"
    step.write_text(
        LEAKY_STEP.format(
            tools=str(TOOLS),
            conf=str(ROOT / "odoo.conf"),
            addons=ROOT / "addons",
            tmp=tmp_path,
            ready=str(ready),
        )
    )
    harness = tmp_path / "harness.py"
    harness.write_text(HARNESS.format(tools=str(TOOLS), step=str(step)))
    env = dict(os.environ, TMPDIR=str(tmp_path))  # Chromium's profile goes there
    yield harness, step, ready, env
    for proc in _survivors(str(tmp_path)):
        proc.kill()


def _run_harness(harness, mode, env, log):
    """Start the harness; its output goes to a file, not to a pipe a survivor
    would hold open."""
    with open(log, "w") as out:
        return subprocess.Popen(
            [sys.executable, str(harness), mode],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _described(procs):
    return [f"{p.name()} ({p.pid})" for p in procs]


def test_the_scenario_leaks_without_the_harness(scenario, tmp_path):
    """Without the harness, the crashed step's browser and server keep running:
    what the tests below prove the harness stops."""
    _harness, step, ready, env = scenario
    done = subprocess.run(
        [sys.executable, str(step), "crash"], env=env, timeout=300, check=False
    )
    assert done.returncode == 3
    chrome_pid, server_pid = json.loads(ready.read_text())
    left = {proc.pid for proc in _survivors(str(tmp_path))}
    assert {chrome_pid, server_pid} <= left


def test_failed_step_leaves_nothing(scenario, tmp_path):
    harness, _step, ready, env = scenario
    log = tmp_path / "harness.log"
    done = _run_harness(harness, "crash", env, log)
    done.wait(timeout=300)
    output = log.read_text()
    assert done.returncode == 1, output
    assert ready.exists()
    assert "\n0 passed, 1 failed\n" in output
    assert "process(es) left running" in output
    assert not _described(_survivors(str(tmp_path)))


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_stopped_run_leaves_nothing(scenario, tmp_path, signum):
    harness, _step, ready, env = scenario
    log = tmp_path / "harness.log"
    run = _run_harness(harness, "wait", env, log)
    deadline = time.monotonic() + 300
    while not ready.exists():
        assert run.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.5)
    run.send_signal(signum)
    run.wait(timeout=120)
    output = log.read_text()
    assert run.returncode != 0, output
    assert "1 failed" in output
    assert not _described(_survivors(str(tmp_path)))
