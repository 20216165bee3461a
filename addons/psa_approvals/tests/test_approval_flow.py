from odoo.exceptions import AccessError, UserError

from .common import PsaApprovalsCommon


class TestApprovalFlow(PsaApprovalsCommon):
    def _approve(self, record, user, comment=None):
        return record.with_user(user).action_approve(comment=comment)

    def _pending_reviews_of(self, user):
        """What *My Approvals > To Review* lists for ``user``."""
        return (
            self.env["psa.approval.review"]
            .with_user(user)
            .search([("state", "=", "pending"), ("reviewer_ids", "in", user.id)])
        )

    def test_no_rule_approves_at_once_and_logs_it(self):
        request = self._create_request()
        request.action_request_approval()
        self.assertEqual(request.approval_state, "approved")
        self.assertEqual(len(self._logs(request, "auto_approved")), 1)
        self.assertFalse(request.approval_review_ids)

    def test_two_steps_in_order_with_activities(self):
        self._create_rule(
            [{"user_ids": self.approver_1}, {"user_ids": self.approver_2}]
        )
        request = self._create_request()
        request.action_request_approval()
        self.assertEqual(request.approval_state, "pending")
        first, second = request.approval_review_ids.sorted("sequence")
        self.assertEqual((first.state, second.state), ("pending", "waiting"))
        self.assertEqual(request.activity_ids.user_id, self.approver_1)
        self.assertTrue(request.with_user(self.approver_1).can_review)
        self.assertFalse(request.with_user(self.approver_2).can_review)

        self._approve(request, self.approver_1)
        self.assertEqual((first.state, second.state), ("approved", "pending"))
        self.assertEqual(request.activity_ids.user_id, self.approver_2)
        self.assertEqual(request.approval_state, "pending")

        self._approve(request, self.approver_2)
        self.assertEqual(request.approval_state, "approved")
        self.assertFalse(request.activity_ids)
        self.assertEqual(len(self._logs(request, "approved")), 1)
        self.assertEqual(len(self._logs(request, "approved_step")), 2)

    def test_n_of_m(self):
        approvers = self.approver_1 | self.approver_2 | self.approver_3
        self._create_rule([{"user_ids": approvers, "min_approvals": 2}])
        request = self._create_request()
        request.action_request_approval()
        self._approve(request, self.approver_1)
        self.assertEqual(request.approval_state, "pending")
        with self.assertRaises(UserError):
            self._approve(request, self.approver_1)  # the same person twice
        self._approve(request, self.approver_3)
        self.assertEqual(request.approval_state, "approved")
        self.assertEqual(
            request.approval_review_ids.approver_ids, self.approver_1 | self.approver_3
        )

    def test_parallel_steps_share_a_sequence(self):
        self._create_rule(
            [
                {"user_ids": self.approver_1, "sequence": 5},
                {"user_ids": self.approver_2, "sequence": 5},
            ]
        )
        request = self._create_request()
        request.action_request_approval()
        self.assertEqual(set(request.approval_review_ids.mapped("state")), {"pending"})
        self._approve(request, self.approver_2)
        self.assertEqual(request.approval_state, "pending")
        self._approve(request, self.approver_1)
        self.assertEqual(request.approval_state, "approved")

    def test_amount_band_and_condition_select_rules(self):
        self._create_rule(
            [{"user_ids": self.approver_1}], amount_min=5000, amount_max=20000
        )
        self._create_rule(
            [{"user_ids": self.approver_2}], domain="[('category', '=', 'discount')]"
        )
        small = self._create_request(amount=1000)
        large = self._create_request(amount=6000)
        huge = self._create_request(amount=50000)
        discount = self._create_request(amount=100, category="discount")
        (small | large | huge | discount).action_request_approval()
        self.assertEqual(small.approval_state, "approved")
        self.assertEqual(huge.approval_state, "approved")
        self.assertEqual(large.approval_review_ids.reviewer_ids, self.approver_1)
        self.assertEqual(discount.approval_review_ids.reviewer_ids, self.approver_2)

    def test_same_step_from_two_rules_is_asked_once(self):
        self._create_rule([{"user_ids": self.approver_1}], name="A")
        self._create_rule([{"user_ids": self.approver_1}], name="B")
        request = self._create_request()
        request.action_request_approval()
        self.assertEqual(len(request.approval_review_ids), 1)

    def test_requester_cannot_approve_own_request(self):
        self._create_rule([{"user_ids": self.requester | self.approver_1}])
        request = self._create_request()
        request.action_request_approval()
        with self.assertRaises(AccessError):
            self._approve(request, self.requester)
        self.assertEqual(request.approval_state, "pending")

    def test_rule_may_let_requester_approve(self):
        self._create_rule([{"user_ids": self.requester}], requester_may_approve=True)
        request = self._create_request()
        request.with_user(self.requester).action_request_approval()
        self._approve(request, self.requester)
        self.assertEqual(request.approval_state, "approved")

    def test_non_reviewer_cannot_approve(self):
        self._create_rule([{"user_ids": self.approver_1}])
        request = self._create_request()
        request.action_request_approval()
        # an administrator reads every request, but is not a reviewer of this one
        with self.assertRaisesRegex(AccessError, "not a reviewer"):
            self._approve(request, self.approval_admin)
        with self.assertRaises(AccessError):
            self._approve(request, self.outsider)
        self.assertEqual(request.approval_state, "pending")

    def test_reject_needs_a_reason_and_closes_everything(self):
        self._create_rule(
            [{"user_ids": self.approver_1}, {"user_ids": self.approver_2}]
        )
        request = self._create_request()
        request.action_request_approval()
        action = request.with_user(self.approver_1).action_reject()
        self.assertEqual(action["res_model"], "psa.approval.decision.wizard")
        wizard = (
            self.env["psa.approval.decision.wizard"]
            .with_user(self.approver_1)
            .with_context(**action["context"])
            .create({})
        )
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertEqual(request.approval_state, "pending")
        wizard.comment = "Over budget for this quarter"
        wizard.action_confirm()
        self.assertEqual(request.approval_state, "rejected")
        self.assertEqual(
            request.approval_review_ids.sorted("sequence").mapped("state"),
            ["rejected", "cancelled"],
        )
        self.assertFalse(request.activity_ids)
        log = self._logs(request, "rejected")
        self.assertEqual(log.comment, "Over budget for this quarter")
        self.assertEqual(log.user_id, self.approver_1)

    def test_deciding_a_decided_record_is_a_clear_error(self):
        self._create_rule([{"user_ids": self.approver_1 | self.approver_2}])
        request = self._create_request()
        request.action_request_approval()
        self._approve(request, self.approver_1)
        with self.assertRaisesRegex(UserError, "nothing left to decide"):
            self._approve(request, self.approver_2)

    def test_mandatory_comment(self):
        self._create_rule([{"user_ids": self.approver_1, "comment_required": True}])
        request = self._create_request()
        request.action_request_approval()
        with self.assertRaisesRegex(UserError, "requires a comment"):
            self._approve(request, self.approver_1)
        self._approve(request, self.approver_1, comment="Checked with finance")
        self.assertEqual(request.approval_state, "approved")

    def test_changing_approved_amount_sends_back_to_draft(self):
        self._create_rule([{"user_ids": self.approver_1}])
        request = self._create_request(amount=1000)
        request.action_request_approval()
        self._approve(request, self.approver_1)
        request.with_user(self.requester).amount = 9000
        self.assertEqual(request.approval_state, "draft")
        reset = self._logs(request, "reset")
        self.assertIn("Amount", reset.comment)
        self.assertEqual(self._logs(request, "approved").snapshot["amount"], 1000.0)
        request.name = "Renamed"  # not guarded: nothing happens
        self.assertEqual(len(self._logs(request, "reset")), 1)

    def test_resubmitting_after_rejection_starts_fresh_reviews(self):
        self._create_rule([{"user_ids": self.approver_1}])
        request = self._create_request()
        request.action_request_approval()
        request.with_user(self.approver_1).action_reject(reason="Missing quote")
        request.with_user(self.requester).action_request_approval()
        self.assertEqual(request.approval_state, "pending")
        self.assertEqual(
            sorted(request.approval_review_ids.mapped("state")), ["pending", "rejected"]
        )

    def test_submitting_twice_is_refused(self):
        self._create_rule([{"user_ids": self.approver_1}])
        request = self._create_request()
        request.action_request_approval()
        with self.assertRaisesRegex(UserError, "Only draft or rejected"):
            request.action_request_approval()

    def test_outsider_cannot_read_others_requests(self):
        request = self._create_request()
        with self.assertRaises(AccessError):
            request.with_user(self.outsider).read(["name"])

    def test_approve_from_my_approvals_list(self):
        self._create_rule([{"user_ids": self.approver_1}])
        requests = self._create_request() | self._create_request()
        requests.action_request_approval()
        reviews = self._pending_reviews_of(self.approver_1)
        self.assertEqual(len(reviews), 2)
        reviews.action_approve_selected()
        self.assertEqual(set(requests.mapped("approval_state")), {"approved"})

    def test_approving_a_selection_notifies_the_next_reviewer_once(self):
        self._create_rule(
            [{"user_ids": self.approver_1}, {"user_ids": self.approver_2}]
        )
        requests = self.env["psa.approval.request"].union(
            *(self._create_request() for _i in range(5))
        )
        requests.action_request_approval()
        digests = self.env["mail.message"].search(
            [
                ("partner_ids", "in", self.approver_2.partner_id.ids),
                ("subject", "like", "waiting for you"),
            ]
        )
        self._pending_reviews_of(self.approver_1).action_approve_selected()
        sent = (
            self.env["mail.message"].search(
                [
                    ("partner_ids", "in", self.approver_2.partner_id.ids),
                    ("subject", "like", "waiting for you"),
                ]
            )
            - digests
        )
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent.subject, "5 approval(s) waiting for you")
        self.assertEqual(len(requests.activity_ids), 5)
        self.assertEqual(requests.activity_ids.user_id, self.approver_2)
        # one decision alone still notifies at once
        requests[:1].with_user(self.approver_2).action_approve()
        self.assertEqual(requests[0].approval_state, "approved")

    def test_reject_a_selection_from_my_approvals_with_one_reason(self):
        self._create_rule([{"user_ids": self.approver_1}])
        requests = self._create_request() | self._create_request()
        requests.action_request_approval()
        reviews = self._pending_reviews_of(self.approver_1)
        action = reviews.action_reject_selected()
        wizard = (
            self.env["psa.approval.decision.wizard"]
            .with_user(self.approver_1)
            .with_context(**action["context"])
            .create({"comment": "Duplicates of PO 4711"})
        )
        wizard.action_confirm()
        self.assertEqual(set(requests.mapped("approval_state")), {"rejected"})
        with self.assertRaises(AccessError):
            reviews.with_user(self.outsider).action_reject(reason="not mine")

    def test_routing_cost_does_not_grow_with_the_matrix(self):
        def routing_queries():
            records = self._create_request() | self._create_request()
            records.env.invalidate_all()
            before = self.cr.sql_log_count
            records.action_request_approval()
            return self.cr.sql_log_count - before

        self._create_rule([{"user_ids": self.approver_1}])
        routing_queries()  # warm caches
        with_one_rule = routing_queries()
        self.env["psa.approval.rule"].create(
            [
                {
                    "name": f"Rule {i}",
                    "model_id": self.env["ir.model"]._get_id("psa.approval.request"),
                    "domain": "[('category', '=', 'rate_exception')]",
                    "step_ids": [
                        (0, 0, {"name": "S", "user_ids": [(6, 0, self.approver_2.ids)]})
                    ],
                }
                for i in range(500)
            ]
        )
        with_501_rules = routing_queries()
        self.assertEqual(with_one_rule, with_501_rules)

    def test_requesting_approval_for_200_records_is_one_batch(self):
        """Reviews, activities, log lines and chatter notes: one batch each."""
        self._create_rule(
            [{"user_ids": self.approver_1}, {"user_ids": self.approver_2}]
        )
        Request = self.env["psa.approval.request"].with_user(self.requester)

        def routing_queries(count):
            records = Request.create(
                [{"name": f"Bulk {i}", "amount": 10 + i} for i in range(count)]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            records.action_request_approval()
            self.env.flush_all()
            return records, self.cr.sql_log_count - before

        routing_queries(2)  # warm caches
        _few, with_20 = routing_queries(20)
        many, with_200 = routing_queries(200)
        # a few more for 200: some statements are split in chunks of rows
        self.assertLessEqual(with_200, with_20 + 10, (with_20, with_200))
        self.assertEqual(set(many.mapped("approval_state")), {"pending"})
        self.assertEqual(len(many.activity_ids), 200)
        notes = self.env["mail.message"].search(
            [("model", "=", many._name), ("res_id", "in", many.ids)]
        )
        self.assertEqual(notes.mapped("author_id"), self.requester.partner_id)
        self.assertIn("Requested", notes[0].body)
