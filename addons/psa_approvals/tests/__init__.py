from . import test_approval_flow
from . import test_approval_rule
from . import test_approval_log
from . import test_psa_exception
from . import test_approval_cron
from . import test_tour
from . import test_approval_delegation
from . import test_approval_concurrency
