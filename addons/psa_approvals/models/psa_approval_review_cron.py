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

    @api.model
    def _cron_escalate(self, batch_size=BATCH_SIZE):
        """Add the escalation approvers to reviews past their deadline."""
        now = fields.Datetime.now()
        batches = self.env["psa.batch"]._walk(
            self._name,
            [("state", "=", "pending"), ("date_deadline", "<", now)],
            batch_size,
        )
        for reviews in batches:
            reviews.with_env(self.env)._escalate(now)

    def _escalate(self, now):
        """One batch: queries grow with the number of distinct steps, not
        reviews. Each escalation is one line of the audit log."""
        groups = {}
        for review in self:
            key = (review.step_id, review.sla_hours_snapshot, review.escalation_count)
            groups.setdefault(key, self.browse())
            groups[key] |= review
        comments = {}
        for (step, sla, count), reviews in groups.items():
            for review in reviews:
                added = step.escalation_user_ids - review.reviewer_ids
                comments[review] = _(
                    "%(step)s overdue since %(deadline)s: %(added)s",
                    step=review.name,
                    deadline=fields.Datetime.to_string(review.date_deadline),
                    added=_("%s added as reviewers", ", ".join(added.mapped("name")))
                    if added
                    else _("no escalation approver set, new deadline only"),
                )
            reviews.write(
                {
                    "reviewer_ids": [(4, uid) for uid in step.escalation_user_ids.ids],
                    "date_deadline": now + timedelta(hours=sla or 24),
                    "escalation_count": count + 1,
                }
            )
        self._log_escalations(comments)
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
        hours = self.env["psa.batch"]._param("psa_approvals.reminder_hours", 24, int)
        now = fields.Datetime.now()
        due = now - timedelta(hours=hours)
        activity_type = self.env.ref("psa_approvals.mail_activity_type_approval")
        batches = self.env["psa.batch"]._walk(
            self._name,
            [
                ("state", "=", "pending"),
                "|",
                ("date_last_reminder", "<", due),
                "&",
                ("date_last_reminder", "=", False),
                ("date_pending", "<", due),
            ],
            batch_size,
        )
        for reviews in batches:
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

    def _log_escalations(self, comments):
        """One ``escalated`` log line per review: one INSERT per model, or a few
        where a record has parallel steps escalating together."""
        log = self.env["psa.approval.log"]
        rounds = {}
        for review in self:
            taken = rounds.setdefault(review.res_model, [])
            for batch in taken:
                if review.res_id not in batch:
                    batch[review.res_id] = review
                    break
            else:
                taken.append({review.res_id: review})
        for res_model, batches in rounds.items():
            for by_record in batches:
                log._record(
                    self.env[res_model].browse(list(by_record)),
                    "escalated",
                    review=by_record,
                    comment={rid: comments[r] for rid, r in by_record.items()},
                )
