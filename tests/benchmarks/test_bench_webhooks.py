"""Webhook outbox: the cost of enqueuing in the user's transaction, and the
delivery throughput to a real receiver on loopback.

Prints, for SAVES records saved by an Automation Rule with "Send signed
webhook", the time and queries per save without any rule, with an ordinary
rule (Odoo's own "Update Record" action writing a field) and with ours, so the
figure separates Odoo's automation cost from the webhook's; then, for
DELIVERIES events, the delivery action's events per second and its ratio to a
bare loop of ``requests.post`` sending the same bodies sequentially (the
target is at least 0.5). Asserts correctness (one event per save, no HTTP
call while enqueuing, every event delivered once) and that the webhook action
adds at most one query, its INSERT, per save to what an ordinary rule costs.
"""

import os
import time

import requests

from odoo.tests import TransactionCase

from odoo.addons.psa_integration.tests.common import PsaWebhookFactory

SAVES = 5_000 if os.environ.get("PSA_BENCH_FULL") else 500
DELIVERIES = 5_000


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

    def test_enqueue_cost(self):
        self._isolate_from_demo()
        receiver = self._start_receiver()
        self.env["psa.webhook.event"].search([]).unlink()
        requests_ = self.env["psa.approval.request"].create(
            [{"name": f"Bench {i}", "amount": i} for i in range(SAVES)]
        )
        self.env.flush_all()
        base_seconds, base_queries, _none = self._save_each(requests_, "plain")
        ordinary = self._create_ordinary_rule()
        rule_seconds, rule_queries, _none = self._save_each(requests_, "ruled")
        ordinary.active = False
        endpoint = self._create_endpoint(receiver.url)
        self._create_webhook_rule(endpoint)
        hook_seconds, hook_queries, events = self._save_each(requests_, "hooked")
        self.assertEqual(events, SAVES, "one event per save")
        self.assertEqual(receiver.ids(), [], "no HTTP call while enqueuing")
        print(
            f"\n[bench webhooks] {SAVES} saves, per save:"
            f" {base_seconds * 1000 / SAVES:.2f} ms and"
            f" {base_queries / SAVES:.1f} queries without a rule;"
            f" {rule_seconds * 1000 / SAVES:.2f} ms and"
            f" {rule_queries / SAVES:.1f} queries with an ordinary rule writing"
            f" a field; {hook_seconds * 1000 / SAVES:.2f} ms and"
            f" {hook_queries / SAVES:.1f} queries with the webhook rule"
            f" (ratio {hook_seconds / rule_seconds:.2f}x the ordinary rule,"
            f" {hook_seconds / base_seconds:.2f}x no rule)"
        )
        self.assertLessEqual(
            hook_queries - rule_queries,
            SAVES,
            "the webhook action costs at most its INSERT over an ordinary rule",
        )

    def _create_ordinary_rule(self):
        """An Automation Rule on every save whose action writes a field."""
        automation = self.env["base.automation"].create(
            {
                "name": "Stamp requests",
                "model_id": self.env["ir.model"]._get_id("psa.approval.request"),
                "trigger": "on_create_or_write",
            }
        )
        self.env["ir.actions.server"].create(
            {
                "name": "Stamp",
                "model_id": automation.model_id.id,
                "usage": "base_automation",
                "base_automation_id": automation.id,
                "state": "object_write",
                "update_path": "reference",
                "evaluation_type": "value",
                "value": "stamped",
            }
        )
        return automation

    def test_delivery_throughput(self):
        receiver = self._start_receiver()
        Event = self.env["psa.webhook.event"]
        Event.search([]).unlink()
        endpoint = self._create_endpoint(receiver.url)
        partners = self.env["res.partner"].search([], limit=1)
        events = Event.browse()
        for _chunk in range(DELIVERIES // 500):  # distinct records: no ordering waits
            records = self.env["res.partner"].browse(
                range(partners.id, partners.id + 500)
            )
            events |= Event._enqueue(endpoint, "bench", records, [{}] * 500)
            partners = partners.browse(partners.id + 500)
        self.env.flush_all()

        start = time.perf_counter()
        Event._cron_deliver(max_batches=DELIVERIES)
        cron_seconds = time.perf_counter() - start
        ids = receiver.ids()
        self.assertEqual(len(ids), DELIVERIES)
        self.assertEqual(len(set(ids)), DELIVERIES, "each event delivered once")
        self.assertEqual(set(events.mapped("state")), {"delivered"})

        bodies = [event.payload.encode() for event in events]
        start = time.perf_counter()
        for body in bodies:
            requests.post(
                receiver.url,
                data=body,
                headers={"Content-Type": "application/json"},
                timeout=10,
            )
        bare_seconds = time.perf_counter() - start
        print(
            f"\n[bench webhooks] delivery of {DELIVERIES} events:"
            f" {DELIVERIES / cron_seconds:.0f} events/s;"
            f" bare requests.post loop: {DELIVERIES / bare_seconds:.0f} events/s;"
            f" ratio {bare_seconds / cron_seconds:.2f} (target >= 0.5)"
        )
