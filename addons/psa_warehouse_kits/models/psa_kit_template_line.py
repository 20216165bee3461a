from odoo import fields, models


class PsaKitTemplateLine(models.Model):
    _name = "psa.kit.template.line"
    _inherit = ["psa.kit.line.mixin"]
    _description = "Kit Template Line"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "psa.kit.template", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="template_id.company_id", store=True)
