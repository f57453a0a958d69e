"""Tables: CSV (``.csv``, UTF-8 or GBK) and Excel (``.xlsx``) exports of quick-reply tools.

A header row names the columns; the reply column is found by name (or ``--reply-column``), and
optional customer, id and scene columns likewise. A row with more or fewer fields than the
header is an input error naming its line (an unquoted comma in a reply would otherwise shift
the columns silently), and so is a row without a reply; the other rows are still linted.

CSV is read record by record. Each template's position is the reply's cell in the file, found
by a quote-aware scan of the record's own text (quoted fields, doubled quotes, embedded line
breaks), so that findings and ``--fix`` point at that cell and no other. In a workbook, every
worksheet whose header row (one of its first 10 rows) has a reply column is a template set of
its own; other sheets (notes, instructions) are skipped. A template's ``path`` is the workbook,
``sheet`` the worksheet, ``line`` the row and ``column`` the character in the reply cell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, MutableSequence
from itertools import chain
from typing import TextIO, TypeVar

from ..model import SCENES, Template
from . import Columns, InputError, check_scene

# Header names recognised in CSV and Excel exports (compared case-insensitively, spaces removed).
HEADERS = {
    "reply": ("短语内容", "快捷短语", "回复内容", "回复", "话术内容", "话术", "内容", "答案",
              "reply", "content", "text", "answer", "message"),
    "customer": ("顾客问题", "客户问题", "买家问题", "顾客消息", "问题", "顾客", "customer", "question"),
    "id": ("快捷编码", "短语编码", "编码", "编号", "序号", "id", "code"),
    "scene": ("场景", "scene"),
    "group": ("分组", "分类", "group", "category"),  # a scene only when it names one
}

H = TypeVar("H")  # what a header row gives: the columns found in it

_HEADER_ROWS = 10  # how far down a worksheet its header row is looked for
_SNIFF = 4096  # characters the CSV delimiter is guessed from


def header_key(name: str) -> str:
    return re.sub(r"\s+", "", name).lower()


def find_columns(header: list[str], names: dict[str, tuple[str, ...]], chosen: dict[str, str | None]
                 ) -> dict[str, int | None]:
    """Index of each field's column in a header row: the name chosen on the command line or
    the first recognised one (None when absent). A chosen name that is missing is an error
    for the caller to report: its field maps to -1."""
    keys = [header_key(h) for h in header]
    where: dict[str, int | None] = {}
    for field, candidates in names.items():
        pick = chosen.get(field)
        found = [keys.index(header_key(n)) for n in ((pick,) if pick else candidates) if header_key(n) in keys]
        where[field] = found[0] if found else (-1 if pick else None)
    return where


def locate_columns(path: str, header: list[str], names: dict[str, tuple[str, ...]],
                   chosen: dict[str, str | None], required: dict[str, tuple[str, str]], line: int
                   ) -> dict[str, int | None]:
    """The columns of a header row (``find_columns``), or the InputError saying why not: a
    chosen name that is missing, or required fields (field -> (label, option)) not found.
    The message names the columns the header does have."""
    where = find_columns(header, names, chosen)
    shown = "、".join(h for h in header if h)
    for field, index in where.items():
        if index == -1:
            raise InputError(path, f"表头中没有「{chosen[field]}」列（表头：{shown}）", line)
    missing = [field for field in required if where[field] is None]
    if missing:
        labels = "、".join(required[f][0] for f in missing)
        options = " ".join(required[f][1] for f in missing)
        raise InputError(path, f"找不到{labels}列（表头：{shown}）；用 {options} 指定列名", line)
    return where


def _header(path: str, header: list[str], columns: Columns, line: int) -> dict[str, int | None]:
    """The columns of a template table's header row, or the InputError saying why not."""
    chosen = {"reply": columns.reply, "customer": columns.customer, "id": columns.id, "scene": columns.scene}
    return locate_columns(path, header, HEADERS, chosen, {"reply": ("回复内容", "--reply-column")}, line)


