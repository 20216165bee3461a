"""Retry schedules written as data: ``"1m, 5m, 30m, 2h, 12h"``."""

import random
import re

from odoo import _
from odoo.exceptions import ValidationError

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
TOKEN = re.compile(r"^(\d+)\s*([smhd])$")
JITTER = 0.1  # +/- 10 %: retries of many events spread instead of arriving together


def parse(schedule):
    """Delays in seconds, in order; ValidationError naming the bad part."""
    delays = []
    for part in (schedule or "").split(","):
        match = TOKEN.match(part.strip().lower())
        if not match or int(match.group(1)) <= 0:
            raise ValidationError(
                _(
                    "Retry Schedule: %(part)r is not a delay such as 30s, 5m, 2h"
                    " or 1d (comma-separated).",
                    part=part.strip(),
                )
            )
        delays.append(int(match.group(1)) * UNITS[match.group(2)])
    return delays


def delay_after(delays, failed_attempts, rand=random.random):
    """Seconds to wait after the ``failed_attempts``-th failure, jittered."""
    base = delays[min(failed_attempts, len(delays)) - 1]
    return base * (1 + JITTER * (2 * rand() - 1))
