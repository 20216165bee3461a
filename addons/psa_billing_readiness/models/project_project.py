from odoo import fields, models


class ProjectProject(models.Model):
    """Change requests are visible on their project."""

    _inherit = "project.project"

    psa_change_request_ids = fields.One2many(
        "psa.change.request", "project_id", string="Change Requests"
    )
    psa_change_request_count = fields.Integer(
        compute="_compute_psa_change_request_count"
    )

    def _compute_psa_change_request_count(self):
        # sudo: a count, shown to every project user
        counts = dict(
            self.env["psa.change.request"]
            .sudo()
            ._read_group([("project_id", "in", self.ids)], ["project_id"], ["__count"])
        )
        for project in self:
            project.psa_change_request_count = counts.get(project, 0)

    def action_psa_view_change_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_billing_readiness.psa_change_request_action"
        )
        action["domain"] = [("project_id", "=", self.id)]
        action["context"] = {"default_project_id": self.id}
        return action
