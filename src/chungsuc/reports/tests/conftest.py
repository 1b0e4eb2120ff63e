"""Fixtures of the reports tests: the DEMO assessment of Xã Vĩnh Chánh (2024, QĐ 318) and helpers
that read generated files back."""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import pytest


@pytest.fixture
def users(demo):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return {u.username: u for u in User.objects.filter(username__startswith="demo.")}


@pytest.fixture
def demo_assessment(users):
    from chungsuc.assessments import demo as assessment_demo
    from chungsuc.assessments.models import Assessment

    assessment_demo.load()
    return Assessment.objects.select_related("unit", "framework").get(
        unit__code="30703", year=2024, is_demo=True
    )


def docx_text(data: bytes) -> str:
    """Every paragraph of a Word file, tables included, one per line."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]

    def walk(tables):
        for t in tables:
            for row in t.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    lines.extend(p.text for p in cell.paragraphs)
                    walk(cell.tables)

    walk(doc.tables)
    return "\n".join(lines)


def pdf_text(data: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(data)
        return subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout


def pdf_first_page_ink(data: bytes) -> float:
    """Share of non-white pixels of the PDF's first page rendered by pdftoppm (greyscale, 40 dpi)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-gray", "-r", "40", "-f", "1", "-l", "1", str(path), str(Path(tmp) / "p")],
            check=True,
            capture_output=True,
        )
        page = next(Path(tmp).glob("p*.pgm"))
        raw = page.read_bytes()
        # binary PGM: "P5\n<w> <h>\n<max>\n" then one byte per pixel
        parts = raw.split(b"\n", 3)
        width, height = (int(x) for x in parts[1].split())
        pixels = parts[3][: width * height]
        assert len(pixels) == width * height
        dark = sum(1 for b in pixels if b < 200)
        return dark / (width * height)
