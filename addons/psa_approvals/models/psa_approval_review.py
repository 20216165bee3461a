from contextlib import contextmanager
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

REVIEW_STATES = [
    ("waiting", "Waiting"),
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("cancelled", "Cancelled"),
]


class _Digest:
    """Reviewer notifications collected across decisions. A plain object, not
    a list: context values must stay hashable."""

    def __init__(self):
        self.entries = []


class PsaApprovalReview(models.Model):
    """One step of one rule for one record. Its reviewers are fixed at creation:
    editing the rule later never changes a request in flight."""

    _name = "psa.approval.review"
    _inherit = ["psa.record.link.mixin"]
    _description = "Approval Review"
    _order = "res_model, res_id, sequence, id"

    res_model = fields.Char(string="Model", required=True, index=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Record ID",
        model_field="res_model",
        required=True,
        index=True,
        readonly=True,
    )
    rule_id = fields.Many2one("psa.approval.rule", ondelete="set null", readonly=True)
    step_id = fields.Many2one(
        "psa.approval.rule.step", string="Rule Step", ondelete="set null", readonly=True
    )
    name = fields.Char(string="Step", required=True, readonly=True)
    sequence = fields.Integer(readonly=True)
    state = fields.Selection(
        REVIEW_STATES, default="waiting", required=True, index=True, readonly=True
    )
    reviewer_ids = fields.Many2many(
        "res.users",
        "psa_approval_review_reviewer_rel",
        string="Reviewers",
        readonly=True,
    )
    approver_ids = fields.Many2many(
        "res.users",
        "psa_approval_review_approver_rel",
        string="Approved By",
        readonly=True,
    )
    min_approvals = fields.Integer(string="Approvals Needed", default=1, readonly=True)
    comment_required = fields.Boolean(readonly=True)
    sla_hours_snapshot = fields.Integer(string="SLA (hours)", readonly=True)
    requester_may_approve = fields.Boolean(readonly=True)
    requested_by_id = fields.Many2one("res.users", readonly=True, index=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    date_pending = fields.Datetime(string="Pending Since", readonly=True)
    date_deadline = fields.Datetime(string="Deadline", readonly=True, index=True)
    date_decided = fields.Datetime(string="Decided On", readonly=True)
    decided_by_id = fields.Many2one("res.users", readonly=True)
    comment = fields.Text(readonly=True)
    cycle_hours = fields.Float(
        string="Cycle Time (h)",
        readonly=True,
        group_operator="avg",
        help="Hours from pending to decision.",
    )
    record_name = fields.Char(compute="_compute_record_name")

    def _compute_record_name(self):
        for review in self:
            record = self.env[review.res_model].browse(review.res_id).sudo().exists()
            review.record_name = record.display_name if record else False

    # ---------------------------------------------------------------- routing
    @api.model
    def _route(self, records):
        """Create the reviews of ``records`` (one model) in one batch.

        Rules are loaded with one search and matched in memory, so routing costs
        the same queries with 1 rule or 500. Records no rule covers, or covered
        only by auto-approving rules, are approved at once, logged.
        """
        rules = self.env["psa.approval.rule"].sudo()._for_model(records._name)
        matches = rules._matches(records)
        self._cancel_open(records, _("Submitted again"))
        now = fields.Datetime.now()
        user = self.env.user
        vals_list, auto = [], records.browse()
        for record in records:
            steps = matches[record].step_ids.sorted(lambda s: (s.sequence, s.id))
            if not steps:
                auto |= record
                continue
            seen = set()
            for step in steps:
                reviewers = step._reviewers_for(record)
                key = (step.sequence, frozenset(reviewers.ids), step.min_approvals)
                if key in seen:  # the same step through two rules: ask once
                    continue
                seen.add(key)
                if len(reviewers) < step.min_approvals:
                    raise UserError(
                        _(
                            "%(record)s cannot be routed: step %(step)s needs "
                            "%(needed)s approvers and finds %(found)s.",
                            record=record.display_name,
                            step=step.name,
                            needed=step.min_approvals,
                            found=len(reviewers),
                        )
                    )
                vals_list.append(
                    {
                        "res_model": record._name,
                        "res_id": record.id,
                        "rule_id": step.rule_id.id,
                        "step_id": step.id,
                        "name": step.name,
                        "sequence": step.sequence,
                        "reviewer_ids": [(6, 0, reviewers.ids)],
                        "min_approvals": step.min_approvals,
                        "comment_required": step.comment_required,
                        "requester_may_approve": step.rule_id.requester_may_approve,
                        "requested_by_id": user.id,
                        "company_id": record._approval_company().id or False,
                        "sla_hours_snapshot": step.sla_hours,
                    }
                )
        reviews = self.create(vals_list)
        # the "Requested" note of the log says it: no tracking message per record
        records.with_context(mail_notrack=True).write(
            {
                "approval_state": "pending",
                "approval_requested_by_id": user.id,
                "approval_requested_on": now,
            }
        )
        log = self.env["psa.approval.log"]
        log._record(records, "requested", rules=matches)
        reviews._activate_next(records - auto)
        if auto:
            auto.write({"approval_state": "approved"})
            log._record(auto, "auto_approved", rules=matches)
            for record in auto:
                record._on_approval_granted()
        return reviews

    def _activate_next(self, records):
        """Make the lowest waiting sequence of each record pending, with activities."""
        by_record = {}
        for review in self.search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("state", "in", ("waiting", "pending")),
            ]
        ):
            by_record.setdefault(review.res_id, self.browse())
            by_record[review.res_id] |= review
        to_activate = self.browse()
        for reviews in by_record.values():
            if "pending" in reviews.mapped("state"):
                continue
            first = min(reviews.mapped("sequence"))
            to_activate |= reviews.filtered(lambda r, first=first: r.sequence == first)
        now = fields.Datetime.now()
        by_sla = {}  # one UPDATE per distinct SLA, not one per review
        for review in to_activate:
            by_sla.setdefault(review.sla_hours_snapshot or 0, self.browse())
            by_sla[review.sla_hours_snapshot or 0] |= review
        for sla, reviews in by_sla.items():
            reviews.write(
                {
                    "state": "pending",
                    "date_pending": now,
                    "date_deadline": now + timedelta(hours=sla) if sla else False,
                }
            )
        to_activate._schedule_activities()
        return to_activate

    def _schedule_activities(self):
        activity_type = self.env.ref("psa_approvals.mail_activity_type_approval")
        model_ids = {
            name: self.env["ir.model"]._get_id(name)
            for name in set(self.mapped("res_model"))
        }
        names = {}
        for res_model in model_ids:
            ids = self.filtered(lambda r, m=res_model: r.res_model == m).mapped(
                "res_id"
            )
            for record in self.env[res_model].sudo().browse(ids):
                names[res_model, record.id] = record.display_name
        vals_list = []
        for review in self:
            for user in review.reviewer_ids:
                vals_list.append(
                    {
                        # given here, these stored computed fields are not
                        # recomputed and flushed with one UPDATE per activity
                        "res_name": names[review.res_model, review.res_id],
                        "date_done": False,
                        "res_model_id": model_ids[review.res_model],
                        "res_id": review.res_id,
                        "activity_type_id": activity_type.id,
                        "summary": _("Approve: %(step)s", step=review.name),
                        "user_id": user.id,
                        "date_deadline": (
                            review.date_deadline or fields.Datetime.now()
                        ).date(),
                    }
                )
        # no "assigned to you" mail per activity: one digest per reviewer below
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(vals_list)
        self._notify_reviewers(names)

    def _notify_reviewers(self, names):
        """One message per reviewer for the whole batch, however many records;
        inside ``_notification_digest``, one for all the decisions of it."""
        entries = [
            (user, names[review.res_model, review.res_id])
            for review in self
            for user in review.reviewer_ids
        ]
        digest = self.env.context.get("psa_approval_digest")
        if digest is not None:
            digest.entries.extend(entries)
        else:
            self._send_digest(entries)

    @contextmanager
    def _notification_digest(self):
        """Decisions taken inside notify each next reviewer once, at the end:
        approving 50 records in a row sends one message per reviewer, not 50."""
        if self.env.context.get("psa_approval_digest") is not None:
            yield self
            return
        digest = _Digest()
        yield self.with_context(psa_approval_digest=digest)
        self._send_digest(digest.entries)

    def _send_digest(self, entries, shown=20):
        """``entries``: (user, record name) pairs; one message per user."""
        by_user = {}
        for user, name in entries:
            by_user.setdefault(user, []).append(name)
        link = "/web#action=psa_approvals.psa_approval_review_action_to_review"
        for user, waiting in by_user.items():
            items = Markup("").join(
                Markup("<li>%s</li>") % name for name in waiting[:shown]
            )
            more = len(waiting) - shown
            self.env["mail.thread"].sudo().message_notify(
                partner_ids=user.partner_id.ids,
                subject=_("%(count)s approval(s) waiting for you", count=len(waiting)),
                body=Markup("<p>%s</p><ul>%s</ul>%s<p><a href='%s'>%s</a></p>")
                % (
                    _("Waiting for your approval:"),
                    items,
                    _("... and %s more.", more) if more > 0 else "",
                    link,
                    _("Open My Approvals"),
                ),
            )

    def _close_activities(self):
        activity_type = self.env.ref("psa_approvals.mail_activity_type_approval")
        for review in self:
            self.env["mail.activity"].sudo().search(
                [
                    ("res_model", "=", review.res_model),
                    ("res_id", "=", review.res_id),
                    ("activity_type_id", "=", activity_type.id),
                    ("user_id", "in", review.reviewer_ids.ids),
                ]
            ).unlink()

    # -------------------------------------------------------------- decisions
    @api.model
    def _lock_for(self, record):
        """Serialize decisions on one record: concurrent approvers wait here, and
        the loser of a race gets a serialization error instead of a second grant."""
        self.env.cr.execute(
            "SELECT id FROM psa_approval_review WHERE res_model = %s AND res_id = %s"
            " FOR UPDATE",
            [record._name, record.id],
        )
        self.invalidate_model()
        record.invalidate_recordset()

    def _decide(self, decision, comment, principal=None):
        """Apply one user's decision; self is sudo, env.user is still the user.

        Reviews and the record's state are written as superuser, but the hooks
        run with the user's rights.
        """
        self.ensure_one()
        user = self.env.user
        principal = principal or user
        record_sudo = self.env[self.res_model].browse(self.res_id)
        record = record_sudo.with_env(self.env(su=False))
        if principal != user and user == self.requested_by_id:
            raise AccessError(
                _(
                    "A delegate may never decide their own request %(record)s.",
                    record=record.display_name,
                )
            )
        if user == self.requested_by_id and not self.requester_may_approve:
            raise AccessError(
                _(
                    "Segregation of duties: you requested %(record)s and may not "
                    "review it.",
                    record=record.display_name,
                )
            )
        if principal in self.approver_ids:
            raise UserError(_("You have already approved this step."))
        if decision == "rejected" and not (comment or "").strip():
            raise UserError(_("A reason is required to reject."))
        if self.comment_required and not (comment or "").strip():
            raise UserError(
                _("Step %(step)s requires a comment with the decision.", step=self.name)
            )
        log = self.env["psa.approval.log"]
        now = fields.Datetime.now()
        if decision == "rejected":
            self._close_step("rejected", comment, now)
            others = record_sudo.approval_review_ids.filtered(
                lambda r: r.state in ("waiting", "pending")
            )
            others._close_activities()
            others.sudo().write({"state": "cancelled"})
            record_sudo.write({"approval_state": "rejected"})
            self._end_post_event_review(record_sudo, _("Rejected after release."))
            log._record(
                record_sudo,
                "rejected",
                review=self,
                comment=comment,
                on_behalf=principal,
            )
            record._on_approval_rejected()
            return
        self.approver_ids = [(4, principal.id)]
        log._record(
            record_sudo,
            "approved_step",
            review=self,
            comment=comment,
            on_behalf=principal,
        )
        if len(self.approver_ids) < self.min_approvals:
            return
        self._close_step("approved", comment, now)
        if self._activate_next(record_sudo):
            return
        reviews = record_sudo.approval_review_ids
        if all(r.state in ("approved", "cancelled") for r in reviews):
            record_sudo.write({"approval_state": "approved"})
            self._end_post_event_review(record_sudo, _("Approved after release."))
            log._record(record_sudo, "approved", review=self)
            record._on_approval_granted()

    def _end_post_event_review(self, record, outcome):
        if record.approval_emergency:
            self.env["psa.exception"]._close_exceptions(
                record, "post_event_review", outcome
            )

    def _close_step(self, state, comment, now):
        self._close_activities()
        self.write(
            {
                "state": state,
                "date_decided": now,
                "decided_by_id": self.env.user.id,
                "comment": comment,
                "cycle_hours": (now - self.date_pending).total_seconds() / 3600
                if self.date_pending
                else 0.0,
            }
        )

    @api.model
    def _open_reviews(self, records):
        return self.search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("state", "in", ("waiting", "pending")),
            ]
        )

    @api.model
    def _cancel_open(self, records, reason, back_to_draft=False, chatter=True):
        """Cancel the open reviews of ``records``, one log line for each record
        that had some; ``back_to_draft`` puts them back to draft too."""
        open_reviews = self._open_reviews(records) if records else self.browse()
        open_reviews._close_activities()
        open_reviews.write({"state": "cancelled"})
        concerned = records.browse(set(open_reviews.mapped("res_id")))
        if back_to_draft:
            records.sudo().write({"approval_state": "draft"})
        if concerned:
            self.env["psa.approval.log"]._record(
                concerned,
                "cancelled",
                comment=_(
                    "%(reason)s: open reviews cancelled (%(steps)s)",
                    reason=reason,
                    steps=", ".join(sorted(set(open_reviews.mapped("name")))),
                ),
                chatter=chatter,
            )
        return open_reviews

    @api.model
    def _reset(self, records, fields_changed):
        """Guarded fields changed after submission: back to draft, logged."""
        open_reviews = self._open_reviews(records)
        open_reviews._close_activities()
        open_reviews.write({"state": "cancelled"})
        # first undo what the approval allowed: the host's constraints may
        # hold only while the record is approved
        records._on_approval_reset()
        records.sudo().write({"approval_state": "draft"})
        self.env["psa.approval.log"]._record(
            records,
            "reset",
            comment=_(
                "Changed after submission: %(fields)s",
                fields=", ".join(
                    records._fields[name].string for name in fields_changed
                ),
            ),
        )

    # ----------------------------------------------------------- list actions
    def _records(self):
        """The reviewed records, one by one, in the current user's environment."""
        for review in self:
            record = self.env[review.res_model].browse(review.res_id)
            record.check_access_rule("read")
            yield record

    def action_approve_selected(self):
        """Approve each selected review's record as the current user, one by one,
        each with its own rights checks; the next reviewers get one digest."""
        with self._notification_digest() as reviews:
            for record in reviews._records():
                record.action_approve()
        return True

    def action_reject_selected(self):
        """Ask once for the reason, then reject each selected review's record."""
        return self.env["psa.approval.decision.wizard"]._action_for(self, "reject")

    def action_reject(self, reason=None):
        """Reject the reviewed records (used by the decision dialog)."""
        for record in self._records():
            record.action_reject(reason=reason)
        return True
