"""Loaders: template files (YAML, plain text, CSV, Excel, Markdown) in, ``Template`` lists out.

Every problem with an input raises ``InputError`` with the file and, where known, the line;
the CLI prints it on one line and exits 2 after linting the other files.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from .config import UsageError, check_codes
from .engine import Template
from .rules import SCENES

class InputError(Exception):
    """A file that cannot be linted; ``str()`` is the one-line message."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


class NotATemplateSet(InputError):
    """A YAML file without ``templates``: an error when named, skipped when found in a folder."""


@dataclass(frozen=True)
class Columns:
    """Header names chosen on the command line for CSV and Excel columns (``None``: detect)."""

    reply: str | None = None
    customer: str | None = None
    id: str | None = None
    scene: str | None = None


# Header names recognised in CSV and Excel exports (compared case-insensitively, spaces removed).
HEADERS = {
    "reply": ("短语内容", "快捷短语", "回复内容", "回复", "话术内容", "话术", "内容", "答案",
              "reply", "content", "text", "answer", "message"),
    "customer": ("顾客问题", "客户问题", "买家问题", "顾客消息", "问题", "顾客", "customer", "question"),
    "id": ("快捷编码", "短语编码", "编码", "编号", "序号", "id", "code"),
    "scene": ("场景", "scene"),
    "group": ("分组", "分类", "group", "category"),  # a scene only when it names one
}

SUFFIXES = (".yaml", ".yml", ".txt", ".csv", ".md", ".xlsx")
LEGACY = (".csv", ".txt")  # formats Excel on Chinese Windows writes as GBK
_SKIP_DIRS = {"node_modules", "site", "__pycache__", "venv"}


# ---------------------------------------------------------------------------- files


def discover(paths: list[str], exclude: tuple[str, ...] = ()) -> list[tuple[str, bool]]:
    """Files to lint as ``(path, named)``: ``named`` is False for files found in a folder."""
    found: list[tuple[str, bool]] = []
    for name in paths:
        path = Path(name)
        if name == "-" or not path.is_dir():
            found.append((name, True))
            continue
        for file in sorted(path.rglob("*")):
            parts = file.relative_to(path).parts
            if (
                file.suffix.lower() in SUFFIXES
                and file.is_file()
                and not file.name.startswith("~$")  # Excel's lock file of an open workbook
                and not any(p.startswith(".") or p in _SKIP_DIRS for p in parts)
                and not (exclude and _excluded(file.as_posix(), exclude))
            ):
                found.append((str(file), False))
    return found


def _excluded(path: str, patterns: tuple[str, ...]) -> bool:
    from fnmatch import fnmatch

    return any(fnmatch(path, pattern) for pattern in patterns)


def decode(path: str, data: bytes, legacy: bool) -> tuple[str, str]:
    """Text of a file and the codec that encodes it back to the same bytes: UTF-8 (with or
    without BOM), or GB18030 for ``legacy`` formats (Excel on Chinese Windows exports CSV and
    text as GBK)."""
    if not data.strip():
        raise InputError(path, "文件为空")
    if b"\0" in data:
        raise InputError(path, "是二进制文件，不是文本（支持 .yaml .txt .csv .md）")
    try:
        return data.decode("utf-8-sig"), "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if legacy:
            try:
                return data.decode("gb18030"), "gb18030"
            except UnicodeDecodeError:
                pass
        expected = "UTF-8 或 GBK/GB18030" if legacy else "UTF-8"
        raise InputError(path, f"无法解码：文件应为 {expected} 编码", line) from None


def load(path: str, data: bytes, columns: Columns = Columns(), suffix: str | None = None) -> list[Template]:
    """Templates of one file; the loader is chosen by ``suffix`` (default: the file's)."""
    suffix = file_suffix(path, suffix)
    if suffix == ".xlsx":
        return load_xlsx(path, data, columns)
    text, _ = decode(path, data, legacy=suffix in LEGACY)
    return load_text(path, text, columns, suffix)


def file_suffix(path: str, suffix: str | None = None) -> str:
    """The format of a file: ``suffix`` (default: the file's), checked to be supported."""
    suffix = (suffix or Path(path).suffix).lower()
    if suffix not in SUFFIXES:
        raise InputError(path, f"不支持的文件类型「{suffix or path}」（支持 {' '.join(SUFFIXES)}）")
    return suffix


def load_text(path: str, text: str, columns: Columns, suffix: str) -> list[Template]:
    """Templates of decoded text in a text format (not ``.xlsx``)."""
    return _LOADERS[suffix](path, text, columns)


