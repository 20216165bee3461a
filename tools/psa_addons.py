"""The suite's addons: every installable addon of an addons folder.

`make test`, `make run` and docker compose all install this list. Run as a
script (in the odoo:17 image, too) it prints it comma-separated for
``--init``: python3 psa_addons.py ADDONS_DIR
"""

import ast
import sys
from pathlib import Path


def installable_addons(addons_dir):
    """Names of the installable addons in ``addons_dir``, sorted."""
    names = []
    for manifest in sorted(Path(addons_dir).glob("*/__manifest__.py")):
        if ast.literal_eval(manifest.read_text()).get("installable", True):
            names.append(manifest.parent.name)
    return names


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    print(",".join(installable_addons(sys.argv[1])))
