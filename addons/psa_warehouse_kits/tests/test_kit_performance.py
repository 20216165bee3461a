import logging

from odoo.tests import tagged

from .common import PsaKitsCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestKitPerformance(PsaKitsCommon):
    """Submitting a selection is one batch; approving it creates the
    deliveries of the whole selection in one procurement run (each product's
    rule searched once), reserves their moves together and procures what is
    missing in one run too (the notes of what could not be procured written
    at once). What remains per request (64 queries here, from 141) is the
    approval engine deciding each record (about 33: lock, review, activities,
    log) and Odoo's stock: a transfer created and its partner subscribed per
    procurement group (about 14), push rules searched and quants gathered
    move by move (about 12); the bound below catches a loop of our own."""

    def _requests(self, count):
        requests = self.env["psa.kit.request"]
        for _index in range(count):
            requests |= self._create_request([(self.laptop, 1), (self.dock, 1)])
        self._stock(self.dock, count)
        self.env.flush_all()
        self.env.invalidate_all()
        return requests

    def _queries(self, method):
        before = self.cr.sql_log_count
        method()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def test_submitting_costs_the_same_for_5_or_10_requests(self):
        counts = []
        for count in (2, 5, 10):  # the first warms the caches
            requests = self._requests(count)
            counts.append(self._queries(requests.action_request_approval))
            self.assertEqual(set(requests.mapped("state")), {"to_approve"})
        self.assertEqual(counts[1], counts[2])

    def test_approving_and_reserving_queries_per_request(self):
        counts = []
        for count in (2, 5, 10):  # the first warms the caches
            requests = self._requests(count)
            requests.action_request_approval()
            self.env.invalidate_all()
            approve = requests.with_user(self.warehouse_manager).action_approve
            counts.append(self._queries(approve))
            self.assertEqual(set(requests.mapped("state")), {"approved"})
            self.assertEqual(
                set(requests.line_ids.mapped("availability")), {"reserved", "waiting"}
            )
        counts = counts[1:]
        per_request = (counts[1] - counts[0]) / 5
        _logger.warning(
            "kit approval with delivery: %s queries for 5 requests, %s for 10 "
            "(%.0f per request)",
            *counts,
            per_request,
        )
        self.assertLessEqual(per_request, 70)
