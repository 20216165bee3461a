from odoo import fields, models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    timesheet_compliance_date = fields.Date(
        string="Timesheet Compliance Checked On",
        readonly=True,
        copy=False,
        groups="hr.group_hr_user",
        help="The night the timesheet compliance action last checked this "
        "employee; it claims the employees not yet checked that night.",
    )

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        """A timesheet reminder must not make the consultant a follower of
        their HR file (mail.activity subscribes the assignee by default)."""
        if self.env.context.get("psa_compliance_no_subscribe"):
            return True
        return super().message_subscribe(partner_ids, subtype_ids)
