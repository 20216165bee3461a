"""docker compose installs the whole suite: every installable addon of addons/.

Docker does not run here, so the odoo service's command is run with bash as
the official odoo:17 image would run it: compose's `$$` unescaped, the
service's bind mounts mapped back to the repository, and the image's
/entrypoint.sh replaced by a script printing the arguments it is handed.
"""

import ast
import re
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _odoo_service():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return compose["services"]["odoo"]


def _installable(addons_dir):
    return sorted(
        manifest.parent.name
        for manifest in Path(addons_dir).glob("*/__manifest__.py")
        if ast.literal_eval(manifest.read_text()).get("installable", True)
    )


def _odoo_arguments(tmp_path, addons_dir=ROOT / "addons"):
    """The arguments the odoo service hands to the image's entrypoint."""
    service = _odoo_service()
    assert "entrypoint" not in service, "the image's entrypoint adds the db options"
    shell, flag, script = service["command"]
    assert (shell, flag) == ("bash", "-c")
    # compose interpolates $VAR and turns $$ into $: only $$ may appear
    assert not re.search(r"(?<!\$)\$(?!\$)", script.replace("$$", "")), script
    script = script.replace("$$", "$")
    for volume in service["volumes"]:
        source, target = volume.split(":")[:2]
        if source.startswith("./"):
            local = addons_dir if source == "./addons" else ROOT / source[2:]
            script = script.replace(target, str(local))
    entrypoint = tmp_path / "entrypoint.sh"
    entrypoint.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    entrypoint.chmod(0o755)
    script = script.replace("/entrypoint.sh", str(entrypoint))
    done = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


def _option(arguments, name):
    values = [arg.split("=", 1)[1] for arg in arguments if arg.startswith(f"{name}=")]
    assert len(values) == 1, arguments
    return values[0]


def test_compose_installs_every_addon(tmp_path):
    arguments = _odoo_arguments(tmp_path)
    assert arguments[0] == "odoo"
    installed = _option(arguments, "--init").split(",")
    assert installed == _installable(ROOT / "addons")
    assert {"psa_approvals", "psa_integration", "psa_staffing"} <= set(installed)
    assert _option(arguments, "--addons-path") == str(ROOT / "addons")
    assert _option(arguments, "--database") == "psa_demo"
    assert _option(arguments, "--db-filter") == "^psa_demo$"


def test_compose_follows_addons_added_later(tmp_path):
    """An addon added to addons/ is installed without editing the compose file;
    one marked not installable is left out."""
    addons = tmp_path / "addons"
    shutil.copytree(ROOT / "addons", addons, ignore=shutil.ignore_patterns("*.pyc"))
    for name, installable in (("psa_new_one", True), ("psa_retired", False)):
        (addons / name).mkdir()
        (addons / name / "__manifest__.py").write_text(
            repr({"name": name, "depends": ["base"], "installable": installable})
        )
    installed = _option(_odoo_arguments(tmp_path, addons), "--init").split(",")
    assert "psa_new_one" in installed
    assert "psa_retired" not in installed
    assert installed == sorted(_installable(ROOT / "addons") + ["psa_new_one"])
