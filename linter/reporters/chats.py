"""Reporters for ``kefu-lint chats``: scored sessions out, written as they are inspected.

``text``  the findings of each session with ``file:line``, then the agents table and a summary
``json``  ``sessions`` (streamed), ``agents`` and ``summary`` (README: chat JSON output)
``csv``   one row per finding, for spreadsheets (UTF-8 with a BOM, so that Excel reads it)

A reporter renders each scored session as a fragment and writes the fragments in order
(``sessions``), then the summary and the agents (``finish``). The HTML report is
``reporters/html.py``.
"""

from __future__ import annotations

import csv
import io
import json
from json.encoder import encode_basestring as js
from typing import TextIO

from ..api import ChatSummary
from ..chats import Scorecard, Scored, duration
from ..config import Settings
from ..model import SEVERITY_NAMES, display_width
from ..rules import RULES, RULES_BY_CODE
from . import Fragments, Writer, summary_line


def place(scored: Scored) -> str:
    """The file of a session as people read it: ``book.xlsx[Sheet1]`` for Excel."""
    session = scored.session
    return f"{session.path}[{session.sheet}]" if session.sheet else session.path


def chat_summary_line(summary: ChatSummary) -> str:
    return summary_line(summary, f"检查了 {summary.files} 个文件、{summary.lines:,} 行聊天记录、"
                                 f"{summary.sessions:,} 个会话、{summary.templates:,} 条客服回复")


def seconds_text(value: float | None) -> str:
    return "—" if value is None else duration(value)


class ChatReporter(Writer):
    """Writes a chat run's output to ``out``. Each session's output is a ``fragment`` (a
    string, empty for nothing), so that processes inspecting parts of a file can render their
    sessions and the main process write them in file order (``jobs.py``)."""

    def __init__(self, out: TextIO | None, settings: Settings, *, quiet: bool = False) -> None:
        super().__init__(out)
        self.settings, self.quiet = settings, quiet

    def start(self) -> None:
        pass

    def fragment(self, scored: Scored) -> str:
        return ""

    def sessions(self, batch: list[Scored]) -> None:
        self.write(map(self.fragment, batch))

    def finish(self, summary: ChatSummary, card: Scorecard) -> None:
        pass


# ---------------------------------------------------------------------------- text


def _cell(text: str, width: int, right: bool = False) -> str:
    pad = " " * max(0, width - display_width(text))
    return pad + text if right else text + pad


def agents_table(card: Scorecard) -> list[str]:
    """The agents table as aligned text lines."""
    head = ["客服", "会话", "回复", "问题", "每百条回复", "首次响应中位数", "得分"]
    rows = [[r["agent"], f"{r['sessions']:,}", f"{r['replies']:,}", f"{r['findings']:,}",
             "—" if not r["replies"] else f"{r['findings'] * 100 / r['replies']:.1f}",
             seconds_text(r["median_first_response"]), f"{r['score']:.1f}"] for r in card.table()]
    widths = [max(display_width(row[i]) for row in [head, *rows]) for i in range(len(head))]
    return ["  ".join(_cell(value, widths[i], right=i > 0) for i, value in enumerate(row)) for row in [head, *rows]]


class ChatText(ChatReporter):
    def fragment(self, scored: Scored) -> str:
        if not scored.findings:
            return ""
        where = place(scored)
        first = f" · 首次响应 {duration(scored.first_response)}" if scored.first_response is not None else ""
        lines = [f"{where} 会话 {scored.session.id} · 客服 {scored.agent} · {scored.turns} 轮{first}"
                 f" · 得分 {scored.score}"]
        for f in scored.findings:
            other = f"（客服 {f.agent}）" if f.agent != scored.agent else ""
            lines.append(f"  {where}:{f.line}: {f.rule} [{SEVERITY_NAMES[f.severity]}] {f.message}{other}")
        return "\n".join(lines) + "\n"

    def finish(self, summary: ChatSummary, card: Scorecard) -> None:
        lines = ["", *agents_table(card)] if card.agents and not self.quiet else []
        if not self.quiet:
            lines.append(chat_summary_line(summary))
        if lines:
            self.out.write("\n".join(lines) + "\n")


# ---------------------------------------------------------------------------- JSON


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _number(value: float | None) -> str:
    return "null" if value is None else repr(value)


class ChatJson(ChatReporter):
    """A session per fragment, written from JSON pieces prepared once per rule and message
    (the same text ``json.dumps`` writes: ``tests/test_chats.py``)."""

    separator = ","

    def __init__(self, out, settings, *, quiet=False) -> None:
        super().__init__(out, settings, quiet=quiet)
        self.parts = Fragments(settings, RULES)
        self.text = self.parts.message  # a cache of encoded strings: agents, files, messages

    def start(self) -> None:
        self.out.write('{"sessions":[')

    def fragment(self, scored: Scored) -> str:
        session, text, rules = scored.session, self.text, self.parts.rules
        findings = []
        for f in scored.findings:
            rule, url = rules[f.rule]
            findings.append(f'{{{rule}"line":{f.line},"message":{text(f.message)},"agent":{text(f.agent)},'
                            f'"url":{url}}}')
        sheet = f',"sheet":{text(session.sheet)}' if session.sheet else ""
        return (f'{{"id":{js(session.id)},"path":{text(session.path)}{sheet},"agent":{text(scored.agent)},'
                f'"turns":{scored.turns},"replies":{sum(scored.replies.values())},'
                f'"first_response_seconds":{_number(scored.first_response)},"score":{scored.score},'
                f'"findings":[{",".join(findings)}]}}')

    def finish(self, summary: ChatSummary, card: Scorecard) -> None:
        totals = {"files": summary.files, "lines": summary.lines, "sessions": summary.sessions,
                  "replies": summary.templates, "findings": summary.findings, **summary.counts(),
                  "input_errors": summary.errors}
        self.out.write(f'],"agents":{_dumps(card.table())},"summary":{_dumps(totals)}}}\n')


# ---------------------------------------------------------------------------- CSV

def _cell_safe(value):
    """Chat text is untrusted: a cell that opens with = + - @ would be a formula in Excel."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


CSV_HEADER = ("文件", "会话", "客服", "行", "规则", "名称", "级别", "问题", "聊天内容", "手册")


class ChatCsv(ChatReporter):
    def __init__(self, out, settings, *, quiet=False) -> None:
        super().__init__(out, settings, quiet=quiet)
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")
        self.titles = {code: rule.title for code, rule in RULES_BY_CODE.items()}

    def start(self) -> None:
        self.out.write("\ufeff")  # Excel on Windows reads UTF-8 only after a BOM
        self.out.write(self.fragment_of([CSV_HEADER]))

    def fragment(self, scored: Scored) -> str:
        where, lines = place(scored), scored.session.lines
        return self.fragment_of([
            tuple(map(_cell_safe, (where, scored.session.id, f.agent, f.line, f.rule, self.titles[f.rule],
                                   SEVERITY_NAMES[f.severity], f.message, lines[f.at].text, f.url)))
            for f in scored.findings])

    def fragment_of(self, rows) -> str:
        buffer = self.buffer
        buffer.seek(0)
        buffer.truncate()
        self.writer.writerows(rows)
        return buffer.getvalue()


CHAT_FORMATS: dict[str, type[ChatReporter]] = {"text": ChatText, "json": ChatJson, "csv": ChatCsv}
