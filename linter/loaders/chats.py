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
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import BinaryIO
from zlib import crc32

from ..chats import AGENT, CUSTOMER, SYSTEM, ChatLine
from ..checks import is_card
from . import InputError, file_suffix, open_text
from .tables import _ragged, csv_records, header_key, locate_columns, workbook_rows

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


def read_chat(path: str, source: BinaryIO, columns: ChatColumns = ChatColumns(), suffix: str | None = None,
              part: tuple[int, int] = (0, 1)) -> Iterator[ChatLine | InputError]:
    """The lines of one chat export, in file order (``source`` must be seekable). With
    ``part=(k, n)``, only the lines of the sessions in part k of n (by a stable hash of the
    session id); every part reports the same input errors."""
    suffix = file_suffix(path, suffix, SUFFIXES)
    if suffix == ".xlsx":
        return _xlsx(path, source.read(), columns, part)
    stream = open_text(path, source, legacy=suffix == ".csv")
    return (_jsonl if suffix == ".jsonl" else _csv)(path, stream, columns, part)


_NEW = tuple.__new__  # ChatLine values made straight from a tuple: no per-field call


class _Rows:
    """Turns the cells of one table (a CSV file, a worksheet, JSON objects as lists) into chat
    lines; ``line(cells, number)`` is compiled for the table's columns."""

    def __init__(self, path: str, where: dict[str, int | None], sheet: str | None = None,
                 part: tuple[int, int] = (0, 1)) -> None:
        self.path, self.sheet, self.part = path, sheet, part
        self.label = f"{path}[{sheet}]" if sheet else path
        self.roles: dict[str, str] = {}  # a role cell as written -> its role (or _SKIP)
        self.errors: list[InputError] = []  # found by ``line``, for the reader to yield
        self.bad_times = 0
        self.first_bad: int | None = None
        self.where = where
        self.parts_of: dict[str, bool] = {}  # a session cell -> whether it is another part's
        self.line = self._compile(where)

    def _compile(self, where: dict[str, int | None]):
        si, ri, ti = where["session"], where["role"], where["text"]
        ai, mi, yi = where["agent"], where["time"], where["type"]
        roles, role_of, time_of, errors = self.roles, self._role, self._time, self.errors
        theirs_of = self.theirs
        path, sheet, epoch, iso = self.path, self.sheet, _EPOCH, datetime.fromisoformat
        mine, parts = self.part

        def line(cells: list[str], number: int) -> ChatLine | None:
            text = cells[ti].strip()
            if not text:
                return None
            session = cells[si].strip()
            theirs = parts > 1 and session and theirs_of(cells[si])
            if theirs and mine:  # another part's line: only the first part reports its errors
                return None
            agent = cells[ai].strip() or None if ai is not None else None
            role = roles.get(cells[ri]) or role_of(cells[ri], agent, number)
            if role is _SKIP:
                return None
            time = None
            if mi is not None and (raw := cells[mi]):
                try:
                    moment = iso(raw)
                    if not theirs:  # another part's line is only checked: any ISO time reads
                        time = (moment - epoch).total_seconds()
                except (ValueError, TypeError):
                    time = time_of(raw, number)  # None, the error noted: the line counts without a time
            if not session:
                errors.append(InputError(self.label, "这一行没有会话ID", number))
                return None
            if theirs:
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

    def theirs(self, cell: str) -> bool:
        """Whether a session cell (as written) is another part's, by a stable hash of the id: the
        same in every process. Remembered per cell: the sessions open at a time repeat."""
        theirs = self.parts_of.get(cell)
        if theirs is None:
            if len(self.parts_of) >= 10_000:
                self.parts_of.clear()
            session, (mine, parts) = cell.strip(), self.part
            theirs = self.parts_of[cell] = bool(session) and crc32(session.encode()) % parts != mine
        return theirs

    def _role(self, value: str, agent: str | None, number: int):
        """The role of a role cell not seen before (cached), AGENT for a sender column that
        names the line's agent, or ``_SKIP`` for an unknown value (an error the first time)."""
        role = _ROLE.get(header_key(value))
        if role is not None:
            self.roles[value] = role
            return role
        if value.strip() and value.strip() == agent:
            return AGENT
        if value not in self.roles:
            self.roles[value] = _SKIP
            self.errors.append(InputError(self.label, f"未知的角色「{value.strip()}」（应为顾客/买家/客户、"
                                                      f"客服/卖家/商家或系统/机器人/自动回复）；这个角色的行都不计入",
                                          number))
        return _SKIP

    def _time(self, raw: str, number: int) -> float | None:
        try:
            return seconds(raw)
        except ValueError:
            self.bad_times += 1
            if self.first_bad is None:
                self.first_bad = number
                self.errors.append(InputError(self.label, f"无法识别的时间「{raw.strip()}」（应为 2026-11-20 "
                                                          f"15:04:05 这样的日期和时间）", number))
            return None

    def flush(self) -> list[InputError]:
        """The errors found since the last call."""
        found, self.errors[:] = list(self.errors), []
        return found

    def end(self) -> Iterator[InputError]:
        if self.bad_times > 1:
            yield InputError(self.label, f"另有 {self.bad_times - 1} 行的时间也无法识别（第一处在第 "
                                         f"{self.first_bad} 行）")


