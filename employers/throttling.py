"""The limits on log-in, sign-up, password reset and verification attempts.

Each is a ``common.throttling.Throttle`` counted in the shared cache; the forms and views
that apply them count per account or email address and per client address (``client_ip``).
"""

from __future__ import annotations

from common.throttling import Throttle

# Failed log-ins: 5 for one account from one address, and 20 from one address, in 15 minutes.
# The account is locked only for the address that failed (ASVS 6.3: a lock-out nobody else can
# trigger): one attacker cannot lock a user out everywhere, and a guesser moving from address to
# address is held by each address's own limits.
LOGIN_PER_ACCOUNT_AND_IP = Throttle("login-account-ip", limit=5, window=15 * 60)
LOGIN_PER_IP = Throttle("login-ip", limit=20, window=15 * 60)
# Sign-up attempts (successful or not): 10 per address an hour, 3 per email address a day.
SIGNUP_PER_IP = Throttle("signup-ip", limit=10, window=60 * 60)
SIGNUP_PER_EMAIL = Throttle("signup-email", limit=3, window=24 * 60 * 60)
# Password reset emails: 3 an hour per address asked for, 10 an hour per client address.
RESET_PER_EMAIL = Throttle("reset-email", limit=3, window=60 * 60)
RESET_PER_IP = Throttle("reset-ip", limit=10, window=60 * 60)
# Re-sending the verification email: 3 an hour per account.
VERIFY_RESEND_PER_USER = Throttle("verify-resend", limit=3, window=60 * 60)
# Invitations: 20 an hour from one organisation, 3 an hour to one address from anyone.
INVITE_PER_EMPLOYER = 20
INVITE_PER_ADDRESS = 3
INVITE_WINDOW_SECONDS = 60 * 60
