from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, tagged

from .common import PsaSignoffFactory


@tagged("post_install", "-at_install")
class TestMilestoneSignoff(PsaSignoffFactory, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_signoff()

    def test_reached_milestone_is_billable_only_once_signed_off(self):
        self.assertTrue(self.milestone.is_reached)
        self.assertEqual(self.milestone.quantity_percentage, 0.5)
        self.assertEqual(self.milestone.psa_signoff_state, "none")
        self.assertEqual(
            self.milestone_line.qty_delivered, 0, "reached but not signed off"
        )
        signoff = self._request()
        self.assertEqual(self.milestone.psa_signoff_state, "requested")
        self.assertEqual(self.milestone_line.qty_delivered, 0)
        signoff.with_user(self.env.ref("base.public_user")).sudo()._portal_decide(
            True, name="Ada Buyer", ip="10.0.0.7"
        )
        self.assertEqual(self.milestone.psa_signoff_state, "accepted")
        self.assertEqual(self.milestone_line.qty_delivered, 1)
        self.assertEqual(self.milestone_line.qty_to_invoice, 1)

    def test_request_emails_a_tokenized_link(self):
        signoff = self._request()
        self.assertEqual(signoff.partner_id, self.customer)
        self.assertEqual(signoff.requested_by_id, self.project_manager)
        self.assertTrue(signoff.access_token)
        message = signoff.message_ids.filtered(lambda m: self.customer in m.partner_ids)
        self.assertEqual(len(message), 1, "the customer contact got the email")
        self.assertIn(signoff.access_token, message.body)
        self.assertIn(f"/my/signoff/{signoff.id}", message.body)
        self._assert_logged(signoff, "signoff_requested")

    def test_request_again_withdraws_the_open_request(self):
        first = self._request()
        token = first.access_token
        second = self._request()
        self.assertNotEqual(first, second)
        self.assertEqual(first.state, "cancelled")
        self.assertNotEqual(first.access_token, token, "the old link stops working")
        self._assert_logged(first, "signoff_cancelled")

    def test_only_the_project_manager_requests(self):
        for user in (self.consultant, self.manager):
            with self.assertRaisesRegex(AccessError, "Only the project manager"):
                self.milestone.with_user(user).action_psa_request_signoff()
        self.assertFalse(self.milestone.psa_signoff_ids)
        # nor creates or decides a sign-off by hand
        with self.assertRaises(AccessError):
            self.env["psa.milestone.signoff"].with_user(self.project_manager).create(
                {"milestone_id": self.milestone.id, "partner_id": self.customer.id}
            )

    def test_unreached_milestone_cannot_be_signed_off(self):
        self.milestone.is_reached = False
        with self.assertRaisesRegex(UserError, "Mark the milestone Reached"):
            self._request()
        self.assertFalse(self.milestone.psa_signoff_ids)

    def test_customer_without_email_is_refused(self):
        self.customer.email = False
        with self.assertRaisesRegex(UserError, "no Email"):
            self._request()
        self.assertFalse(self.milestone.psa_signoff_ids)

    def _record_form(self, user=None):
        action = self.milestone.with_user(
            user or self.project_manager
        ).action_psa_record_signoff()
        return Form(
            self.env[action["res_model"]]
            .with_user(user or self.project_manager)
            .with_context(**action["context"])
        )

    def test_record_signoff_needs_evidence(self):
        wizard = self._record_form().save()
        with self.assertRaisesRegex(ValidationError, "Evidence"):
            wizard.action_confirm()
        self.assertFalse(self.milestone.psa_signoff_ids, "nothing half-written")
        self.assertEqual(self.milestone_line.qty_delivered, 0)

    def test_record_signoff_with_evidence(self):
        open_request = self._request()
        form = self._record_form()
        form.evidence_note = "Email from the sponsor, 3 March: go-live accepted"
        form.save().action_confirm()
        self.assertEqual(open_request.state, "cancelled")
        signoff = self.milestone.psa_signoff_ids.filtered(
            lambda s: s.state == "accepted"
        )
        self.assertEqual(signoff.method, "internal")
        self.assertEqual(signoff.signed_by_id, self.customer)
        self.assertTrue(self.milestone.psa_signed_off)
        self.assertEqual(self.milestone_line.qty_delivered, 1)
        log = self._assert_logged(signoff, "signoff_recorded")
        self.assertIn("go-live accepted", log.comment)
        self.assertIn(
            "go-live accepted",
            self.fixed_project.message_ids[:1].body,
            "posted in the project's chatter",
        )

    def test_record_signoff_by_another_user_is_refused(self):
        with self.assertRaisesRegex(AccessError, "Only the project manager"):
            self._record_form(self.consultant)

    def test_decline_needs_a_reason_and_warns_the_manager(self):
        signoff = self._request().with_user(self.env.ref("base.public_user")).sudo()
        with self.assertRaisesRegex(ValidationError, "Reason"):
            signoff._portal_decide(False, reason="  ")
        self.assertEqual(signoff.state, "requested")
        signoff._portal_decide(False, reason="The runbook is missing the rollback")
        self.assertEqual(self.milestone.psa_signoff_state, "declined")
        self.assertEqual(self.milestone_line.qty_delivered, 0)
        self.assertEqual(signoff.activity_ids.user_id, self.project_manager)
        self._assert_logged(signoff, "signoff_declined")

    def _assert_logged(self, signoff, event):
        log = self._log_lines(signoff, event)
        self.assertEqual(len(log), 1, event)
        return log
