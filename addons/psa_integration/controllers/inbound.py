from odoo.http import Controller, request, route


class PsaWebhookInboundController(Controller):
    @route(
        "/psa/webhook/<string:code>",
        type="http",
        auth="none",
        methods=None,  # a wrong method gets our 405 with a reason, not a bare 405
        csrf=False,
        save_session=False,
    )
    def psa_webhook_receive(self, code, **_params):
        """Signed inbound events; see psa.webhook.inbound._receive."""
        if not request.db:
            return request.make_json_response(
                {"status": "error", "reason": "No database: set Odoo's dbfilter."},
                status=404,
            )
        httprequest = request.httprequest

        def read_body(limit):
            if (httprequest.content_length or 0) > limit:
                return None
            body = httprequest.get_data(cache=False)
            return None if len(body) > limit else body

        status, answer = (
            request.env["psa.webhook.inbound"]
            .sudo()
            ._receive(
                code,
                httprequest.method,
                httprequest.headers,
                read_body,
                httprequest.remote_addr,
            )
        )
        headers = [("Allow", "POST")] if status == 405 else None
        return request.make_json_response(answer, status=status, headers=headers)
