from collections import defaultdict

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression


class AccountMove(models.Model):
    """Releasing a customer invoice goes through the approval matrix.

    Posting (the host's own ``action_post``) is the gated transition: a
    customer invoice a rule with steps holds (shipped: above the release
    threshold, finance as the final step) is submitted and stays draft; the
    final approval posts it. Vendor bills and entries are not gated.
    Invoices drafted from Ready to Bill are marked as such.
    """

    _name = "account.move"
    _inherit = ["account.move", "psa.approval.mixin"]

    _approval_amount_field = "amount_total"
    _approval_amount_unit = "money"
    _approval_currency_field = "currency_id"
    _approval_guarded_fields = ["partner_id", "currency_id", "invoice_line_ids"]
    _approval_state_field = "state"
    _approval_state_from = ["draft"]
    _approval_state_to = ["posted"]
    _approval_cancel_state = "cancel"

    psa_billing_draft = fields.Boolean(
        string="Drafted by Billing",
        readonly=True,
        copy=False,
        help="Drafted from Ready to Bill: holds only ready lines up to the cutoff.",
    )

    psa_ready_since = fields.Datetime(
        string="Ready to Bill Since",
        readonly=True,
        copy=False,
        help="When its order became ready to bill (drafts from Ready to Bill).",
    )
    psa_billing_lag_days = fields.Float(
        string="Billing Lag (days)",
        readonly=True,
        copy=False,
        group_operator="avg",
        help="From ready to bill to posted.",
    )

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        now = fields.Datetime.now()
        for move in posted.filtered(
            lambda m: m.psa_ready_since and not m.psa_billing_lag_days
        ):
            move.psa_billing_lag_days = round(
                (now - move.psa_ready_since).total_seconds() / 86400, 2
            )
        return posted

    def _link_timesheets_to_invoice(self, start_date=None, end_date=None):
        """sale_timesheet's link from the invoiced timesheets to their draft
        invoice, with one search for all the invoices and one write per
        invoice, instead of a search and a write per invoice line (drafting
        200 invoices from Ready to Bill costs the same queries for 1 or 10
        lines each). Same timesheets, same invoice for each."""
        move_of_sale_line = {}
        for line in self.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "draft"
        ).invoice_line_ids:
            for sale_line in line.sale_line_ids:
                product = sale_line.product_id
                if (
                    product.invoice_policy == "delivery"
                    and product.service_type == "timesheet"
                ):
                    move_of_sale_line[sale_line.id] = line.move_id.id
        if not move_of_sale_line:
            return
        domain = self.env["account.move.line"]._timesheet_domain_get_invoiced_lines(
            self.env["sale.order.line"].browse(move_of_sale_line)
        )
        if start_date:
            domain = expression.AND([domain, [("date", ">=", start_date)]])
        if end_date:
            domain = expression.AND([domain, [("date", "<=", end_date)]])
        timesheets = self.env["account.analytic.line"].sudo().search(domain)
        by_move = defaultdict(list)
        for timesheet in timesheets:
            by_move[move_of_sale_line[timesheet.so_line.id]].append(timesheet.id)
        for move_id, timesheet_ids in by_move.items():
            timesheets.browse(timesheet_ids).write({"timesheet_invoice_id": move_id})

    def _approval_gate_applies(self):
        """Customer invoices only: vendor bills, refunds and entries post as
        usual."""
        return self.filtered(lambda m: m.move_type == "out_invoice")

    def action_post(self):
        """Post what the matrix clears; submit the rest for approval and say so."""
        waiting = self._approval_gate_applies().filtered(
            lambda m: m.approval_state == "pending"
        )
        if waiting and waiting == self:
            raise UserError(
                _(
                    "%(names)s waits for its release approval (%(steps)s): it "
                    "is posted when approved.",
                    names=", ".join(waiting.mapped("display_name")),
                    steps=", ".join(
                        sorted(
                            set(
                                waiting.sudo()
                                .approval_review_ids.filtered(
                                    lambda r: r.state == "pending"
                                )
                                .mapped("name")
                            )
                        )
                    ),
                )
            )
        ready = self._approval_gate()
        res = super(AccountMove, ready).action_post() if ready else False
        held = self - ready
        if held:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "title": _("Release approval needed"),
                    "message": _(
                        "%(names)s is above the release threshold: submitted "
                        "for approval, it is posted when approved.",
                        names=", ".join(held.mapped("display_name")),
                    ),
                    "type": "warning",
                    "sticky": False,
                    "next": {"type": "ir.actions.client", "tag": "soft_reload"},
                },
            }
        return res

    def _on_approval_granted(self):
        """The final approval releases the invoice: it is posted (inside
        ``_approval_gate()``, its caller posts)."""
        if self.env.context.get("psa_approval_gate"):
            return
        drafts = self.filtered(lambda m: m.state == "draft")
        if drafts:
            super(AccountMove, drafts).action_post()
