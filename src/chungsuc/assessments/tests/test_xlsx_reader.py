"""The workbook reader: python-calamine for the values plus a scan of the sheet's XML for what calamine
does not say (formulas, Excel errors, percent and date formats, hidden rows, merged cells) must give
exactly what the element-by-element lxml reader gives, on workbooks written by openpyxl (as Excel
writes them), by the product's own writer and by LibreOffice."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chungsuc.assessments import xlsx_fast as xf
from chungsuc.assessments.values import DateCell, ErrorCell, PercentCell


def norm(v):
    if v is None or v == "":  # an empty text cell and an empty cell mean the same to every caller
        return None
    if isinstance(v, DateCell):
        return ("date", float(v.serial))
    if isinstance(v, PercentCell):
        return ("pct", float(v))
    if isinstance(v, ErrorCell):
        return ("err", str(v))
    if isinstance(v, xf.Formula):
        return ("f", v.text)
    if isinstance(v, bool):
        return ("b", v)
    if isinstance(v, int | float):
        return ("n", float(v))
    return ("s", v)


def read(reader, data, sheet="S"):
    info = xf.SheetInfo(hidden_rows=set(), merged=[])
    rows = {}
    for r, cells in reader(data, sheet, info):
        values = [norm(c) for c in cells]
        while values and values[-1] is None:
            values.pop()
        if values:
            rows[r] = values
    return rows, info.hidden_rows, sorted(info.merged)


def both(data, sheet="S"):
    fast, slow = read(xf.iter_rows, data, sheet), read(xf.iter_rows_lxml, data, sheet)
    assert fast == slow
    return fast


def sample_workbook() -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"], ws["B1"], ws["C1"] = "Mã ĐV", "3.1", "10.2"
    ws["A2"], ws["B2"], ws["C2"] = 30703, 0.85, 12
    ws["B2"].number_format = "0%"
    ws["A3"], ws["B3"], ws["C3"] = "'30715", "=40+45", dt.date(2024, 5, 1)
    ws["A4"], ws["B4"], ws["C4"] = "30691\u00a0", "#DIV/0!", True
    ws["B5"] = 45413
    ws["B5"].number_format = "dd/mm/yyyy"
    ws["C5"] = "a & b <c> «Đạt»"
    ws["D6"] = 79.99999999999999
    ws["E6"] = 0.5
    ws["E6"].number_format = '0.0" điểm"%'
    ws.row_dimensions[5].hidden = True
    ws.merge_cells("F1:G1")
    return wb


def _bytes(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_both_readers_agree_on_every_kind_of_cell():
    rows, hidden, merged = both(_bytes(sample_workbook()))
    assert rows[2] == [("n", 30703.0), ("pct", 0.85), ("n", 12.0)]
    assert rows[3][1] == ("f", "40+45") and rows[3][2][0] == "date"
    assert rows[4][1] == ("err", "#DIV/0!") and rows[4][2] == ("b", True)
    assert rows[5][1] == ("date", 45413.0) and rows[5][2] == ("s", "a & b <c> «Đạt»")
    assert rows[6][3] == ("n", 79.99999999999999) and rows[6][4] == ("pct", 0.5)
    assert hidden == {5} and merged == ["F1:G1"]


def test_both_readers_agree_on_the_products_own_writer():
    sheet = xf.Sheet(
        "S",
        [[("Mã ĐV", xf.S_HEADER), ("a & b", xf.S_LOCKED)], [("30703", xf.S_LOCKED), 85.5, None, 7, True]],
    )
    rows, _h, _m = both(xf.write([sheet]))
    assert rows == {
        1: [("s", "Mã ĐV"), ("s", "a & b")],
        2: [("s", "30703"), ("n", 85.5), None, ("n", 7.0), ("b", True)],
    }


def _calc_installed() -> bool:
    import glob

    return bool(shutil.which("soffice")) and bool(glob.glob("/usr/lib/libreoffice/program/libsclo.so"))


@pytest.mark.skipif(not _calc_installed(), reason="LibreOffice Calc (libreoffice-calc) is not installed here")
def test_both_readers_agree_on_a_workbook_saved_by_libreoffice(tmp_path):
    src = tmp_path / "in.xlsx"
    src.write_bytes(_bytes(sample_workbook()))
    out = tmp_path / "out"
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    rows, hidden, merged = both((out / "in.xlsx").read_bytes())
    assert rows[2][1] == ("pct", 0.85) and rows[3][1][0] == "f" and rows[4][1][0] == "err"
    assert hidden == {5} and merged == ["F1:G1"]


CELL = st.one_of(
    st.none(),
    st.text(alphabet="abcĐạt 0123456789,.%&<>\"'", max_size=8),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.tuples(
        st.floats(min_value=0, max_value=2, allow_nan=False),
        st.sampled_from(["0%", "0.00%", "d/m/yyyy", "0.0"]),
    ),
    st.sampled_from(["=1+2", "=SUM(A1:A2)", "#N/A", "#DIV/0!"]),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 1, 1)),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=st.lists(st.lists(CELL, max_size=6), max_size=6), hidden=st.sets(st.integers(1, 6), max_size=2))
def test_both_readers_agree_on_random_workbooks(grid, hidden):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for r, row in enumerate(grid, start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c)
            if isinstance(value, tuple):
                cell.value, cell.number_format = value
            elif isinstance(value, str) and value.startswith("=") is False and value.startswith("#"):
                cell.value = value  # openpyxl writes these as error cells
            else:
                cell.value = value
    for r in hidden:
        ws.row_dimensions[r].hidden = True
    both(_bytes(wb))
