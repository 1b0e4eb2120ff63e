"""Backup and restore of the whole installation in one archive: the database (PostgreSQL's `pg_dump`
custom format, or SQLite's online backup API, both consistent while the site keeps serving) and the media
folder (uploaded evidence, signed decisions, generated documents).

The archive is a gzipped tar with three members:

- `manifest.json`: format version, engine, creation time, the row count of every table;
- `database.pgdump` (PostgreSQL) or `database.sqlite3` (SQLite);
- `media/...`: the media folder as it was.

`restore` writes the database first (into the configured database or into another one named by URL),
then swaps the media folder in (extracted beside it, then renamed into place), and finally compares
every table's row count with the manifest: a restore that does not give back what was saved fails."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

FORMAT = "chungsuc-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PG_MEMBER = "database.pgdump"
SQLITE_MEMBER = "database.sqlite3"
MEDIA_MEMBER = "media"


class BackupError(Exception):
    """A backup or restore that cannot be done, with a Vietnamese message for the operator."""


@dataclass(frozen=True)
class Target:
    """Where a database lives: engine ("postgresql" or "sqlite") and its connection parameters."""

    engine: str
    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def from_settings(cls, db: dict) -> Target:
        engine = db["ENGINE"]
        if "postgresql" in engine:
            return cls(
                "postgresql",
                str(db["NAME"]),
                str(db.get("HOST") or ""),
                str(db.get("PORT") or ""),
                str(db.get("USER") or ""),
                str(db.get("PASSWORD") or ""),
            )
        if "sqlite" in engine:
            return cls("sqlite", str(db["NAME"]))
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu loại {engine}.")

    @classmethod
    def from_url(cls, url: str) -> Target:
        parsed = urlparse(url)
        if parsed.scheme in ("postgres", "postgresql", "pgsql"):
            return cls(
                "postgresql",
                unquote(parsed.path.lstrip("/")),
                parsed.hostname or "",
                str(parsed.port or ""),
                unquote(parsed.username or ""),
                unquote(parsed.password or ""),
            )
        if parsed.scheme == "sqlite":
            path = parsed.path
            if path.startswith("//"):  # sqlite:////abs/path
                path = path[1:]
            return cls("sqlite", unquote(path))
        raise BackupError(
            f"Địa chỉ cơ sở dữ liệu không hợp lệ: chỉ nhận postgres:// hoặc sqlite://, không nhận {parsed.scheme}://."
        )

    def pg_args(self) -> list[str]:
        args = []
        if self.host:
            args += ["-h", self.host]
        if self.port:
            args += ["-p", self.port]
        if self.user:
            args += ["-U", self.user]
        return args

    def pg_env(self) -> dict:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def _run(cmd: list[str], target: Target, what: str) -> None:
    try:
        done = subprocess.run(cmd, env=target.pg_env(), capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(
            f"Không tìm thấy chương trình {cmd[0]} (cài gói postgresql-client của Debian)."
        ) from exc
    if done.returncode != 0:
        raise BackupError(f"{what} không thành công: {done.stderr.strip()[:2000]}")


# --- counting what a database holds (on any target, without Django's connection to it) -----------


def _connect(target: Target):
    if target.engine == "sqlite":
        return sqlite3.connect(target.name)
    import psycopg

    return psycopg.connect(
        dbname=target.name,
        host=target.host or None,
        port=target.port or None,
        user=target.user or None,
        password=target.password or None,
        autocommit=True,
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_counts(target: Target) -> dict[str, int]:
    """Rows of every table of the database (the application's, Django's and the history tables)."""
    conn = _connect(target)
    try:
        cur = conn.cursor()
        if target.engine == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        else:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        names = sorted(row[0] for row in cur.fetchall())
        counts = {}
        for name in names:
            cur.execute(f"SELECT COUNT(*) FROM {_quote(name)}")
            counts[name] = int(cur.fetchone()[0])
        return counts
    finally:
        conn.close()


def query(target: Target, sql: str) -> list[tuple]:
    """Rows of one read-only query on a target (used to compare a restored database)."""
    conn = _connect(target)
    try:
        cur = conn.cursor()
        cur.execute(sql)
        return [tuple(r) for r in cur.fetchall()]
    finally:
        conn.close()


# --- backup ------------------------------------------------------------------------------------------


def _sqlite_copy(source: str, dest: str) -> None:
    """SQLite's online backup API: a consistent copy while other connections keep reading and writing."""
    if not Path(source).exists():
        raise BackupError(f"Không tìm thấy tệp cơ sở dữ liệu SQLite {source}.")
    src = sqlite3.connect(source)
    dst = sqlite3.connect(dest)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def backup(archive: Path, *, target: Target, media_root: Path) -> dict:
    """Write the archive (atomically: a temporary file renamed into place) and return its manifest."""
    archive = Path(archive)
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="chungsuc-backup-", dir=archive.parent) as tmp:
        tmp = Path(tmp)
        if target.engine == "postgresql":
            dump = tmp / PG_MEMBER
            _run(
                [
                    "pg_dump",
                    "-Fc",
                    "--no-owner",
                    "--no-privileges",
                    "-f",
                    str(dump),
                    *target.pg_args(),
                    target.name,
                ],
                target,
                "Sao lưu cơ sở dữ liệu (pg_dump)",
            )
            counts = table_counts(target)
        else:
            dump = tmp / SQLITE_MEMBER
            _sqlite_copy(target.name, str(dump))
            # Counted on the copy: exactly what the archive holds, even if the site kept writing.
            counts = table_counts(Target("sqlite", str(dump)))
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "engine": target.engine,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "tables": counts,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        partial = tmp / "archive.partial"
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(tmp / MANIFEST, arcname=MANIFEST)
            tar.add(dump, arcname=dump.name)
            media_root = Path(media_root)
            if media_root.is_dir():
                tar.add(media_root, arcname=MEDIA_MEMBER)
        os.replace(partial, archive)
    return manifest


