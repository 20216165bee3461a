from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .psa_staffing_capacity import load_percent

BOOKING_STATES = [("provisional", "Provisional"), ("confirmed", "Confirmed")]


class PsaAllocation(models.Model):
    """An employee booked on a project (or an opportunity) for a period.

    Provisional bookings count in the load like confirmed ones. Confirming a
    booking that takes the employee above the configured load (Settings,
    default 85%) goes through the approval matrix; above 100% it is refused
    unless approved.
    """

    _name = "psa.allocation"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "psa.approval.mixin",
        "psa.allocation.leave.conflict",
    ]
    _description = "Staffing Allocation"
    _order = "date_start desc, id desc"

    _approval_amount_field = "hours"
    _approval_amount_unit = "hours"
    _approval_guarded_fields = [
        "employee_id",
        "hours",
        "percent",
        "allocation_type",
        "date_start",
        "date_end",
    ]
    _approval_state_field = "booking_state"
    _approval_state_from = ["provisional"]
    _approval_state_to = ["confirmed"]

    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, tracking=True
    )
    project_id = fields.Many2one("project.project", index=True, tracking=True)
    lead_id = fields.Many2one(
        "crm.lead", string="Opportunity", index=True, tracking=True
    )
    request_id = fields.Many2one(
        "psa.staffing.request", string="Staffing Request", index=True
    )
    plan_line_id = fields.Many2one(
        "psa.staffing.plan.line", index=True, ondelete="set null"
    )
    date_start = fields.Date(string="Start", required=True, tracking=True)
    date_end = fields.Date(string="End", required=True, tracking=True)
    allocation_type = fields.Selection(
        [("hours", "Hours"), ("percent", "Percentage of capacity")],
        string="Planned As",
        required=True,
        default="hours",
    )
    percent = fields.Float(
        string="Percentage", help="Share of the employee's capacity in the period."
    )
    hours = fields.Float(
        compute="_compute_hours",
        store=True,
        precompute=True,
        readonly=False,
        tracking=True,
        help="Total planned hours over the period.",
    )
    booking_state = fields.Selection(
        BOOKING_STATES,
        string="Booking",
        required=True,
        default="provisional",
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
    forecast_hours = fields.Float(
        string="Forecast (h)",
        compute="_compute_forecast_hours",
        store=True,
        help="Hours expected to be worked: a provisional booking on an "
        "opportunity counts at the opportunity's probability.",
    )
    capacity_hours = fields.Float(
        string="Capacity (h)",
        compute="_compute_load",
        help="Working hours of the employee in the period, net of validated "
        "leave and public holidays.",
    )
    capacity_share = fields.Float(
        string="Share of Capacity (%)", compute="_compute_load"
    )
    load_percent = fields.Float(
        string="Load (%)",
        compute="_compute_load",
        help="All hours booked on the employee in the period, provisional and "
        "confirmed, as a percentage of the capacity.",
    )

    @api.depends("employee_id")
    def _compute_company_id(self):
        for allocation in self:
            allocation.company_id = (
                allocation.employee_id.company_id
                or allocation.company_id
                or self.env.company
            )

    @api.depends("allocation_type", "percent", "employee_id", "date_start", "date_end")
    def _compute_hours(self):
        by_percent = self.filtered(
            lambda a: a.allocation_type == "percent" and a._has_period()
        )
        capacity = self.env["psa.staffing.capacity"]._compute(
            [(a.employee_id, a.date_start, a.date_end) for a in by_percent],
            with_allocated=False,
        )
        for allocation, (hours, _booked) in zip(by_percent, capacity, strict=True):
            allocation.hours = round(hours * allocation.percent / 100.0, 2)

    @api.depends("hours", "booking_state", "lead_id.probability", "project_id")
    def _compute_forecast_hours(self):
        for allocation in self:
            weighted = (
                allocation.booking_state == "provisional"
                and allocation.lead_id
                and not allocation.project_id
            )
            allocation.forecast_hours = (
                allocation.hours * allocation.lead_id.probability / 100.0
                if weighted
                else allocation.hours
            )

    @api.depends("employee_id", "date_start", "date_end", "hours")
    def _compute_load(self):
        valid = self.filtered(lambda a: a._has_period())
        (self - valid).update(
            {"capacity_hours": 0.0, "capacity_share": 0.0, "load_percent": 0.0}
        )
        results = self.env["psa.staffing.capacity"]._compute(
            [(a.employee_id, a.date_start, a.date_end) for a in valid],
            exclude=valid._origin,
            extra=[(a.employee_id, a.date_start, a.date_end, a.hours) for a in valid],
        )
        for allocation, (capacity, allocated) in zip(valid, results, strict=True):
            allocation.capacity_hours = capacity
            allocation.capacity_share = load_percent(allocation.hours, capacity)
            allocation.load_percent = load_percent(allocated, capacity)

    def _has_period(self):
        self.ensure_one()
        return bool(
            self.employee_id
            and self.date_start
            and self.date_end
            and self.date_start <= self.date_end
        )

    @api.depends("employee_id", "project_id", "lead_id")
    def _compute_display_name(self):
        for allocation in self:
            what = allocation.project_id or allocation.lead_id
            allocation.display_name = " - ".join(
                name
                for name in (allocation.employee_id.name, what.display_name)
                if name
            )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for allocation in self:
            if allocation.date_end < allocation.date_start:
                raise ValidationError(
                    _(
                        "End (%(end)s) is before Start (%(start)s) on %(name)s.",
                        end=allocation.date_end,
                        start=allocation.date_start,
                        name=allocation.display_name,
                    )
                )

    @api.constrains("hours", "percent", "allocation_type")
    def _check_hours(self):
        for allocation in self:
            if allocation.allocation_type == "percent" and allocation.percent <= 0:
                raise ValidationError(
                    _(
                        "Percentage must be positive on %(name)s.",
                        name=allocation.display_name,
                    )
                )
            if allocation.hours <= 0:
                raise ValidationError(
                    _(
                        "Hours must be positive on %(name)s.",
                        name=allocation.display_name,
                    )
                )

    @api.constrains("employee_id")
    def _check_employee_calendar(self):
        # sudo: the working calendar is not on the public employee profile
        for allocation in self.sudo():
            if not allocation.employee_id.resource_calendar_id:
                raise ValidationError(
                    _(
                        "Employee %(employee)s has no Working Hours: set a working "
                        "calendar before allocating them.",
                        employee=allocation.employee_id.name,
                    )
                )

    @api.constrains("employee_id", "project_id", "company_id")
    def _check_company(self):
        # sudo: the employee may be of a company the user cannot read
        for allocation in self.sudo():
            company = allocation.company_id
            if allocation.employee_id.company_id != company:
                raise ValidationError(
                    _(
                        "Employee %(employee)s belongs to %(other)s, not to the "
                        "allocation's Company %(company)s.",
                        employee=allocation.employee_id.name,
                        other=allocation.employee_id.company_id.name,
                        company=company.name,
                    )
                )
            project_company = allocation.project_id.company_id
            if project_company and project_company != company:
                raise ValidationError(
                    _(
                        "Project %(project)s belongs to %(other)s, not to the "
                        "allocation's Company %(company)s.",
                        project=allocation.project_id.name,
                        other=project_company.name,
                        company=company.name,
                    )
                )

    @api.constrains("project_id", "lead_id")
    def _check_target(self):
        for allocation in self:
            if not allocation.project_id and not allocation.lead_id:
                raise ValidationError(
                    _(
                        "Set a Project or an Opportunity on the allocation of "
                        "%(employee)s.",
                        employee=allocation.employee_id.name,
                    )
                )

    @api.constrains("booking_state", "hours", "date_start", "date_end", "employee_id")
    def _check_booking_load(self):
        threshold = self._approval_load_threshold()
        for allocation in self:
            if (
                allocation.booking_state == "confirmed"
                and allocation.approval_state != "approved"
                and allocation.load_percent > threshold
            ):
                raise ValidationError(
                    _(
                        "Booking: %(name)s would load %(employee)s at %(load)s%% "
                        "(above %(threshold)s%%); it needs an approval first.",
                        name=allocation.display_name,
                        employee=allocation.employee_id.name,
                        load=round(allocation.load_percent),
                        threshold=threshold,
                    )
                )

    def _on_approval_reset(self):
        """A confirmed booking changed after approval is provisional again: it
        is confirmed again against the new load."""
        confirmed = self.filtered(lambda a: a.booking_state == "confirmed")
        confirmed.write({"booking_state": "provisional"})
        for allocation in confirmed:
            allocation.message_post(
                body=_("Changed after approval: back to provisional.")
            )

    def _approval_gate_applies(self):
        """Only a booking taking the employee above the load threshold of
        Settings needs an approval to be confirmed."""
        threshold = self._approval_load_threshold()
        return self.filtered(lambda a: a.load_percent > threshold)

    @api.model
    def _approval_load_threshold(self):
        """Load (%) above which confirming a booking needs an approval."""
        return self.env["psa.batch"]._param("psa_staffing.approval_load_percent", 85.0)

    def action_confirm(self):
        """Confirm provisional bookings; above the load threshold, through the
        matrix; above 100%, refused unless already approved."""
        provisional = self.filtered(lambda a: a.booking_state == "provisional")
        overloaded = provisional.filtered(
            lambda a: a.approval_state != "approved" and a.load_percent > 100
        )
        if overloaded:
            raise UserError(
                _(
                    "Overbooked: %(names)s would take the load above 100%%. Submit "
                    "for approval, or reduce the hours.",
                    names=", ".join(
                        f"{a.display_name} ({round(a.load_percent)}%)"
                        for a in overloaded
                    ),
                )
            )
        provisional._approval_gate().write({"booking_state": "confirmed"})
        return True

    def action_set_provisional(self):
        """Back to provisional; a confirmed booking is released for changes."""
        self.write({"booking_state": "provisional"})
        return True

    def _on_approval_granted(self):
        """An approved booking is confirmed, whatever the load (inside
        ``_approval_gate()``, the confirmation is its caller's)."""
        if self.env.context.get("psa_approval_gate"):
            return
        # sudo: the approver decides the booking without managing the project
        self.sudo().write({"booking_state": "confirmed"})
        for allocation in self.sudo():
            allocation.message_post(
                body=_(
                    "Booking confirmed after approval at %(load)s%% load.",
                    load=round(allocation.load_percent),
                )
            )
