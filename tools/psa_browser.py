"""Chromium for Odoo's browser tests: started patiently, never left running.

Odoo 17 gives Chromium 10 s to write its DevTools port (``ChromeBrowser.
_spawn_chrome``); a cold start on a busy machine can take longer, and then
Odoo skips the test and leaves the half-started browser running. The
subclass installed here waits ``PSA_BROWSER_START_WAIT`` seconds (default
30), stops a browser that did not come up (its whole process tree) and
starts it once more before giving up. Giving up is still Odoo's skip, which
the harness counts as a failure.

``python tools/psa_browser.py`` starts Chromium once the way the tests do and
stops it: run before the tests, it loads the browser's files into the page
cache so that the first tour does not pay the cold start.
"""

import logging
import os
import pathlib
import shutil
import sys
import time
import unittest

import psa_processes

START_ATTEMPTS = 2
_logger = logging.getLogger("psa.browser")


def start_wait():
    """Seconds a browser start may take before it counts as failed."""
    return float(os.environ.get("PSA_BROWSER_START_WAIT") or 30)


def stop_tree(proc, grace=5):
    """Stop a process and every process it started, then reap it."""
    import psutil

    try:
        family = [psutil.Process(proc.pid)]
        family += family[0].children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    psa_processes.stop(family, grace)
    proc.poll()


def patient_browser_class():
    from odoo.tests import common

    class PatientChromeBrowser(common.ChromeBrowser):
        """Odoo's ChromeBrowser with a longer start, one retry and no leftovers."""

        def _spawn_chrome(self, cmd):
            wait = start_wait()
            port_file = pathlib.Path(self.user_data_dir, "DevToolsActivePort")
            for attempt in range(1, START_ATTEMPTS + 1):
                started = time.monotonic()
                proc = self._chrome_without_limit(cmd)
                while time.monotonic() - started < wait and proc.poll() is None:
                    time.sleep(common.CHECK_BROWSER_SLEEP)
                    if port_file.is_file() and port_file.stat().st_size > 5:
                        with port_file.open(encoding="utf-8") as lines:
                            return proc, int(lines.readline())
                stop_tree(proc)
                port_file.unlink(missing_ok=True)
                self._logger.warning(
                    "Chrome start %d of %d: no devtools port after %.1fs (%s)",
                    attempt,
                    START_ATTEMPTS,
                    time.monotonic() - started,
                    "exited" if proc.returncode else "stopped",
                )
            raise unittest.SkipTest(
                f"Failed to detect chrome devtools port after {START_ATTEMPTS}"
                f" starts of {wait:.1f}s each."
            )

        def _json_command(self, command, timeout=3):
            # Odoo allows 3 s for the first answer of a browser just started.
            return super()._json_command(command, timeout=max(timeout, 15))

    return PatientChromeBrowser


def install():
    """Make Odoo's HttpCase start its browsers through the patient subclass."""
    from odoo.tests import common

    if not getattr(common.ChromeBrowser, "psa_patient", False):
        common.ChromeBrowser = patient_browser_class()
        common.ChromeBrowser.psa_patient = True
    return common.ChromeBrowser


def warm_up():
    """Start Chromium once as the tests do, stop it; return the seconds it took."""

    class WarmUp:
        _logger = _logger
        browser_size = "1366x768"
        touch_enabled = False

    browser_class = install()
    started = time.monotonic()
    browser = browser_class(WarmUp)
    try:
        browser._json_command("version")
        return time.monotonic() - started
    finally:
        browser.stop()
        if browser.chrome:
            stop_tree(browser.chrome)
        shutil.rmtree(browser.user_data_dir, ignore_errors=True)


def main():
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    try:
        seconds = warm_up()
    except unittest.SkipTest as err:
        print(f"browser warm-up failed: {err}", flush=True)
        return 1
    print(f"browser warm-up: Chromium started in {seconds:.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
