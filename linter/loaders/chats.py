"""Chat exports: CSV (UTF-8 or GBK), Excel (``.xlsx``) and JSON Lines in, ``ChatLine`` values out.

Columns are found by name as for template tables (``tables.find_columns``), or named with the
``--*-column`` options: the session, the role (顾客/买家/客户, 客服/卖家/商家, or 系统/机器人/
自动回复), the text, and optionally the time, the agent and the message type. In JSON Lines the
keys of the objects are the header. Lines are read one by one, so memory stays flat
however long the export.

What is no one's words: lines of a system, robot or auto-reply role, and the order and product
cards a platform inserts (a message type such as 商品卡片, or a text that ``checks.is_card``
takes for a card: ``[订单卡片] …``, ``【商品链接】…``, a bare link) come as ``SYSTEM`` lines; a picture, voice message or file
(``[图片]``, or such a message type) is a line of its speaker with no words to check.

Problems are ``InputError`` values among the lines: a row with more or fewer fields than the
header, an unknown role (once per value; its lines are left out), a time that cannot be read
(the first one, then how many more at the end of the file; the line counts, without a time).
Missing columns stop the file.

A large CSV or JSON Lines export can be read in parts side by side (``Part``, ``jobs.py``):
each reads its own lines, and some lines around them to know which sessions are open.
"""

from __future__ import annotations

import io
import json
import re
import sys
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import chain
from typing import BinaryIO

from ..chats import AGENT, CUSTOMER, SYSTEM, ChatLine
from ..checks import is_card
from . import InputError, file_suffix, open_text
from .tables import _ragged, _records, csv_records, header_key, locate_columns, workbook_rows

SUFFIXES = (".csv", ".xlsx", ".jsonl")

# Header names (compared case-insensitively, spaces removed), most specific first.
HEADERS = {
    "session": ("会话ID", "会话编号", "会话id", "对话ID", "会话", "session_id", "sessionid", "session",
                "conversation_id", "conversation", "chat_id"),
    "time": ("发送时间", "消息时间", "时间", "time", "timestamp", "sent_at", "created_at", "datetime"),
    "role": ("角色", "发送方", "身份", "发送者", "role", "sender_role", "sender", "from"),
    "agent": ("接待客服", "客服昵称", "客服账号", "客服", "子账号", "agent", "agent_name", "staff"),
    "text": ("消息内容", "聊天内容", "内容", "消息", "文本", "text", "content", "message", "msg"),
    "type": ("消息类型", "类型", "type", "msg_type", "message_type"),
}
REQUIRED = {"session": ("会话ID", "--session-column"), "role": ("角色", "--role-column"),
            "text": ("消息内容", "--text-column")}

ROLES = {
    CUSTOMER: ("顾客", "买家", "客户", "消费者", "用户", "customer", "buyer", "user", "client"),
    AGENT: ("客服", "卖家", "商家", "人工客服", "店小二", "agent", "seller", "staff", "service"),
    SYSTEM: ("系统", "系统消息", "机器人", "自动回复", "智能客服", "机器人客服", "通知", "system", "bot",
             "robot", "auto", "auto_reply", "autoreply"),
}
_ROLE = {header_key(value): role for role, values in ROLES.items() for value in values}

_TYPE = {header_key(value): kind for kind, values in {
    "card": ("卡片", "商品卡片", "订单卡片", "商品", "订单", "商品链接", "优惠券", "card", "goods", "item",
             "order", "product", "coupon"),
    "media": ("图片", "语音", "视频", "文件", "表情", "动画表情", "位置", "image", "picture", "voice",
              "audio", "video", "file", "sticker", "location"),
    "system": ("系统", "系统消息", "通知", "提示", "system", "notice", "event", "tip"),
}.items() for value in values}

# A bare media marker: [图片] (a card is what ``checks.is_card`` says is one).
_MEDIA = re.compile(r"\s*\[(?:图片|语音|视频|文件|表情|动画表情|位置)\]\s*\Z")


@dataclass(frozen=True)
class ChatColumns:
    """Header names chosen on the command line (``None``: detect)."""

    session: str | None = None
    time: str | None = None
    role: str | None = None
    agent: str | None = None
    text: str | None = None
    type: str | None = None


