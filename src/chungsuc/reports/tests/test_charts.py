"""Charts in the official documents: the PNG (for Word) and the SVG (for the PDF) drawn from one
figure, read back: the PNG decoded pixel by pixel, the SVG's bars and labels counted."""

from __future__ import annotations

import re
import struct
import zlib

from chungsuc.reports import charts


def _figure():
    return charts.Figure(
        caption="Biểu đồ 1. Chỉ tiêu 2.1 – Xã đạt chuẩn nông thôn mới: kế hoạch và thực hiện theo năm",
        categories=["2021", "2022", "2023", "2024", "2025"],
        series=[
            charts.Series("Kế hoạch", [8, 6, 8, 5, 6]),
            charts.Series("Thực hiện", [7, 9, 3, 5, None]),
        ],
        unit="xã",
    )


def _decode(data: bytes):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body)
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 2)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 3 + 1
    rows = [raw[r * stride + 1 : (r + 1) * stride] for r in range(len(raw) // stride)]
    return width, rows


def test_png_draws_each_bar_in_its_series_colour_with_heights_in_proportion():
    fig = _figure()
    width, rows = _decode(charts.png(fig, width=1200, height=480))
    assert width == 1200 and len(rows) == 480
    (left, top, plot_w, plot_h, group_w), bars = charts._layout(fig, 1200, 480)
    assert len(bars) == 9  # 2025 has no achievement yet: no bar
    assert fig.top == 10
    for x, y, w, h, i, value in bars:
        cx, mid = int(x + w / 2), int(y + h / 2)
        assert tuple(rows[mid][cx * 3 : cx * 3 + 3]) == charts.COLOURS[i]
        assert abs(h - plot_h * value / 10) < 1
    # the bar of 9 is three times as tall as the bar of 3
    heights = {(b[4], b[5]): b[3] for b in bars}
    assert abs(heights[(1, 9)] - 3 * heights[(1, 3)]) < 1
    # white around, and some ink (the axis, the digits)
    assert set(rows[0]) == {0xFF}
    assert fig.legend() == "Kế hoạch (màu xám), Thực hiện (màu xanh dương)"


def test_svg_has_the_bars_the_values_the_years_and_the_legend_as_text():
    text = charts.svg(_figure())
    assert text.startswith("<svg") and text.endswith("</svg>")
    fills = re.findall(r'<rect [^>]*fill="rgb\((\d+),(\d+),(\d+)\)"', text)
    assert len(fills) == 9 + 2  # nine bars, two legend keys
    for year in ("2021", "2025"):
        assert f">{year}</text>" in text
    assert ">Kế hoạch (xã)</text>" in text and ">Thực hiện (xã)</text>" in text
    assert ">9</text>" in text
