import threading
from datetime import timedelta

from odoo import _, api, fields, models

BATCH_SIZE = 500


class PsaApprovalReview(models.Model):
    """The scheduled actions over pending reviews: escalate and remind.

    Both claim their batch with ``FOR UPDATE SKIP LOCKED`` so that several cron
    workers never take the same review, commit after each batch outside tests,
    and change nothing when run twice: an escalated review gets a new deadline,
    a reminded one a new reminder date.
    """

    _inherit = "psa.approval.review"

    escalation_count = fields.Integer(readonly=True)
    date_last_reminder = fields.Datetime(readonly=True)

    def _claim(self, where, params, limit=BATCH_SIZE):
        # where is one of the fixed SQL conditions below, never user input
        self.env.flush_all()  # the previous batch's writes must be visible
        self.env.cr.execute(
            "SELECT id FROM psa_approval_review WHERE state = 'pending' AND "
            + where
            + " ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
            [*params, limit],
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _commit_batch(self):
        """Keep each batch's work even if a later batch fails; never inside tests."""
        if not getattr(threading.current_thread(), "testing", False):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _cron_escalate(self, batch_size=BATCH_SIZE):
        """Add the escalation approvers to reviews past their deadline."""
        while True:
            now = fields.Datetime.now()
            reviews = self._claim("date_deadline < %s", [now], batch_size)
            if not reviews:
                return
            reviews._escalate(now)
            self._commit_batch()

    def _escalate(self, now):
        """One batch: queries grow with the number of distinct steps, not reviews."""
        by_step = {}
        for review in self:
            by_step.setdefault(review.step_id, self.browse())
            by_step[review.step_id] |= review
        for step, reviews in by_step.items():
            hours = reviews[0].sla_hours_snapshot or 24
            reviews.write(
                {
                    "reviewer_ids": [(4, uid) for uid in step.escalation_user_ids.ids],
                    "date_deadline": now + timedelta(hours=hours),
                    "escalation_count": reviews[0].escalation_count + 1,
                }
            )
        # no e-mail per activity: the activity itself tells the new approvers
        self.with_context(mail_activity_quick_update=True)._schedule_activities()
        for res_model in set(self.mapped("res_model")):
            reviews = self.filtered(lambda r, m=res_model: r.res_model == m)
            records = self.env[res_model].browse(reviews.mapped("res_id"))
            owners = {
                r.res_id: (r.step_id.escalation_user_ids or r.requested_by_id)[:1]
                for r in reviews
            }
            self.env["psa.exception"]._open_exceptions(
                records,
                "stalled_approval",
                lambda rec: _(
                    "Approval of %(record)s is overdue", record=rec.display_name
                ),
                owner=lambda rec, owners=owners: owners[rec.id],
            )

    @api.model
    def _cron_remind(self, batch_size=BATCH_SIZE):
        """Bring pending approval activities back to today for their reviewers."""
        hours = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("psa_approvals.reminder_hours", 24)
        )
        while True:
            now = fields.Datetime.now()
            due = now - timedelta(hours=hours)
            reviews = self._claim(
                "COALESCE(date_last_reminder, date_pending) < %s", [due], batch_size
            )
            if not reviews:
                return
            activity_type = self.env.ref("psa_approvals.mail_activity_type_approval")
            activities = (
                self.env["mail.activity"]
                .sudo()
                .search(
                    [
                        ("activity_type_id", "=", activity_type.id),
                        ("res_model", "in", list(set(reviews.mapped("res_model")))),
                        ("res_id", "in", reviews.mapped("res_id")),
                    ]
                )
            )
            activities.write({"date_deadline": fields.Date.context_today(self)})
            reviews.write({"date_last_reminder": now})
            self._commit_batch()
