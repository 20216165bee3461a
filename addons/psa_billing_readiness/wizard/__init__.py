from . import psa_timesheet_unlock_wizard
from . import psa_signoff_record_wizard
from . import psa_billing_draft_wizard
