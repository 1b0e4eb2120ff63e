"""Where generated documents are written: the media storage, but a file appears under its final name
only once it is complete. The bytes go to a temporary file in `reports/.partial/` (named after the
document, so a re-run can sweep what a killed run left), are flushed to disk, then renamed into place
(`os.replace`, atomic on one file system). A job killed half-way leaves no partial document behind a
name the database could point at, and running it again finishes the job."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.core.files.storage import FileSystemStorage, default_storage

PARTIAL_DIR = "reports/.partial"


def _write(handle, content) -> None:
    """Copy the content into the open temporary file (a seam for the interruption test)."""
    for chunk in content.chunks():
        handle.write(chunk)


class AtomicFileSystemStorage(FileSystemStorage):
    """FileSystemStorage whose saves are all-or-nothing (see the module's docstring)."""

    def __init__(self, *args, partial_prefix: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.partial_prefix = partial_prefix

    def _save(self, name, content):
        final = Path(self.path(name))
        final.parent.mkdir(parents=True, exist_ok=True)
        partial_dir = Path(self.path(PARTIAL_DIR))
        partial_dir.mkdir(parents=True, exist_ok=True)
        tmp = partial_dir / f"{self.partial_prefix}{uuid.uuid4().hex}.partial"
        try:
            with open(tmp, "wb") as handle:
                _write(handle, content)
                handle.flush()
                os.fsync(handle.fileno())
            if final.exists():  # never overwrite: take the next free name, as FileSystemStorage does
                name = self.get_available_name(name)
                final = Path(self.path(name))
            os.replace(tmp, final)
        except BaseException:
            # An exception (not a kill) cleans up at once; a kill leaves the temporary file to sweep().
            tmp.unlink(missing_ok=True)
            raise
        if self.file_permissions_mode is not None:
            os.chmod(final, self.file_permissions_mode)
        return str(name).replace("\\", "/")


def storage_for(document_id: int) -> FileSystemStorage:
    """The atomic storage over the default storage's folder for one document's file."""
    location = getattr(default_storage, "location", None)
    return AtomicFileSystemStorage(location=location, partial_prefix=f"{document_id}-")


def sweep(document_id: int) -> int:
    """Remove what an earlier, killed run of this document's job left in the temporary folder."""
    location = getattr(default_storage, "location", None)
    if not location:
        return 0
    folder = Path(location) / PARTIAL_DIR
    removed = 0
    for leftover in folder.glob(f"{document_id}-*.partial"):
        leftover.unlink(missing_ok=True)
        removed += 1
    return removed
