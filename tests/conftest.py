"""pytest-odoo settings shared by the cross-module tests, tours and benchmarks."""

import pytest

from odoo.tests.common import HttpCase


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
