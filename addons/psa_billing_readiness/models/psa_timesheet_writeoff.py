from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class PsaTimesheetWriteoff(models.Model):
    """Turning billable time non-billable after the fact, with a reason,
    through the approval matrix (amount: the value written off at the sale
    lines' prices). Approval detaches the lines from their sale line."""

    _name = "psa.timesheet.writeoff"
    _inherit = ["mail.thread", "mail.activity.mixin", "psa.approval.mixin"]
    _description = "Timesheet Write-off"
    _order = "id desc"

    _approval_amount_field = "amount"
    _approval_amount_unit = "money"
    _approval_guarded_fields = ["line_ids", "reason"]
    _approval_inject_form = True

    name = fields.Char(compute="_compute_totals", store=True)
    line_ids = fields.Many2many(
        "account.analytic.line", string="Timesheet Lines", required=True
    )
    reason = fields.Text(required=True, tracking=True)
    hours = fields.Float(compute="_compute_totals", store=True)
    amount = fields.Monetary(
        compute="_compute_totals",
        store=True,
        help="What the time would have billed, at its sale lines' prices.",
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_totals", store=True)
    sale_order_ids = fields.Many2many(
        "sale.order", compute="_compute_totals", store=True, string="Orders"
    )
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True
    )
    applied_on = fields.Datetime(readonly=True, copy=False)

    # not on the sale lines: the amount written off stays what it was when
    # the lines are detached from them
    @api.depends("line_ids", "line_ids.unit_amount")
    def _compute_totals(self):
        for writeoff in self:
            lines = writeoff.line_ids.sudo()
            writeoff.hours = sum(lines.mapped("unit_amount"))
            writeoff.amount = sum(
                line.unit_amount * line.so_line.price_unit for line in lines
            )
            writeoff.currency_id = (
                lines.so_line.currency_id[:1] or writeoff.company_id.currency_id
            )
            writeoff.sale_order_ids = lines.so_line.order_id
            writeoff.name = _(
                "Write-off of %(hours)s h (%(count)s lines)",
                hours=round(writeoff.hours, 2),
                count=len(lines),
            )

    @api.constrains("line_ids", "reason")
    def _check_lines(self):
        for writeoff in self:
            if not (writeoff.reason or "").strip():
                raise ValidationError(_("A write-off needs its Reason."))
            lines = writeoff.line_ids.sudo()
            if not lines:
                raise ValidationError(_("Choose the Timesheet Lines to write off."))
            not_billable = lines.filtered(lambda line: not line.so_line)
            if not_billable and not writeoff.applied_on:
                raise ValidationError(
                    _(
                        "Only billable time is written off; not billable: %(lines)s",
                        lines=", ".join(not_billable.mapped("name")),
                    )
                )
            invoiced = lines.filtered(lambda line: not line._is_not_billed())
            if invoiced:
                raise ValidationError(
                    _(
                        "Invoiced time is credited, not written off: %(lines)s",
                        lines=", ".join(invoiced.mapped("name")),
                    )
                )

    def write(self, vals):
        if self.filtered("applied_on") and set(vals) & {"line_ids", "reason"}:
            raise UserError(_("An applied write-off cannot change."))
        return super().write(vals)

    def _on_approval_granted(self):
        """Detach the lines from their sale line: they bill nothing (sudo:
        the approver decides without owning the timesheets)."""
        for writeoff in self.sudo().filtered(lambda w: not w.applied_on):
            orders = writeoff.line_ids.so_line.order_id
            writeoff.line_ids.write({"so_line": False, "is_so_line_edited": True})
            writeoff.write({"applied_on": fields.Datetime.now()})
            for order in orders:
                order.message_post(
                    body=_(
                        "%(name)s written off: %(reason)s",
                        name=writeoff.name,
                        reason=writeoff.reason,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
            orders._psa_refresh_readiness()
