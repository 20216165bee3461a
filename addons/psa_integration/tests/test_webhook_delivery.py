import json
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

from .common import PsaWebhookFactory
from .webhook_receiver import WebhookReceiver


@tagged("post_install", "-at_install")
class TestWebhookDelivery(PsaWebhookFactory, TransactionCase):
    """The delivery action against a real HTTP receiver on loopback."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_announced_requests()

    def setUp(self):
        super().setUp()
        self.receiver.mode = "ok"
        self.receiver.received.clear()
        # demo events of other endpoints stay out of the way
        self.Event.search([("endpoint_id", "!=", self.endpoint.id)]).unlink()

    def _request(self, name="Request", amount=10):
        return self.env["psa.approval.request"].create({"name": name, "amount": amount})

    def _deliver(self):
        self.Event._cron_deliver()

    def _make_due(self, events):
        events.write({"next_attempt_at": fields.Datetime.now() - timedelta(seconds=1)})

    def test_delivered_signed_with_standard_webhook_headers(self):
        self.endpoint.header_ids = [(0, 0, {"name": "X-Tenant", "value": "acme"})]
        request = self._request("Signed", 42)
        event = self.Event.search([("res_id", "=", request.id)])
        self._deliver()
        self.assertEqual(event.state, "delivered")
        self.assertEqual(event.last_status_code, 204)
        [got] = self.receiver.received
        self.assertEqual(got["id"], event.event_uid)
        self.assertTrue(got["valid"], "signature checked by an independent HMAC")
        self.assertTrue(got["fresh"])
        self.assertEqual(got["headers"]["X-Tenant"], "acme")
        self.assertEqual(got["body"]["data"]["amount"], 42.0)
        self.assertTrue(self.endpoint.last_success_at)
        self._deliver()
        self.assertEqual(len(self.receiver.received), 1, "delivered once, not twice")

    def test_receiver_down_then_back_gets_every_event_once_with_same_ids(self):
        self.receiver.mode = "error"
        requests = self._request("A") | self._request("B")
        events = self.Event.search([("res_id", "in", requests.ids)])
        ids = set(events.mapped("event_uid"))
        self._deliver()
        self.assertEqual(set(events.mapped("state")), {"failed"})
        self.assertEqual(set(events.mapped("attempts")), {1})
        self.assertEqual(events.mapped("last_status_code"), [500, 500])
        now = fields.Datetime.now()
        for event in events:  # first retry after 1 minute, +/- 10 % jitter
            delay = (event.next_attempt_at - now).total_seconds()
            self.assertTrue(50 <= delay <= 70, delay)
        self._deliver()
        self.assertEqual(len(self.receiver.received), 2, "not due yet: nothing sent")
        self.receiver.mode = "ok"
        self._make_due(events)
        self._deliver()
        self.assertEqual(set(events.mapped("state")), {"delivered"})
        arrived = self.receiver.ids()
        self.assertEqual(set(arrived), ids, "the same ids on every attempt")
        delivered_ok = [r["id"] for r in self.receiver.received[-2:]]
        self.assertCountEqual(delivered_ok, ids)

    def test_connection_refused_hang_and_drop_are_retried(self):
        request = self._request()
        event = self.Event.search([("res_id", "=", request.id)])
        down = WebhookReceiver("unused")
        url = down.url
        down.stop()  # nothing listens on that port any more
        self.endpoint.url = url
        self._deliver()
        self.assertEqual(event.state, "failed")
        self.assertIn("Connection failed", event.last_error)
        self.endpoint.url = self.receiver.url
        for mode, error in (
            ("hang", "No answer within 2 seconds"),
            ("close", "Connection"),
        ):
            self.receiver.mode = mode
            self._make_due(event)
            event.attempts = 0
            self._deliver()
            self.assertEqual(event.state, "failed", mode)
            self.assertIn(error, event.last_error, mode)
        self.receiver.mode = "ok"
        self._make_due(event)
        self._deliver()
        self.assertEqual(event.state, "delivered")

    def test_exhausted_event_goes_dead_opens_exception_and_retries(self):
        self.receiver.mode = "error"
        request = self._request("Doomed")
        event = self.Event.search([("res_id", "=", request.id)])
        for _attempt in range(3):  # max_attempts = 3
            self._make_due(event)
            self._deliver()
        self.assertEqual((event.state, event.attempts), ("dead", 3))
        exception = self.env["psa.exception"].search(
            [("res_model", "=", event._name), ("res_id", "=", event.id)]
        )
        self.assertEqual((exception.kind, exception.state), ("webhook_dead", "open"))
        self.assertIn("failed 3 times", exception.name)
        self.assertEqual(self.endpoint.dead_count, 1)
        self._make_due(event)
        self._deliver()
        self.assertEqual(len(self.receiver.received), 3, "a dead event is not retried")
        self.receiver.mode = "ok"
        exception.action_retry_webhook()
        self.assertEqual((event.state, event.attempts), ("pending", 0))
        self.assertEqual(exception.state, "resolved")
        self._deliver()
        self.assertEqual(event.state, "delivered")
        self.assertEqual(len(set(self.receiver.ids())), 1, "one id throughout")

    def test_gone_stops_the_endpoint_until_resumed(self):
        self.receiver.mode = "gone"
        request = self._request()
        event = self.Event.search([("res_id", "=", request.id)])
        self._deliver()
        self.assertEqual(self.endpoint.state, "gone")
        self.assertEqual((event.state, event.attempts), ("pending", 0))
        self.assertTrue(
            self.env["psa.exception"].search_count(
                [("kind", "=", "webhook_gone"), ("res_id", "=", self.endpoint.id)]
            )
        )
        self.receiver.mode = "ok"
        self._deliver()
        self.assertEqual(
            len(self.receiver.received), 1, "a stopped endpoint gets nothing"
        )
        self.endpoint.action_resume()
        self._deliver()
        self.assertEqual(event.state, "delivered")

    def test_events_of_one_record_arrive_in_order(self):
        request = self._request("v1")
        request.name = "v2"
        request.name = "v3"
        events = self.Event.search([("res_id", "=", request.id)], order="id")
        self.assertEqual(len(events), 3)
        self.receiver.mode = "error"
        self._deliver()
        self.assertEqual(events.mapped("state"), ["failed", "pending", "pending"])
        self.receiver.mode = "ok"
        self._make_due(events)
        self._deliver()
        names = [r["body"]["data"]["name"] for r in self.receiver.received[1:]]
        self.assertEqual(names, ["v1", "v2", "v3"])

    def test_worker_lost_mid_batch_is_requeued(self):
        request = self._request()
        event = self.Event.search([("res_id", "=", request.id)])
        event.write(
            {
                "state": "sending",
                "attempts": 1,
                "claimed_at": fields.Datetime.now() - timedelta(hours=1),
            }
        )
        self._deliver()
        self.assertEqual(event.state, "delivered", "requeued and sent again")
        self.assertEqual(event.attempts, 2, "the lost attempt counts")

    def test_test_event_from_the_form(self):
        self.endpoint.action_send_test_event()
        self._deliver()
        [got] = self.receiver.received
        self.assertEqual(got["body"]["type"], "psa.ping")
        self.assertTrue(got["valid"])

    def test_purge_keeps_recent_and_undelivered_events(self):
        old, recent = self._request("old"), self._request("recent")
        self._deliver()
        events = self.Event.search([("res_id", "in", (old | recent).ids)])
        old_event = events.filtered(lambda e: e.res_id == old.id)
        old_event.delivered_at = fields.Datetime.now() - timedelta(days=31)
        self.Event._cron_purge()
        self.assertEqual(events.exists(), events - old_event)
        self.assertEqual(
            json.loads((events - old_event).payload)["data"]["name"], "recent"
        )
