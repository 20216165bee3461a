from . import test_timesheet_validation
from . import test_validated_invoicing
from . import test_milestone_signoff
from . import test_signoff_portal
from . import test_billing_readiness
from . import test_invoice_release
from . import test_change_request
from . import test_timesheet_writeoff