def _row(path: str, row: list[str], where: dict[str, int | None], line: int) -> Template:
    """The template of one data row (CSV or Excel)."""

    def cell(field: str) -> str | None:
        index = where[field]
        return row[index].strip() if index is not None and index < len(row) else None

    reply = cell("reply")
    if not reply:
        raise InputError(path, "这一行没有回复内容", line)
    scene = check_scene(path, cell("scene") or None, line)
    if scene is None and cell("group") in SCENES:
        scene = cell("group")
    return Template(path=path, reply=reply, line=line, id=cell("id") or None,
                    customer=cell("customer") or None, scene=scene)


def _ragged(path: str, fields: int, header: int, line: int) -> InputError:
    hint = "；回复里的逗号要放在引号里" if fields > header else ""
    return InputError(path, f"这一行有 {fields} 个字段，表头有 {header} 个{hint}", line)


# ---------------------------------------------------------------------------- CSV


def field_span(record: str, delimiter: str, index: int) -> tuple[int, int]:
    """Start and end of field ``index`` in the raw text of one CSV record (Excel's dialect: a
    field that starts with a quote runs to the closing quote, ``""`` inside is one quote)."""
    if '"' not in record:  # the common case, at C speed
        start = 0
        for _ in range(index):
            start = record.index(delimiter, start) + 1
        end = record.find(delimiter, start)
        return start, len(record.rstrip("\r\n")) if end < 0 else end
    field, start, i, n = 0, 0, 0, len(record)
    while i <= n:
        if i < n and i == start and record[i] == '"':  # a quoted field: find its closing quote
            i += 1
            while i < n:
                if record[i] == '"':
                    if i + 1 < n and record[i + 1] == '"':
                        i += 2
                        continue
                    break
                i += 1
            i += 1
            continue
        if i == n or record[i] in (delimiter, "\r", "\n"):
            if field == index:
                return start, i
            if i == n or record[i] != delimiter:
                break
            field, start = field + 1, i + 1
        i += 1
    return n, n


def csv_records(path: str, stream: TextIO, keep_raw: bool = False, spans: MutableSequence[int] | None = None
                ) -> tuple[str, Iterator[tuple[int, list[str], str]]]:
    """The delimiter of a CSV stream (comma, tab or semicolon, guessed from its first lines)
    and its records, header first, as ``(first line, fields, source)``: ``source`` is the
    record's own text when ``keep_raw``, else empty. Excel's dialect; a malformed record is an
    InputError naming its line."""
    head: list[str] = []
    size = 0
    for line in stream:  # the first lines, to guess the delimiter from
        head.append(line)
        size += len(line)
        if size >= _SNIFF:
            break
    # Only the delimiter is sniffed: the Sniffer guesses doublequote=False on many Excel
    # exports, and then "" inside a quoted cell cuts the reply short.
    try:
        delimiter = csv.Sniffer().sniff("".join(head)[:_SNIFF], delimiters=",\t;").delimiter
    except csv.Error:
        delimiter = ","
    return delimiter, _records(path, chain(head, stream), delimiter, keep_raw, spans=spans)


def _records(path: str, lines: Iterator[str], delimiter: str, keep_raw: bool, line: int = 1,
             spans: MutableSequence[int] | None = None) -> Iterator[tuple[int, list[str], str]]:
    """The records of CSV ``lines`` that start at line ``line``; each record over several lines
    is noted in ``spans`` as two numbers: its first line and the line after it."""
    raw: list[str] = []  # the lines of the record being read

    def kept() -> Iterator[str]:
        for line in lines:
            raw.append(line)
            yield line

    reader = csv.reader(kept() if keep_raw else lines, csv.excel, delimiter=delimiter, strict=True)
    offset = line - 1
    try:
        for row in reader:
            start, line = line, reader.line_num + 1 + offset
            if line - start > 1 and spans is not None:
                spans.extend((start, line))
            record = "".join(raw) if keep_raw else ""
            raw.clear()
            yield start, row, record
    except csv.Error as exc:
        raise InputError(path, f"CSV 格式错误：{exc}", reader.line_num + offset) from None


