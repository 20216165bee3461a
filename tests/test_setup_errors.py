"""`make test` stops within a minute, saying what is missing, when it cannot run."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _make_test(timeout=60, **env):
    done = subprocess.run(
        ["make", "test"],
        cwd=ROOT,
        env=dict(os.environ, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize(
    "source", ["http://127.0.0.1:9/odoo-17.0.tar.gz", "/nonexistent/odoo-17.0"]
)
def test_without_odoo_and_no_reachable_source(tmp_path, source):
    bare = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True
    )
    rc, output = _make_test(PYTHON=str(bare / "bin" / "python"), ODOO_SOURCE=source)
    assert rc != 0
    assert "Odoo 17.0 is not importable" in output
    assert f"ODOO_SOURCE={source}" in output
    assert "Point ODOO_SOURCE at a local copy" in output
    assert "\n0 passed, 1 failed\n" in output


def test_without_postgresql():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    rc, output = _make_test(PGHOST="127.0.0.1", PGPORT=str(closed_port))
    assert rc != 0
    assert "PostgreSQL does not answer" in output
    assert f"PGPORT={closed_port}" in output
    assert "docker compose up" in output
