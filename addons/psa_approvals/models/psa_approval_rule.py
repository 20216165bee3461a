from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

AMOUNT_UNITS = [
    ("money", "Amount (company currency)"),
    ("hours", "Hours"),
    ("quantity", "Quantity"),
    ("percent", "Percent"),
]


class PsaApprovalRule(models.Model):
    """One line of the approval matrix: which records need which steps."""

    _name = "psa.approval.rule"
    _description = "Approval Rule"
    _order = "model_name, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    model_id = fields.Many2one(
        "ir.model",
        string="Applies to",
        required=True,
        ondelete="cascade",
        domain=lambda self: [("model", "in", self._get_approval_model_names())],
    )
    model_name = fields.Char(related="model_id.model", store=True, index=True)
    domain = fields.Char(
        string="Condition",
        default="[]",
        help="Only records matching this condition follow the rule.",
    )
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True
    )
    amount_unit = fields.Selection(
        AMOUNT_UNITS,
        string="Band Unit",
        compute="_compute_amount_unit",
        help="What the band measures, set by the model: money is compared in "
        "company currency, hours, quantities and percentages as they are.",
    )
    # bands are limits, not quantities: a sum or an average of them means nothing
    amount_min = fields.Float(
        string="Minimum Amount",
        group_operator=False,
        help="In the band unit (company currency for money); the rule applies "
        "from this amount on.",
    )
    amount_max = fields.Float(
        string="Maximum Amount",
        group_operator=False,
        help="In the band unit (company currency for money); 0 means no upper limit.",
    )
    auto_approve = fields.Boolean(
        help="Matching records are approved at once; the log says so.",
    )
    requester_may_approve = fields.Boolean(
        help="Segregation of duties is lifted: the requester may approve a step.",
    )
    allow_emergency_release = fields.Boolean(
        help="In an emergency the requester or a reviewer may act before the "
        "approval, with a justification; a post-event review follows it.",
    )
    step_ids = fields.One2many("psa.approval.rule.step", "rule_id", string="Steps")

    @api.depends("model_name")
    def _compute_amount_unit(self):
        for rule in self:
            model = self.env.get(rule.model_name) if rule.model_name else None
            rule.amount_unit = (
                model._approval_amount_unit if model is not None else "money"
            )

    @api.model
    def _get_approval_model_names(self):
        """Models that may carry rules. Each consumer appends its model with super()."""
        return ["psa.approval.request"]

    @api.model
    def _for_model(self, model_name):
        """The active rules of ``model_name``, in one query."""
        return self.search([("model_name", "=", model_name)])

    @api.constrains("domain", "model_id")
    def _check_domain(self):
        for rule in self:
            try:
                domain = safe_eval(rule.domain or "[]")
                self.env[rule.model_name].search_count(domain, limit=1)
            except Exception as err:
                raise ValidationError(
                    _(
                        "Rule %(rule)s: the Condition is not valid: %(error)s",
                        rule=rule.name,
                        error=err,
                    )
                ) from err

    @api.constrains("model_id")
    def _check_model(self):
        allowed = self._get_approval_model_names()
        for rule in self:
            if rule.model_name not in allowed:
                raise ValidationError(
                    _(
                        "Applies to: %(model)s is not an approvable model.",
                        model=rule.model_id.name,
                    )
                )

    @api.constrains("amount_min", "amount_max")
    def _check_amounts(self):
        for rule in self:
            if rule.amount_max and rule.amount_min > rule.amount_max:
                raise ValidationError(
                    _(
                        "Rule %(rule)s: Minimum Amount must not exceed Maximum Amount.",
                        rule=rule.name,
                    )
                )

    @api.constrains("auto_approve", "step_ids")
    def _check_has_steps(self):
        for rule in self:
            if not rule.auto_approve and not rule.step_ids:
                raise ValidationError(
                    _(
                        "Rule %(rule)s needs at least one Step, or Auto-approve.",
                        rule=rule.name,
                    )
                )

    def _matches(self, records):
        """Return {record: rules of self matching it}; self holds one model's rules.

        The rules are already in memory and records are filtered in Python, so
        the number of queries does not grow with the number of rules.
        """
        matches = {record: self.browse() for record in records}
        amounts = {record: record._approval_amount_company() for record in records}
        for rule in self:
            domain = safe_eval(rule.domain or "[]")
            candidates = records.filtered_domain(domain) if domain else records
            for record in candidates:
                if rule.company_id and record._approval_company() not in (
                    rule.company_id,
                    self.env["res.company"],
                ):
                    continue
                amount = amounts[record]
                if amount < rule.amount_min:
                    continue
                if rule.amount_max and amount > rule.amount_max:
                    continue
                matches[record] |= rule
        return matches
