from . import psa_approval_decision_wizard
