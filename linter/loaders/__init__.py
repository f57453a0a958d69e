"""Loaders: template files (YAML, plain text, CSV, Excel, Markdown) in, templates out.

``read(path, source, columns, suffix)`` yields a file's templates in order, each a
``Template``, and, in their place, an ``InputError`` for each item that cannot be linted (a
template without a reply, a duplicate id, a CSV row with too many fields …): every problem of
a file is reported, and the rest of it is still linted. A problem that stops the whole file
(undecodable bytes, malformed YAML) is raised as ``InputError``. Plain text and CSV are read
piece by piece, so memory stays flat however large the file; the other formats are template
sets that people maintain by hand and are read whole.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..model import SCENES, Template


class InputError(Exception):
    """A file, or an item of one, that cannot be linted; ``str()`` is the one-line message.
    ``once`` marks an error a file reports once (an unknown role, the first unreadable time):
    of the parts of a file read apart (``jobs.py``), the first part's stands."""

    def __init__(self, path: str, message: str, line: int | None = None, once: str | None = None) -> None:
        self.path, self.line, self.message, self.once = path, line, message, once
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")

    def __reduce__(self):  # to and from worker processes (``jobs.py``)
        return type(self), (self.path, self.message, self.line, self.once)


class NotATemplateSet(InputError):
    """A YAML file without ``templates``: an error when named, skipped when found in a folder."""


@dataclass(frozen=True)
class Columns:
    """Header names chosen on the command line for CSV and Excel columns (``None``: detect)."""

    reply: str | None = None
    customer: str | None = None
    id: str | None = None
    scene: str | None = None


SUFFIXES = (".yaml", ".yml", ".txt", ".csv", ".md", ".xlsx")
LEGACY = (".csv", ".txt")  # formats Excel on Chinese Windows writes as GBK
_SKIP_DIRS = {"node_modules", "site", "__pycache__", "venv"}
_CHUNK = 1 << 20


def discover(paths: list[str], exclude: tuple[str, ...] = (), suffixes: tuple[str, ...] = SUFFIXES
             ) -> list[tuple[str, bool]]:
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
                file.suffix.lower() in suffixes
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


def file_suffix(path: str, suffix: str | None = None, suffixes: tuple[str, ...] = SUFFIXES) -> str:
    """The format of a file: ``suffix`` (default: the file's), checked to be supported."""
    suffix = (suffix or Path(path).suffix).lower()
    if suffix not in suffixes:
        raise InputError(path, f"不支持的文件类型「{suffix or path}」（支持 {' '.join(suffixes)}）")
    return suffix


# ---------------------------------------------------------------------------- decoding


def decode(path: str, data: bytes, legacy: bool) -> tuple[str, str]:
    """Text of a file and the codec that encodes it back to the same bytes: UTF-8 (with or
    without BOM), or GB18030 for ``legacy`` formats (Excel on Chinese Windows exports CSV and
    text as GBK)."""
    return _decode_stream(path, io.BytesIO(data), legacy, whole=True)


def open_text(path: str, source: BinaryIO, legacy: bool, codec: str | None = None, at: int = 0) -> io.TextIOBase:
    """A text stream over a seekable binary ``source``, in the codec ``decode`` would choose.
    The bytes are checked in a first pass of large chunks (a fast C decode, nothing kept), then
    read again as text, so a large file is never held in memory. With a ``codec`` (found by
    ``codec_of`` for a part of the file) the stream starts at byte ``at`` unchecked: a byte
    that does not decode reads as U+FFFD, and the check of the part that holds it fails."""
    if codec is None:
        codec = _decode_stream(path, source, legacy, whole=False)
    source.seek(at)
    return io.TextIOWrapper(source, encoding=codec, errors="replace", newline="")


