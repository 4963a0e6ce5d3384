"""What other apps hold about a seeker, for the data download and the account's deletion.

``seekers`` imports no app that builds on it (applications, say), so such an app registers
here from its ``AppConfig.ready``:

- ``register_export(name, reader)``: ``reader(user=...)`` returns ``{"data": ..., "files":
  [(name_in_download, storage_name)], "storage": storage}``; ``data`` appears in the download
  under ``name`` and the files beside it (the download becomes a zip when there are any).
- ``register_eraser(eraser)``: ``eraser(seeker=...)`` deletes what the app holds about the
  seeker inside the deletion's transaction (files after it commits) and returns counts.
"""

from __future__ import annotations

from collections.abc import Callable

_exporters: dict[str, Callable] = {}
_erasers: dict[str, Callable] = {}


def register_export(name: str, reader: Callable) -> None:
    _exporters[name] = reader


def register_eraser(name: str, eraser: Callable) -> None:
    _erasers[name] = eraser


def exporters() -> dict[str, Callable]:
    return dict(_exporters)


def erasers() -> dict[str, Callable]:
    return dict(_erasers)
