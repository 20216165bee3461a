from . import project_project
from . import psa_allocation
from . import psa_kit_loan
from . import psa_kit_request
