"""The data every part of kefu-lint shares: templates in, findings out, and the vocabulary both use.

A ``Template`` is one reply to lint with where it came from; a ``Finding`` is what a rule
reports about it. Offsets (``start``/``end``) are character offsets in the reply, end exclusive;
``line``/``column`` (1-based) are positions in the file the reply came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SEVERITIES = ("error", "warning", "info")
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}

# The scenes a template can belong to (``scene:`` in a template set).
SCENES = ("问候", "售前", "售中", "售后", "催付", "告别")

# CJK ideographs (the blocks Chinese replies use), as the body of a character class.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Unicode emoji and the joiners and variation selector that build them, as a class body.
EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d"
# What counts as content when comparing lengths: CJK, letters, digits (ASCII and full-width).
CONTENT_CHARS = f"{CJK}A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
CONTENT = re.compile(f"[{CONTENT_CHARS}]")

# Taobao/Qianniu (旺旺) emoticon names as they appear in text: ``[微笑]``. Used to recognise
# emoticons (KF204) and to tell them apart from square-bracket placeholders (KF501).
EMOTICONS = (
    "微笑", "笑", "大笑", "偷笑", "憨笑", "呲牙", "坏笑", "害羞", "可爱", "调皮", "得意", "愉快",
    "开心", "哈哈", "嘿嘿", "飞吻", "亲亲", "么么哒", "爱心", "心", "玫瑰", "鲜花", "礼物",
    "红包", "握手", "抱拳", "拥抱", "抱抱", "鼓掌", "赞", "强", "好的", "OK", "ok", "耶",
    "胜利", "加油", "奋斗", "再见", "挥手", "拜拜", "晚安", "太阳", "月亮", "星星", "咖啡",
    "谢谢", "感谢", "惊讶", "疑问", "思考", "汗", "擦汗", "尴尬", "委屈", "难过", "流泪",
    "大哭", "点头", "色", "酷", "花痴", "干杯", "蛋糕", "庆祝", "招财猫", "福", "笑哭", "捂脸",
)


def display_width(text: str) -> int:
    """Columns a text takes in a terminal: CJK characters take two."""
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(char) in "WF" else 1 for char in text)


def severity_rank(severity: str) -> int:
    """0 for error, 1 for warning, 2 for info: lower is more severe."""
    return SEVERITIES.index(severity)


@dataclass(slots=True)
class Template:
    """One reply to lint, with where it came from.

    ``line``/``column`` (1-based) are where ``raw`` starts in the file; ``raw`` is the reply's
    source text when it differs from ``reply`` (quotes, escapes, block scalars, Markdown
    quote markers), so that offsets in the reply can be mapped back to the file.
    """

    path: str
    reply: str
    line: int = 1
    column: int = 1
    id: str | None = None
    customer: str | None = None
    scene: str | None = None
    noqa: tuple[str, ...] = ()  # codes or prefixes silenced for this template
    placeholders: frozenset[str] = frozenset()  # declared by the template's set
    raw: str | None = None
    sheet: str | None = None  # the worksheet of an .xlsx file (``line`` is then the row)

    def locate(self, offset: int) -> tuple[int, int]:
        """File line and column of character ``offset`` of the reply."""
        source = self.reply if self.raw is None else self.raw
        index = offset if self.raw is None else _align(self.reply, self.raw, offset)
        breaks = source.count("\n", 0, index)
        if not breaks:
            return self.line, self.column + index
        return self.line + breaks, index - source.rindex("\n", 0, index)


def _align(value: str, raw: str, offset: int) -> int:
    """Index in ``raw`` of character ``offset`` of ``value``, matching characters in order
    and skipping what only the source has (quotes, escapes, ``> `` markers, indentation)."""
    j = 0
    for i, char in enumerate(value):
        found = raw.find(char, j)
        if found < 0:
            return min(j, len(raw))
        if i == offset:
            return found
        j = found + 1
    return min(j, len(raw))


class Messages(dict):
    """A rule's message for each match (``messages[match]``), filled in the first time a match
    is asked for: matches repeat, so most findings cost one lookup. A bound keeps memory flat."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def __missing__(self, match: str) -> str:
        if len(self) > 10_000:
            self.clear()
        text = self[match] = self.message.format(match=match)
        return text


# What a check found in one reply: ``(start, end, match)``, a span (end exclusive) and the
# text for the message. A plain tuple: checks make one per finding, and a class costs more.
Hit = tuple[int, int, str]


@dataclass(slots=True)
class Finding:
    """One problem a rule reports in one reply."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int  # exclusive
    rule: str  # the rule's code, e.g. "KF101"
    severity: str
    message: str
    start: int  # offsets in the reply, end exclusive
    end: int
    template: str | None  # the template's id
    url: str  # the rule's section of the handbook
    sheet: str | None = None
    fix: tuple[str, str] | None = None  # (text at the finding's span, its safe replacement)
