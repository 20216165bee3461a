from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .account_analytic_line import VALIDATOR_PARAM
from .psa_billing_readiness import EXCEPTION_DAYS_PARAM, MARGIN_PARAM
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

    psa_billing_blocker_exception_days = fields.Integer(
        string="Billing blocker exception after days",
        config_parameter=EXCEPTION_DAYS_PARAM,
        default=5,
    )

    psa_billing_margin_risk_percent = fields.Float(
        string="Margin at risk beyond %",
        config_parameter=MARGIN_PARAM,
        default=10.0,
    )
    psa_billing_release_threshold = fields.Float(
        string="Invoice release approval above",
        compute="_compute_psa_billing_release_threshold",
        readonly=False,
        help="The amount band of the Approval Matrix rule 'Invoice release "
        "above the threshold' (company currency): the one source of truth.",
    )
    psa_billing_release_rule_id = fields.Many2one(
        "psa.approval.rule", compute="_compute_psa_billing_release_threshold"
    )

    @api.model
    def _psa_release_rule(self):
        return self.env.ref(
            "psa_billing_readiness.approval_rule_invoice_release",
            raise_if_not_found=False,
        )

    def _compute_psa_billing_release_threshold(self):
        rule = self._psa_release_rule()
        for settings in self:
            settings.psa_billing_release_rule_id = rule
            settings.psa_billing_release_threshold = rule.amount_min if rule else 0.0

    @api.constrains(
        "psa_billing_signoff_link_days", "psa_billing_blocker_exception_days"
    )
    def _check_psa_billing_signoff_link_days(self):
        for settings in self:
            if settings.psa_billing_margin_risk_percent < 0:
                raise ValidationError(
                    _(
                        "Margin at risk beyond %% cannot be negative (%(value)s).",
                        value=settings.psa_billing_margin_risk_percent,
                    )
                )
            if settings.psa_billing_blocker_exception_days < 0:
                raise ValidationError(
                    _(
                        "Billing blocker exception after days cannot be "
                        "negative (%(value)s).",
                        value=settings.psa_billing_blocker_exception_days,
                    )
                )
            if settings.psa_billing_signoff_link_days < 1:
                raise ValidationError(
                    _(
                        "Sign-off links valid for days must be at least 1, not "
                        "%(value)s.",
                        value=settings.psa_billing_signoff_link_days,
                    )
                )

    def set_values(self):
        rule = self._psa_release_rule()
        if rule and rule.amount_min != self.psa_billing_release_threshold:
            if self.psa_billing_release_threshold < 0:
                raise ValidationError(
                    _(
                        "Invoice release approval above cannot be negative "
                        "(%(value)s).",
                        value=self.psa_billing_release_threshold,
                    )
                )
            rule.sudo().amount_min = self.psa_billing_release_threshold
        before = self.env["sale.order.line"]._psa_invoice_validated_only()
        res = super().set_values()
        if self.env["sale.order.line"]._psa_invoice_validated_only() != before:
            self.env["sale.order.line"]._psa_recompute_timesheet_delivered()
        return res
