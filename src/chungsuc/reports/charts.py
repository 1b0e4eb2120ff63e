"""Charts inside the official documents (the mid-term and final reviews): grouped bars of the plan's
yearly targets beside what was achieved. A pure module (no Django), drawing the same `Figure` two ways:

- `svg(figure)` for the PDF: WeasyPrint draws SVG natively, with the document's font, so the labels
  keep their Vietnamese diacritics and stay text;
- `png(figure)` for the Word file: python-docx takes only raster images, and nothing on the pinned
  stack rasterises (matplotlib is not a dependency; WeasyPrint dropped `write_png` in version 53), so
  the bars are painted on a pixel buffer and written as a PNG with zlib. Its only text is digits (a
  5 × 7 bitmap font: the years and the bars' values); the legend and the title are the document's own
  text beside the picture, where Word can edit them.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from html import escape

# colours of the series, in order (the first is the plan, drawn lighter)
COLOURS = [(0x9E, 0xAD, 0xBD), (0x20, 0x6B, 0xC4), (0x2F, 0xB3, 0x44), (0xF7, 0x67, 0x07)]
COLOUR_NAMES = ["màu xám", "màu xanh dương", "màu xanh lá", "màu cam"]


@dataclass
class Series:
    label: str
    values: list[int | None]


@dataclass
class Figure:
    """A bar chart: one group of bars per category (year), one bar per series."""

    caption: str  # "Biểu đồ 1. Chỉ tiêu 2.1: …"
    categories: list[str]
    series: list[Series] = field(default_factory=list)
    unit: str = ""  # "xã"

    @property
    def top(self) -> int:
        """The value axis' maximum: a round number above every value."""
        peak = max([v or 0 for s in self.series for v in s.values] + [1])
        step = _step(peak)
        return ((peak + step - 1) // step) * step

    def legend(self) -> str:
        """ "Kế hoạch (màu xám), Thực hiện (màu xanh dương)" — said in words under the PNG."""
        return ", ".join(
            f"{s.label} ({COLOUR_NAMES[i % len(COLOUR_NAMES)]})" for i, s in enumerate(self.series)
        )


def _step(peak: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if peak / step <= 6:
            return step
    return 10 ** len(str(peak))


def _layout(fig: Figure, width: float, height: float):
    """Plot area and bar rectangles (x, y, w, h, series index, value) in the given units."""
    left, right, top, bottom = width * 0.07, width * 0.02, height * 0.08, height * 0.14
    plot_w, plot_h = width - left - right, height - top - bottom
    groups = max(1, len(fig.categories))
    n = max(1, len(fig.series))
    group_w = plot_w / groups
    bar_w = group_w * 0.7 / n
    bars = []
    for g in range(groups):
        for i, s in enumerate(fig.series):
            value = s.values[g] if g < len(s.values) else None
            if value is None:
                continue
            h = plot_h * value / fig.top
            x = left + g * group_w + group_w * 0.15 + i * bar_w
            bars.append((x, top + plot_h - h, bar_w, h, i, value))
    return (left, top, plot_w, plot_h, group_w), bars


# --- SVG (PDF) ------------------------------------------------------------------------------------


def svg(fig: Figure, *, width: int = 640, height: int = 260) -> str:
    (left, top, plot_w, plot_h, group_w), bars = _layout(fig, width, height - 24)
    step = _step(fig.top)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-size="11" '
        'font-family="Times New Roman, Liberation Serif, serif">'
    ]
    for v in range(0, fig.top + 1, step):
        y = top + plot_h - plot_h * v / fig.top
        out.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + plot_w:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        out.append(f'<text x="{left - 4:.1f}" y="{y + 4:.1f}" text-anchor="end">{v}</text>')
    out.append(
        f'<line x1="{left:.1f}" y1="{top + plot_h:.1f}" x2="{left + plot_w:.1f}" y2="{top + plot_h:.1f}" '
        'stroke="#333"/>'
    )
    for x, y, w, h, i, value in bars:
        r, g, b = COLOURS[i % len(COLOURS)]
        out.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="rgb({r},{g},{b})"/>'
        )
        out.append(f'<text x="{x + w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{value}</text>')
    for gi, cat in enumerate(fig.categories):
        x = left + gi * group_w + group_w / 2
        out.append(f'<text x="{x:.1f}" y="{top + plot_h + 15:.1f}" text-anchor="middle">{escape(cat)}</text>')
    # legend along the bottom
    x = left
    for i, s in enumerate(fig.series):
        r, g, b = COLOURS[i % len(COLOURS)]
        out.append(f'<rect x="{x:.1f}" y="{height - 14}" width="10" height="10" fill="rgb({r},{g},{b})"/>')
        label = escape(s.label + (f" ({fig.unit})" if fig.unit else ""))
        out.append(f'<text x="{x + 14:.1f}" y="{height - 5}">{label}</text>')
        x += 24 + 6.5 * len(s.label + fig.unit)
    out.append("</svg>")
    return "".join(out)


