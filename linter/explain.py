"""A rule's explanation, written once and rendered twice.

``kefu-lint rule CODE`` prints it as plain text; the handbook's style-guide pages (generated
at build time by ``hooks/style_guide.py``) render the same parts as Markdown. Both take the
headings, the meta line and the example wording from ``parts()``, so the terminal and the
handbook cannot drift apart.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from .model import SEVERITY_NAMES
from .rules import CATEGORIES, Chat, Example, Rule

WHY = "为什么"
BAD = "反例（会报告）"
GOOD = "正例"
SOURCE = "出处"
HANDBOOK = "手册"


@dataclass(frozen=True)
class RuleText:
    heading: str  # "KF101 no-refusal：不说拒绝的话"
    meta: str  # category and default severity
    rationale: str
    bad: tuple[str, ...]
    good: tuple[str, ...]
    source: str


def example_text(example: Example | Chat) -> str:
    """One example on one line, with the context a rule needs to judge it; a conversation
    (``Chat``) is one line per message."""
    if isinstance(example, Chat):
        return "\n".join(f"{f'［{time}］' if time else ''}{speaker}：{text}"
                         for speaker, _, time, text in example.parsed())
    scene = f"［{example.scene}］" if example.scene else ""
    context = []
    if example.customer:
        context.append(f"顾客：{example.customer}")
    if example.siblings:
        context.append("同一话术集里已有：" + "、".join(f"「{s}」" for s in example.siblings))
    if example.placeholders:
        context.append("声明的占位符：" + "、".join(example.placeholders))
    return scene + example.reply + "".join(f"（{c}）" for c in context)


def parts(rule: Rule) -> RuleText:
    return RuleText(
        heading=f"{rule.code} {rule.name}：{rule.title}",
        meta=f"类别：{CATEGORIES[rule.category][0]}    默认级别：{SEVERITY_NAMES[rule.severity]}",
        rationale=rule.rationale,
        bad=tuple(map(example_text, rule.bad)),
        good=tuple(map(example_text, rule.good)),
        source=rule.source,
    )


def as_text(rule: Rule, url: str) -> str:
    """``kefu-lint rule CODE``: the rule's own text, like ``ruff rule``."""
    text = parts(rule)
    return "\n".join([
        text.heading,
        text.meta,
        "",
        WHY,
        textwrap.indent(text.rationale, "  "),
        "",
        BAD,
        *(_item(line) for line in text.bad),
        "",
        GOOD,
        *(_item(line) for line in text.good),
        "",
        f"{SOURCE}：{text.source}",
        f"{HANDBOOK}：{url}",
    ])


def _item(example: str) -> str:
    """An example in the terminal, indented; a conversation as a list item of its lines."""
    return "  - " + example.replace("\n", "\n    ") if "\n" in example else "  " + example


# Python-Markdown's escapable characters (with ``tables``): everything else is plain text.
_MARKUP = re.compile(r"([\\`*_{}\[\]()>#+\-.!|])")


def escape_markdown(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;")  # "<" is not escapable: no raw HTML
    return _MARKUP.sub(r"\\\1", text)


def as_markdown(rule: Rule, handbook_link: str) -> str:
    """The rule as a style-guide section; the heading's anchor is the code in lower case.

    ``handbook_link`` is a Markdown link to the handbook section the rule comes from.
    """
    text = parts(rule)

    def examples(kind: str, title: str, lines: tuple[str, ...]) -> str:
        items = "\n".join(f"    - {escape_markdown(line).replace(chr(10), '<br>')}" for line in lines)
        return f'!!! {kind} "{title}"\n\n{items}\n'

    meta = escape_markdown(text.meta.replace("    ", " · "))
    return "\n".join([
        f"## {escape_markdown(text.heading)} {{#{rule.anchor}}}",
        "",
        meta,
        "",
        f"**{WHY}**：{escape_markdown(text.rationale)}",
        "",
        examples("failure", BAD, text.bad),
        examples("success", GOOD, text.good),
        f"{SOURCE}：{escape_markdown(text.source)}",
        "",
        f"{HANDBOOK}：{handbook_link}",
        "",
    ])