def _noqa(path: str, value, line: int | None) -> tuple[str, ...]:
    values = [code for item in ([value] if isinstance(value, str) else value)
              for code in item.replace("，", ",").split(",")]
    try:
        return check_codes(values, "noqa")
    except UsageError as exc:
        raise InputError(path, str(exc), line) from None


def _scene(path: str, value: str | None, line: int | None) -> str | None:
    if value is not None and value not in SCENES:
        raise InputError(path, f"未知的场景「{value}」（应为 {' / '.join(SCENES)}）", line)
    return value


# ---------------------------------------------------------------------------- YAML

_TEMPLATE_KEYS = ("id", "scene", "customer", "reply", "noqa")


_NULLS = ("", "~", "null", "Null", "NULL")  # plain scalars YAML reads as null


def load_yaml(path: str, text: str, columns: Columns) -> list[Template]:
    fast = _read_plain_set(path, text)
    if fast is not None:
        return fast
    from .yaml_events import read_set  # the full parser, imported when a file needs it

    return read_set(path, text)


# Most template sets are written in one plain layout: ``templates:`` and items of
# ``key: value`` lines with unquoted one-line values. For such a file the result of YAML
# parsing is known line by line, so it is read without building 600,000 parser events for
# 100,000 templates (libyaml's events cost ~3 µs each). Anything outside that layout —
# quotes, block scalars, flow lists, comments after values, anchors, nulls, other keys,
# duplicate ids, unknown scenes — returns None and the full parser above reads the file
# (and reports any problem). tests/test_loaders.py checks both paths agree.

# One line of the plain layout: an item key with a one-line value, a blank or comment line,
# or anything else (which sends the file to the full parser). What a plain value must not
# hold is checked once over the whole text or with a character test per value.
_PLAIN_LINE = re.compile(
    r"^(?P<indent> *)(?P<dash>- +)?(?P<key>id|scene|customer|reply): (?P<value>[^\n\r]+)\r?$"
    r"|^[ \t]*(?:#[^\n]*)?\r?$"
    r"|^(?P<other>[^\n]*)$",
    re.M,
)
_PLAIN_FIRST = set("#-?:,[]{}&*!|>'\"%@`") | {" "}
# Whole-text signs of something a plain value cannot be: a tab, a comment after a value,
# trailing space, a value ending in ':', other whitespace (some of which YAML reads as line
# breaks). Plain substring tests and one character class: each is a fast scan.
_PLAIN_UNSAFE_TEXT = ("\t", " #", " \n", " \r\n", ":\n", ":\r\n")
_PLAIN_UNSAFE_CHARS = re.compile("[\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")


def _read_plain_set(path: str, text: str) -> list[Template] | None:
    head = re.match(r"(?:#[^\n]*\n|[ \t]*\r?\n)*templates:\r?\n", text)
    if head is None or text.endswith((" ", ":")) or _PLAIN_UNSAFE_CHARS.search(text):
        return None
    body = text[head.end() :]
    if any(sign in body for sign in _PLAIN_UNSAFE_TEXT):
        return None
    first_line = text.count("\n", 0, head.end()) + 1
    items = 0
    templates: list[Template] = []
    seen: set[str] = set()
    fields: dict[str, str] = {}
    key_column = reply_line = reply_column = 0
    # findall gives plain tuples (no match objects): one per line, in order.
    for number, (indent, dash, key, value, other) in enumerate(_PLAIN_LINE.findall(body), start=first_line):
        if not key:
            if other:
                return None
            continue
        items += 1
        if value[0] in _PLAIN_FIRST or value[0].isspace() or value in _NULLS:
            return None
        column = len(indent) + len(dash)
        if dash:
            if fields:
                if not _plain_template(path, fields, reply_line, reply_column, seen, templates):
                    return None
                if column != key_column:
                    return None
            fields, key_column = {}, column
        elif not fields or column != key_column or key in fields:
            return None
        fields[key] = value
        if key == "reply":
            reply_line, reply_column = number, column + len(key) + 3
    # Each item line holds one ": " (after its key); another one would be inside a value.
    if not fields or body.count(": ") != items:
        return None
    if not _plain_template(path, fields, reply_line, reply_column, seen, templates):
        return None
    return templates


def _plain_template(path, fields, line, column, seen, templates) -> bool:
    if "reply" not in fields or fields.get("scene", SCENES[0]) not in SCENES or fields.get("id") in seen:
        return False
    if "id" in fields:
        seen.add(fields["id"])
    templates.append(Template(path, fields["reply"], line, column, fields.get("id"),
                              fields.get("customer"), fields.get("scene")))
    return True


# ---------------------------------------------------------------------------- plain text


def load_txt(path: str, text: str, columns: Columns) -> list[Template]:
    return [
        Template(path, reply, number, line.index(reply) + 1)
        for number, line in enumerate(text.splitlines(), start=1)
        if (reply := line.strip())
    ]


