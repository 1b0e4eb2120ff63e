"""One staging store for dry-run imports (criteria workbooks, assessment workbooks, the register).

An import is two requests: the upload, answered by a dry run (every problem and every change,
nothing written), then the official's confirmation, which writes what the dry run checked. Between
the two, what the dry run produced waits here, keyed by a random token and bound to the user who
uploaded it and to the kind of import:

    token = stage_put(user=request.user, kind="assessments.values", payload={...}, data=b"...")
    staged = stage_get(token, user=request.user, kind="assessments.values")  # .payload, .data
    stage_discard(token)

`payload` is JSON; `data` optional bytes (the uploaded file itself, for importers that re-read it).
Entries live as files under `VAR_DIR/staging/` (no table, so no migration and nothing to clean in
the database), are removed after use by `stage_discard`, and expire after
`settings.CHUNGSUC_STAGING_MAX_AGE` seconds (6 hours by default): `stage_get` refuses an expired one,
and every `stage_put` sweeps the expired ones away (`stage_purge` does it on demand, e.g. from cron).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

DEFAULT_MAX_AGE = 6 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class Staged:
    token: str
    kind: str
    user_id: int | None
    created: float
    payload: dict
    data: bytes | None


def _folder() -> Path:
    path = Path(settings.VAR_DIR) / "staging"
    path.mkdir(parents=True, exist_ok=True)
    return path


def max_age() -> int:
    return int(getattr(settings, "CHUNGSUC_STAGING_MAX_AGE", DEFAULT_MAX_AGE))


def _user_id(user) -> int | None:
    return user.pk if getattr(user, "is_authenticated", False) else None


def stage_put(*, user, kind: str, payload: dict, data: bytes | None = None) -> str:
    """Keep `payload` (and `data`) for `user` until confirmed, discarded or expired; returns the token."""
    stage_purge()
    token = uuid.uuid4().hex
    folder = _folder()
    if data is not None:
        (folder / f"{token}.bin").write_bytes(data)
    head = {"kind": kind, "user": _user_id(user), "created": time.time(), "has_data": data is not None}
    tmp = folder / f"{token}.tmp"
    tmp.write_text(json.dumps({**head, "payload": payload}, ensure_ascii=False), encoding="utf-8")
    tmp.replace(folder / f"{token}.json")
    return token


def stage_get(token: str, *, user, kind: str) -> Staged:
    """The staged import, or ValidationError (unknown, used or expired) / PermissionDenied (another
    user's). The same words for "never existed" and "already used": the user just uploads again."""
    gone = ValidationError(
        _("Lần kiểm tra thử này không còn (đã ghi, đã hủy hoặc đã hết hạn); hãy tải tệp lên lại."),
        code="staging_gone",
    )
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise gone
    path = _folder() / f"{token}.json"
    try:
        head = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        raise gone from None
    if head.get("kind") != kind:
        raise gone
    if time.time() - float(head.get("created", 0)) > max_age():
        stage_discard(token)
        raise gone
    if head.get("user") != _user_id(user):
        raise PermissionDenied(_("Lần nhập này của người khác."))
    data = None
    if head.get("has_data"):
        try:
            data = (_folder() / f"{token}.bin").read_bytes()
        except FileNotFoundError:
            raise gone from None
    return Staged(token, kind, head.get("user"), float(head["created"]), head.get("payload") or {}, data)


def stage_discard(token: str) -> None:
    if not isinstance(token, str) or not _TOKEN.match(token):
        return
    folder = _folder()
    for suffix in (".json", ".bin", ".tmp"):
        (folder / f"{token}{suffix}").unlink(missing_ok=True)


def stage_purge(*, older_than: int | None = None) -> int:
    """Remove staged imports older than `older_than` seconds (default: the time limit); returns how many."""
    limit = max_age() if older_than is None else older_than
    now = time.time()
    removed = 0
    for path in _folder().iterdir():
        try:
            if now - path.stat().st_mtime > limit:
                path.unlink(missing_ok=True)
                removed += path.suffix == ".json"
        except FileNotFoundError:
            continue
    return removed
