from odoo import _, fields, models


class CrmLead(models.Model):
    """Staffing plan on opportunities.

    Three Automation Rules (data/psa_staffing_automation.xml) call these
    methods: when the probability reaches the threshold of Settings (default
    70%), ``_psa_check_staffing_capacity`` books free capacity provisionally
    and writes a verdict; won creates the staffing requests and submits the
    provisional bookings for confirmation; lost releases them.
    """

    _inherit = "crm.lead"

    staffing_plan_line_ids = fields.One2many(
        "psa.staffing.plan.line", "lead_id", string="Staffing Plan"
    )
    staffing_verdict = fields.Char(readonly=True, tracking=True)
    staffing_request_ids = fields.One2many(
        "psa.staffing.request", "lead_id", string="Staffing Requests"
    )
    staffing_allocation_ids = fields.One2many(
        "psa.allocation", "lead_id", string="Staff Bookings"
    )

    def action_check_staffing_capacity(self):
        """Button: run the capacity check of the staffing plan now."""
        self._psa_check_staffing_capacity()
        return True

    def _psa_check_staffing_capacity(self):
        """Book free capacity of matching employees provisionally for each plan
        line and write the verdict ("Covered" or "At risk: ...") on the lead.

        Bookings of a previous check that no request took over are released
        first, so the check can run again after the plan changed; bookings
        made by hand on the opportunity stay.
        """
        if not self:
            return
        # sudo: the salesperson moving the deal does not manage staff bookings
        self._psa_provisional_allocations().filtered(
            lambda a: a.plan_line_id and not a.request_id
        ).unlink()
        at_risk, covered = [], []
        for lead in self.sudo():
            lines = lead.staffing_plan_line_ids.filtered(
                lambda line: not line.request_id
            )
            lines._book_free_capacity()
            short = lines.filtered("shortfall_hours")
            verdict = (
                _(
                    "At risk: %(lines)s",
                    lines="; ".join(short.mapped(lambda line: line._shortfall_text())),
                )
                if short
                else _("Covered")
            )
            lead.staffing_verdict = verdict
            (at_risk if short else covered).append(lead.id)
            lead.message_post(
                body=_(
                    "Staffing capacity check: %(verdict)s (%(count)s provisional "
                    "bookings).",
                    verdict=verdict,
                    count=len(lines.allocation_ids),
                )
            )
        exceptions = self.env["psa.exception"]
        exceptions._open_exceptions(
            self.browse(at_risk),
            "staffing_at_risk",
            lambda lead: _(
                "Staffing at risk on %(lead)s: %(verdict)s",
                lead=lead.name,
                verdict=lead.staffing_verdict,
            ),
            owner=lambda lead: lead.user_id,
        )
        exceptions._close_exceptions(
            self.browse(covered),
            "staffing_at_risk",
            _("Covered by a new capacity check."),
        )

    def _psa_provisional_allocations(self):
        return (
            self.env["psa.allocation"]
            .sudo()
            .search(
                [("lead_id", "in", self.ids), ("booking_state", "=", "provisional")]
            )
        )

    def _psa_staffing_on_won(self, project=None):
        """Create the staffing requests of the plan (on ``project`` when the
        sale order made one) and submit the provisional bookings for
        confirmation through the approval matrix."""
        if not self:
            return
        # sudo: winning a deal staffs it, whoever marks it won
        leads = self.sudo()
        lines = leads.staffing_plan_line_ids.filtered(lambda line: not line.request_id)
        requests = (
            self.env["psa.staffing.request"]
            .sudo()
            .create([line._prepare_request_vals(project) for line in lines])
        )
        for line, request in zip(lines, requests, strict=True):
            line.request_id = request
        if project:
            leads.staffing_request_ids.filtered(
                lambda r: not r.project_id
            ).project_id = project
        allocations = self._psa_provisional_allocations()
        for line in leads.staffing_plan_line_ids:
            allocations.filtered(
                lambda a, line=line: a.plan_line_id == line
            ).request_id = line.request_id
        if project:
            allocations.filtered(lambda a: not a.project_id).project_id = project
        for request in requests.filtered(lambda r: r.allocated_hours >= r.hours):
            request.state = "staffed"
        self.env["psa.exception"]._close_exceptions(
            self, "staffing_at_risk", _("Deal won: staffing requests created.")
        )
        to_submit = allocations.filtered(
            lambda a: a.approval_state in ("draft", "rejected")
        )
        if to_submit:
            to_submit.action_request_approval()
        for lead in leads.filtered(lambda lead: lead.staffing_plan_line_ids):
            lead.message_post(
                body=_(
                    "Deal won: %(requests)s staffing requests, %(bookings)s bookings "
                    "submitted for confirmation.",
                    requests=len(lead.staffing_request_ids),
                    bookings=len(
                        allocations.filtered(lambda a, lead=lead: a.lead_id == lead)
                    ),
                )
            )

    def _psa_staffing_release(self):
        """Release the provisional bookings of lost or archived deals, logged."""
        allocations = self._psa_provisional_allocations()
        for lead in self.sudo():
            mine = allocations.filtered(lambda a, lead=lead: a.lead_id == lead)
            if mine:
                lead.message_post(
                    body=_(
                        "Deal lost: provisional bookings released: %(names)s",
                        names=", ".join(
                            f"{a.employee_id.name} ({round(a.hours)} h)" for a in mine
                        ),
                    )
                )
        allocations.unlink()
        self.env["psa.exception"]._close_exceptions(
            self, "staffing_at_risk", _("Deal lost.")
        )
