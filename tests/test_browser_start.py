"""A browser start that does not come up is retried once, then skipped, and
leaves no Chromium running (Odoo 17 leaves it running)."""

import logging
import tempfile
import time
import unittest

import psutil
import pytest

from odoo.tests import common


class _Tour:
    _logger = logging.getLogger("psa.test_browser_start")
    browser_size = "800x600"
    touch_enabled = False


def _chromes_in(folder):
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.status() != psutil.STATUS_ZOMBIE and folder in " ".join(
                proc.cmdline()
            ):
                found.append(proc)
        except psutil.Error:
            continue
    return found


def test_tours_use_the_patient_browser():
    """conftest installs it for tests/, odoo_test_runner for the addons' tests."""
    assert getattr(common.ChromeBrowser, "psa_patient", False)


def test_start_that_never_comes_up(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("PSA_BROWSER_START_WAIT", "0.05")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the profile's folder
    with pytest.raises(unittest.SkipTest, match="after 2 starts of 0.1s each"):
        common.ChromeBrowser(_Tour)
    assert "Chrome start 1 of 2" in caplog.text
    assert "Chrome start 2 of 2" in caplog.text
    time.sleep(1)
    left = _chromes_in(str(tmp_path))
    for proc in left:
        proc.kill()
    assert not left, [proc.cmdline()[:2] for proc in left]


def test_start_comes_up(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    browser = common.ChromeBrowser(_Tour)
    try:
        assert browser._json_command("version")["Browser"]
    finally:
        browser.stop()
        browser.chrome.wait(timeout=30)