# ---------------------------------------------------------------------------- CSV


def _key(header: str) -> str:
    return re.sub(r"\s+", "", header).lower()


def _header(header: list[str], columns: Columns) -> dict[str, int | None] | None:
    """Index of each field's column in a header row (CSV or Excel): the name given on the
    command line or the first recognised one. ``None`` when the row is not a usable header:
    no reply column, or a column named on the command line is missing."""
    keys = [_key(h) for h in header]
    where: dict[str, int | None] = {}
    for field, names in HEADERS.items():
        chosen = getattr(columns, field, None)
        found = [keys.index(_key(name)) for name in ((chosen,) if chosen else names) if _key(name) in keys]
        if chosen and not found:
            return None
        where[field] = found[0] if found else None
    return where if where["reply"] is not None else None


def _not_a_header(path: str, header: list[str], columns: Columns, line: int) -> InputError:
    """The error for a header row that ``_header`` rejects."""
    shown = "、".join(h for h in header if h)
    keys = {_key(h) for h in header}
    for chosen in (columns.reply, columns.customer, columns.id, columns.scene):
        if chosen and _key(chosen) not in keys:
            return InputError(path, f"表头中没有「{chosen}」列（表头：{shown}）", line)
    return InputError(path, f"找不到回复内容列（表头：{shown}）；用 --reply-column 指定列名", line)


def _row(path: str, row: list[str], where: dict[str, int | None], line: int) -> Template | None:
    """The template of one data row (CSV or Excel); ``None`` for an empty row."""
    if not any(cell.strip() for cell in row):
        return None

    def cell(field: str) -> str | None:
        index = where[field]
        return row[index].strip() if index is not None and index < len(row) else None

    reply = cell("reply")
    if not reply:
        raise InputError(path, "这一行没有回复内容", line)
    scene = _scene(path, cell("scene") or None, line)
    if scene is None and cell("group") in SCENES:
        scene = cell("group")
    return Template(path=path, reply=reply, line=line, id=cell("id") or None,
                    customer=cell("customer") or None, scene=scene)


def load_csv(path: str, text: str, columns: Columns) -> list[Template]:
    # Only the delimiter is sniffed: the Sniffer guesses doublequote=False on many Excel
    # exports, and then "" inside a quoted cell cuts the reply short.
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",\t;").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter, strict=True)
    lines = text.splitlines()
    try:
        header = next(reader)
        where = _header(header, columns)
        if where is None:
            raise _not_a_header(path, header, columns, 1)
        templates: list[Template] = []
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            template = _row(path, row, where, line)
            if template is None:
                continue
            reply = template.reply
            raw_line = lines[line - 1] if line <= len(lines) else ""
            offset = max(raw_line.find(reply[:8]), 0)
            template.column = offset + 1
            template.raw = None if raw_line[offset : offset + len(reply)] == reply else raw_line[offset:]
            templates.append(template)
    except csv.Error as exc:
        raise InputError(path, f"CSV 格式错误：{exc}", reader.line_num) from None
    except StopIteration:
        raise InputError(path, "文件为空") from None
    if not templates:
        raise InputError(path, "只有表头，没有话术")
    return templates


# ---------------------------------------------------------------------------- Excel
#
# Quick-reply tools export .xlsx workbooks with the same columns as their CSV exports. Each
# worksheet with a recognisable header (in its first rows) is a template set; the others
# (notes, instructions) are skipped. A template's ``path`` is the workbook, ``sheet`` the
# worksheet, ``line`` the row and ``column`` the character in the reply cell.

_HEADER_ROWS = 10  # how far down a worksheet its header row is looked for


def load_xlsx(path: str, data: bytes, columns: Columns) -> list[Template]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises zip, XML, key and value errors for broken files
        raise InputError(path, "无法读取 Excel 文件：不是有效的 .xlsx 工作簿") from None
    try:
        return _workbook_templates(path, book, columns)
    except InputError:
        raise
    except Exception as exc:  # a damaged part of the workbook, found while reading rows
        raise InputError(path, f"无法读取 Excel 文件：工作簿已损坏（{type(exc).__name__}）") from None
    finally:
        book.close()


def _workbook_templates(path: str, book, columns: Columns) -> list[Template]:
    templates: list[Template] = []
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
                    where = _header(row, columns)
                    rejected = rejected or (_not_a_header(label, row, columns, number) if where is None else None)
                continue
            template = _row(label, row, where, number)
            if template is not None:
                template.path, template.sheet = path, sheet.title
                templates.append(template)
        headers += where is not None
    if not headers:
        raise rejected or InputError(path, "工作簿里没有内容")
    if not templates:
        raise InputError(path, "只有表头，没有话术")
    return templates


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number: 1001, not 1001.0
    return str(value)