# --- PNG (Word) -----------------------------------------------------------------------------------

# 5 × 7 digits, one string of five bits per row
DIGITS = {
    "0": ["01110", "10001", "10011", "10101", "11001", "10001", "01110"],
    "1": ["00100", "01100", "00100", "00100", "00100", "00100", "01110"],
    "2": ["01110", "10001", "00001", "00010", "00100", "01000", "11111"],
    "3": ["11110", "00001", "00001", "01110", "00001", "00001", "11110"],
    "4": ["00010", "00110", "01010", "10010", "11111", "00010", "00010"],
    "5": ["11111", "10000", "11110", "00001", "00001", "10001", "01110"],
    "6": ["00110", "01000", "10000", "11110", "10001", "10001", "01110"],
    "7": ["11111", "00001", "00010", "00100", "01000", "01000", "01000"],
    "8": ["01110", "10001", "10001", "01110", "10001", "10001", "01110"],
    "9": ["01110", "10001", "10001", "01111", "00001", "00010", "01100"],
    "–": ["00000", "00000", "00000", "11111", "00000", "00000", "00000"],
}


class _Canvas:
    def __init__(self, width: int, height: int):
        self.w, self.h = width, height
        self.px = bytearray(b"\xff" * (width * height * 3))

    def rect(self, x: float, y: float, w: float, h: float, colour: tuple[int, int, int]) -> None:
        x0, y0 = max(0, int(round(x))), max(0, int(round(y)))
        x1, y1 = min(self.w, int(round(x + w))), min(self.h, int(round(y + h)))
        if x1 <= x0 or y1 <= y0:
            return
        run = bytes(colour) * (x1 - x0)
        for row in range(y0, y1):
            start = (row * self.w + x0) * 3
            self.px[start : start + len(run)] = run

    def text(self, s: str, x: float, y: float, *, scale: int, colour=(0x33, 0x33, 0x33), anchor="middle"):
        """Digits only (others are skipped); `y` is the baseline."""
        glyphs = [DIGITS[c] for c in s if c in DIGITS]
        width = len(glyphs) * 6 * scale - scale
        x0 = x - width / 2 if anchor == "middle" else (x - width if anchor == "end" else x)
        top = y - 7 * scale
        for gi, glyph in enumerate(glyphs):
            for r, bits in enumerate(glyph):
                for c, bit in enumerate(bits):
                    if bit == "1":
                        self.rect(x0 + (gi * 6 + c) * scale, top + r * scale, scale, scale, colour)

    def png(self) -> bytes:
        raw = b"".join(
            b"\x00" + bytes(self.px[row * self.w * 3 : (row + 1) * self.w * 3]) for row in range(self.h)
        )

        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        ihdr = struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(raw, 6))
            + chunk(b"IEND", b"")
        )


def png(fig: Figure, *, width: int = 1200, height: int = 480) -> bytes:
    scale = max(2, width // 400)
    canvas = _Canvas(width, height)
    (left, top, plot_w, plot_h, group_w), bars = _layout(fig, width, height)
    step = _step(fig.top)
    for v in range(0, fig.top + 1, step):
        y = top + plot_h - plot_h * v / fig.top
        canvas.rect(left, y, plot_w, max(1, scale // 2), (0xDD, 0xDD, 0xDD))
        canvas.text(str(v), left - 3 * scale, y + 3.5 * scale, scale=scale, anchor="end")
    canvas.rect(left, top + plot_h, plot_w, scale, (0x33, 0x33, 0x33))
    for x, y, w, h, i, value in bars:
        canvas.rect(x, y, w, h, COLOURS[i % len(COLOURS)])
        canvas.text(str(value), x + w / 2, y - 2 * scale, scale=scale)
    for gi, cat in enumerate(fig.categories):
        canvas.text(cat, left + gi * group_w + group_w / 2, top + plot_h + 11 * scale, scale=scale)
    return canvas.png()
