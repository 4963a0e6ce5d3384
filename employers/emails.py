"""Who the board's emails about an employer go to."""

from __future__ import annotations


def employer_recipients(employer) -> list[str]:
    """Everyone who acts for ``employer`` (owners and recruiters), by email address."""
    return sorted(
        employer.memberships.filter(user__is_active=True).values_list("user__email", flat=True)
    )
