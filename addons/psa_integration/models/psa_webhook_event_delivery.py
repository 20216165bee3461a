import logging
import time
from datetime import timedelta

import requests
from psycopg2.extensions import TransactionRollbackError

from odoo import _, api, fields, models

from . import retry_schedule, webhook_signature

_logger = logging.getLogger(__name__)

BATCH_SIZE = 50
# A batch stops sending after this many seconds and gives back the rest, so
# that no live worker holds "sending" events anywhere near STALE_AFTER.
BATCH_BUDGET = 300
# A claimed event still "sending" after this long belongs to a worker that died.
STALE_AFTER = timedelta(minutes=15)

CLAIM_SQL = """
    SELECT e.id
      FROM psa_webhook_event e
      JOIN psa_webhook_endpoint p ON p.id = e.endpoint_id
     WHERE e.state IN ('pending', 'failed')
       AND e.next_attempt_at <= %(now)s
       AND p.active AND p.state = 'running'
       AND NOT EXISTS (
            SELECT 1 FROM psa_webhook_event o
             WHERE o.endpoint_id = e.endpoint_id
               AND o.res_model = e.res_model AND o.res_id = e.res_id
               AND o.id < e.id
               AND o.state IN ('pending', 'sending', 'failed'))
     ORDER BY e.id
     LIMIT %(limit)s
       FOR UPDATE OF e SKIP LOCKED
"""


