import json

from odoo_test_helper import FakeModelLoader

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, tagged

from .common import PsaWebhookFactory


class TransactionAborted(Exception):
    """Whatever makes the user's transaction fail after the change."""


@tagged("post_install", "-at_install")
class TestWebhookOutbox(PsaWebhookFactory, TransactionCase):
    """Queuing events: in the business transaction, one INSERT, no network."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_announced_requests()
        cls.requester = cls._create_user("psa_hook_requester")

    def _events(self):
        return self.Event.search([("endpoint_id", "=", self.endpoint.id)])

    def test_saving_a_record_queues_a_signed_event_payload(self):
        request = (
            self.env["psa.approval.request"]
            .with_user(self.requester)
            .create({"name": "Laptop budget", "amount": 1500})
        )
        event = self._events()
        self.assertEqual(len(event), 1)
        self.assertEqual(event.state, "pending")
        self.assertTrue(event.event_uid.startswith("msg_"))
        self.assertEqual((event.res_model, event.res_id), (request._name, request.id))
        body = json.loads(event.payload)
        self.assertEqual(body["type"], "approval_request.saved")
        self.assertEqual(
            body["data"],
            {
                "model": "psa.approval.request",
                "id": request.id,
                "name": "Laptop budget",
                "amount": 1500.0,
            },
        )
        self.assertEqual(self.receiver.ids(), [], "queuing never calls the network")

    def test_rolled_back_change_queues_nothing(self):
        with self.assertRaises(TransactionAborted), self.env.cr.savepoint():
            self.env["psa.approval.request"].create({"name": "Cancelled", "amount": 9})
            raise TransactionAborted()
        self.assertFalse(self._events())

    def test_enqueue_is_one_insert_whatever_the_number_of_records(self):
        """One read and one INSERT for the whole selection, whatever its size,
        and no UPDATE of the events just inserted."""
        requests = self.env["psa.approval.request"].create(
            [{"name": f"R{i}", "amount": i} for i in range(20)]
        )
        action = self.automation.action_server_ids
        counts = []
        for records in (requests[:1], requests):
            self.env.flush_all()
            self.env.invalidate_all()
            with self.assertQueries([], flush=False) as queries:
                action.with_context(
                    active_model=records._name, active_ids=records.ids
                ).run()
                self.env.flush_all()
                counts.append(len(queries))
                inserts = [
                    q for q in queries if q.lstrip().upper().startswith("INSERT")
                ]
                self.assertEqual(len(inserts), 1, inserts)
                self.assertIn('"psa_webhook_event"', inserts[0])
                rewrites = [
                    q
                    for q in queries
                    if q.lstrip().upper().startswith("UPDATE")
                    and '"psa_webhook_event"' in q
                ]
                self.assertEqual(rewrites, [], "the event is written once")
                queries.clear()  # only the INSERT is asserted, not every query
        self.assertEqual(counts[0], counts[1], "the same queries for 1 or 20 records")
        self.assertLessEqual(counts[1], 12, counts)

    def test_only_administrators_see_endpoints_events_and_secrets(self):
        self.env["psa.approval.request"].create({"name": "Seen", "amount": 1})
        for model in (
            "psa.webhook.endpoint",
            "psa.webhook.event",
            "psa.webhook.inbound",
        ):
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(self.requester).search([])
        approval_admin = self._create_user(
            "psa_hook_approval_admin", "psa_approvals.group_approval_admin"
        )
        with self.assertRaises(AccessError):
            self.endpoint.with_user(approval_admin).read(["secret"])
        system = self._create_user("psa_hook_system", "base.group_system")
        self.assertEqual(self.endpoint.with_user(system).secret, self.endpoint.secret)

    def test_bad_endpoint_settings_are_refused(self):
        for vals, message in (
            ({"url": "ftp://example.com"}, "URL"),
            ({"retry_schedule": "1m, soon"}, "Retry Schedule"),
            ({"timeout": 0}, "Timeout"),
            ({"max_attempts": 0}, "Maximum Attempts"),
        ):
            with self.assertRaisesRegex(ValidationError, message):
                self._create_endpoint(**{"url": "http://127.0.0.1:9/x", **vals})
        with self.assertRaisesRegex(ValidationError, "signature"):
            self.endpoint.header_ids = [(0, 0, {"name": "webhook-id", "value": "x"})]

    def test_action_needs_endpoint_and_event_name(self):
        model = self.env["ir.model"]._get("psa.approval.request")
        with self.assertRaisesRegex(ValidationError, "Event Name"):
            self.env["ir.actions.server"].create(
                {
                    "name": "No event",
                    "model_id": model.id,
                    "state": "psa_webhook",
                    "psa_webhook_endpoint_id": self.endpoint.id,
                }
            )


@tagged("post_install", "-at_install")
class TestWebhookFieldAccess(PsaWebhookFactory, TransactionCase):
    """A payload cannot carry a field its author could not read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        group = cls.env["res.groups"].create({"name": "Webhook test secrets"})
        cls.env["ir.model.data"].create(
            {
                "module": "psa_integration",
                "name": "group_webhook_test_secrets",
                "model": "res.groups",
                "res_id": group.id,
            }
        )
        cls.loader = FakeModelLoader(cls.env, cls.__module__)
        cls.loader.backup_registry()
        from .fake_models import PsaWebhookTestRecord

        cls.loader.update_registry((PsaWebhookTestRecord,))
        cls.addClassCleanup(cls.loader.restore_registry)
        cls.endpoint = cls._create_endpoint("http://127.0.0.1:9/x")
        cls.model = cls.env["ir.model"]._get("psa.webhook.test.record")
        cls.env["ir.model.access"].create(
            {
                "name": "test record: administrators read",
                "model_id": cls.model.id,
                "group_id": cls.env.ref("base.group_system").id,
                "perm_read": True,
            }
        )
        cls.confidential = cls.env["ir.model.fields"]._get(
            "psa.webhook.test.record", "confidential"
        )

    def _configure(self, user):
        return (
            self.env["ir.actions.server"]
            .with_user(user)
            .create(
                {
                    "name": "Leak?",
                    "model_id": self.model.id,
                    "state": "psa_webhook",
                    "psa_webhook_endpoint_id": self.endpoint.id,
                    "psa_webhook_event_name": "test.saved",
                    "psa_webhook_field_ids": [(6, 0, self.confidential.ids)],
                }
            )
        )

    def test_restricted_field_refused_to_an_admin_without_its_group(self):
        admin = self._create_user("psa_hook_admin_plain", "base.group_system")
        with self.assertRaisesRegex(ValidationError, "not allowed to read"):
            self._configure(admin)

    def test_restricted_field_allowed_to_an_admin_with_its_group(self):
        admin = self._create_user(
            "psa_hook_admin_tech",
            "base.group_system",
            "psa_integration.group_webhook_test_secrets",
        )
        action = self._configure(admin)
        self.assertEqual(action.psa_webhook_field_ids, self.confidential)

    def test_non_admin_cannot_configure_actions(self):
        user = self._create_user("psa_hook_plain")
        with self.assertRaises(AccessError):
            self._configure(user)