# ---------------------------------------------------------------------------- Markdown
#
# The handbook's 话术 convention: a blockquote whose paragraphs open with **顾客**： or
# **客服**：. Each 客服 paragraph is a reply; the 顾客 paragraph just before it is the message
# it answers. Front matter ``kefu-scene`` sets the scene of a page; a comment right before a
# blockquote, ``<!-- kefu: id=xxx scene=售后 noqa=KF204 -->``, sets id, scene or noqa.

_LABEL = re.compile(r"\*\*(顾客|客服)\*\*[：:]\s*")
_DIRECTIVE = re.compile(r"<!--\s*kefu:(.*?)-->")
_QUOTE = re.compile(r"^(\s*>\s?)(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def load_markdown(path: str, text: str, columns: Columns) -> list[Template]:
    lines = text.splitlines()
    page_scene, body = _front_matter(path, lines)
    stem = Path(path).stem
    templates: list[Template] = []
    directive: dict[str, str] = {}
    fence = None
    i = body
    while i < len(lines):
        line = lines[i]
        first = line.lstrip()[:1]  # what a line starts with decides what it can be
        if fence:
            fence = None if line.strip().startswith(fence) else fence
            i += 1
            continue
        if first in ("`", "~") and (m := _FENCE.match(line)):
            fence = m.group(1)
        elif first == "<" and (m := _DIRECTIVE.search(line)):
            directive = _directive(path, m.group(1), i + 1)
        elif first == ">":
            end = i + 1
            while end < len(lines) and lines[end].lstrip()[:1] == ">":
                end += 1
            templates.extend(_quote_templates(path, lines, i, end, directive, page_scene, stem, len(templates)))
            directive = {}
            i = end
            continue
        elif line.strip():
            directive = {}
        i += 1
    return templates


def _front_matter(path: str, lines: list[str]) -> tuple[str | None, int]:
    if not lines or lines[0].strip() != "---":
        return None, 0
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            import yaml  # only pages with front matter need it

            try:
                meta = yaml.safe_load("\n".join(lines[1:end])) or {}
            except yaml.YAMLError as exc:
                raise InputError(path, f"front matter 格式错误：{exc}", 1) from None
            scene = meta.get("kefu-scene") if isinstance(meta, dict) else None
            return _scene(path, scene, 1), end + 1
    return None, 0


def _directive(path: str, body: str, line: int) -> dict[str, str]:
    values = {}
    for item in body.split():
        key, _, value = item.partition("=")
        if key not in ("id", "scene", "noqa") or not value:
            raise InputError(path, f"kefu 注释中无法识别「{item}」（可用：id= scene= noqa=）", line)
        values[key] = value
    return values


def _quote_templates(path, lines, start, end, directive, page_scene, stem, count) -> list[Template]:
    """Templates in the blockquote ``lines[start:end]``."""
    paragraphs: list[tuple[int, str, list[str]]] = []  # (first line index, its prefix, contents)
    for index in range(start, end):
        prefix, content = _QUOTE.match(lines[index]).groups()
        if not content or content.isspace():
            paragraphs.append((index + 1, "", []))
        elif paragraphs and paragraphs[-1][2]:
            paragraphs[-1][2].append(content)
        else:
            paragraphs.append((index, prefix, [content]))
    scene = _scene(path, directive["scene"], start) if "scene" in directive else page_scene
    noqa = _noqa(path, directive["noqa"], start) if "noqa" in directive else ()
    base = directive.get("id")
    templates: list[Template] = []
    customer = None
    for index, prefix, contents in paragraphs:
        if not contents:
            continue
        label = _LABEL.match(contents[0])
        if not label:
            customer = None
            continue
        text = "\n".join([contents[0][label.end():], *contents[1:]]).strip()
        if label.group(1) == "顾客":
            customer = text
            continue
        if base:
            template_id = f"{base}-{len(templates) + 1}" if templates else base
        else:
            template_id = f"{stem}-{count + len(templates) + 1}"
        first = contents[0][label.end():]
        column = len(prefix) + label.end() + 1 + (len(first) - len(first.lstrip()))
        raw = "\n".join(lines[index : index + len(contents)])[column - 1 :] if len(contents) > 1 else text
        templates.append(
            Template(path, text, index + 1, column, template_id, customer, scene, noqa,
                     raw=None if raw == text else raw)
        )
        customer = None
    return templates


_LOADERS = {".yaml": load_yaml, ".yml": load_yaml, ".txt": load_txt, ".csv": load_csv, ".md": load_markdown}
