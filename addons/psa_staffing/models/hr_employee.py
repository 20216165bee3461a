from odoo import fields, models

from .hr_job import DEFAULT_UTILIZATION_TARGET


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    psa_utilization_target = fields.Float(
        string="Utilization Target (%)",
        groups="hr.group_hr_user",
        help="Share of the capacity expected as billable time. Leave at 0 to use "
        "the target of the job position.",
    )

    def _psa_utilization_target(self):
        """Target (%) of the employee: their own, else their job's, else 80."""
        self.ensure_one()
        employee = self.sudo()
        return (
            employee.psa_utilization_target
            or employee.job_id.psa_utilization_target
            or DEFAULT_UTILIZATION_TARGET
        )

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        """A timesheet reminder must not make the consultant a follower of
        their HR file (mail.activity subscribes the assignee by default)."""
        if self.env.context.get("psa_compliance_no_subscribe"):
            return True
        return super().message_subscribe(partner_ids, subtype_ids)
