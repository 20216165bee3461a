from . import test_onboarding_proposal
from . import test_loan_due_date
from . import test_tour
