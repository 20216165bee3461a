from . import psa_approval_log
from . import account_analytic_line
from . import sale_order_line
from . import account_move_line
from . import res_config_settings
from . import psa_milestone_signoff
from . import project_milestone
