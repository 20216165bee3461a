from . import (
    test_demo,
    test_tour,
    test_webhook_concurrency,
    test_webhook_delivery,
    test_webhook_inbound,
    test_webhook_inbound_fuzz,
    test_webhook_outbox,
)