@dataclass
class Part:
    """Lines ``first`` to ``end`` - 1 of a CSV or JSON Lines export: one of the parts that
    processes read side by side (``jobs.py``). The reader starts at the row at byte ``start``
    (line ``line``): before ``first`` is a window, which must hold ``open_sessions`` sessions or reach
    the header (else ``ShortWindow``), so that the sessions open when the part begins are known;
    after ``end`` it reads on for as long as its consumer asks, for the part's sessions still
    open. Only errors on the part's own lines are reported, and an error a file reports once is
    tagged (``InputError.once``). What the reader found is noted here for ``jobs.py`` to check
    and add up."""

    first: int = 1
    end: int = sys.maxsize
    start: int = 0
    line: int = 1
    codec: str | None = None  # the codec of the part's bytes, checked (None: check the whole file)
    open_sessions: int = 0
    spans: array = field(default_factory=lambda: array("q"))  # CSV records over several lines: first, end …
    heads: dict[str, str] | None = None  # JSON Lines: the key read for each column when the part begins …
    tails: dict[str, str] | None = None  # … and when it ends
    around: int = 0  # lines read before ``first`` or from ``end`` on
    stopped: int | None = None  # the line of an error that stopped the file
    bad_times: int = 0
    first_bad: int | None = None

    @property
    def whole(self) -> bool:
        return self.first == 1 and self.end == sys.maxsize


class ShortWindow(Exception):
    """The window before a part holds fewer sessions (``args[0]``) than are open at a time:
    read a longer one."""


def read_chat(path: str, source: BinaryIO, columns: ChatColumns = ChatColumns(), suffix: str | None = None,
              part: Part | None = None) -> Iterator[ChatLine | InputError]:
    """The lines of one chat export, in file order (``source`` must be seekable); with a
    ``part``, those that ``Part`` describes."""
    suffix = file_suffix(path, suffix, SUFFIXES)
    part = part or Part()
    if suffix == ".xlsx":
        return _xlsx(path, source.read(), columns)
    legacy = suffix == ".csv"
    # The header is read from the file's start, where a UTF-8 export may have a byte order mark.
    stream = open_text(path, source, legacy, "utf-8-sig" if part.codec == "utf-8" else part.codec)

    def window() -> io.TextIOBase:  # the stream from the part's start, once the header is read
        return open_text(path, stream.detach(), legacy, part.codec, part.start)

    return (_jsonl if suffix == ".jsonl" else _csv)(path, stream, columns, part, window)


_NEW = tuple.__new__  # ChatLine values made straight from a tuple: no per-field call


class _Rows:
    """Turns the cells of one table (a CSV file, a worksheet, JSON objects as lists) into chat
    lines; ``line(cells, number)`` is compiled for the table's columns (and, for CSV, its
    ``width``: a row of another width is an error). While ``quiet`` (lines around a part) it
    does not count unreadable times."""

    def __init__(self, path: str, where: dict[str, int | None], sheet: str | None = None,
                 width: int | None = None) -> None:
        self.path, self.sheet, self.width = path, sheet, width
        self.label = f"{path}[{sheet}]" if sheet else path
        self.roles: dict[str, str] = {}  # a role cell as written -> its role
        self.unknown: set[str] = set()  # role cells reported as unknown
        self.errors: list[InputError] = []  # found by ``line``, for the reader to yield
        self.quiet = False
        self.bad_times = 0
        self.first_bad: int | None = None
        self.chosen: dict[str, str] | None = None  # JSON Lines: the key read for each column
        self.line = self._compile(where)

    def _compile(self, where: dict[str, int | None]):
        si, ri, ti = where["session"], where["role"], where["text"]
        ai, mi, yi = where["agent"], where["time"], where["type"]
        roles, role_of, time_of, errors = self.roles, self._role, self._time, self.errors
        path, sheet, width, epoch, iso = self.path, self.sheet, self.width, _EPOCH, datetime.fromisoformat

        def line(cells: list[str], number: int) -> ChatLine | None:
            if width and len(cells) != width:
                if any(c.strip() for c in cells):
                    errors.append(_ragged(path, len(cells), width, number))
                return None
            text = cells[ti].strip()
            if not text:
                return None
            agent = cells[ai].strip() or None if ai is not None else None
            role = roles.get(cells[ri]) or role_of(cells[ri], agent, number)
            if role is _SKIP:
                return None
            time = None
            if mi is not None and (raw := cells[mi]):
                try:
                    time = (iso(raw) - epoch).total_seconds()
                except (ValueError, TypeError):
                    time = time_of(raw, number)  # None, the error noted: the line counts without a time
            session = cells[si].strip()
            if not session:
                errors.append(InputError(self.label, "这一行没有会话ID", number))
                return None
            media = False
            if yi is not None and (kind := _TYPE.get(header_key(cells[yi]))):
                media, role = kind == "media", SYSTEM if kind != "media" else role
            if text[0] in "[【订商宝h":  # what a media marker or a card can start with
                if _MEDIA.match(text):
                    media = True
                elif is_card(text):
                    role = SYSTEM
            return _NEW(ChatLine, (path, number, session, role, text, time, agent, sheet, media))

        return line

    def _role(self, value: str, agent: str | None, number: int):
        """The role of a role cell not seen before (cached), AGENT for a sender column that
        names the line's agent, or ``_SKIP`` for an unknown value (an error the first time).
        Decided by the line alone, so that a part of the file read apart decides alike."""
        role = _ROLE.get(header_key(value))
        if role is not None:
            self.roles[value] = role
            return role
        if value.strip() and value.strip() == agent:
            return AGENT
        if value not in self.unknown:
            self.unknown.add(value)
            self.errors.append(InputError(self.label, f"未知的角色「{value.strip()}」（应为顾客/买家/客户、"
                                                      f"客服/卖家/商家或系统/机器人/自动回复）；这个角色的行都不计入",
                                          number, once=f"role {value}"))
        return _SKIP

    def _time(self, raw: str, number: int) -> float | None:
        try:
            return seconds(raw)
        except ValueError:
            if not self.quiet:
                self.bad_times += 1
                if self.first_bad is None:
                    self.first_bad = number
                    self.errors.append(InputError(self.label, f"无法识别的时间「{raw.strip()}」（应为 2026-11-20 "
                                                              f"15:04:05 这样的日期和时间）", number, once="time"))
            return None

    def flush(self) -> list[InputError]:
        """The errors found since the last call."""
        found = list(self.errors)
        self.errors.clear()
        return found

    def end(self) -> Iterator[InputError]:
        if error := more_bad_times(self.label, self.bad_times, self.first_bad):
            yield error


