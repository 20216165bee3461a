from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class PsaStaffingRequestSkill(models.Model):
    """A skill required at a minimum level, by a staffing request or a line of
    an opportunity's staffing plan."""

    _name = "psa.staffing.request.skill"
    _description = "Required Skill"
    _order = "skill_type_id, skill_id"

    request_id = fields.Many2one("psa.staffing.request", index=True, ondelete="cascade")
    plan_line_id = fields.Many2one(
        "psa.staffing.plan.line", index=True, ondelete="cascade"
    )
    skill_type_id = fields.Many2one("hr.skill.type", required=True)
    skill_id = fields.Many2one(
        "hr.skill",
        required=True,
        domain="[('skill_type_id', '=', skill_type_id)]",
    )
    skill_level_id = fields.Many2one(
        "hr.skill.level",
        string="Minimum Level",
        required=True,
        domain="[('skill_type_id', '=', skill_type_id)]",
    )
    level_progress = fields.Integer(related="skill_level_id.level_progress")

    _sql_constraints = [
        (
            "one_parent",
            "CHECK((request_id IS NULL) != (plan_line_id IS NULL))",
            "A required skill belongs to one staffing request or one plan line.",
        ),
    ]

    @api.depends("skill_id", "skill_level_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = _(
                "%(skill)s at least %(level)s",
                skill=line.skill_id.name,
                level=line.skill_level_id.name,
            )

    @api.constrains("skill_type_id", "skill_id", "skill_level_id")
    def _check_skill_type(self):
        for line in self:
            if (
                line.skill_id.skill_type_id != line.skill_type_id
                or line.skill_level_id.skill_type_id != line.skill_type_id
            ):
                raise ValidationError(
                    _(
                        "Skill %(skill)s and Minimum Level %(level)s must both be "
                        "of the skill type %(type)s.",
                        skill=line.skill_id.name,
                        level=line.skill_level_id.name,
                        type=line.skill_type_id.name,
                    )
                )

    def _prepare_copy_vals(self):
        """Values to copy these requirements onto another parent."""
        return [
            {
                "skill_type_id": line.skill_type_id.id,
                "skill_id": line.skill_id.id,
                "skill_level_id": line.skill_level_id.id,
            }
            for line in self
        ]
