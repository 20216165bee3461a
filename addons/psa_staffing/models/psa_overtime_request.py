from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class PsaOvertimeRequest(models.Model):
    """Pre-approval of hours beyond an employee's working time, through the
    approval matrix (amount: the hours)."""

    _name = "psa.overtime.request"
    _inherit = ["mail.thread", "mail.activity.mixin", "psa.approval.mixin"]
    _description = "Overtime Request"
    _order = "date desc, id desc"

    _approval_amount_field = "hours"
    _approval_amount_unit = "hours"
    _approval_guarded_fields = ["employee_id", "date", "hours"]
    _approval_inject_form = True

    name = fields.Char(compute="_compute_name", store=True)
    employee_id = fields.Many2one(
        "hr.employee",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user.employee_id,
    )
    project_id = fields.Many2one("project.project", index=True, tracking=True)
    date = fields.Date(required=True, tracking=True, default=fields.Date.context_today)
    hours = fields.Float(required=True, tracking=True)
    reason = fields.Text(required=True)
    company_id = fields.Many2one(
        related="employee_id.company_id", store=True, index=True, precompute=True
    )

    @api.depends("employee_id", "date", "hours")
    def _compute_name(self):
        for request in self:
            request.name = _(
                "%(hours)s h overtime for %(employee)s on %(date)s",
                hours=request.hours,
                employee=request.employee_id.name or "",
                date=request.date or "",
            )

    @api.constrains("hours")
    def _check_hours(self):
        for request in self:
            if not 0 < request.hours <= 16:
                raise ValidationError(_("Hours must be more than 0 and at most 16."))

    def _on_approval_granted(self):
        """Tell the employee; the last approver may have no rights on the
        employee's records, and the approval is the authorisation (sudo)."""
        for request in self.sudo().filtered("employee_id.user_id"):
            request.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Overtime approved: %s h", request.hours),
                user_id=request.employee_id.user_id.id,
            )
