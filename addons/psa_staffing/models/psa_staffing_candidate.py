from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

# Weights of the score (out of 100): skills first, then free capacity and the
# requested role, then current utilization. The role weighs more than the
# utilization so that a person of another role never outranks a free enough
# person of the requested one merely for being less busy.
SCORE_WEIGHTS = {"skills": 40.0, "capacity": 25.0, "role": 25.0, "utilization": 10.0}
# Weighed only when the request names a work location; the score is then
# scaled back to 100, so a request without location ranks as before.
LOCATION_WEIGHT = 10.0
# What ranking reads of each employee (capacity and score).
RANKED_EMPLOYEE_FIELDS = [
    "name",
    "job_id",
    "work_location_id",
    "resource_id",
    "resource_calendar_id",
]


class PsaStaffingCandidate(models.TransientModel):
    """An employee proposed for a staffing request, with a score and the
    reason for it in words. Advisory: a person chooses and books."""

    _name = "psa.staffing.candidate"
    _description = "Staffing Candidate"
    _order = "score desc, id"

    request_id = fields.Many2one(
        "psa.staffing.request", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="request_id.company_id")
    employee_id = fields.Many2one("hr.employee", required=True, ondelete="cascade")
    job_id = fields.Many2one("hr.job", string="Job Position")
    work_location_id = fields.Many2one("hr.work.location")
    score = fields.Float(digits=(5, 1))
    skill_match = fields.Float(string="Skill Match (%)", digits=(5, 0))
    meets_skills = fields.Boolean(string="Meets Every Skill")
    capacity_hours = fields.Float(string="Capacity (h)")
    free_hours = fields.Float(string="Free (h)")
    utilization = fields.Float(string="Utilization (%)", digits=(5, 0))
    hourly_cost = fields.Float(string="Cost Rate", groups="hr.group_hr_user")
    reason = fields.Text()

    @api.model
    def _rank(
        self, company, date_from, date_to, hours, skills, job=None, location=None
    ):
        """Employees of ``company`` with working hours, scored for the demand,
        best first, as dicts (employee, score, reason...); ``skills`` are
        psa.staffing.request.skill records, ``location`` a hr.work.location."""
        # sudo: skills, calendars and loads of colleagues are not on the public
        # employee profile; only names and scores leave this method.
        # Each record set is read with its search or at once: iterated, the
        # ORM would read them 1,000 records at a time, queries growing with the
        # firm.
        domain = [
            ("company_id", "=", company.id),
            ("resource_calendar_id", "!=", False),
        ]
        employees = (
            self.env["hr.employee"].sudo().search_fetch(domain, RANKED_EMPLOYEE_FIELDS)
        )
        employees.job_id.fetch(["name"])  # named in the reasons
        employees.work_location_id.fetch(["name"])
        loads = self.env["psa.staffing.capacity"]._compute(
            [(employee, date_from, date_to) for employee in employees]
        )
        employee_skills = (
            self.env["hr.employee.skill"]
            .sudo()
            .search_fetch(
                [("employee_id", "in", employees.ids)],
                ["employee_id", "skill_id", "skill_level_id"],
            )
        )
        employee_skills.skill_level_id.fetch(["name", "level_progress"])
        levels = {
            (skill.employee_id.id, skill.skill_id.id): skill.skill_level_id
            for skill in employee_skills
        }
        ranked = []
        for employee, (capacity, allocated) in zip(employees, loads, strict=True):
            ranked.append(
                self._score(
                    employee, capacity, allocated, hours, skills, job, levels, location
                )
            )
        ranked.sort(key=lambda c: (-c["score"], c["employee"].name))
        return ranked

    @api.model
    def _score(
        self, employee, capacity, allocated, hours, skills, job, levels, location=None
    ):
        """Score one employee and say why, in words."""
        fractions, words = [], []
        for line in skills:
            level = levels.get((employee.id, line.skill_id.id))
            required = line.skill_level_id.level_progress
            if not level:
                fractions.append(0.0)
                words.append(_("%(skill)s: none", skill=line.skill_id.name))
                continue
            fractions.append(
                min(1.0, level.level_progress / required) if required else 1.0
            )
            sign = "≥" if level.level_progress >= required else "<"
            words.append(
                f"{line.skill_id.name}: {level.name} {sign} {line.skill_level_id.name}"
            )
        skill_match = sum(fractions) / len(fractions) if fractions else 1.0
        free = max(capacity - allocated, 0.0)
        utilization = allocated / capacity if capacity else 1.0
        role_match = bool(job) and employee.job_id == job
        score = (
            SCORE_WEIGHTS["skills"] * skill_match
            + SCORE_WEIGHTS["capacity"] * (min(1.0, free / hours) if hours else 1.0)
            + SCORE_WEIGHTS["utilization"] * (1.0 - min(1.0, utilization))
            + SCORE_WEIGHTS["role"] * role_match
        )
        if location:
            same_place = employee.work_location_id == location
            score = (
                (score + LOCATION_WEIGHT * same_place)
                * 100.0
                / (100.0 + LOCATION_WEIGHT)
            )
            words.append(
                _("Works at %(place)s", place=location.name)
                if same_place
                else _(
                    "Works elsewhere: %(place)s",
                    place=employee.work_location_id.name or _("no work location"),
                )
            )
        if job:
            words.insert(
                0,
                _("Role: %(job)s", job=job.name)
                if role_match
                else _("Other role: %(job)s", job=employee.job_id.name or _("none")),
            )
        words.append(
            _(
                "%(free)s h free of %(capacity)s h",
                free=round(free),
                capacity=round(capacity),
            )
        )
        words.append(_("%(util)s%% utilized", util=round(utilization * 100)))
        return {
            "employee": employee,
            "score": round(score, 1),
            "skill_match": skill_match * 100,
            "meets_skills": all(f >= 1.0 for f in fractions),
            "role_match": role_match,
            "capacity": capacity,
            "free": free,
            "utilization": utilization * 100,
            "reason": "; ".join(words),
        }

    @api.model
    def _prepare_candidate_vals(self, request, ranked):
        """Rows for ``ranked`` (see ``_rank``); the cost rate for HR users only."""
        show_cost = self.env.user.has_group("hr.group_hr_user")
        vals_list = []
        for cand in ranked:
            vals = {
                "request_id": request.id,
                "employee_id": cand["employee"].id,
                "job_id": cand["employee"].job_id.id,
                "work_location_id": cand["employee"].work_location_id.id,
                "score": cand["score"],
                "skill_match": cand["skill_match"],
                "meets_skills": cand["meets_skills"],
                "capacity_hours": cand["capacity"],
                "free_hours": cand["free"],
                "utilization": cand["utilization"],
                "reason": cand["reason"],
            }
            if show_cost:
                vals["hourly_cost"] = cand["employee"].hourly_cost
            vals_list.append(vals)
        return vals_list

    def action_book(self):
        """Book this candidate provisionally on the request: a person chose."""
        self.ensure_one()
        request = self.request_id
        if request.state not in ("draft", "open"):
            raise UserError(
                _("Request %(name)s is not open for booking.", name=request.name)
            )
        if not request.check_access_rights("write", raise_exception=False):
            raise AccessError(_("Only project and resource managers book staff."))
        allocation = request._book(self.employee_id)
        return {
            "type": "ir.actions.act_window",
            "res_model": "psa.allocation",
            "res_id": allocation.id,
            "view_mode": "form",
        }
