from odoo import api, fields, models


class PsaKitLoan(models.Model):
    _inherit = "psa.kit.loan"

    @api.model
    def _create_from_deliveries(self, moves):
        """Loans of a kit proposed for a booking are due when the booking ends
        (not before today), instead of at the project's end."""
        loans = super()._create_from_deliveries(moves)
        today = fields.Date.context_today(self)
        bridged = loans.filtered(lambda loan: loan.request_id.allocation_id)
        for due, group in bridged.grouped(
            lambda loan: max(loan.request_id.allocation_id.date_end, today)
        ).items():
            group.write({"date_due": due})
        return loans
