from odoo.tests import HttpCase, tagged

from .common import PsaWebhookFactory


@tagged("post_install", "-at_install")
class TestIntegrationTour(PsaWebhookFactory, HttpCase):
    def test_admin_adds_endpoint_and_sends_test_event(self):
        receiver = self._start_receiver()
        self.start_tour("/web", "psa_integration_endpoint_tour", login="admin")
        endpoint = self.env["psa.webhook.endpoint"].search(
            [("name", "=", "Tour receiver")]
        )
        self.assertEqual(endpoint.url, "http://127.0.0.1:9/tour")
        self.assertTrue(endpoint.secret.startswith("whsec_"), "a secret by default")
        event = self.env["psa.webhook.event"].search(
            [("endpoint_id", "=", endpoint.id)]
        )
        self.assertEqual((event.event_name, event.state), ("psa.ping", "pending"))
        endpoint.write({"url": receiver.url, "secret": receiver.secret})
        self.env["psa.webhook.event"]._cron_deliver()
        self.assertEqual(event.state, "delivered")
        [got] = receiver.received
        self.assertTrue(got["valid"])
        self.assertEqual(got["id"], event.event_uid)
