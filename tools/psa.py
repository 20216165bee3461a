"""Set up, lint, test and run the PSA Operations suite (called by the Makefile).

Usage: python tools/psa.py COMMAND

    setup     check or install Odoo 17, Python packages, PostgreSQL, Chromium
    lint      ruff and pylint-odoo, as OCA's 17.0 template does
    test      setup, lint, Odoo tests of our addons, tests/ with pytest-odoo
    run       setup, create the demo database on first use, serve Odoo
    clean-db  drop every test and template database the suite created

Settings come from the environment: ODOO_SOURCE, PSA_DB, PSA_HTTP_PORT, ODOO_ARGS,
ADDONS, KEEP_DB, PYTEST_ARGS and the libpq variables (see README.md, "Configuration").
"""

import json
import os
import shlex
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from contextlib import contextmanager

import psa_processes
import psa_setup
from psa_setup import ROOT, SetupError

VAR = ROOT / "var"
LINT_PATHS = ["addons", "tests", "tools"]


class Tally:
    """Counts tests and checks across phases and prints the closing line."""

    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.timings = []

    def add(self, passed=0, failed=0, skipped=0):
        self.passed += passed
        self.failed += failed
        self.skipped += skipped

    @contextmanager
    def phase(self, name):
        print(f"\n=== {name}", flush=True)
        start = time.monotonic()
        try:
            yield
        finally:
            seconds = time.monotonic() - start
            self.timings.append((name, seconds))
            print(f"--- {name}: {seconds:.1f}s", flush=True)

    def close(self):
        print(
            "\nPhase timings: "
            + ", ".join(f"{name} {sec:.0f}s" for name, sec in self.timings)
        )
        line = f"{self.passed} passed, {self.failed} failed"
        if self.skipped:
            line += f", {self.skipped} skipped"
        print(line, flush=True)
        return 1 if self.failed else 0


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_child(cmd, **kwargs):
    """Run a step's command; then stop whatever it left running (browsers, servers)."""
    try:
        return subprocess.run(cmd, check=False, **kwargs)
    finally:
        stop_leftovers()


def stop_leftovers():
    left = psa_processes.stop_leftovers()
    if left:
        print(f"stopped {len(left)} process(es) left running: {', '.join(left)}")


def warm_browser(tally):
    """Start Chromium once before the browser tests, so its files are in memory."""
    with tally.phase("browser warm-up"):
        run_child([sys.executable, str(ROOT / "tools" / "psa_browser.py")], cwd=ROOT)


def setup(tally, browser):
    with tally.phase("setup"):
        print("odoo:", psa_setup.ensure_odoo())
        print("python packages:", psa_setup.ensure_requirements())
        print("postgresql:", psa_setup.ensure_postgres())
        if browser:
            print("browser:", psa_setup.ensure_browser())


def lint(tally):
    from psa_databases import ADDONS_DIR, our_addons

    checks = [
        ("ruff check", ["ruff", "check", *LINT_PATHS]),
        ("ruff format", ["ruff", "format", "--check", *LINT_PATHS]),
    ]
    addons = [str(ADDONS_DIR / name) for name in our_addons()]
    if addons:
        checks.append(
            ("pylint-odoo", ["pylint", "--rcfile=.pylintrc-mandatory", *addons])
        )
    with tally.phase("lint"):
        for name, cmd in checks:
            done = run_child([sys.executable, "-m", *cmd], cwd=ROOT)
            print(f"{name}: {'ok' if done.returncode == 0 else 'FAILED'}", flush=True)
            tally.add(
                passed=int(done.returncode == 0), failed=int(done.returncode != 0)
            )


def ensure_template(tally, addons):
    import psa_databases as dbs

    deps = dbs.external_dependencies(addons)
    name = dbs.template_name(deps)
    with tally.phase("template database"):
        if dbs.template_is_complete(name):
            print(
                f"reusing template {name} ({len(deps)} Odoo modules: {', '.join(deps)})"
            )
        else:
            if dbs.exists(name):
                dbs.drop(name)
            VAR.mkdir(exist_ok=True)
            log = VAR / f"{name}.log"
            print(
                f"building template {name}: installing {', '.join(deps)} (log: {log})",
                flush=True,
            )
            dbs.build_template(deps, log)
    return name


def run_odoo_tests(tally, db, addons):
    """Install our addons into ``db`` and run their tests; count the results."""
    import psa_databases as dbs

    result_file = VAR / f"{db}-odoo.json"
    tags = ",".join(f"/{name}" for name in addons)
    cmd = dbs.odoo_command(
        "-d",
        db,
        "-i",
        ",".join(addons),
        "--test-enable",
        f"--test-tags={tags}",
        "--stop-after-init",
        f"--http-port={free_port()}",
        "--log-level=warn",
        "--log-handler=odoo.tests.stats:INFO",
    )
    runner = [
        sys.executable,
        str(ROOT / "tools" / "odoo_test_runner.py"),
        str(result_file),
        "--",
    ]
    with tally.phase(f"odoo tests ({', '.join(addons)})"):
        done = run_child(runner + cmd[3:], cwd=ROOT)
        counts = (
            json.loads(result_file.read_text())
            if result_file.exists()
            else {"rc": done.returncode}
        )
        run = counts.get("run", 0)
        failed = counts.get("failed", 0) + counts.get("errors", 0)
        skipped = counts.get("skipped", 0)
        if (done.returncode or counts["rc"]) and not failed:
            failed = 1  # the install itself failed: that counts, even with no test run
            print(
                f"Odoo exited with {done.returncode or counts['rc']}"
                " before or outside the tests"
            )
        print(f"odoo tests: {run} run, {failed} failed, {skipped} skipped")
        tally.add(passed=max(run - failed - skipped, 0), failed=failed, skipped=skipped)