def more_bad_times(label: str, count: int, first: int | None) -> InputError | None:
    """The error closing a table with ``count`` unreadable times, the first on line ``first``."""
    if count > 1:
        return InputError(label, f"另有 {count - 1} 行的时间也无法识别（第一处在第 {first} 行）")
    return None


_SKIP = "skip"  # an unknown role: its lines are left out


def _lines(rows: _Rows, records: Iterator[tuple[int, list[str], object]], part: Part, need: int
           ) -> Iterator[ChatLine | InputError]:
    """The lines of a CSV or JSON Lines table's ``records`` ((line, cells, _) tuples) and the
    errors on them, for ``part``: a window before its lines (which must hold ``need``
    sessions), its lines, then what follows, for as long as the consumer asks."""
    errors = rows.errors
    if part.first > 1:
        rows.quiet, around, edge = True, set(), part.first  # around: the sessions of lines around the part
    else:
        around, edge = None, part.end
    try:
        for number, cells, _ in records:
            if number >= edge:
                if around is not None and number < part.end:  # the part begins
                    if len(around) < need:
                        raise ShortWindow(len(around))
                    part.heads = rows.chosen
                    rows.quiet, around, edge = False, None, part.end
                if number >= edge:  # the part ends
                    part.tails = rows.chosen
                    rows.quiet, around, edge = True, set(), sys.maxsize
            line = rows.line(cells, number)
            if errors:
                yield from rows.flush()
            if line is not None:
                if around is not None:
                    around.add(line.session)
                    part.around += 1
                yield line
        yield from rows.flush()  # JSON Lines: errors after the last object
        if part.whole:
            yield from rows.end()
    finally:  # also when the consumer stops asking after the part
        part.bad_times, part.first_bad = rows.bad_times, rows.first_bad


def _columns(path: str, header: list[str], columns: ChatColumns, line: int) -> dict[str, int | None]:
    chosen = {name: getattr(columns, name) for name in HEADERS}
    return locate_columns(path, header, HEADERS, chosen, REQUIRED, line)


def _csv(path: str, stream: io.TextIOBase, columns: ChatColumns, part: Part, window
         ) -> Iterator[ChatLine | InputError]:
    spans = None if part.whole else part.spans  # noted for jobs.py only
    delimiter, records = csv_records(path, stream, spans=spans)
    first = next(records, None)
    if first is None:
        raise InputError(path, "文件为空")
    header = first[1]
    rows = _Rows(path, _columns(path, header, columns, 1), width=len(header))
    if part.start and part.line > (spans[1] if spans and spans[0] == 1 else 2):  # past the header
        records = _records(path, window(), delimiter, False, part.line, spans)
        return _lines(rows, records, part, part.open_sessions)
    return _lines(rows, records, part, 0)


