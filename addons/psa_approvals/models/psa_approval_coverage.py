from odoo import api, fields, models

COVERAGE_STATES = [
    ("covered", "Rules with approvers"),
    ("auto", "Auto-approve rules only"),
    ("none", "No policy: approved at once"),
]


class PsaApprovalCoverage(models.Model):
    """One line per approvable model: whether an active rule of the matrix
    holds its records, so that a model without policy shows at a glance."""

    _name = "psa.approval.coverage"
    _description = "Approval Policy Coverage"
    _order = "model_name"
    _rec_name = "model_id"

    model_id = fields.Many2one(
        "ir.model", required=True, ondelete="cascade", readonly=True
    )
    model_name = fields.Char(
        string="Technical Name", related="model_id.model", store=True
    )
    rule_count = fields.Integer(string="Active Rules", compute="_compute_coverage")
    state = fields.Selection(
        COVERAGE_STATES, string="Coverage", compute="_compute_coverage"
    )

    _sql_constraints = [
        ("model_unique", "unique(model_id)", "One coverage line per model."),
    ]

    @api.depends("model_name")
    def _compute_coverage(self):
        """Active rules per model and whether one has steps, in one query."""
        groups = self.env["psa.approval.rule"]._read_group(
            [("model_name", "in", self.mapped("model_name"))],
            ["model_name", "auto_approve"],
            ["__count"],
        )
        counts = {}
        for model_name, auto_approve, count in groups:
            total, with_steps = counts.get(model_name, (0, 0))
            counts[model_name] = (
                total + count,
                with_steps + (0 if auto_approve else count),
            )
        for line in self:
            total, with_steps = counts.get(line.model_name, (0, 0))
            line.rule_count = total
            line.state = "covered" if with_steps else ("auto" if total else "none")

    @api.model
    def _sync(self):
        """One line per model of ``_get_approval_model_names()``, coverage
        read from the rules as they are when shown."""
        names = self.env["psa.approval.rule"]._get_approval_model_names()
        lines = self.sudo().search([])
        lines.filtered(lambda line: line.model_name not in names).unlink()
        known = set(lines.mapped("model_name"))
        self.sudo().create(
            [
                {"model_id": self.env["ir.model"]._get_id(name)}
                for name in names
                if name not in known
            ]
        )
        lines = self.sudo().search([])
        lines.invalidate_recordset(["rule_count", "state"])
        return lines

    @api.model
    def action_open(self):
        """Open the coverage list, brought up to date with the matrix."""
        self._sync()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "psa_approvals.psa_approval_coverage_action"
        )

    def action_open_rules(self):
        """The matrix filtered on this model, new rules applying to it."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_approvals.psa_approval_rule_action"
        )
        action["domain"] = [("model_id", "=", self.model_id.id)]
        action["context"] = {
            "default_model_id": self.model_id.id,
            "active_test": False,
        }
        return action
