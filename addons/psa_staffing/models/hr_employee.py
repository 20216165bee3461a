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