def _xlsx(path: str, data: bytes, columns: ChatColumns) -> Iterator[ChatLine | InputError]:
    rows, sheet = None, None
    for title, where, number, cells in workbook_rows(path, data, lambda label, row, number:
                                                     _columns(label, row, columns, number)):
        if isinstance(cells, InputError):
            yield cells
            continue
        if rows is None or title != sheet:  # each worksheet is a table of its own
            if rows is not None:
                yield from rows.end()
            rows, sheet = _Rows(path, where, title), title
            width = max(i for i in where.values() if i is not None) + 1
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        line = rows.line(cells, number)
        yield from rows.flush()
        if line is not None:
            yield line
    if rows is not None:
        yield from rows.end()


def _jsonl(path: str, stream: io.TextIOBase, columns: ChatColumns, part: Part, window
           ) -> Iterator[ChatLine | InputError]:
    """Objects may leave keys out (no agent on a customer's line): the columns are those of
    the first object, and are looked for again when an object brings a new key."""
    objects = _objects(path, enumerate(stream, start=1))
    for number, item in objects:  # up to the first object: its keys are the first header
        if isinstance(item, dict):
            break
        yield item
    else:
        raise InputError(path, "文件里没有聊天记录")
    seen = dict.fromkeys(item)  # the keys in the order they first appear
    keys = list(seen)
    where = _columns(path, keys, columns, number)
    rows = _Rows(path, where)
    rows.chosen = _chosen(keys, where)
    need = 0
    if part.start and part.line > number:
        objects, need = _objects(path, enumerate(window(), start=part.line)), part.open_sessions
    else:
        objects = chain([(number, item)], objects)

    def records() -> Iterator[tuple[int, list[str], None]]:
        keys = list(seen)
        for number, item in objects:
            if not isinstance(item, dict):
                rows.errors.append(item)
                continue
            if not seen.keys() >= item.keys():  # a new key: the keys seen so far are the header
                seen.update(dict.fromkeys(item))
                keys = list(seen)
                where = _columns(path, keys, columns, number)
                rows.line, rows.chosen = rows._compile(where), _chosen(keys, where)
            yield number, [_json_text(item.get(key)) for key in keys], None

    yield from _lines(rows, records(), part, need)


def _chosen(keys: list[str], where: dict[str, int | None]) -> dict[str, str]:
    return {name: keys[index] for name, index in where.items() if index is not None}


def _objects(path: str, lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, dict | InputError]]:
    """The JSON object on each line that is not blank, or the InputError saying why not."""
    for number, text in lines:
        if not text.strip():
            continue
        try:
            item = json.loads(text)
        except json.JSONDecodeError as exc:
            yield number, InputError(path, f"JSON 格式错误：{exc.msg}（第 {exc.colno} 个字符）", number)
            continue
        yield number, item if isinstance(item, dict) else InputError(path, "这一行不是 JSON 对象（{…}）", number)


def _json_text(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


# ---------------------------------------------------------------------------- times

_EPOCH = datetime(1970, 1, 1)
_LOOSE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?[ T]*(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2}(?:\.\d+)?))?秒?")
_NUMBER = re.compile(r"\d{9,13}(?:\.\d+)?")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?")


def seconds(value) -> float | None:
    """A time cell as seconds (None for an empty cell): an Excel date, epoch seconds or
    milliseconds, ``2026-11-20 15:04:05`` (ISO, with ``/`` ``.`` or 年月日 too), or a time of
    day alone (``15:04:05``, for an export of one day). ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _from_datetime(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value / 1000 if value > 1e11 else float(value)
    text = str(value).strip()
    if not text:
        return None
    try:
        return _from_datetime(datetime.fromisoformat(text))
    except ValueError:
        pass
    if _NUMBER.fullmatch(text):  # epoch seconds, or milliseconds
        number = float(text)
        return number / 1000 if number > 1e11 else number
    if m := _LOOSE.fullmatch(text):
        year, month, day, hour, minute = map(int, m.groups()[:5])
        return _from_datetime(datetime(year, month, day, hour, minute)) + float(m.group(6) or 0)
    if m := _CLOCK.fullmatch(text):
        hour, minute = int(m.group(1)), int(m.group(2))
        if hour < 24 and minute < 60:
            return hour * 3600 + minute * 60 + float(m.group(3) or 0)
    raise ValueError(text)


def _from_datetime(moment: datetime) -> float:
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return (moment - _EPOCH).total_seconds()
