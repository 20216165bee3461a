"""The databases the suite creates: one template per dependency set, clones of it.

Installing Odoo's own modules (crm, sale_project, stock, account...) takes
minutes; installing our addons on top takes seconds. So the first are
installed once into a template database named after a hash of the dependency
list and the Odoo version, and every run clones it with ``CREATE DATABASE ...
TEMPLATE`` plus a copy of its filestore.

Every database created here starts with ``psa_``: ``psa_tmpl_<key>`` for
templates, ``psa_test_<stamp>`` for test runs (dropped at the end), and the
run database (``PSA_DB``, default ``psa_demo``). Nothing else is ever dropped.
"""

import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg2
from psa_addons import installable_addons
from psa_setup import ROOT, connection_params, odoo_conf_path, odoo_option
from psycopg2 import sql

ADDONS_DIR = ROOT / "addons"
TEMPLATE_PREFIX = "psa_tmpl_"
TEST_PREFIX = "psa_test_"


def our_addons():
    """Names of the installable addons in addons/, sorted."""
    return installable_addons(ADDONS_DIR)


def external_dependencies(addons):
    """Odoo modules our addons depend on, directly or through each other."""
    ours = set(our_addons())
    deps, todo, seen = set(), list(addons), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        manifest = ast.literal_eval((ADDONS_DIR / name / "__manifest__.py").read_text())
        for dep in manifest.get("depends", []):
            (todo.append(dep) if dep in ours else deps.add(dep))
    return sorted(deps)


def template_name(deps):
    import odoo.release

    key = json.dumps([deps, odoo.release.version, "demo"]).encode()
    return TEMPLATE_PREFIX + hashlib.sha1(key).hexdigest()[:12]


@contextmanager
def _admin_cursor():
    """An autocommit cursor on the maintenance database (CREATE/DROP DATABASE)."""
    cnx = psycopg2.connect(dbname="postgres", **connection_params())
    cnx.autocommit = True
    try:
        with cnx.cursor() as cr:
            yield cr
    finally:
        cnx.close()


def exists(name):
    with _admin_cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return bool(cr.fetchone())


def filestore(name):
    from odoo.tools import config

    return Path(odoo_option("data_dir") or config["data_dir"], "filestore", name)


def odoo_command(*args):
    """The command line for Odoo's server with our configuration and addons."""
    return [
        sys.executable,
        "-m",
        "odoo",
        "-c",
        str(odoo_conf_path()),
        f"--addons-path={ADDONS_DIR}",
        *args,
    ]


def build_template(deps, log):
    """Install ``deps`` into a fresh database and publish it as the template.

    The database is built under a temporary name and renamed at the end, so a
    crash half-way never leaves a half-built template behind.
    """
    name = template_name(deps)
    building = f"{name}_build_{os.getpid()}"
    drop(building)
    cmd = odoo_command(
        "-d", building, "-i", ",".join(deps), "--stop-after-init", "--http-port=0"
    )
    cmd.append("--log-level=warn")
    with open(log, "w", encoding="utf-8") as out:
        done = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode:
        drop(building)
        raise RuntimeError(f"installing {', '.join(deps)} failed, see {log}")
    with _admin_cursor() as cr:
        if exists(name):  # built meanwhile by a concurrent run
            drop(building)
            return name
        cr.execute(
            sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                sql.Identifier(building), sql.Identifier(name)
            )
        )
    if filestore(building).exists():
        filestore(building).rename(filestore(name))
    return name


def template_is_complete(name):
    """A template whose filestore vanished would give clones missing files."""
    return exists(name) and filestore(name).is_dir()


def clone(template, name):
    with _admin_cursor() as cr:
        cr.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'unicode' TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    shutil.copytree(filestore(template), filestore(name))


def drop(name):
    """Drop a database the suite created, with its filestore."""
    if not name.startswith("psa_"):
        raise ValueError(f"refusing to drop {name}: not created by the suite")
    with _admin_cursor() as cr:
        cr.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        cr.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    shutil.rmtree(filestore(name), ignore_errors=True)


def installed_modules(name):
    with (
        psycopg2.connect(dbname=name, **connection_params()) as cnx,
        cnx.cursor() as cr,
    ):
        cr.execute("SELECT name FROM ir_module_module WHERE state = 'installed'")
        return {row[0] for row in cr.fetchall()}


def new_test_database_name():
    return f"{TEST_PREFIX}{time.strftime('%Y%m%d_%H%M%S')}_{os.getpid()}"


def suite_databases():
    """Every test or template database the suite created (for `make clean-db`)."""
    with _admin_cursor() as cr:
        cr.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s OR datname LIKE %s",
            [TEST_PREFIX + "%", TEMPLATE_PREFIX + "%"],
        )
        return [row[0] for row in cr.fetchall()]