class PsaWebhookEventDelivery(models.Model):
    """Delivery of the outbox, safe with many cron workers on many nodes.

    Each batch is claimed with ``FOR UPDATE SKIP LOCKED`` and marked
    ``sending`` in a short transaction; the HTTP calls happen outside any lock;
    the outcomes are written in a second transaction. An event is claimed only
    when no older event of the same record and endpoint is still on its way, so
    a record's events arrive in order. A worker that dies mid-batch leaves
    ``sending`` events that the next run puts back after ``STALE_AFTER``: the
    receiver may then see an id twice, which is why it dedups by id.
    """

    _inherit = "psa.webhook.event"

    @api.model
    def _cron_deliver(self, batch_size=BATCH_SIZE, max_batches=50):
        self._requeue_stale()
        for _batch in range(max_batches):
            events = self._claim(batch_size)
            if events is None:  # a concurrent worker changed our rows: new snapshot
                self._end_transaction(rollback=True)
                continue
            if not events:
                return
            self._end_transaction()
            events._deliver_claimed()
            self._end_transaction()
        self._trigger_delivery()  # more than max_batches waiting: run again soon

    def _end_transaction(self, rollback=False):
        """Commit (or roll back) between phases; tests keep their one transaction."""
        if self.env["psa.batch"]._is_testing():
            return
        if rollback:
            self.env.cr.rollback()
        else:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _claim(self, limit):
        """Lock due events, mark them sending; None on a serialization conflict."""
        self.env.flush_all()
        now = fields.Datetime.now()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    CLAIM_SQL, {"now": now, "limit": limit}, log_exceptions=False
                )
                ids = [row[0] for row in self.env.cr.fetchall()]
        except TransactionRollbackError:
            return None
        events = self.browse(ids)
        if events:
            self.env.cr.execute(
                "UPDATE psa_webhook_event SET state = 'sending', claimed_at = %s,"
                " attempts = COALESCE(attempts, 0) + 1 WHERE id IN %s",
                [now, tuple(ids)],
            )
            events.invalidate_recordset(["state", "claimed_at", "attempts"])
        return events

    def _requeue_stale(self):
        self.env.flush_all()
        limit = fields.Datetime.now() - STALE_AFTER
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "UPDATE psa_webhook_event SET state = 'failed',"
                    " last_error = 'delivery interrupted', next_attempt_at = %s"
                    " WHERE state = 'sending' AND claimed_at < %s",
                    [fields.Datetime.now(), limit],
                )
        except TransactionRollbackError:
            return
        self.invalidate_model(["state", "last_error", "next_attempt_at"])

    def _deliver_claimed(self):
        """POST each event, then record every outcome.

        One HTTP session per batch reuses connections to receivers that keep
        them alive; each endpoint's settings are read once per batch.
        """
        senders, results, unsent = {}, [], self.browse()
        deadline = time.monotonic() + BATCH_BUDGET
        with requests.Session() as session:
            for event in self:
                if time.monotonic() > deadline:
                    unsent |= event
                    continue
                endpoint = event.endpoint_id
                if endpoint not in senders:
                    senders[endpoint] = endpoint.sudo()._sender()
                results.append((event, event._post(session, senders[endpoint])))
        self._record_results(results)
        if unsent:  # not attempted: the attempt counted at claim time is undone
            self.env.cr.execute(
                "UPDATE psa_webhook_event SET state = 'pending', claimed_at = NULL,"
                " attempts = attempts - 1 WHERE id IN %s",
                [tuple(unsent.ids)],
            )
            unsent.invalidate_recordset(["state", "claimed_at", "attempts"])

    def _post(self, session, sender):
        """One attempt: (status code or 0, error text or False)."""
        self.ensure_one()
        body = self.payload.encode()
        headers = {
            **sender["headers"],
            **webhook_signature.headers(
                sender["secret"], self.event_uid, time.time(), body
            ),
        }
        try:
            response = session.post(
                sender["url"],
                data=body,
                headers=headers,
                timeout=sender["timeout"],
                allow_redirects=False,
            )
        except requests.Timeout:
            return 0, _("No answer within %s seconds", sender["timeout"])
        except requests.RequestException as err:
            return 0, _("Connection failed: %s", type(err).__name__)
        except Exception as err:  # one bad event must not stall the whole batch
            _logger.exception("webhook %s could not be sent", self.event_uid)
            return 0, _("Could not send: %s", type(err).__name__)
        if 200 <= response.status_code < 300:
            return response.status_code, False
        return response.status_code, _(
            "HTTP %(code)s: %(text)s",
            code=response.status_code,
            text=response.text[:200],
        )

    def _record_results(self, results):
        now = fields.Datetime.now()
        succeeded, gone, dead, errors = set(), set(), self.browse(), {}
        delivered = {}  # status code: events, written with one UPDATE each
        for event, (code, error) in results:
            vals = {"last_status_code": code, "last_error": error, "claimed_at": False}
            endpoint = event.endpoint_id
            if not error:
                delivered.setdefault(code, self.browse())
                delivered[code] |= event
                succeeded.add(endpoint.id)
                continue
            if code == 410:
                # the receiver asks us to stop: keep the event for when it resumes
                vals.update(state="pending", attempts=event.attempts - 1)
                gone.add(endpoint.id)
            elif event.attempts >= endpoint.max_attempts:
                vals["state"] = "dead"
                dead |= event
            else:
                delay = retry_schedule.delay_after(
                    endpoint._retry_delays(), event.attempts
                )
                vals.update(
                    state="failed", next_attempt_at=now + timedelta(seconds=delay)
                )
            errors[endpoint.id] = error
            _logger.info(
                "webhook %s to endpoint %s: %s", event.event_uid, endpoint.id, error
            )
            event.write(vals)
        for code, events in delivered.items():
            events.write(
                {
                    "state": "delivered",
                    "delivered_at": now,
                    "last_status_code": code,
                    "last_error": False,
                    "claimed_at": False,
                }
            )
        self._note_endpoint_health(now, succeeded, errors, gone)
        gone = self.env["psa.webhook.endpoint"].browse(sorted(gone))
        if gone:
            self.env["psa.exception"]._open_exceptions(
                gone,
                "webhook_gone",
                lambda e: _("Webhook endpoint %s answered 410 Gone", e.name),
                owner=lambda e: e.create_uid,
            )
        if dead:
            self.env["psa.exception"]._open_exceptions(
                dead,
                "webhook_dead",
                lambda e: _(
                    "Webhook %(event)s to %(endpoint)s failed %(n)s times: %(error)s",
                    event=e.event_name,
                    endpoint=e.endpoint_id.name,
                    n=e.attempts,
                    error=e.last_error,
                ),
                owner=lambda e: e.endpoint_id.create_uid,
            )

    def _note_endpoint_health(self, now, succeeded, errors, gone):
        """Health and stop flags on the endpoints, in plain SQL in a savepoint:
        workers sharing an endpoint must not fail on each other's update of
        that one row. A lost health update is harmless; a lost stop flag is set
        again by the next 410."""
        statements = []
        if succeeded:
            statements.append(
                (
                    "UPDATE psa_webhook_endpoint SET last_success_at = %s"
                    " WHERE id IN %s",
                    [now, tuple(succeeded)],
                )
            )
        statements += [
            (
                "UPDATE psa_webhook_endpoint SET last_error_at = %s, last_error = %s"
                " WHERE id = %s",
                [now, error, endpoint_id],
            )
            for endpoint_id, error in errors.items()
        ]
        if gone:
            statements.append(
                (
                    "UPDATE psa_webhook_endpoint SET state = 'gone' WHERE id IN %s",
                    [tuple(gone)],
                )
            )
        self.env.flush_all()
        for query, params in statements:
            try:
                with self.env.cr.savepoint(flush=False):
                    self.env.cr.execute(query, params, log_exceptions=False)
            except TransactionRollbackError:
                _logger.info("endpoint health not updated: concurrent update")
        self.env["psa.webhook.endpoint"].invalidate_model(
            ["last_success_at", "last_error_at", "last_error", "state"]
        )
