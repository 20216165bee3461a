"""Run Odoo's server with its test options and write the test counts as JSON.

Odoo 17 only logs a summary of its tests when one fails, so counting them from
the log is fragile. This runner starts the server in-process and reads the
registry's own assertion report afterwards.

It also makes one policy change: a browser test (``HttpCase``) that skips,
for instance because Chromium is missing, is reported as a failure. A tour
that did not run has proven nothing. Browsers start through
``psa_browser``'s patient subclass (a longer start, one retry, no leftovers).

Usage: python tools/odoo_test_runner.py RESULT.json -- <odoo server options>
"""

import json
import sys

import psa_browser


def _fail_skipped_browser_tests():
    """Turn the skip of any HttpCase into a failure with the skip reason."""
    from odoo.tests.common import HttpCase
    from odoo.tests.result import OdooTestResult

    add_skip = OdooTestResult.addSkip

    def addSkip(self, test, reason):
        if not isinstance(test, HttpCase):
            return add_skip(self, test, reason)
        try:
            raise AssertionError(
                f"browser test skipped, which counts as a failure: {reason}"
            )
        except AssertionError:
            self.addFailure(test, sys.exc_info())

    OdooTestResult.addSkip = addSkip


def main(argv):
    result_path, separator, odoo_args = argv[0], argv[1], argv[2:]
    if separator != "--":
        raise SystemExit(__doc__)
    import odoo.cli.server
    from odoo.modules.registry import Registry
    from odoo.tools import config

    _fail_skipped_browser_tests()
    psa_browser.install()
    try:
        odoo.cli.server.main(odoo_args)
        rc = 0
    except SystemExit as stop:
        rc = stop.code or 0
    counts = {"rc": rc, "run": 0, "failed": 0, "errors": 0, "skipped": 0}
    registry = Registry.registries.get(config["db_name"])
    if registry is not None:
        report = registry._assertion_report
        counts.update(
            run=report.testsRun,
            failed=report.failures_count,
            errors=report.errors_count,
            skipped=report.skipped,
        )
    elif not rc:
        counts["rc"] = 1  # no registry means the database never loaded
    with open(result_path, "w", encoding="utf-8") as out:
        json.dump(counts, out)
    return counts["rc"]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
