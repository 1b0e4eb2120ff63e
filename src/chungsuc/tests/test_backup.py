"""`chungsuc backup` and `chungsuc restore`: back up, restore into a fresh database and find the same row
counts, the same evaluation hashes and the same media files (on SQLite and, with DATABASE_URL, PostgreSQL)."""

from __future__ import annotations

import io
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from chungsuc.core import backup

HASHES = "SELECT id, assessment_id, values_hash, standard_met FROM assessments_evaluationresult ORDER BY id"


@pytest.fixture
def fresh_target(tmp_path):
    """An empty database of the same engine as the test database, dropped afterwards."""
    source = backup.Target.from_settings(connection.settings_dict)
    if source.engine == "sqlite":
        path = tmp_path / "fresh.sqlite3"
        yield source, backup.Target("sqlite", str(path)), f"sqlite:///{path}"
        return
    import psycopg

    name = f"{source.name}_restore"[:63]
    admin = backup.Target("postgresql", "postgres", source.host, source.port, source.user, source.password)
    with psycopg.connect(
        dbname=admin.name,
        host=admin.host or None,
        port=admin.port or None,
        user=admin.user or None,
        password=admin.password or None,
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    fresh = backup.Target("postgresql", name, source.host, source.port, source.user, source.password)
    auth = (
        f"{source.user}:{source.password}@" if source.password else (f"{source.user}@" if source.user else "")
    )
    hostport = f"{source.host or '127.0.0.1'}:{source.port or 5432}"
    try:
        yield source, fresh, f"postgres://{auth}{hostport}/{name}"
    finally:
        connection.close()
        with psycopg.connect(
            dbname=admin.name,
            host=admin.host or None,
            port=admin.port or None,
            user=admin.user or None,
            password=admin.password or None,
            autocommit=True,
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _dossiers_with_results():
    from chungsuc.assessments import demo as assessments_demo
    from chungsuc.criteria import demo as criteria_demo
    from chungsuc.geo import demo as geo_demo

    geo_demo.load()
    criteria_demo.load()
    assessments_demo.load()


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_fresh_database_gives_the_same_rows_hashes_and_files(
    transactional_demo, fresh_target, tmp_path, settings
):
    source, fresh, fresh_url = fresh_target
    media = tmp_path / "media"
    (media / "evidence" / "2026").mkdir(parents=True)
    (media / "evidence" / "2026" / "bien-ban.pdf").write_bytes(b"%PDF-1.4 bien ban DEMO\n%%EOF\n")
    settings.MEDIA_ROOT = str(media)
    _dossiers_with_results()
    before_hashes = backup.query(source, HASHES)
    assert len(before_hashes) >= 2  # the two DEMO dossiers were evaluated

    archive = tmp_path / "out" / "chungsuc.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "Đã sao lưu" in out.getvalue()
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "media/evidence/2026/bien-ban.pdf"} <= names
    assert ("database.sqlite3" if source.engine == "sqlite" else "database.pgdump") in names

    restored_media = tmp_path / "restored-media"
    (restored_media / "stale.txt").parent.mkdir(parents=True)
    (restored_media / "stale.txt").write_text("left from before")
    out = io.StringIO()
    call_command(
        "restore",
        str(archive),
        database_url=fresh_url,
        media_root=str(restored_media),
        interactive=False,
        stdout=out,
    )
    assert "khớp bản sao lưu" in out.getvalue()

    source_counts = backup.table_counts(source)
    assert source_counts["assessments_assessmentvalue"] > 0 and source_counts["core_auditentry"] > 0
    assert backup.table_counts(fresh) == source_counts
    assert backup.query(fresh, HASHES) == before_hashes
    assert (
        (restored_media / "evidence" / "2026" / "bien-ban.pdf").read_bytes().startswith(b"%PDF-1.4 bien ban")
    )
    assert not (restored_media / "stale.txt").exists()  # the media folder is the archive's, not a mix


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "not-a-backup.tar.gz"
    bogus.write_bytes(b"PK\x03\x04 this is a zip, not our archive")
    with pytest.raises(CommandError, match="không phải là bản sao lưu của Chung Sức"):
        call_command("restore", str(bogus), interactive=False)
    with pytest.raises(CommandError, match="Không tìm thấy tệp sao lưu"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), interactive=False)


def test_restore_refuses_another_engines_backup_and_unsafe_paths(tmp_path):
    import json

    def archive(name, manifest, extra=()):
        path = tmp_path / name
        with tarfile.open(path, "w:gz") as tar:
            data = json.dumps(manifest).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            for member in extra:
                info = tarfile.TarInfo(member)
                info.size = 1
                tar.addfile(info, io.BytesIO(b"x"))
        return path

    pg = archive(
        "pg.tar.gz", {"format": "chungsuc-backup", "version": 1, "engine": "postgresql", "tables": {}}
    )
    with pytest.raises(backup.BackupError, match="không khôi phục được vào sqlite"):
        backup.restore(
            pg, target=backup.Target("sqlite", str(tmp_path / "x.sqlite3")), media_root=tmp_path / "m"
        )
    evil = archive(
        "evil.tar.gz",
        {"format": "chungsuc-backup", "version": 1, "engine": "sqlite", "tables": {}},
        extra=["database.sqlite3", "media/../../escape.txt"],
    )
    with pytest.raises(backup.BackupError, match="đường dẫn không hợp lệ"):
        backup.restore(
            evil, target=backup.Target("sqlite", str(tmp_path / "y.sqlite3")), media_root=tmp_path / "m"
        )
    assert not (tmp_path / "escape.txt").exists()
    assert not (tmp_path / "y.sqlite3").exists()  # refused before anything was written