def read_csv(path: str, stream: TextIO, columns: Columns) -> Iterator[Template | InputError]:
    delimiter, records = csv_records(path, stream, keep_raw=True)
    first = next(records, None)
    if first is None:
        raise InputError(path, "文件为空")
    _, header, _ = first
    where = _header(path, header, columns, 1)
    reply_index, width = where["reply"], len(header)
    rows = 0
    for start, row, record in records:
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        if len(row) != width:
            yield _ragged(path, len(row), width, start)
            continue
        try:
            template = _row(path, row, where, start)
        except InputError as exc:
            yield exc
            continue
        begin, end = field_span(record, delimiter, reply_index)
        cell = record[begin:end]
        lead = len(cell) - len(cell.lstrip()) if cell[:1] != '"' else 0
        begin += lead
        before = record.rfind("\n", 0, begin) + 1
        template.line = start + record.count("\n", 0, begin)
        template.column = begin - before + 1
        source = record[begin:end]
        template.raw = None if source == template.reply else source
        yield template
    if not rows:
        raise InputError(path, "只有表头，没有话术")


# ---------------------------------------------------------------------------- Excel


def read_xlsx(path: str, data: bytes, columns: Columns) -> Iterator[Template | InputError]:
    rows = 0
    for sheet, where, number, row in workbook_rows(path, data, lambda label, row, number:
                                                   _header(label, row, columns, number)):
        rows += 1
        if isinstance(row, InputError):
            yield row
            continue
        try:
            template = _row(f"{path}[{sheet}]", row, where, number)
        except InputError as exc:
            yield exc
            continue
        template.path, template.sheet = path, sheet
        yield template
    if not rows:
        raise InputError(path, "只有表头，没有话术")


def workbook_rows(path: str, data: bytes, header: Callable[[str, list[str], int], H]
                  ) -> Iterator[tuple[str, H, int, list[str] | InputError]]:
    """The data rows of every worksheet whose header row (one of its first 10 rows) ``header``
    accepts, as ``(sheet, columns, row number, cells)``; ``header(label, cells, number)``
    returns the columns or raises the InputError saying why not. Blank rows are skipped; a row
    with cells past the header's last column comes as an InputError in place of its cells.
    Other sheets (notes, instructions) are skipped; a workbook without any header is an error."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises zip, XML, key and value errors for broken files
        raise InputError(path, "无法读取 Excel 文件：不是有效的 .xlsx 工作簿") from None
    try:
        yield from _sheet_rows(path, book, header)
    except InputError:
        raise
    except Exception as exc:  # a damaged part of the workbook, found while reading rows
        raise InputError(path, f"无法读取 Excel 文件：工作簿已损坏（{type(exc).__name__}）") from None
    finally:
        book.close()


def _sheet_rows(path: str, book, header) -> Iterator[tuple[str, object, int, list[str] | InputError]]:
    rejected: InputError | None = None  # why the first sheet with content has no header
    headers = 0
    for sheet in book.worksheets:
        sheet.reset_dimensions()  # exporters often write a wrong <dimension>
        where = None
        label = f"{path}[{sheet.title}]"
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            row = [_cell_text(value) for value in values]
            if where is None:
                if number > _HEADER_ROWS:
                    break
                if any(row):
                    try:
                        where = header(label, row, number)
                        width = max(i for i, cell in enumerate(row) if cell) + 1
                    except InputError as exc:
                        rejected = rejected or exc
                continue
            if not any(cell.strip() for cell in row):
                continue
            used = max(i for i, cell in enumerate(row) if cell.strip()) + 1
            yield sheet.title, where, number, _ragged(label, used, width, number) if used > width else row
        headers += where is not None
    if not headers:
        raise rejected or InputError(path, "工作簿里没有内容")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number: 1001, not 1001.0
    return str(value)
