"""`make run` serves the web client of an installed database and admin can log in."""

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

from odoo.tools import config

ROOT = Path(__file__).resolve().parent.parent


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url, process, log, seconds=180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"make run exited with {process.returncode}:\n{log.read_text()}"
            )
        try:
            return requests.get(url, timeout=5)
        except (requests.ConnectionError, requests.Timeout):
            # Not up yet, or up and still busy (first page, a loaded machine).
            time.sleep(1)
    raise AssertionError(f"{url} did not answer:\n{log.read_text()[-3000:]}")


def _log_in(base, login, password):
    """Post the login form as a browser does, CSRF token included."""
    browser = requests.Session()
    form = browser.get(f"{base}/web/login", timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    answer = browser.post(
        f"{base}/web/login",
        data={"login": login, "password": password, "csrf_token": token},
        timeout=60,
    )
    return browser, answer


def test_make_run_serves_login_for_admin(tmp_path):
    port = _free_port()
    log = tmp_path / "make-run.log"
    env = dict(
        os.environ,
        PSA_DB=config["db_name"],
        PSA_HTTP_PORT=str(port),
        ODOO_ARGS="--max-cron-threads=0",
    )
    with open(log, "w") as out:
        server = subprocess.Popen(
            ["make", "run"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        page = _wait_for(f"{base}/web/login", server, log)
        assert page.status_code == 200
        browser, answer = _log_in(base, "admin", "admin")
        assert answer.status_code == 200
        assert answer.url.startswith(f"{base}/web"), answer.url
        info = browser.post(
            f"{base}/web/session/get_session_info", json={"params": {}}, timeout=30
        ).json()["result"]
        assert info["username"] == "admin"
        assert info["db"] == config["db_name"]

        _browser, refused = _log_in(base, "admin", "not-admin")
        assert "Wrong login/password" in refused.text
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
