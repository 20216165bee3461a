from odoo import api, models

INVOICE_VALIDATED_PARAM = "psa_billing_readiness.invoice_validated_only"


class SaleOrderLine(models.Model):
    """Delivered quantities of lines invoiced from timesheets count only
    validated time when Settings say so: the standard Create Invoice then
    bills validated time only."""

    _inherit = "sale.order.line"

    @api.model
    def _psa_invoice_validated_only(self):
        """Whether only validated time counts as delivered (Settings, or
        drafts from Ready to Bill)."""
        if self.env.context.get("psa_validated_only"):
            return True
        param = (
            self.env["ir.config_parameter"].sudo().get_param(INVOICE_VALIDATED_PARAM)
        )
        return param not in (False, "", "False", "0")

    @api.depends(
        "analytic_line_ids.psa_validated", "reached_milestones_ids.psa_signed_off"
    )
    def _compute_qty_delivered(self):
        """Milestones deliver their share once reached and signed off by the
        client; the rest as sale_project computes it."""
        res = super()._compute_qty_delivered()
        lines = self.filtered(lambda sol: sol.qty_delivered_method == "milestones")
        if not lines:
            return res
        signed = dict(
            self.env["project.milestone"]._read_group(
                [
                    ("sale_line_id", "in", lines.ids),
                    ("is_reached", "=", True),
                    ("psa_signed_off", "=", True),
                ],
                ["sale_line_id"],
                ["quantity_percentage:sum"],
            )
        )
        for line in lines:
            origin = line._origin or line
            line.qty_delivered = signed.get(origin, 0.0) * line.product_uom_qty
        return res

    def _timesheet_compute_delivered_quantity_domain(self):
        domain = super()._timesheet_compute_delivered_quantity_domain()
        if self._psa_invoice_validated_only():
            domain = [*domain, ("psa_validated", "=", True)]
        return domain

    @api.model
    def _psa_recompute_timesheet_delivered(self):
        """Recompute what open timesheet-based lines delivered (after the
        setting changed): stored quantities follow the new rule."""
        lines = self.sudo().search(
            [
                ("qty_delivered_method", "=", "timesheet"),
                ("state", "=", "sale"),
                ("invoice_status", "!=", "invoiced"),
            ]
        )
        self.env.add_to_compute(self._fields["qty_delivered"], lines)
        # what follows from it (to invoice, invoice status) follows too
        lines.modified(["qty_delivered"])
        lines.flush_recordset()
