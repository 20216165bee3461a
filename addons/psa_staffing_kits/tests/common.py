from odoo.addons.psa_staffing.tests.common import MARCH_2027_HOURS, PsaStaffingCommon
from odoo.addons.psa_warehouse_kits.tests.common import PsaKitsCommon


class PsaStaffingKitsCommon(PsaStaffingCommon, PsaKitsCommon):
    """Staffing's users, employees and project, with kits' products, stock
    roles and onboarding template (set as the project's default kit).

    Staffing's setup runs last: ``project``, ``project_manager`` and
    ``consultant`` (an employee) are staffing's; no approval rule is active.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # demo onboarding templates would be the fallback of other tests
        cls.env["psa.kit.template"].search(
            [("kind", "=", "onboarding"), ("id", "!=", cls.template.id)]
        ).active = False
        cls.project.psa_onboarding_template_id = cls.template
        cls.project_manager.groups_id = [
            (4, cls.env.ref("psa_warehouse_kits.group_kit_requester").id)
        ]

    def _hours_for_load(self, percent):
        return MARCH_2027_HOURS * percent / 100.0

    def _proposals(self, employee=None, project=None):
        return (
            self.env["psa.kit.request"]
            .sudo()
            .search(
                [
                    ("project_id", "=", (project or self.project).id),
                    (
                        "recipient_user_id",
                        "=",
                        (employee or self.consultant).user_id.id,
                    ),
                ]
            )
        )