# --- restore -----------------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:*") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.loads(member.read().decode("utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"Không tìm thấy tệp sao lưu {archive}.") from exc
    except (tarfile.TarError, KeyError, ValueError, OSError) as exc:
        raise BackupError(f"Tệp {archive} không phải là bản sao lưu của Chung Sức.") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Tệp {archive} không phải là bản sao lưu của Chung Sức.")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"Bản sao lưu có định dạng phiên bản {manifest.get('version')}, phiên bản này không đọc được."
        )
    return manifest


def _safe_members(tar: tarfile.TarFile, prefix: str) -> list[tarfile.TarInfo]:
    members = []
    for m in tar.getmembers():
        if m.name != prefix and not m.name.startswith(prefix + "/"):
            continue
        parts = Path(m.name).parts
        if Path(m.name).is_absolute() or ".." in parts or not (m.isfile() or m.isdir()):
            raise BackupError(f"Bản sao lưu chứa đường dẫn không hợp lệ: {m.name}.")
        members.append(m)
    return members


def restore(archive: Path, *, target: Target, media_root: Path) -> dict:
    """Restore the database into `target` (its current content is replaced) and the media folder into
    `media_root`, then check every table's row count against the manifest. Returns the manifest."""
    archive = Path(archive)
    manifest = read_manifest(archive)
    if manifest["engine"] != target.engine:
        raise BackupError(
            f"Bản sao lưu là của cơ sở dữ liệu {manifest['engine']}, "
            f"không khôi phục được vào {target.engine}."
        )
    media_root = Path(media_root)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="chungsuc-restore-", dir=media_root.parent) as tmp:
        tmp = Path(tmp)
        with tarfile.open(archive, "r:*") as tar:
            member = PG_MEMBER if target.engine == "postgresql" else SQLITE_MEMBER
            try:
                tar.extract(member, path=tmp, filter="data")
            except KeyError as exc:
                raise BackupError(f"Bản sao lưu thiếu phần cơ sở dữ liệu ({member}).") from exc
            media_members = _safe_members(tar, MEDIA_MEMBER)
            tar.extractall(path=tmp, members=media_members, filter="data")
        if target.engine == "postgresql":
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    "-d",
                    target.name,
                    *target.pg_args(),
                    str(tmp / PG_MEMBER),
                ],
                target,
                "Khôi phục cơ sở dữ liệu (pg_restore)",
            )
        else:
            Path(target.name).parent.mkdir(parents=True, exist_ok=True)
            _sqlite_copy(str(tmp / SQLITE_MEMBER), target.name)
        # The media folder: the extracted copy replaces the current one by two renames.
        new_media = tmp / MEDIA_MEMBER
        new_media.mkdir(exist_ok=True)
        old_media = tmp / "media.old"
        if media_root.exists():
            os.replace(media_root, old_media)
        os.replace(new_media, media_root)
        if old_media.exists():
            shutil.rmtree(old_media, ignore_errors=True)
    counts = table_counts(target)
    expected = manifest["tables"]
    differ = sorted(name for name in set(expected) | set(counts) if expected.get(name) != counts.get(name))
    if differ:
        detail = ", ".join(f"{n} ({expected.get(n)} → {counts.get(n)})" for n in differ[:10])
        raise BackupError(f"Khôi phục xong nhưng số dòng khác bản sao lưu ở các bảng: {detail}.")
    return manifest
