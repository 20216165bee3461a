from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .account_analytic_line import VALIDATOR_PARAM
from .psa_milestone_signoff import LINK_DAYS_PARAM
from .sale_order_line import INVOICE_VALIDATED_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    psa_billing_timesheet_validator = fields.Selection(
        [
            ("employee_manager", "Employee's manager"),
            ("project_manager", "Project manager"),
        ],
        string="Timesheets validated by",
        config_parameter=VALIDATOR_PARAM,
        default="employee_manager",
    )
    psa_billing_invoice_validated_only = fields.Boolean(
        string="Invoice validated time only",
        config_parameter=INVOICE_VALIDATED_PARAM,
    )

    psa_billing_signoff_link_days = fields.Integer(
        string="Sign-off links valid for days",
        config_parameter=LINK_DAYS_PARAM,
        default=30,
    )

    @api.constrains("psa_billing_signoff_link_days")
    def _check_psa_billing_signoff_link_days(self):
        for settings in self:
            if settings.psa_billing_signoff_link_days < 1:
                raise ValidationError(
                    _(
                        "Sign-off links valid for days must be at least 1, not "
                        "%(value)s.",
                        value=settings.psa_billing_signoff_link_days,
                    )
                )

    def set_values(self):
        before = self.env["sale.order.line"]._psa_invoice_validated_only()
        res = super().set_values()
        if self.env["sale.order.line"]._psa_invoice_validated_only() != before:
            self.env["sale.order.line"]._psa_recompute_timesheet_delivered()
        return res
