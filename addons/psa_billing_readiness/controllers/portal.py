from odoo import _, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class SignoffPortal(CustomerPortal):
    """The client's sign-off page: reached with the emailed link (access
    token) or by a logged-in portal user of that customer."""

    def _signoff_or_redirect(self, signoff_id, access_token):
        try:
            signoff = self._document_check_access(
                "psa.milestone.signoff", signoff_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return None
        # the visitor acts in their own name, with the rights of the link
        return signoff.with_user(request.env.user).sudo()

    def _signoff_page(self, signoff, access_token, error=None, status=200):
        values = {
            "signoff": signoff,
            "milestone": signoff.milestone_id,
            "access_token": access_token,
            "expired": signoff.state == "requested" and signoff._is_link_expired(),
            "error": error,
            "page_name": "psa_signoff",
        }
        return request.render(
            "psa_billing_readiness.portal_signoff_page", values, status=status
        )

    @http.route(
        "/my/signoff/<int:signoff_id>", type="http", auth="public", website=True
    )
    def portal_signoff(self, signoff_id, access_token=None, **kw):
        signoff = self._signoff_or_redirect(signoff_id, access_token)
        if signoff is None:
            return request.redirect("/my")
        return self._signoff_page(signoff, access_token)

    @http.route(
        "/my/signoff/<int:signoff_id>/decide",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_signoff_decide(
        self, signoff_id, access_token=None, decision=None, **post
    ):
        signoff = self._signoff_or_redirect(signoff_id, access_token)
        if signoff is None:
            return request.redirect("/my")
        if decision not in ("accept", "decline"):
            return self._signoff_page(
                signoff, access_token, _("Choose Accept or Decline."), status=400
            )
        try:
            signoff._portal_decide(
                decision == "accept",
                name=post.get("signed_name"),
                comment=post.get("comment"),
                reason=post.get("decline_reason"),
                ip=request.httprequest.remote_addr,
            )
        except (UserError, ValidationError) as error:
            request.env.cr.rollback()
            return self._signoff_page(signoff, access_token, error.args[0], status=400)
        return request.redirect(signoff.get_portal_url())
