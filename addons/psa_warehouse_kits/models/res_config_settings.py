from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

AUTO_RULE = "psa_warehouse_kits.approval_rule_kit_consumables_auto"
ABOVE_RULE = "psa_warehouse_kits.approval_rule_kit_consumables_above_limit"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    psa_kit_consumables_limit = fields.Float(
        string="Kit consumables auto-approved up to",
        compute="_compute_psa_kit_consumables_limit",
        inverse="_inverse_psa_kit_consumables_limit",
        readonly=False,
        help="Consumables up to this value on a project in progress are approved "
        "at once, logged; above it the warehouse manager approves. Reads and "
        "writes the bands of the two kit consumables rules of the matrix.",
    )

    psa_kit_release_days = fields.Integer(
        string="Kit reservations held within days",
        config_parameter="psa_warehouse_kits.release_days",
        default=30,
        help="A kit request needed further away than this releases its "
        "reservation (logged) and takes it back nightly when the date comes close.",
    )
    psa_kit_loan_reminder_days = fields.Integer(
        string="Kit loan reminder days before due",
        config_parameter="psa_warehouse_kits.loan_reminder_days",
        default=3,
    )

    @api.constrains("psa_kit_release_days", "psa_kit_loan_reminder_days")
    def _check_psa_kit_days(self):
        for settings in self:
            if (
                settings.psa_kit_release_days < 0
                or settings.psa_kit_loan_reminder_days < 0
            ):
                raise ValidationError(
                    _(
                        "Kit reservations held within days and Kit loan reminder "
                        "days cannot be negative."
                    )
                )

    @api.depends("company_id")
    def _compute_psa_kit_consumables_limit(self):
        rule = self.env.ref(AUTO_RULE, raise_if_not_found=False)
        for settings in self:
            settings.psa_kit_consumables_limit = rule.sudo().amount_max if rule else 0.0

    def _inverse_psa_kit_consumables_limit(self):
        for settings in self:
            limit = settings.psa_kit_consumables_limit
            if limit <= 0:
                raise ValidationError(
                    _(
                        "Kit consumables auto-approved up to must be more than 0, "
                        "not %(value)s.",
                        value=limit,
                    )
                )
            auto = self.env.ref(AUTO_RULE, raise_if_not_found=False)
            above = self.env.ref(ABOVE_RULE, raise_if_not_found=False)
            if auto and auto.amount_max != limit:
                auto.sudo().amount_max = limit
            if above and above.amount_min != limit + 0.01:
                above.sudo().amount_min = limit + 0.01
