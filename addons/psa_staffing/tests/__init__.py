from . import test_capacity
from . import test_allocation_booking
from . import test_allocation_form
from . import test_staffing_request
from . import test_staffing_plan
from . import test_staffing_bench
from . import test_tour
from . import test_subcontract_overtime
