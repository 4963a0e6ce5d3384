"""The limits on seekers' sign-in codes and job reports, counted like the employer log-in.

Each is a ``common.throttling.Throttle`` in the shared cache, counted per email address and
per client address (``client_ip``).
"""

from __future__ import annotations

from common.throttling import Throttle

# Codes sent: 5 an hour per address asked for, 20 an hour per client address.
CODE_PER_EMAIL = Throttle("seeker-code-email", limit=5, window=60 * 60)
CODE_PER_IP = Throttle("seeker-code-ip", limit=20, window=60 * 60)
# Wrong codes: 10 per address and 30 per client address in 15 minutes (each code also dies
# after SEEKER_CODE_ATTEMPTS misses).
CODE_FAILS_PER_EMAIL = Throttle("seeker-code-fail-email", limit=10, window=15 * 60)
CODE_FAILS_PER_IP = Throttle("seeker-code-fail-ip", limit=30, window=15 * 60)
# Reports of a job: 10 an hour per client address.
REPORTS_PER_IP = Throttle("seeker-report-ip", limit=10, window=60 * 60)
