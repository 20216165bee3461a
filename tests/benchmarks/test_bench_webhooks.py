"""Webhook outbox: the cost of enqueuing in the user's transaction, and the
delivery throughput to a real receiver on loopback.

Prints, for SIZE records saved by an Automation Rule with "Send signed
webhook": queries and INSERTs into the outbox per event, the time per save
with and without the rule, and delivered events per second. 500 events by
default, 5,000 with PSA_BENCH_FULL=1. Asserts correctness only (one INSERT per
event, no HTTP call while enqueuing, every event delivered once).
"""

import os
import time

from odoo.tests import TransactionCase

from odoo.addons.psa_integration.tests.common import PsaWebhookFactory

SIZE = 5_000 if os.environ.get("PSA_BENCH_FULL") else 500


class TestBenchWebhooks(PsaWebhookFactory, TransactionCase):
    def _save_each(self, requests, suffix):
        """One write per record, as users and integrations save them."""
        inserts = 0
        queries = self.cr.sql_log_count
        start = time.perf_counter()
        for request in requests:
            request.name = f"{request.id} {suffix}"
            self.env.flush_all()
        seconds = time.perf_counter() - start
        self.cr.execute("SELECT count(*) FROM psa_webhook_event")
        inserts = self.cr.fetchone()[0]
        return seconds, self.cr.sql_log_count - queries, inserts

    def test_enqueue_and_deliver(self):
        self._isolate_from_demo()
        receiver = self._start_receiver()
        self.env["psa.webhook.event"].search([]).unlink()
        requests = self.env["psa.approval.request"].create(
            [{"name": f"Bench {i}", "amount": i} for i in range(SIZE)]
        )
        self.env.flush_all()
        base_seconds, base_queries, _none = self._save_each(requests, "plain")

        endpoint = self._create_endpoint(receiver.url)
        self._create_webhook_rule(endpoint)
        hook_seconds, hook_queries, events = self._save_each(requests, "hooked")
        self.assertEqual(events, SIZE, "one INSERT per event")
        self.assertEqual(receiver.ids(), [], "no HTTP call while enqueuing")

        start = time.perf_counter()
        self.env["psa.webhook.event"]._cron_deliver(max_batches=SIZE)
        deliver_seconds = time.perf_counter() - start
        ids = receiver.ids()
        self.assertEqual(len(ids), SIZE)
        self.assertEqual(len(set(ids)), SIZE, "each event delivered once")

        print(
            f"\n[bench webhooks] {SIZE} saves: {base_seconds * 1000 / SIZE:.2f} ms and"
            f" {base_queries / SIZE:.1f} queries each without the rule,"
            f" {hook_seconds * 1000 / SIZE:.2f} ms and {hook_queries / SIZE:.1f}"
            f" queries with it (ratio {hook_seconds / base_seconds:.2f}x);"
            f" delivery {SIZE / deliver_seconds:.0f} events/s to a loopback receiver"
        )