_SKIP = "skip"  # a role already reported as unknown: its lines are left out


def _columns(path: str, header: list[str], columns: ChatColumns, line: int) -> dict[str, int | None]:
    chosen = {name: getattr(columns, name) for name in HEADERS}
    return locate_columns(path, header, HEADERS, chosen, REQUIRED, line)


def _csv(path: str, stream: io.TextIOBase, columns: ChatColumns, part: tuple[int, int]
         ) -> Iterator[ChatLine | InputError]:
    _, records = csv_records(path, stream)
    first = next(records, None)
    if first is None:
        raise InputError(path, "文件为空")
    header = first[1]
    rows = _Rows(path, _columns(path, header, columns, 1), part=part)
    width = len(header)
    make, errors = rows.line, rows.errors
    # A later part leaves the other parts' lines unread (the first part reports their errors).
    si, theirs = rows.where["session"], rows.theirs if part[0] else None
    for start, cells, _ in records:
        if len(cells) != width:
            if any(c.strip() for c in cells):
                yield _ragged(path, len(cells), width, start)
            continue
        if theirs is not None and theirs(cells[si]):
            continue
        line = make(cells, start)
        if errors:
            yield from rows.flush()
        if line is not None:
            yield line
    yield from rows.end()


def _xlsx(path: str, data: bytes, columns: ChatColumns, part: tuple[int, int]) -> Iterator[ChatLine | InputError]:
    rows, sheet = None, None
    for title, where, number, cells in workbook_rows(path, data, lambda label, row, number:
                                                     _columns(label, row, columns, number)):
        if isinstance(cells, InputError):
            yield cells
            continue
        if rows is None or title != sheet:  # each worksheet is a table of its own
            if rows is not None:
                yield from rows.end()
            rows, sheet = _Rows(path, where, title, part), title
            width = max(i for i in where.values() if i is not None) + 1
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        line = rows.line(cells, number)
        yield from rows.flush()
        if line is not None:
            yield line
    if rows is not None:
        yield from rows.end()


def _jsonl(path: str, stream: io.TextIOBase, columns: ChatColumns, part: tuple[int, int]
           ) -> Iterator[ChatLine | InputError]:
    """Objects may leave keys out (no agent on a customer's line): the columns are those of
    the first object, and are looked for again when an object brings a new key."""
    rows = None
    seen: dict[str, None] = {}  # keys in the order they first appear
    for number, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        try:
            item = json.loads(text)
        except json.JSONDecodeError as exc:
            yield InputError(path, f"JSON 格式错误：{exc.msg}（第 {exc.colno} 个字符）", number)
            continue
        if not isinstance(item, dict):
            yield InputError(path, "这一行不是 JSON 对象（{…}）", number)
            continue
        if rows is None or not seen.keys() >= item.keys():  # the keys seen so far are the header
            seen.update(dict.fromkeys(item))
            keys = list(seen)
            where = _columns(path, keys, columns, number)
            if rows is None:
                rows = _Rows(path, where, part=part)
            else:
                rows.line = rows._compile(where)
        cells = [_json_text(item.get(key)) for key in keys]
        line = rows.line(cells, number)
        yield from rows.flush()
        if line is not None:
            yield line
    if rows is None:
        raise InputError(path, "文件里没有聊天记录")
    yield from rows.end()


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
