from odoo import _, api, fields, models
from odoo.exceptions import AccessError

INVOICE_VALIDATED_PARAM = "psa_billing_readiness.invoice_validated_only"


class SaleOrderLine(models.Model):
    """Delivered quantities of lines invoiced from timesheets count only
    validated time when Settings say so: the standard Create Invoice then
    bills validated time only. A retainer (psa.retainer) delivers at most its
    prepaid hours: the hours past them are billed by an approved overage's
    own line. Retainers remember the last consumption threshold their
    salesperson was alerted of (psa.retainer.watch)."""

    _inherit = "sale.order.line"

    psa_retainer_alerted = fields.Integer(
        string="Retainer Alerted at %",
        readonly=True,
        copy=False,
        default=0,
        help="Last consumption threshold (75, 90 or 100% of the prepaid hours) "
        "the salesperson was alerted of by the nightly retainer watch.",
    )
    psa_overage_of_id = fields.Many2one(
        "sale.order.line",
        string="Overage of Retainer",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The retainer whose approved overage this line bills.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        self._psa_check_retainer_flags(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._psa_check_retainer_flags([vals])
        return super().write(vals)

    @api.model
    def _psa_check_retainer_flags(self, vals_list):
        """The watch and approved overages set these, a person never does
        (so an alert cannot be silenced, nor a line passed off as billed
        overage)."""
        if self.env.su:
            return
        for vals in vals_list:
            for name in ("psa_retainer_alerted", "psa_overage_of_id"):
                if name in vals:
                    raise AccessError(
                        _(
                            "%(field)s is set by the retainer checks, not by hand.",
                            field=self._fields[name].string,
                        )
                    )

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
        "analytic_line_ids.psa_validated",
        "reached_milestones_ids.psa_signed_off",
        "product_uom_qty",
    )
    def _compute_qty_delivered(self):
        """Milestones deliver their share once reached and signed off by the
        client; retainers at most their prepaid hours; the rest as
        sale_project computes it."""
        res = super()._compute_qty_delivered()
        retainers = self.filtered_domain(self.env["psa.retainer"]._line_domain())
        for line in retainers:
            line.qty_delivered = min(line.qty_delivered, line.product_uom_qty)
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
