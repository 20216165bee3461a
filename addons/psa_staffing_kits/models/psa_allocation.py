from datetime import timedelta

from odoo import _, api, fields, models

from odoo.addons.psa_staffing.models.psa_staffing_watch_ending import FOLLOW_ON_DAYS
from odoo.addons.psa_warehouse_kits.models.psa_kit_loan import OUT_STATES

# a request in one of these states no longer equips the consultant
INACTIVE_REQUEST_STATES = ("cancelled", "closed")
# fields of a booking that change when the consultant's loans are due
CHAIN_FIELDS = {"booking_state", "date_start", "date_end", "employee_id", "project_id"}


class PsaAllocation(models.Model):
    """Confirming a booking proposes the consultant's onboarding kit; the
    loans of that kit are due when the booking ends."""

    _inherit = "psa.allocation"

    kit_request_ids = fields.One2many(
        "psa.kit.request", "allocation_id", string="Kit Requests", readonly=True
    )
    kit_request_count = fields.Integer(
        string="Onboarding Kits",
        compute="_compute_kit_request_count",
        compute_sudo=True,
        help="Onboarding kit requests of this consultant on this project.",
    )

    def _compute_kit_request_count(self):
        groups = self.env["psa.kit.request"]._read_group(
            self._onboarding_request_domain(),
            ["project_id", "recipient_user_id"],
            ["__count"],
        )
        by_pair = {(p.id, u.id): count for p, u, count in groups}
        for allocation in self:
            key = (allocation.project_id.id, allocation.employee_id.user_id.id)
            allocation.kit_request_count = by_pair.get(key, 0)

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        allocations = super().create(vals_list)
        confirmed = allocations.filtered(lambda a: a.booking_state == "confirmed")
        confirmed._propose_onboarding_kits()
        # a follow-on booking extends the loans of the consultant's kit
        self._move_kit_loans(confirmed.employee_id, confirmed.project_id)
        return allocations

    def write(self, vals):
        confirming = self.browse()
        if vals.get("booking_state") == "confirmed":
            confirming = self.filtered(lambda a: a.booking_state != "confirmed")
        chained = bool(CHAIN_FIELDS & set(vals))
        # consultants and projects before the change: their loans follow too
        before = (self.employee_id, self.project_id) if chained else None
        started = {}
        if "date_start" in vals:
            started = {a.id: a.date_start for a in self}
        res = super().write(vals)
        confirming.filtered(
            lambda a: a.booking_state == "confirmed"
        )._propose_onboarding_kits()
        (self.browse(started) - confirming)._move_kit_proposals(started)
        if chained:
            self._move_kit_loans(
                before[0] | self.employee_id, before[1] | self.project_id
            )
        return res

    def unlink(self):
        employees, projects = self.employee_id, self.project_id
        res = super().unlink()
        self._move_kit_loans(employees, projects)
        return res

    # ------------------------------------------------------------------ actions
    def action_view_kit_requests(self):
        """The onboarding kit requests of this consultant on this project."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "psa_warehouse_kits.psa_kit_request_action"
        )
        action["domain"] = [
            ("project_id", "=", self.project_id.id),
            ("recipient_user_id", "=", self.employee_id.user_id.id),
            ("state", "not in", INACTIVE_REQUEST_STATES),
        ]
        action["context"] = {"create": False}
        return action

    # --------------------------------------------------------- business methods
    def _onboarding_request_domain(self):
        """Active onboarding kit requests of these allocations' consultants
        on their projects: proposed from a booking, or from an onboarding
        template by hand."""
        return [
            ("project_id", "in", self.project_id.ids),
            ("recipient_user_id", "in", self.employee_id.user_id.ids),
            ("state", "not in", INACTIVE_REQUEST_STATES),
            "|",
            ("allocation_id", "!=", False),
            ("template_id.kind", "=", "onboarding"),
        ]

    def _propose_onboarding_kits(self):
        """Propose a draft onboarding kit request per consultant and project
        that has none active yet, in one ``create`` for the batch.

        The request is created as superuser (the resource manager confirming
        may not request kits), on behalf of the project manager. A booking
        whose consultant has no user, or whose project has no onboarding
        template, is noted in its chatter instead.
        """
        # sudo: kits and employees' users are read whatever the confirmer's rights
        allocations = (
            self.sudo().filtered("project_id").sorted(lambda a: (a.date_start, a.id))
        )
        if not allocations:
            return self.env["psa.kit.request"]
        Request = self.env["psa.kit.request"].sudo()
        # a request from a template archived since is an onboarding kit all the same
        groups = Request.with_context(active_test=False)._read_group(
            allocations._onboarding_request_domain(),
            ["project_id", "recipient_user_id"],
        )
        equipped = {(project.id, user.id) for project, user in groups}
        templates = allocations.project_id._psa_onboarding_templates()
        today = fields.Date.context_today(self)
        vals_list, skipped = [], []
        for allocation in allocations:
            user = allocation.employee_id.user_id
            template = templates[allocation.project_id.id]
            key = (allocation.project_id.id, user.id)
            if user and key in equipped:
                continue
            if not user or not template:
                skipped.append((allocation, user))
                continue
            equipped.add(key)
            vals_list.append(allocation._prepare_kit_request_vals(template, today))
        for allocation, user in skipped:
            if user:
                reason = _(
                    "No onboarding kit proposed: project %(project)s has no "
                    "onboarding kit template (set one on the project, or create "
                    "an active onboarding template).",
                    project=allocation.project_id.display_name,
                )
            else:
                reason = _(
                    "No onboarding kit proposed: employee %(employee)s has no "
                    "user to receive it.",
                    employee=allocation.employee_id.name,
                )
            allocation.message_post(body=reason)
        return Request.create(vals_list)

    def _prepare_kit_request_vals(self, template, today):
        """Values of the onboarding kit request proposed for this booking."""
        self.ensure_one()
        project = self.project_id
        return {
            "project_id": project.id,
            "company_id": (project.company_id or self.company_id).id,
            "requester_id": (project.user_id or self.env.user).id,
            "destination_type": "employee",
            "recipient_user_id": self.employee_id.user_id.id,
            "needed_date": max(self.date_start, today),
            "template_id": template.id,
            "allocation_id": self.id,
            "justification": _(
                "Onboarding of %(employee)s, booked from %(start)s to %(end)s.",
                employee=self.employee_id.name,
                start=self.date_start,
                end=self.date_end,
            ),
        }

    def _kit_loans_end(self, followers):
        """When the consultant's booking that self starts ends: the end of
        self, or of the confirmed follow-ons in ``followers`` (bookings of the
        same consultant on the same project) that continue it, each starting
        at most ``FOLLOW_ON_DAYS`` after the end of the one before."""
        self.ensure_one()
        gap = timedelta(days=FOLLOW_ON_DAYS)
        end = self.date_end
        for other in followers.sorted(lambda a: (a.date_start, a.id)):
            if (
                other != self
                and other.booking_state == "confirmed"
                and other.employee_id == self.employee_id
                and other.project_id == self.project_id
                and self.date_start <= other.date_start <= end + gap
            ):
                end = max(end, other.date_end)
        return end

    @api.model
    def _move_kit_loans(self, employees, projects, log=True):
        """The loans still out of the kits proposed for the bookings of
        ``employees`` on ``projects`` are due when the booking, follow-ons
        included, ends (not before today); with ``log``, noted on the kit's
        booking."""
        if not employees or not projects:
            return
        # sudo: the resource manager moving a booking may not manage loans
        loans = (
            self.env["psa.kit.loan"]
            .sudo()
            .search(
                [
                    ("request_id.allocation_id.employee_id", "in", employees.ids),
                    ("request_id.allocation_id.project_id", "in", projects.ids),
                    ("state", "in", OUT_STATES),
                ]
            )
        )
        if not loans:
            return
        anchors = loans.request_id.allocation_id
        followers = self.sudo().search(
            [
                ("employee_id", "in", anchors.employee_id.ids),
                ("project_id", "in", anchors.project_id.ids),
                ("booking_state", "=", "confirmed"),
            ]
        )
        today = fields.Date.context_today(self)
        for allocation, allocation_loans in loans.grouped(
            lambda loan: loan.request_id.allocation_id
        ).items():
            due = max(allocation._kit_loans_end(followers), today)
            moving = allocation_loans.filtered(lambda loan, d=due: loan.date_due != d)
            if not moving:
                continue
            moving.write({"date_due": due})
            if not log:
                continue
            allocation.message_post(
                body=_(
                    "Kit loans %(loans)s now due on %(date)s, when the booking "
                    "(follow-ons included) ends.",
                    loans=", ".join(moving.mapped("name")),
                    date=due,
                )
            )

    def _move_kit_proposals(self, started):
        """Draft onboarding kits proposed for these bookings are needed by
        their new start (not before today); ``started`` maps each booking's
        id to its start before the move."""
        moved = self.filtered(lambda a: a.date_start != started.get(a.id))
        if not moved:
            return
        # sudo: the resource manager moving a booking may not request kits
        drafts = (
            self.env["psa.kit.request"]
            .sudo()
            .search([("allocation_id", "in", moved.ids), ("state", "=", "draft")])
        )
        today = fields.Date.context_today(self)
        for request in drafts:
            needed = max(request.allocation_id.date_start, today)
            if request.needed_date != needed:
                request.write({"needed_date": needed})
