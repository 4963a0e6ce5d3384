"""The applications' part of a seeker's data download and of deleting their account.

Registered with ``seekers.hooks`` from ``ApplicationsConfig.ready``: seekers never imports
applications, yet its download includes the applications and CVs, and deleting the account
deletes them (the files once the deletion commits).
"""

from __future__ import annotations

from applications import candidate_selectors as selectors
from applications import candidate_services as services
from applications.storage import private_storage
from seekers import hooks


def export_applications(*, user) -> dict:
    rows, files = selectors.seeker_application_data(user=user)
    return {"data": rows, "files": files, "storage": private_storage()}


def export_profile(*, user) -> dict:
    data, files = selectors.seeker_profile_data(user=user)
    return {"data": data, "files": files, "storage": private_storage()}


def erase(*, seeker) -> dict[str, int]:
    return services.seeker_applications_erase(seeker=seeker)


def register() -> None:
    hooks.register_export("applications", export_applications)
    hooks.register_export("saved_application_details", export_profile)
    hooks.register_eraser("applications", erase)
