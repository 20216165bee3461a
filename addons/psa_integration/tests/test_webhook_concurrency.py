import threading

from odoo import api
from odoo.tests import TransactionCase, tagged

from .common import SECRET
from .webhook_receiver import WebhookReceiver


@tagged("post_install", "-at_install")
class TestWebhookConcurrentWorkers(TransactionCase):
    """Two delivery workers at once, each on its own real cursor, as two cron
    threads or two Odoo nodes would run. The scenario is committed (another
    cursor cannot see a test's transaction) and removed at the end."""

    def setUp(self):
        super().setUp()
        self.receiver = WebhookReceiver(SECRET)
        self.receiver.delay = 0.02  # keep both workers busy at the same time
        self.addCleanup(self.receiver.stop)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            endpoint = env["psa.webhook.endpoint"].create(
                {"name": "Race", "url": self.receiver.url, "secret": SECRET}
            )
            partners = env["res.partner"].search([], limit=30)
            env["psa.webhook.event"]._enqueue(
                endpoint, "race", partners, [{} for _p in partners]
            )
            self.endpoint_id, self.expected = endpoint.id, len(partners)
        self.addCleanup(self._remove)

    def _remove(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["psa.webhook.endpoint"].browse(self.endpoint_id).unlink()

    def _worker(self, errors):
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, api.SUPERUSER_ID, {})
                env["psa.webhook.event"]._cron_deliver(batch_size=4)
        except Exception as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    def test_two_workers_never_send_the_same_event_twice(self):
        errors = []
        workers = [
            threading.Thread(target=self._worker, args=(errors,)) for _w in range(2)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        self.assertEqual(errors, [])
        ids = self.receiver.ids()
        self.assertEqual(len(ids), self.expected, "every event sent")
        self.assertEqual(len(set(ids)), len(ids), "none sent twice")
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT state, count(*) FROM psa_webhook_event"
                " WHERE endpoint_id = %s GROUP BY state",
                [self.endpoint_id],
            )
            self.assertEqual(dict(cr.fetchall()), {"delivered": self.expected})
