"""Make this machine able to run the suite, or say clearly why it cannot.

Each ``ensure_*`` function either returns quietly, installs what is missing,
or raises :class:`SetupError` with a message a newcomer can act on.
"""

import configparser
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"
ODOO_SERIES = (17, 0)
DEFAULT_ODOO_SOURCE = "https://github.com/odoo/odoo/archive/refs/heads/17.0.tar.gz"
DOWNLOAD_TIMEOUT = 20  # seconds: an unreachable source must fail fast
BROWSERS = ("chromium", "google-chrome", "chromium-browser", "google-chrome-stable")


class SetupError(Exception):
    """A prerequisite is missing and could not be installed."""


def _pip(*args):
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "-q",
        *args,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SetupError(f"pip install {' '.join(args)} failed:\n{done.stderr[-2000:]}")


def odoo_version():
    """Return Odoo's version_info as seen by this interpreter, or None."""
    probe = "import odoo.release as r; print(r.version_info[0], r.version_info[1])"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    if done.returncode:
        return None
    return tuple(int(part) for part in done.stdout.split())


def ensure_odoo(source=None):
    """Use the importable Odoo 17.0, or install it from ``ODOO_SOURCE``."""
    found = odoo_version()
    if found == ODOO_SERIES:
        return "already importable"
    if found:
        raise SetupError(
            f"{sys.executable} imports Odoo {found[0]}.{found[1]},"
            " the suite needs 17.0. "
            "Use a Python environment with Odoo 17.0 (make PYTHON=/path/to/python ...)."
        )
    source = source or os.environ.get("ODOO_SOURCE") or DEFAULT_ODOO_SOURCE
    try:
        tree = _odoo_tree(source)
        _install_odoo_tree(tree)
    except (OSError, SetupError, tarfile.TarError, zipfile.BadZipFile) as err:
        raise SetupError(
            f"Odoo 17.0 is not importable by {sys.executable}"
            " and could not be installed "
            f"from ODOO_SOURCE={source}:\n  {err}\n"
            "Point ODOO_SOURCE at a local copy of Odoo 17.0 (a source tree or a"
            " .tar.gz/.zip archive), e.g. `make test ODOO_SOURCE=~/src/odoo-17.0`,"
            " or install Odoo 17.0 "
            "into this Python yourself."
        ) from err
    if odoo_version() != ODOO_SERIES:
        raise SetupError(
            f"Odoo from {source} was installed but does not import as 17.0."
        )
    return f"installed from {source}"


def _odoo_tree(source):
    """Return a directory holding Odoo's setup.py, fetching or unpacking it first."""
    if re.match(r"^https?://", source):
        CACHE.mkdir(exist_ok=True)
        archive = CACHE / "odoo-source.tar.gz"
        with (
            urllib.request.urlopen(source, timeout=DOWNLOAD_TIMEOUT) as answer,
            open(archive, "wb") as out,
        ):
            shutil.copyfileobj(answer, out)
        source = str(archive)
    path = Path(source).expanduser()
    if path.is_dir():
        tree = path
    elif path.is_file():
        tree = CACHE / "odoo-source"
        shutil.rmtree(tree, ignore_errors=True)
        tree.mkdir(parents=True)
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                archive.extractall(tree)
        else:
            with tarfile.open(path) as archive:
                archive.extractall(tree, filter="data")
    else:
        raise SetupError(f"{source} does not exist")
    for candidate in (tree, *sorted(tree.iterdir())):
        if (candidate / "setup.py").is_file() and (
            candidate / "odoo" / "release.py"
        ).is_file():
            return candidate
    raise SetupError(f"{source} does not contain Odoo's setup.py and odoo/release.py")


def _install_odoo_tree(tree):
    """pip-install Odoo and its requirements (psycopg2 as a wheel, no LDAP)."""
    wanted = []
    for line in (tree / "requirements.txt").read_text().splitlines():
        name = re.split(r"[=<>; ]", line.strip(), maxsplit=1)[0].lower()
        if not name or name.startswith("#") or name == "python-ldap":
            continue
        wanted.append(
            "psycopg2-binary" if name == "psycopg2" else line.split("#")[0].strip()
        )
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as reqs:
        reqs.write("\n".join(wanted))
    try:
        _pip("-r", reqs.name)
    finally:
        os.unlink(reqs.name)
    _pip("--no-deps", str(tree))


def ensure_requirements():
    """Install requirements.txt once per content and interpreter."""
    reqs = ROOT / "requirements.txt"
    digest = hashlib.sha1(reqs.read_bytes() + sys.executable.encode()).hexdigest()[:12]
    stamp = CACHE / f"requirements-{digest}.ok"
    if stamp.exists():
        return "up to date"
    _pip("-r", str(reqs))
    CACHE.mkdir(exist_ok=True)
    stamp.touch()
    return "installed"


def odoo_conf_path():
    return Path(os.environ.get("ODOO_RC") or ROOT / "odoo.conf")


def odoo_option(key):
    """An option set in odoo.conf, or None when absent or ``False``."""
    parser = configparser.ConfigParser()
    parser.read(odoo_conf_path())
    value = parser.get("options", key, fallback=None)
    return None if value in ("False", "") else value


def connection_params():
    """libpq keyword arguments from odoo.conf; unset ones fall back to PG* variables."""
    params = {}
    for key in ("host", "port", "user", "password", "sslmode"):
        value = odoo_option(f"db_{key}")
        if value is not None:
            params[key] = value
    params.setdefault("connect_timeout", int(os.environ.get("PGCONNECT_TIMEOUT", "5")))
    return params


def ensure_postgres():
    """Check that a PostgreSQL server answers and lets us create databases."""
    import psycopg2

    params = connection_params()
    where = ", ".join(f"{k}={v}" for k, v in params.items() if k != "password")
    for var in ("PGHOST", "PGPORT", "PGUSER"):
        if os.environ.get(var):
            where += f", {var}={os.environ[var]}"
    try:
        with psycopg2.connect(dbname="postgres", **params) as cnx, cnx.cursor() as cr:
            cr.execute(
                "SELECT rolcreatedb OR rolsuper, version()"
                " FROM pg_roles WHERE rolname = current_user"
            )
            can_create, version = cr.fetchone()
    except psycopg2.OperationalError as err:
        raise SetupError(
            f"PostgreSQL does not answer ({where or 'local socket'}):"
            f" {str(err).strip()}\n"
            "Start a server (Debian/Ubuntu: `sudo pg_ctlcluster 15 main start`), point "
            "PGHOST/PGPORT/PGUSER/PGPASSWORD or odoo.conf's db_* options at one, "
            "or use the container route: `docker compose up`."
        ) from err
    if not can_create:
        raise SetupError(
            "The PostgreSQL role in use may not create databases"
            " (ALTER ROLE ... CREATEDB)."
        )
    return version.split(",")[0]


def find_browser():
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def ensure_browser():
    """Find Chromium for the browser tests, installing Debian's package if we can."""
    path = find_browser()
    if path:
        return path
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for cmd in (
            ["apt-get", "update", "-qq"],
            ["apt-get", "install", "-y", "-qq", "chromium"],
        ):
            subprocess.run(cmd, env=env, capture_output=True, check=False)
        path = find_browser()
        if path:
            return f"{path} (installed)"
    raise SetupError(
        "No Chromium or Chrome found for the browser tests, and it could not be"
        " installed. Install your distribution's `chromium` package (Debian:"
        " `apt-get install chromium`) "
        "or Google Chrome, then run the tests again."
    )
