from odoo import api, fields, models

from .psa_staffing_watch import check_watch_flags


class SaleOrderLine(models.Model):
    """Prepaid service lines remember the last consumption threshold their
    salesperson was alerted of, so that each threshold alerts once."""

    _inherit = "sale.order.line"

    psa_retainer_alerted = fields.Integer(
        string="Retainer Alerted at %",
        readonly=True,
        copy=False,
        default=0,
        help="Last consumption threshold (75, 90 or 100% of the prepaid hours) "
        "the salesperson was alerted of by the nightly staffing watch.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_watch_flags(self, vals_list, ["psa_retainer_alerted"])
        return super().create(vals_list)

    def write(self, vals):
        check_watch_flags(self, [vals], ["psa_retainer_alerted"])
        return super().write(vals)
