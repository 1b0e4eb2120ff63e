"""`chungsuc evaluate --framework CODE --year YYYY [--region R] [--group G] [--kind K] VALUES.json`

VALUES.json maps indicator codes to values (true/false for pass/fail, numbers otherwise). Prints the
same JSON as `POST /api/v1/evaluate/` (both call `selectors.evaluation_for`)."""

import json

from django.core.management.base import BaseCommand, CommandError

from chungsuc.criteria.engine import EvaluationError
from chungsuc.criteria.selectors import evaluation_for


class Command(BaseCommand):
    help = "Đánh giá một đơn vị theo bộ tiêu chí; in kết quả JSON."

    def add_arguments(self, parser):
        parser.add_argument("values", help="Tệp JSON: mã chỉ tiêu → giá trị (- để đọc từ stdin)")
        parser.add_argument("--framework", required=True, help="Mã bộ tiêu chí, ví dụ xa-ntm-2021")
        parser.add_argument("--year", required=True, type=int, help="Năm đánh giá")
        parser.add_argument("--region", default=None, help="Vùng, ví dụ dong_bang_song_cuu_long")
        parser.add_argument("--group", default=None, type=int, help="Nhóm xã 1, 2 hoặc 3 (2026–2030)")
        parser.add_argument("--kind", default=None, help="Loại đơn vị, ví dụ xa, huyen")
        parser.add_argument(
            "--framework-version", dest="fw_version", default=None, type=int, help="Phiên bản bộ tiêu chí"
        )

    def handle(self, *args, **options):
        path = options["values"]
        try:
            if path == "-":
                import sys

                values = json.load(sys.stdin)
            else:
                with open(path, encoding="utf-8") as fh:
                    values = json.load(fh)
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp giá trị «{path}»: {exc.strerror}.")
        except json.JSONDecodeError as exc:
            raise CommandError(f"Tệp «{path}» không phải JSON hợp lệ (dòng {exc.lineno}, cột {exc.colno}).")
        try:
            result = evaluation_for(
                framework=options["framework"],
                year=options["year"],
                values=values,
                region=options["region"],
                group=options["group"],
                kind=options["kind"],
                version=options["fw_version"],
            )
        except EvaluationError as exc:
            raise CommandError(str(exc))
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
