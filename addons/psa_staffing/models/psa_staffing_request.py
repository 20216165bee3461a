from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

# The best candidates listed for a request: a person chooses among the first
# few; listing a whole firm of thousands would only slow the screen down.
CANDIDATES_SHOWN = 100

REQUEST_STATES = [
    ("draft", "Draft"),
    ("open", "Open"),
    ("staffed", "Staffed"),
    ("cancelled", "Cancelled"),
]


class PsaStaffingRequest(models.Model):
    """Demand for a person: a role with skills, hours and dates, on a project
    or an opportunity. Opening it goes through the approval matrix; candidates
    are ranked with the reason for their score; a person books one."""

    _name = "psa.staffing.request"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "psa.approval.mixin",
    ]
    _description = "Staffing Request"
    _order = "priority desc, date_start, id desc"

    _approval_amount_field = "hours"
    _approval_amount_unit = "hours"
    _approval_guarded_fields = ["hours", "job_id", "date_start", "date_end"]
    _approval_state_field = "state"
    _approval_state_from = ["draft"]
    _approval_state_to = ["open"]
    _approval_cancel_state = "cancelled"

    name = fields.Char(required=True, tracking=True)
    project_id = fields.Many2one("project.project", index=True, tracking=True)
    lead_id = fields.Many2one(
        "crm.lead", string="Opportunity", index=True, tracking=True
    )
    plan_line_id = fields.Many2one(
        "psa.staffing.plan.line", index=True, ondelete="set null"
    )
    job_id = fields.Many2one("hr.job", string="Role", tracking=True)
    work_location_id = fields.Many2one(
        "hr.work.location",
        help="Where the work is done: candidates working there rank higher.",
    )
    skill_ids = fields.One2many(
        "psa.staffing.request.skill", "request_id", string="Required Skills"
    )
    hours = fields.Float(required=True, tracking=True)
    date_start = fields.Date(string="Start", required=True, tracking=True)
    date_end = fields.Date(string="End", required=True, tracking=True)
    priority = fields.Selection(
        [("0", "Normal"), ("1", "High"), ("2", "Urgent")], default="0"
    )
    state = fields.Selection(
        REQUEST_STATES,
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        index=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Requester",
        default=lambda self: self.env.user,
        required=True,
        index=True,
    )
    allocation_ids = fields.One2many(
        "psa.allocation", "request_id", string="Allocations"
    )
    allocated_hours = fields.Float(
        compute="_compute_allocated_hours", string="Allocated (h)"
    )

    @api.depends("project_id", "lead_id")
    def _compute_company_id(self):
        for request in self:
            request.company_id = (
                request.project_id.company_id
                or request.lead_id.company_id
                or request.company_id
                or self.env.company
            )

    @api.depends("allocation_ids.hours")
    def _compute_allocated_hours(self):
        groups = dict(
            self.env["psa.allocation"]._read_group(
                [("request_id", "in", self.ids)], ["request_id"], ["hours:sum"]
            )
        )
        for request in self:
            request.allocated_hours = groups.get(request._origin, 0.0)

    @api.constrains("hours")
    def _check_hours(self):
        for request in self:
            if request.hours <= 0:
                raise ValidationError(
                    _("Hours must be positive on %(name)s.", name=request.name)
                )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for request in self:
            if request.date_end < request.date_start:
                raise ValidationError(
                    _(
                        "End (%(end)s) is before Start (%(start)s) on %(name)s.",
                        end=request.date_end,
                        start=request.date_start,
                        name=request.name,
                    )
                )

    @api.constrains("project_id", "lead_id")
    def _check_target(self):
        for request in self:
            if not request.project_id and not request.lead_id:
                raise ValidationError(
                    _(
                        "Set a Project or an Opportunity on the staffing request "
                        "%(name)s.",
                        name=request.name,
                    )
                )

    def _on_approval_reset(self):
        """An open request changed after approval is a draft again: it is
        opened again through the matrix."""
        self.filtered(lambda r: r.state == "open").write({"state": "draft"})

    def action_open(self):
        """Open the request for staffing, through the matrix unless approved."""
        drafts = self.filtered(lambda r: r.state == "draft")
        drafts._approval_gate().write({"state": "open"})
        return True

    def action_cancel(self):
        """Cancel the request; its provisional bookings are released."""
        self.allocation_ids.filtered(
            lambda a: a.booking_state == "provisional"
        ).unlink()
        self.write({"state": "cancelled"})
        return True

    def action_draft(self):
        """Reset a cancelled request to draft, to open it again."""
        self.write({"state": "draft"})
        return True

    def _on_approval_granted(self):
        """An approved request opens for staffing (inside ``_approval_gate()``,
        its caller opens it)."""
        if self.env.context.get("psa_approval_gate"):
            return
        # sudo: the approver decides without managing the project
        self.sudo().filtered(lambda r: r.state == "draft").write({"state": "open"})

    def action_find_candidates(self):
        """Rank the employees of the company for this request."""
        self.ensure_one()
        if self.state not in ("draft", "open"):
            raise UserError(
                _("Request %(name)s is not open for staffing.", name=self.name)
            )
        candidates = self.env["psa.staffing.candidate"]
        candidates.search([("request_id", "=", self.id)]).unlink()
        ranked = candidates._rank(
            self.company_id,
            self.date_start,
            self.date_end,
            self.hours,
            self.skill_ids,
            job=self.job_id,
            location=self.work_location_id,
        )
        candidates.create(
            candidates._prepare_candidate_vals(self, ranked[:CANDIDATES_SHOWN])
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Candidates for %(name)s", name=self.name),
            "res_model": "psa.staffing.candidate",
            "view_mode": "tree",
            "domain": [("request_id", "=", self.id)],
            "context": {"create": False},
        }

    def _book(self, employee, hours=None):
        """Create a provisional allocation of ``employee`` on this request, for
        the hours still to staff (or ``hours``)."""
        self.ensure_one()
        hours = hours or max(self.hours - self.allocated_hours, 0.0)
        if hours <= 0:
            raise UserError(
                _("Request %(name)s is fully allocated already.", name=self.name)
            )
        allocation = self.env["psa.allocation"].create(
            self._prepare_allocation_vals(employee, hours)
        )
        if self.state == "open" and self.allocated_hours >= self.hours:
            self.state = "staffed"
        return allocation

    def _prepare_allocation_vals(self, employee, hours):
        self.ensure_one()
        return {
            "employee_id": employee.id,
            "project_id": self.project_id.id,
            "lead_id": self.lead_id.id,
            "request_id": self.id,
            "plan_line_id": self.plan_line_id.id,
            "date_start": self.date_start,
            "date_end": self.date_end,
            "hours": hours,
            "company_id": self.company_id.id,
        }
