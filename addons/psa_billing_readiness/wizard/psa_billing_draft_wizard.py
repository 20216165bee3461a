from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class PsaBillingDraftWizard(models.TransientModel):
    """Finance's "Create Draft Invoices": one draft per selected ready order,
    holding only ready lines up to the cutoff (validated time, signed-off
    milestones, approved expenses)."""

    _name = "psa.billing.draft.wizard"
    _description = "Create Draft Invoices"

    order_ids = fields.Many2many("sale.order", string="Orders", required=True)
    cutoff_date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="Time logged after this day stays for the next invoice.",
    )

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if "order_ids" in fields_list and not res.get("order_ids"):
            active = self.env.context.get("active_ids") or []
            if self.env.context.get("active_model") == "sale.order" and active:
                res["order_ids"] = [(6, 0, active)]
        return res

    def action_create_drafts(self):
        self.ensure_one()
        orders = self.order_ids
        before = orders.filtered(
            lambda o: o.psa_unbilled_from and self.cutoff_date < o.psa_unbilled_from
        )
        if before:
            raise ValidationError(
                _(
                    "Cutoff Date %(cutoff)s is before the billing period of "
                    "%(orders)s (unbilled work from %(start)s).",
                    cutoff=self.cutoff_date,
                    orders=", ".join(before.mapped("name")),
                    start=min(before.mapped("psa_unbilled_from")),
                )
            )
        if self.cutoff_date > fields.Date.context_today(self):
            raise ValidationError(_("Cutoff Date cannot be in the future."))
        readiness = self.env["psa.billing.readiness"]
        readiness._check(orders, cutoff=self.cutoff_date)
        blocked = orders.filtered(lambda o: o.psa_readiness != "ready")
        if blocked:
            raise UserError(
                _(
                    "Only orders ready to bill are drafted; not ready:\n%(lines)s",
                    lines="\n".join(
                        f"- {o.name}: "
                        + (
                            (o.psa_blockers or "").replace("\n", "; ")
                            or dict(o._fields["psa_readiness"].selection).get(
                                o.psa_readiness, _("not confirmed")
                            )
                        )
                        for o in blocked
                    ),
                )
            )
        billing = orders.with_context(
            psa_validated_only=True, timesheet_end_date=self.cutoff_date
        )
        billing.order_line._recompute_qty_to_invoice(False, self.cutoff_date)
        ready_since = {o.id: o.psa_ready_since for o in orders}
        # one draft per order (grouped by order), whatever the customer
        moves = billing._create_invoices(grouped=True)
        moves.sudo().write({"psa_billing_draft": True})
        for move in moves.sudo():
            order = move.invoice_line_ids.sale_line_ids.order_id[:1]
            move.psa_ready_since = ready_since.get(order.id)
        readiness._check(orders)
        return {
            "type": "ir.actions.act_window",
            "name": _("Draft Invoices"),
            "res_model": "account.move",
            "view_mode": "tree,form",
            "domain": [("id", "in", moves.ids)],
            "context": {"default_move_type": "out_invoice"},
        }
