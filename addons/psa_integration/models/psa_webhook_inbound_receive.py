import json
import logging
import re
import time

from psycopg2 import IntegrityError
from psycopg2.extensions import TransactionRollbackError

from odoo import _, api, models
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError

from . import webhook_signature

_logger = logging.getLogger(__name__)

TIMESTAMP = re.compile(r"^\d{1,12}$")
MAX_LOGGED_BODY = 64 * 1024
# What a badly shaped payload makes an action raise: the caller's fault (422).
REFUSALS = (UserError, ValidationError, AccessError, MissingError)
PAYLOAD_ERRORS = (KeyError, TypeError, ValueError)


class Refusal(Exception):
    """A call answered with a 4xx: status, outcome (see OUTCOMES) and reason."""

    def __init__(self, status, outcome, reason):
        super().__init__(reason)
        self.status, self.outcome, self.reason = status, outcome, reason


class PsaWebhookInboundReceive(models.Model):
    """The checks of an inbound call, in the order that leaks least: method,
    endpoint, size, headers, signature and timestamp, replay, JSON; only then
    the action, in a savepoint so that a refusal leaves nothing half-written."""

    _inherit = "psa.webhook.inbound"

    @api.model
    def _receive(self, code, method, headers, read_body, remote_addr):
        """Handle one call: ``(status, answer dict)``; never raises on bad input.

        ``read_body(limit)`` returns the body, or None when it exceeds ``limit``
        bytes. Every call is logged in ``psa.webhook.inbound.call``.
        """
        started = time.monotonic()
        call = {"code": (code or "")[:64], "remote_addr": remote_addr}
        try:
            status, answer = self.sudo()._process_call(
                code, method, headers, read_body, call
            )
        except Refusal as refusal:
            status = refusal.status
            answer = {"status": "error", "reason": refusal.reason}
            call.update(outcome=refusal.outcome, reason=refusal.reason)
        call.update(
            status_code=status, duration_ms=int((time.monotonic() - started) * 1000)
        )
        logged = call.pop("record", None)
        if logged:
            logged.write(call)
        else:
            self.env["psa.webhook.inbound.call"].sudo().create(call)
        return status, answer

    def _process_call(self, code, method, headers, read_body, call):
        if method != "POST":
            raise Refusal(405, "method", _("Use POST."))
        inbound = self.search([("code", "=", code)], limit=1) if code else self
        if not inbound:
            raise Refusal(404, "not_found", _("No webhook endpoint with this code."))
        call["inbound_id"] = inbound.id
        body = read_body(inbound.max_body_kb * 1024)
        if body is None:
            raise Refusal(
                413,
                "too_large",
                _("The body exceeds %s KB.", inbound.max_body_kb),
            )
        msg_id, timestamp = inbound._check_signature(headers, body, call)
        if inbound._already_processed(msg_id):
            call.update(outcome="duplicate", reason=_("Event already processed."))
            return 200, {"status": "duplicate", "id": msg_id}
        payload = inbound._parse_body(body)
        call["record"] = inbound._claim_event(msg_id, body, call)
        if not call["record"]:
            call.update(outcome="duplicate", reason=_("Event processed concurrently."))
            return 200, {"status": "duplicate", "id": msg_id}
        try:
            with self.env.cr.savepoint():
                result = inbound._run_action(payload, msg_id)
        except REFUSALS + PAYLOAD_ERRORS as err:
            reason = (
                err.args[0] if err.args and isinstance(err.args[0], str) else repr(err)
            )
            call.update(outcome="refused", reason=reason[:500])
            return 422, {"status": "refused", "id": msg_id, "reason": reason}
        except TransactionRollbackError:
            raise  # Odoo retries the whole request on a serialization conflict
        except Exception:
            _logger.exception("inbound webhook %s: the action failed", msg_id)
            call.update(
                outcome="error", reason=_("The action failed; see the server log.")
            )
            return 500, {"status": "error", "id": msg_id}
        call.update(outcome="processed", result=json.dumps(result)[:500])
        return 200, {"status": "processed", "id": msg_id, "result": result}

    def _check_signature(self, headers, body, call):
        self.ensure_one()
        msg_id = headers.get("webhook-id") or ""
        timestamp = headers.get("webhook-timestamp") or ""
        signature = headers.get("webhook-signature") or ""
        if not msg_id or not timestamp:
            raise Refusal(
                400,
                "malformed",
                _("Headers webhook-id and webhook-timestamp are required."),
            )
        if len(msg_id) > 255:
            raise Refusal(400, "malformed", _("webhook-id is longer than 255."))
        call["webhook_id"] = msg_id
        if not TIMESTAMP.match(timestamp):
            raise Refusal(
                400, "malformed", _("webhook-timestamp must be Unix seconds.")
            )
        if not signature:
            raise Refusal(
                401, "unauthorized", _("Header webhook-signature is missing.")
            )
        if abs(time.time() - int(timestamp)) > webhook_signature.TOLERANCE_SECONDS:
            raise Refusal(
                401, "unauthorized", _("webhook-timestamp is more than 5 minutes off.")
            )
        if not webhook_signature.signature_matches(
            self.secret, msg_id, int(timestamp), body, signature
        ):
            raise Refusal(401, "unauthorized", _("The signature does not match."))
        return msg_id, int(timestamp)

    def _already_processed(self, msg_id):
        return bool(
            self.env["psa.webhook.inbound.call"].search_count(
                [
                    ("inbound_id", "=", self.id),
                    ("webhook_id", "=", msg_id),
                    ("outcome", "=", "processed"),
                ],
                limit=1,
            )
        )

    @api.model
    def _parse_body(self, body):
        try:
            payload = json.loads(body)
        except ValueError as err:  # UnicodeDecodeError and JSONDecodeError alike
            raise Refusal(400, "malformed", _("The body is not valid JSON.")) from err
        if not isinstance(payload, dict):
            raise Refusal(400, "malformed", _("The body must be a JSON object."))
        return payload

    def _claim_event(self, msg_id, body, call):
        """Mark the id processed before acting: a concurrent twin waits on the
        unique index, then finds it taken. Returns the log line, or nothing."""
        values = {
            **call,
            "webhook_id": msg_id,
            "outcome": "processed",
            "status_code": 200,
            "body": body[:MAX_LOGGED_BODY].decode(errors="replace"),
        }
        try:
            with self.env.cr.savepoint():
                return self.env["psa.webhook.inbound.call"].create(values)
        except IntegrityError:
            return None

    def _run_action(self, payload, msg_id):
        """Run the action as the technical user; its answer if it gives one."""
        self.ensure_one()
        action = self.action_id.with_user(self.user_id).with_context(
            psa_webhook_payload=payload,
            psa_webhook_id=msg_id,
            psa_webhook_inbound_id=self.id,
        )
        result = action.run()
        return json.loads(json.dumps(result, default=str)) if result else {}