def codec_of(path: str, source: BinaryIO, legacy: bool, span: tuple[int, int]) -> str:
    """The codec the bytes ``span`` of a file decode in, tried as for the whole file (UTF-8,
    then GBK/GB18030 for ``legacy`` formats); an InputError if none does."""
    return _decode_stream(path, source, legacy, whole=False, span=span)


def _decode_stream(path: str, source: BinaryIO, legacy: bool, whole: bool, span: tuple[int, int] | None = None):
    """The codec of a file (and with ``whole`` its text), or of the bytes ``span`` of it."""
    start, stop = span or (0, None)
    codecs_to_try = ("utf-8-sig", "gb18030") if legacy else ("utf-8-sig",)
    first = None
    for codec in codecs_to_try:
        source.seek(start)
        decoder = codecs.getincrementaldecoder(codec)()
        parts: list[str] = []
        lines, content, failed = 0, False, None  # failed: the line where the codec fails
        while chunk := source.read(_CHUNK if stop is None else min(_CHUNK, stop - source.tell())):
            if b"\0" in chunk:
                raise InputError(path, "是二进制文件，不是文本（支持 .yaml .txt .csv .md）")
            content = content or bool(chunk.strip())
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                failed = lines + chunk.count(b"\n", 0, max(exc.start, 0)) + 1
                break
            lines += chunk.count(b"\n")
            if whole:
                parts.append(text)
        else:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                failed = lines + 1
        if failed is not None:
            first = first or failed  # the line the first codec (UTF-8) fails at
            continue
        if not content:
            raise InputError(path, "文件为空")
        if codec == "utf-8-sig":
            source.seek(start)
            codec = "utf-8-sig" if source.read(3) == codecs.BOM_UTF8 else "utf-8"
        return ("".join(parts), codec) if whole else codec
    expected = "UTF-8 或 GBK/GB18030" if legacy else "UTF-8"
    raise InputError(path, f"无法解码：文件应为 {expected} 编码", first)


# ---------------------------------------------------------------------------- reading


def read(path: str, source: BinaryIO, columns: Columns = Columns(), suffix: str | None = None
         ) -> Iterator[Template | InputError]:
    """The templates of one file (and an ``InputError`` for each item that is not one); the
    loader is chosen by ``suffix`` (default: the file's). ``source`` must be seekable."""
    suffix = file_suffix(path, suffix)
    if suffix == ".xlsx":
        from .tables import read_xlsx

        return read_xlsx(path, source.read(), columns)
    return read_text(path, open_text(path, source, legacy=suffix in LEGACY), columns, suffix)


def read_text(path: str, stream: io.TextIOBase, columns: Columns, suffix: str
              ) -> Iterator[Template | InputError]:
    """Templates of a text stream in a text format (not ``.xlsx``)."""
    if suffix == ".txt":
        from .text import read_txt as reader
    elif suffix == ".csv":
        from .tables import read_csv as reader
    elif suffix == ".md":
        from .markdown import read_markdown as reader
    else:
        from .yaml_sets import read_yaml as reader
    return reader(path, stream, columns)


def load(path: str, data: bytes, columns: Columns = Columns(), suffix: str | None = None) -> list[Template]:
    """All templates of a file held in memory; the first problem found is raised."""
    templates = []
    for item in read(path, io.BytesIO(data), columns, suffix):
        if isinstance(item, InputError):
            raise item
        templates.append(item)
    return templates


# ---------------------------------------------------------------------------- shared checks


def check_scene(path: str, value: str | None, line: int | None) -> str | None:
    if value is not None and value not in SCENES:
        raise InputError(path, f"未知的场景「{value}」（应为 {' / '.join(SCENES)}）", line)
    return value


def check_noqa(path: str, value, line: int | None) -> tuple[str, ...]:
    from ..config import UsageError, check_codes

    values = [code for item in ([value] if isinstance(value, str) else value)
              for code in str(item).replace("，", ",").split(",")]
    try:
        return check_codes(values, "noqa")
    except UsageError as exc:
        raise InputError(path, str(exc), line) from None
