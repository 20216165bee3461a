from . import test_timesheet_validation
from . import test_validated_invoicing
