{
    "name": "PSA Staffing Kits",
    "summary": "Confirming an allocation proposes the consultant's onboarding kit; "
    "loans are due when the allocation ends",
    "version": "17.0.1.0.0",
    "category": "Services/Project",
    "author": "PSA Operations",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "maintainers": ["psa-operations"],
    "depends": [
        "psa_staffing",
        "psa_warehouse_kits",
    ],
    "data": [
        "views/project_project_views.xml",
        "views/psa_allocation_views.xml",
        "views/psa_kit_request_views.xml",
    ],
    "demo": ["demo/psa_staffing_kits_demo.xml"],
    "assets": {
        "web.assets_tests": ["psa_staffing_kits/static/tests/tours/*.js"],
    },
    "installable": True,
    "auto_install": True,
}
