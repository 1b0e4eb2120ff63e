"""A source as an official reads it (issue 7 §4): each cited document by its name, with a link where
it has an address; never our data files' paths or the keys inside them. Pure: no Django import, so the
pages, the exports and the tests read the same thing."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Our built-in data files, by the documents they compile (their own sources are cited beside them).
DATA_FILES = {
    "an_giang_ntm_timeseries.yaml": (
        "Số liệu nông thôn mới do tỉnh An Giang công bố qua các năm (tổng hợp từ báo cáo, tin bài)"
    ),
    "an_giang_units.yaml": "Danh mục và mã số đơn vị hành chính Việt Nam (Tổng cục Thống kê)",
    "an_giang_units_supplement.yaml": "Các nghị quyết sắp xếp đơn vị hành chính tỉnh An Giang (tổng hợp)",
    "plan_861.yaml": "Kế hoạch 861/KH-UBND ngày 19/12/2022 của UBND tỉnh An Giang",
    "pilots_861.yaml": "Danh sách xã điểm theo Kế hoạch 861/KH-UBND (tổng hợp)",
    "README.md": "Ghi chú nguồn dữ liệu ranh giới (tổng hợp)",
}
GENERIC = "Dữ liệu tổng hợp của Chung Sức"
GSO_URL = "https://danhmuchanhchinh.gso.gov.vn/"
DATA_FILE_URLS = {"an_giang_units.yaml": GSO_URL}

_URL = re.compile(r"https?://[^\s;,)]+[^\s;,.)]")
_PATH = re.compile(r"(?:[\w.-]+/)*([\w.-]+\.(?:ya?ml|json|md|py|csv))\b")
# what follows a file's name inside our sources: keys and versions of the data (internal)
_INTERNAL = re.compile(
    r"\((?:[a-z0-9_.\[\]]+|vietnam-provinces[^)]*|shared/[^)]*)\)"  # (district_level_recognitions)
    r"|\b[a-z0-9]+(?:_[a-z0-9]+)+(?:\[\])?(?:\.[a-z0-9_]+(?:\[\])?)*"  # new_province_2025, communes[].x
    r"|\b[a-z]+(?:\[\])?\.[a-z0-9]*_[a-z0-9_]+(?:\[\])?"  # meta.admin_changes
    r"|\bdata/[\w/]+\b|\bREADME\b"
)


# a note of ours in English (research shorthand), not a document's name: left out
_ENGLISH = re.compile(r"\b(?:the|of|is|was|not|than|from|with|may|most|puts|verify|against)\b")


def site_name(url: str) -> str:
    return urlsplit(url).netloc.removeprefix("www.") or url


def source_parts(text: str) -> list[tuple[str, str]]:
    """`text` (a source as our data writes it: addresses, file names, notes, separated by ";") as
    (name, url) pairs, url "" for plain text: an address is named by its site, a data file by the
    document it compiles; internal keys are dropped; a part left empty disappears; no repeats."""
    out: list[tuple[str, str]] = []
    for raw in re.split(r"\s;\s|;\s+|\s+(?=https?://)", text or ""):
        part = raw.strip().strip(";").strip()
        if not part:
            continue
        urls = _URL.findall(part)
        rest = _URL.sub("", part)
        names = []
        for m in _PATH.finditer(rest):
            names.append((DATA_FILES.get(m[1], GENERIC), DATA_FILE_URLS.get(m[1], "")))
        rest = _PATH.sub("", rest)
        rest = _INTERNAL.sub("", rest)
        rest = re.sub(r"\(\s*\)|\s+/\s+(?=\s|$)", "", rest)
        rest = re.sub(r"\s{2,}", " ", rest).strip(" :;,-–—/")
        if _ENGLISH.search(rest):
            rest = ""
        out.extend(names)
        for url in urls:
            out.append((site_name(url), url))
        if rest and not names and not urls or rest and len(rest) > 3:
            out.append((rest, ""))
    seen = set()
    unique = []
    for item in out:
        if item not in seen:
            seen.add(item)
            unique.append(item)
    return unique


def source_text(text: str) -> str:
    """The same as plain text (exports, titles): names only, joined by "; "."""
    return "; ".join(name for name, _url in source_parts(text))
