"""`chungsuc restore PATH`: put back a `chungsuc backup` archive (the database's content is replaced)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from chungsuc.core import backup


class Command(BaseCommand):
    help = (
        "Khôi phục cơ sở dữ liệu và thư mục tệp tải lên từ một tệp của lệnh backup "
        "(dữ liệu hiện có bị thay thế)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Tệp sao lưu do lệnh backup ghi.")
        parser.add_argument(
            "--database", default="default", help="Bí danh cơ sở dữ liệu (mặc định: default)."
        )
        parser.add_argument(
            "--database-url",
            default="",
            help="Khôi phục vào một cơ sở dữ liệu khác (postgres://… hoặc sqlite:////…), "
            "ví dụ để kiểm tra bản sao lưu.",
        )
        parser.add_argument(
            "--media-root", default="", help="Thư mục tệp tải lên để khôi phục vào (mặc định: MEDIA_ROOT)."
        )
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(
        self, *args, path, database="default", database_url="", media_root="", interactive=True, **options
    ):
        if database_url:
            target = backup.Target.from_url(database_url)
        else:
            target = backup.Target.from_settings(connections[database].settings_dict)
        media = Path(media_root or settings.MEDIA_ROOT)
        try:
            manifest = backup.read_manifest(Path(path))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if interactive:
            answer = input(
                f"Bản sao lưu lúc {manifest['created']}. Dữ liệu hiện có của {target.name} và {media} sẽ bị "
                "thay thế. Gõ 'yes' để tiếp tục: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Đã hủy khôi phục.")
        # No connection of this process may hold the database while it is replaced.
        connections.close_all()
        try:
            manifest = backup.restore(Path(path), target=target, media_root=media)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Đã khôi phục từ {path}: {len(manifest['tables'])} bảng, {rows} dòng (khớp bản sao lưu), "
            "cùng thư mục tệp tải lên."
        )
