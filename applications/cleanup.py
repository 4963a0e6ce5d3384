"""A deleted application or profile takes its CV with it, once the deletion commits.

Connected in ``ApplicationsConfig.ready``. Every way a row goes (retention, the seeker's
account deletion, a discarded draft, the admin, a cascade from a vacancy or an account)
sends ``post_delete``, so no file outlives its row; a rolled-back deletion keeps both.
"""

from __future__ import annotations

from django.db import transaction

from applications.storage import private_storage


def delete_file_after_commit(name: str) -> None:
    if not name:
        return
    transaction.on_commit(lambda: private_storage().delete(name))


def on_row_deleted(sender, instance, **kwargs) -> None:
    delete_file_after_commit(instance.cv.name if instance.cv else "")


def connect() -> None:
    from django.db.models.signals import post_delete

    from applications.models import Application, CandidateProfile

    for model in (Application, CandidateProfile):
        post_delete.connect(on_row_deleted, sender=model, dispatch_uid=f"cv-file:{model.__name__}")
