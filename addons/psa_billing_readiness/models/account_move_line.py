from odoo import api, models


class AccountMoveLine(models.Model):
    """An invoice drafted while only validated time is billable links only
    validated timesheets: the others stay to invoice."""

    _inherit = "account.move.line"

    @api.model
    def _timesheet_domain_get_invoiced_lines(self, sale_line_delivery):
        domain = super()._timesheet_domain_get_invoiced_lines(sale_line_delivery)
        if self.env["sale.order.line"]._psa_invoice_validated_only():
            domain = [*domain, ("psa_validated", "=", True)]
        return domain