def run_pytest(tally, db):
    """Run the top-level tests/ (scenarios, tours, benchmarks) with pytest-odoo."""
    import psa_databases as dbs

    report = VAR / f"{db}-pytest.xml"
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "tests",
        f"--odoo-database={db}",
        f"--odoo-config={psa_setup.odoo_conf_path()}",
        f"--odoo-addons-path={dbs.ADDONS_DIR}",
        "--odoo-http",
        "-p",
        "no:cacheprovider",
        f"--junitxml={report}",
        "--capture=tee-sys",  # benchmarks print their figures into the run's output
        *shlex.split(os.environ.get("PYTEST_ARGS", "")),
    ]
    with tally.phase("pytest tests/"):
        done = run_child(cmd, cwd=ROOT, env=dict(os.environ, PSA_TEST_DATABASE=db))
        if not report.exists():
            tally.add(failed=1)
            print(f"pytest exited with {done.returncode} without a report")
            return
        suites = ET.parse(report).getroot()
        suites = suites.findall("testsuite") if suites.tag == "testsuites" else [suites]
        total = sum(int(s.get("tests", 0)) for s in suites)
        failed = sum(
            int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites
        )
        skipped = sum(int(s.get("skipped", 0)) for s in suites)
        if done.returncode not in (0, 1, 5) and not failed:
            failed = 1  # pytest itself broke (usage or internal error)
        tally.add(passed=total - failed - skipped, failed=failed, skipped=skipped)


def selected_addons():
    from psa_databases import our_addons

    available = our_addons()
    wanted = [
        name for name in os.environ.get("ADDONS", "").replace(",", " ").split() if name
    ]
    unknown = sorted(set(wanted) - set(available))
    if unknown:
        raise SetupError(
            f"ADDONS names unknown addons: {', '.join(unknown)}"
            f" (have: {', '.join(available)})"
        )
    return wanted or available


def cmd_setup(tally):
    setup(tally, browser=True)
    return tally.close()


def cmd_lint(tally):
    lint(tally)
    return tally.close()


def cmd_test(tally):
    setup(tally, browser=True)
    import psa_databases as dbs

    lint(tally)
    addons = selected_addons()
    if not addons:
        print("no addon under addons/ yet: only tests/ runs")
    template = ensure_template(tally, addons)
    db = dbs.new_test_database_name()
    VAR.mkdir(exist_ok=True)
    with tally.phase(f"clone {template} to {db}"):
        dbs.clone(template, db)
    try:
        warm_browser(tally)
        if addons:
            run_odoo_tests(tally, db, addons)
        if not os.environ.get("ADDONS"):
            run_pytest(tally, db)
    finally:
        if os.environ.get("KEEP_DB"):
            print(f"KEEP_DB set: test database {db} kept")
        else:
            dbs.drop(db)
    return tally.close()


def cmd_run(tally):
    setup(tally, browser=False)
    import psa_databases as dbs

    addons = dbs.our_addons()
    db = os.environ.get("PSA_DB") or "psa_demo"
    port = os.environ.get("PSA_HTTP_PORT") or "8069"
    if not dbs.exists(db):
        template = ensure_template(tally, addons)
        with tally.phase(f"create {db} with the suite and demo data"):
            dbs.clone(template, db)
            done = subprocess.run(
                dbs.odoo_command(
                    "-d",
                    db,
                    "-i",
                    ",".join(addons),
                    "--stop-after-init",
                    "--http-port=0",
                ),
                cwd=ROOT,
                check=False,
            )
            if done.returncode:
                dbs.drop(db)
                raise SetupError(
                    f"installing the suite into {db} failed (see the log above)"
                )
    else:
        missing = sorted(set(addons) - dbs.installed_modules(db))
        if missing:
            with tally.phase(f"install {', '.join(missing)} into {db}"):
                subprocess.run(
                    dbs.odoo_command(
                        "-d",
                        db,
                        "-i",
                        ",".join(missing),
                        "--stop-after-init",
                        "--http-port=0",
                    ),
                    cwd=ROOT,
                    check=True,
                )
    print(
        f"\nOdoo 17 with the PSA suite: http://localhost:{port}"
        f" (login admin / admin, database {db})"
    )
    sys.stdout.flush()
    cmd = dbs.odoo_command("-d", db, f"--db-filter=^{db}$", f"--http-port={port}")
    cmd += shlex.split(os.environ.get("ODOO_ARGS", ""))
    os.execv(cmd[0], cmd)


def cmd_clean_db(tally):
    import psa_databases as dbs

    for name in dbs.suite_databases():
        print("dropping", name)
        dbs.drop(name)
    return 0


COMMANDS = {
    "setup": cmd_setup,
    "lint": cmd_lint,
    "test": cmd_test,
    "run": cmd_run,
    "clean-db": cmd_clean_db,
}


def main(argv):
    if len(argv) != 1 or argv[0] not in COMMANDS:
        print(__doc__)
        return 2
    tally = Tally()
    psa_processes.guard()
    try:
        return COMMANDS[argv[0]](tally)
    except SetupError as err:
        print(f"\nERROR: {err}", file=sys.stderr, flush=True)
        tally.add(failed=1)
        tally.close()
        return 2
    except (KeyboardInterrupt, SystemExit) as stop:
        code = 130 if isinstance(stop, KeyboardInterrupt) else stop.code
        print(f"\nstopped ({type(stop).__name__} {code})", file=sys.stderr, flush=True)
        tally.add(failed=1)
        tally.close()
        return code
    finally:
        stop_leftovers()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
