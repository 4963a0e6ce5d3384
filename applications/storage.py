"""Where candidates' files live: never under a public URL.

The ``applications`` storage alias (``STORAGES`` in settings) is, by default, a folder
outside ``MEDIA_ROOT`` whose files have no URL at all; with object storage configured it is
a private bucket (private ACL, signed URLs). Files are only ever served by the views that
check who is asking.
"""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder whose files are never given a URL: they are read and streamed by a view."""

    def url(self, name):
        raise ValueError("Candidates' files have no public URL; serve them through a view.")


def private_storage():
    """The storage of CVs; a callable so settings can swap it without a migration."""
    return storages["applications"]
