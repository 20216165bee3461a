"""pytest-odoo settings shared by the cross-module tests, tours and benchmarks."""

import sys
import threading
from pathlib import Path

import pytest

from odoo.tests.common import BaseCase, HttpCase

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import psa_browser  # noqa: E402  (tools/ is not a package)


def pytest_configure(config):
    """Mark the thread as testing, as Odoo's own test loader does, so that
    code committing per batch (scheduled actions) leaves tests' data alone."""
    threading.current_thread().testing = True
    psa_browser.install()


def pytest_collection_modifyitems(items):
    """Give Odoo test classes outside an addon the attributes Odoo gives addon tests.

    Odoo's MetaCase only tags classes living under ``odoo.addons``; without the
    tags, Odoo's setUpClass fails. These run after every addon is installed.
    """
    for item in items:
        test_class = getattr(item, "cls", None)
        if test_class and issubclass(test_class, BaseCase):
            if getattr(test_class, "test_tags", None) is None:
                test_class.test_tags = {"standard", "post_install"}
            test_class.test_module = "psa_tests"
            test_class.test_class = test_class.__name__
            test_class.test_sequence = 0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A browser test that skips (no Chromium, say) has proven nothing: fail it."""
    outcome = yield
    report = outcome.get_result()
    test_class = getattr(item, "cls", None)
    if report.skipped and test_class and issubclass(test_class, HttpCase):
        report.outcome = "failed"
        report.longrepr = (
            f"browser test skipped, which counts as a failure: {report.longrepr}"
        )
