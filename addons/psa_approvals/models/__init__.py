from . import psa_approval_rule
from . import psa_approval_rule_step
from . import psa_approval_mixin
from . import psa_approval_review
from . import psa_approval_log
from . import psa_approval_request
from . import psa_exception
from . import res_config_settings
