from . import (
    ir_actions_server,
    psa_approval_request,
    psa_exception,
    psa_webhook_endpoint,
    psa_webhook_endpoint_header,
    psa_webhook_event,
    psa_webhook_event_delivery,
    psa_webhook_inbound,
    psa_webhook_inbound_call,
    psa_webhook_inbound_receive,
    res_config_settings,
)
