{
    "name": "PSA Approvals",
    "summary": "Approval matrix, multi-step routing, delegation, audit log "
    "and exception queue shared by the PSA Operations suite",
    "version": "17.0.1.0.0",
    "category": "Services/Approvals",
    "author": "PSA Operations",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "maintainers": ["psa-operations"],
    "depends": ["mail", "base_setup"],
    "data": [
        "security/psa_approvals_groups.xml",
        "security/ir.model.access.csv",
        "views/psa_approvals_menus.xml",
    ],
    "demo": [],
    "installable": True,
    "application": True,
}
