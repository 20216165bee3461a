from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class PsaApprovalRuleStep(models.Model):
    """An ordered step of a rule: who approves, how many of them, how fast."""

    _name = "psa.approval.rule.step"
    _description = "Approval Rule Step"
    _order = "sequence, id"

    rule_id = fields.Many2one(
        "psa.approval.rule", required=True, ondelete="cascade", index=True
    )
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        default=10, help="Steps with the same sequence are reviewed in parallel."
    )
    user_ids = fields.Many2many("res.users", string="Approvers")
    group_id = fields.Many2one("res.groups", string="Approver Group")
    user_field_path = fields.Char(
        string="Approver Field",
        help="Path to a user on the record, e.g. project_id.user_id.",
    )
    min_approvals = fields.Integer(
        string="Approvals Needed", default=1, help="n of the m approvers."
    )
    sla_hours = fields.Integer(
        string="SLA (hours)",
        default=lambda self: self.env["psa.batch"]._param(
            "psa_approvals.default_sla_hours", 24, int
        ),
    )
    escalation_user_ids = fields.Many2many(
        "res.users",
        "psa_approval_rule_step_escalation_rel",
        string="Escalate To",
    )
    comment_required = fields.Boolean(string="Comment Mandatory")

    @api.constrains("user_field_path", "rule_id")
    def _check_user_field_path(self):
        for step in self.filtered("user_field_path"):
            model = self.env[step.rule_id.model_name]
            for name in step.user_field_path.split("."):
                field = model._fields.get(name)
                if field is None or field.type != "many2one":
                    raise ValidationError(
                        _(
                            "Step %(step)s: Approver Field %(path)s is not a path of "
                            "many2one fields on %(model)s.",
                            step=step.name,
                            path=step.user_field_path,
                            model=step.rule_id.model_id.name,
                        )
                    )
                model = self.env[field.comodel_name]
            if model._name != "res.users":
                raise ValidationError(
                    _(
                        "Step %(step)s: Approver Field %(path)s must end on a user.",
                        step=step.name,
                        path=step.user_field_path,
                    )
                )

    @api.constrains("user_ids", "group_id", "user_field_path", "min_approvals")
    def _check_approvers(self):
        for step in self:
            if not (step.user_ids or step.group_id or step.user_field_path):
                raise ValidationError(
                    _(
                        "Step %(step)s has no way to find an approver: set Approvers, "
                        "an Approver Group or an Approver Field.",
                        step=step.name,
                    )
                )
            if step.min_approvals < 1:
                raise ValidationError(
                    _(
                        "Step %(step)s: Approvals Needed must be at least 1.",
                        step=step.name,
                    )
                )
            if step.user_field_path:
                continue  # one user per record: checked when the review is created
            available = step.user_ids | step.group_id.users
            if step.min_approvals > len(available):
                raise ValidationError(
                    _(
                        "Step %(step)s: Approvals Needed (%(needed)s) exceeds the "
                        "%(available)s approvers available.",
                        step=step.name,
                        needed=step.min_approvals,
                        available=len(available),
                    )
                )

    def _reviewers_for(self, record):
        """The users who may decide this step for ``record``, fixed at request time."""
        self.ensure_one()
        users = self.user_ids | self.group_id.users
        if self.user_field_path:
            users |= record.sudo().mapped(self.user_field_path)
        return users.filtered("active")
