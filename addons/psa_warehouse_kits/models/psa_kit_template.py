from odoo import fields, models


class PsaKitTemplate(models.Model):
    """A standard kit (deployment, onboarding, loaner) whose lines a request copies."""

    _name = "psa.kit.template"
    _inherit = ["mail.thread"]
    _description = "Kit Template"
    _order = "kind, name"

    name = fields.Char(required=True, translate=True, tracking=True)
    kind = fields.Selection(
        [
            ("deployment", "Deployment"),
            ("onboarding", "Onboarding"),
            ("loaner", "Loaner"),
        ],
        required=True,
        default="deployment",
        tracking=True,
    )
    active = fields.Boolean(default=True)
    description = fields.Text()
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True
    )
    line_ids = fields.One2many("psa.kit.template.line", "template_id", copy=True)
    line_count = fields.Integer(compute="_compute_line_count", string="Items")

    def _compute_line_count(self):
        for template in self:
            template.line_count = len(template.line_ids)

    def _prepare_request_line_vals(self):
        """Values of the request lines copied from this template."""
        self.ensure_one()
        return [
            {
                "sequence": line.sequence,
                "product_id": line.product_id.id,
                "quantity": line.quantity,
                "treatment": line.treatment,
            }
            for line in self.line_ids
        ]
