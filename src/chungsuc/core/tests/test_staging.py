"""The one staging store of dry-run imports: bound to its user and kind, gone after use, expired after
the time limit (and swept away)."""

import os
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from chungsuc.core import staging


@pytest.fixture
def people(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    User = get_user_model()
    return User.objects.create_user("a"), User.objects.create_user("b")


def test_put_get_discard(people):
    a, b = people
    token = staging.stage_put(user=a, kind="x.import", payload={"rows": [1, 2]}, data=b"\x00file")
    got = staging.stage_get(token, user=a, kind="x.import")
    assert (got.payload, got.data, got.user_id) == ({"rows": [1, 2]}, b"\x00file", a.pk)
    with pytest.raises(PermissionDenied):
        staging.stage_get(token, user=b, kind="x.import")
    with pytest.raises(ValidationError, match="không còn"):
        staging.stage_get(token, user=a, kind="other.import")
    staging.stage_discard(token)
    with pytest.raises(ValidationError, match="không còn"):
        staging.stage_get(token, user=a, kind="x.import")
    assert list((staging._folder()).iterdir()) == []
    for bad in ("", "../../etc/passwd", "ZZ" * 16, None):
        with pytest.raises(ValidationError):
            staging.stage_get(bad, user=a, kind="x.import")


def test_expired_entries_are_refused_and_swept(people, settings):
    a, _b = people
    old = staging.stage_put(user=a, kind="x.import", payload={}, data=b"1")
    settings.CHUNGSUC_STAGING_MAX_AGE = 60
    past = time.time() - 3600
    for path in staging._folder().glob(f"{old}.*"):
        os.utime(path, (past, past))
    head = (staging._folder() / f"{old}.json").read_text()
    (staging._folder() / f"{old}.json").write_text(head.replace('"created": ', '"created": 1, "_was": '))
    os.utime(staging._folder() / f"{old}.json", (past, past))
    with pytest.raises(ValidationError, match="hết hạn"):
        staging.stage_get(old, user=a, kind="x.import")
    kept = staging.stage_put(user=a, kind="x.import", payload={}, data=b"2")  # sweeps expired ones
    names = sorted(p.name for p in staging._folder().iterdir())
    assert names == sorted([f"{kept}.bin", f"{kept}.json"])
    assert staging.stage_purge(older_than=-1) == 1
    assert list(staging._folder().iterdir()) == []
