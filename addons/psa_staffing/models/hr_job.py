from odoo import fields, models

DEFAULT_UTILIZATION_TARGET = 80.0


class HrJob(models.Model):
    _inherit = "hr.job"

    psa_utilization_target = fields.Float(
        string="Utilization Target (%)",
        default=DEFAULT_UTILIZATION_TARGET,
        help="Share of the capacity of this role expected as billable time; an "
        "employee's own target overrides it.",
    )
