from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ProjectProject(models.Model):
    _inherit = "project.project"

    psa_onboarding_template_id = fields.Many2one(
        "psa.kit.template",
        string="Onboarding Kit",
        domain="[('kind', '=', 'onboarding'), "
        "('company_id', 'in', [company_id, False])]",
        help="The kit proposed to each consultant whose allocation on this "
        "project is confirmed. Empty: the company's first active onboarding "
        "template (by name).",
    )

    @api.constrains("psa_onboarding_template_id")
    def _check_psa_onboarding_template(self):
        for project in self:
            template = project.psa_onboarding_template_id
            if template and template.kind != "onboarding":
                raise ValidationError(
                    _(
                        "Onboarding Kit of project %(project)s: %(template)s is "
                        "not an onboarding template.",
                        project=project.display_name,
                        template=template.display_name,
                    )
                )

    def _psa_onboarding_templates(self):
        """Template each project proposes: its own, else the first active
        onboarding template of its company (or shared), else none.

        Returns a dict ``{project id: template}``, in one search for all.
        """
        missing = self.filtered(lambda p: not p.psa_onboarding_template_id)
        fallback = {}
        if missing:
            companies = missing.company_id | self.env.company
            # sudo: the proposal is made for the project, whoever confirms
            templates = (
                self.env["psa.kit.template"]
                .sudo()
                .search(
                    [
                        ("kind", "=", "onboarding"),
                        ("company_id", "in", [*companies.ids, False]),
                    ],
                    order="name, id",
                )
            )
            for template in reversed(templates):
                fallback[template.company_id.id] = template
        return {
            project.id: project.psa_onboarding_template_id
            or fallback.get((project.company_id or self.env.company).id)
            or fallback.get(False)
            for project in self
        }
