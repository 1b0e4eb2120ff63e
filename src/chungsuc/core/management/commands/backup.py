"""`chungsuc backup PATH`: the database and the media folder in one archive (see core/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from chungsuc.core import backup


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu (pg_dump hoặc sao lưu trực tuyến SQLite) và thư mục tệp tải lên vào một tệp."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Tệp sao lưu sẽ ghi, ví dụ /srv/backup/chungsuc-2026-12-01.tar.gz")
        parser.add_argument(
            "--database", default="default", help="Bí danh cơ sở dữ liệu (mặc định: default)."
        )

    def handle(self, *args, path, database="default", **options):
        connection = connections[database]
        if connection.vendor == "sqlite":
            # Whatever this process wrote is committed; SQLite's backup copies what is committed.
            connection.close()
        target = backup.Target.from_settings(connection.settings_dict)
        try:
            manifest = backup.backup(Path(path), target=target, media_root=Path(settings.MEDIA_ROOT))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Đã sao lưu vào {path}: {len(manifest['tables'])} bảng, {rows} dòng, cùng thư mục tệp tải lên."
        )
