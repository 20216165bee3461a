from . import psa_timesheet_unlock_wizard
