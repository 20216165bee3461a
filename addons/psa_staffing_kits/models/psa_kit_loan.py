from odoo import api, models


class PsaKitLoan(models.Model):
    _inherit = "psa.kit.loan"

    @api.model
    def _create_from_deliveries(self, moves):
        """Loans of a kit proposed for a booking are due when the booking
        (follow-ons included) ends, not before today, instead of at the
        project's end."""
        loans = super()._create_from_deliveries(moves)
        bridged = loans.filtered(lambda loan: loan.request_id.allocation_id)
        if bridged:
            anchors = bridged.request_id.allocation_id
            self.env["psa.allocation"]._move_kit_loans(
                anchors.employee_id, anchors.project_id, log=False
            )
        return loans
