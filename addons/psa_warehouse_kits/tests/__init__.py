from . import test_kit_template
from . import test_kit_request
from . import test_kit_security
from . import test_kit_stock
from . import test_kit_performance
from . import test_kit_loan
from . import test_kit_reservation_race
from . import test_tour
