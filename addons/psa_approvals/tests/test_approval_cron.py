from datetime import timedelta

from freezegun import freeze_time

from odoo import fields

from .common import PsaApprovalsCommon


class TestApprovalCron(PsaApprovalsCommon):
    def setUp(self):
        super().setUp()
        self._create_rule(
            [
                {
                    "user_ids": self.approver_1,
                    "sla_hours": 8,
                    "escalation_user_ids": [(6, 0, self.approver_2.ids)],
                }
            ]
        )

    def _pending_requests(self, count):
        requests = self.env["psa.approval.request"]
        for _index in range(count):
            requests |= self._create_request()
        requests.action_request_approval()
        return requests

    def test_escalation_adds_approvers_opens_exception_once(self):
        request = self._pending_requests(1)
        review = request.approval_review_ids
        Review = self.env["psa.approval.review"]
        Review._cron_escalate()
        self.assertEqual(review.escalation_count, 0, "not overdue yet")

        later = fields.Datetime.now() + timedelta(hours=9)
        with freeze_time(later):
            Review._cron_escalate()
            Review._cron_escalate()  # twice: the second run changes nothing
        self.assertEqual(review.reviewer_ids, self.approver_1 | self.approver_2)
        self.assertEqual(review.escalation_count, 1)
        self.assertGreater(review.date_deadline, later)
        exceptions = self.env["psa.exception"].search(
            [("res_model", "=", request._name), ("res_id", "=", request.id)]
        )
        self.assertEqual(len(exceptions), 1)
        self.assertEqual(exceptions.kind, "stalled_approval")
        self.assertEqual(exceptions.owner_id, self.approver_2)
        self.assertIn(self.approver_2, request.activity_ids.user_id)
        # the escalation approver can now decide
        request.with_user(self.approver_2).action_approve()
        self.assertEqual(request.approval_state, "approved")

        with freeze_time(later + timedelta(hours=9)):
            Review._cron_escalate()
        self.assertEqual(review.escalation_count, 1, "decided reviews stay put")

    def test_each_escalation_is_one_line_of_the_audit_log(self):
        request = self._pending_requests(1)
        review = request.approval_review_ids
        deadline = review.date_deadline
        Review = self.env["psa.approval.review"]
        later = fields.Datetime.now() + timedelta(hours=9)
        with freeze_time(later):
            Review._cron_escalate()
            Review._cron_escalate()
        logs = self._logs(request, "escalated")
        self.assertEqual(len(logs), 1, "once per escalation, not per run")
        self.assertEqual(logs.review_id, review)
        self.assertIn(self.approver_2.name, logs.comment)
        self.assertIn(fields.Datetime.to_string(deadline), logs.comment)
        self.assertIn("Escalated", request.message_ids[0].body)
        with freeze_time(later + timedelta(hours=9)):
            Review._cron_escalate()
        logs = self._logs(request, "escalated")
        self.assertEqual(len(logs), 2, "overdue again: escalated again")
        self.assertIn("new deadline only", logs[0].comment)

    def test_escalation_queries_do_not_grow_with_the_batch(self):
        Review = self.env["psa.approval.review"]
        self._pending_requests(3)
        later = fields.Datetime.now() + timedelta(hours=9)
        with freeze_time(later):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            Review._cron_escalate()
            few = self.cr.sql_log_count - before
        self._pending_requests(30)
        with freeze_time(later + timedelta(hours=20)):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            Review._cron_escalate()
            many = self.cr.sql_log_count - before
        # 33 overdue reviews of one step cost what 3 cost (plus the exceptions
        # already open for the first 3, found in the same search)
        self.assertLessEqual(many, few + 2)

    def test_reminder_brings_activity_back_once_per_interval(self):
        request = self._pending_requests(1)
        activity = request.activity_ids
        activity.date_deadline = fields.Date.today() + timedelta(days=5)
        Review = self.env["psa.approval.review"]
        later = fields.Datetime.now() + timedelta(hours=25)
        with freeze_time(later):
            # due "today" in the reviewer's time zone, not in UTC
            today = fields.Date.context_today(Review)
            Review._cron_remind()
            self.assertEqual(activity.date_deadline, today)
            activity.date_deadline = today + timedelta(days=3)
            Review._cron_remind()  # already reminded in this interval
            self.assertEqual(activity.date_deadline, today + timedelta(days=3))
