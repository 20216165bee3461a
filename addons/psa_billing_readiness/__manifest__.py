{
    "name": "PSA Billing Readiness",
    "summary": "Timesheet validation, milestone client sign-off, billing readiness "
    "per sale order and invoice release through the approval matrix",
    "version": "17.0.1.0.0",
    "category": "Services/Project",
    "author": "PSA Operations",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "maintainers": ["psa-operations"],
    "depends": [
        "psa_approvals",
        "sale_project",
        "sale_timesheet",
        "sale_expense",
        "account",
    ],
    "data": [
        "security/ir.model.access.csv",
        "views/account_analytic_line_views.xml",
        "views/res_config_settings_views.xml",
        "views/psa_billing_menus.xml",
    ],
    "installable": True,
    "application": True,
}
