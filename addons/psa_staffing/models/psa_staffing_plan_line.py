from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_date


class PsaStaffingPlanLine(models.Model):
    """A line of an opportunity's staffing plan: who the deal needs, when.

    The capacity check of the opportunity writes a verdict on each line; the
    won deal turns each line into a staffing request.
    """

    _name = "psa.staffing.plan.line"
    _description = "Staffing Plan Line"
    _order = "lead_id, date_start, id"

    lead_id = fields.Many2one(
        "crm.lead", string="Opportunity", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="lead_id.company_id", store=True, index=True, precompute=True
    )
    job_id = fields.Many2one("hr.job", string="Role")
    skill_ids = fields.One2many(
        "psa.staffing.request.skill", "plan_line_id", string="Required Skills"
    )
    hours = fields.Float(required=True)
    date_start = fields.Date(string="Start", required=True)
    date_end = fields.Date(string="End", required=True)
    shortfall_hours = fields.Float(string="Short (h)", readonly=True)
    verdict = fields.Char(readonly=True)
    request_id = fields.Many2one(
        "psa.staffing.request", string="Staffing Request", readonly=True
    )
    allocation_ids = fields.One2many(
        "psa.allocation", "plan_line_id", string="Allocations"
    )

    @api.depends("job_id", "hours")
    def _compute_display_name(self):
        for line in self:
            line.display_name = _(
                "%(hours)s h of %(role)s",
                hours=round(line.hours),
                role=line._role_name(),
            )

    @api.constrains("hours")
    def _check_hours(self):
        for line in self:
            if line.hours <= 0:
                raise ValidationError(
                    _("Hours must be positive on %(name)s.", name=line.lead_id.name)
                )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for line in self:
            if line.date_end < line.date_start:
                raise ValidationError(
                    _(
                        "End (%(end)s) is before Start (%(start)s) on the staffing "
                        "plan of %(lead)s.",
                        end=line.date_end,
                        start=line.date_start,
                        lead=line.lead_id.name,
                    )
                )

    def _company(self):
        self.ensure_one()
        return self.company_id or self.env.company

    def _role_name(self):
        self.ensure_one()
        return self.job_id.name or _("staff")

    def _period_label(self):
        """The months of the line in words: "March 2027", "March - April 2027"."""
        self.ensure_one()
        first = format_date(self.env, self.date_start, date_format="MMMM y")
        last = format_date(self.env, self.date_end, date_format="MMMM y")
        return first if first == last else f"{first} - {last}"

    def _shortfall_text(self):
        self.ensure_one()
        return _(
            "%(hours)s h short of %(role)s in %(period)s",
            hours=round(self.shortfall_hours),
            role=self._role_name(),
            period=self._period_label(),
        )

    def _match(self, candidate):
        """Whether a ranked candidate (see psa.staffing.candidate._rank) can
        fill this line: every skill at its level, and the role when set."""
        self.ensure_one()
        return candidate["meets_skills"] and (
            not self.job_id or candidate["role_match"]
        )

    def _book_free_capacity(self):
        """Book the best matching employees provisionally on their free hours;
        write the shortfall and the verdict. Returns the allocations."""
        ranking = self.env["psa.staffing.candidate"]
        for line in self:
            ranked = ranking._rank(
                line._company(),
                line.date_start,
                line.date_end,
                line.hours,
                line.skill_ids,
                job=line.job_id,
            )
            vals_list, remaining = [], line.hours
            for candidate in filter(line._match, ranked):
                if remaining < 1.0:
                    break
                take = round(min(candidate["free"], remaining), 2)
                if take >= 1.0:
                    vals_list.append(line._prepare_allocation_vals(candidate, take))
                    remaining -= take
            # created line by line: the next line's ranking must see them
            self.env["psa.allocation"].sudo().create(vals_list)
            line.shortfall_hours = round(remaining) if remaining >= 1.0 else 0.0
            line.verdict = (
                line._shortfall_text() if line.shortfall_hours else _("Covered")
            )
        return self.allocation_ids

    def _prepare_allocation_vals(self, candidate, hours):
        self.ensure_one()
        return {
            "employee_id": candidate["employee"].id,
            "lead_id": self.lead_id.id,
            "plan_line_id": self.id,
            "date_start": self.date_start,
            "date_end": self.date_end,
            "hours": hours,
            "company_id": self._company().id,
        }

    def _prepare_request_vals(self, project=None):
        self.ensure_one()
        return {
            "name": _(
                "%(role)s for %(lead)s", role=self._role_name(), lead=self.lead_id.name
            ),
            "lead_id": self.lead_id.id,
            "project_id": project.id if project else False,
            "plan_line_id": self.id,
            "job_id": self.job_id.id,
            "hours": self.hours,
            "date_start": self.date_start,
            "date_end": self.date_end,
            "company_id": self._company().id,
            "state": "open",
            "skill_ids": [(0, 0, vals) for vals in self.skill_ids._prepare_copy_vals()],
        }
