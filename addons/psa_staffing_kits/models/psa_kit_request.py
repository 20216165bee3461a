from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class PsaKitRequest(models.Model):
    _inherit = "psa.kit.request"

    allocation_id = fields.Many2one(
        "psa.allocation",
        index="btree_not_null",
        ondelete="set null",
        tracking=True,
        copy=False,
        help="The booking this onboarding kit was proposed for: its loans are "
        "due when the booking ends.",
    )

    @api.constrains("allocation_id", "project_id", "recipient_user_id")
    def _check_allocation(self):
        # sudo: the requester may not read the staffing of the project
        for request in self.sudo().filtered("allocation_id"):
            allocation = request.allocation_id
            if (
                allocation.project_id != request.project_id
                or allocation.employee_id.user_id != request.recipient_user_id
            ):
                raise ValidationError(
                    _(
                        "Allocation %(allocation)s is not a booking of the "
                        "employee %(employee)s on project %(project)s.",
                        allocation=allocation.display_name,
                        employee=request.recipient_user_id.name or "-",
                        project=request.project_id.display_name,
                    )
                )

    def action_view_allocation(self):
        """Open the booking this kit was proposed for."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "psa.allocation",
            "res_id": self.allocation_id.id,
            "view_mode": "form",
        }
