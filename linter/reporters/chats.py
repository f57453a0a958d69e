"""Reporters for ``kefu-lint chats``: scored sessions out, written as they are inspected.

``text``  the findings of each session with ``file:line``, then the agents table and a summary
``json``  ``sessions`` (streamed), ``agents`` and ``summary`` (README: chat JSON output)
``csv``   one row per finding, for spreadsheets (UTF-8 with a BOM, so that Excel reads it)

A reporter is told about each batch of scored sessions (``sessions``), then gets the summary
and the scorecard (``finish``). The HTML report is ``reporters/html.py``.
"""

from __future__ import annotations

import csv
import json
from typing import TextIO

from ..api import ChatSummary
from ..chats import Scorecard, Scored, duration
from ..config import Settings
from ..model import SEVERITY_NAMES, display_width
from ..rules import RULES_BY_CODE
from . import summary_line


def place(scored: Scored) -> str:
    """The file of a session as people read it: ``book.xlsx[Sheet1]`` for Excel."""
    session = scored.session
    return f"{session.path}[{session.sheet}]" if session.sheet else session.path


def chat_summary_line(summary: ChatSummary) -> str:
    return summary_line(summary, f"检查了 {summary.files} 个文件、{summary.lines:,} 行聊天记录、"
                                 f"{summary.sessions:,} 个会话、{summary.templates:,} 条客服回复")


def seconds_text(value: float | None) -> str:
    return "—" if value is None else duration(value)


class ChatReporter:
    def __init__(self, out: TextIO, settings: Settings, *, quiet: bool = False) -> None:
        self.out, self.settings, self.quiet = out, settings, quiet

    def start(self) -> None:
        pass

    def sessions(self, batch: list[Scored]) -> None:
        pass

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
    def sessions(self, batch: list[Scored]) -> None:
        lines = []
        for scored in batch:
            if not scored.findings:
                continue
            where = place(scored)
            first = f" · 首次响应 {duration(scored.first_response)}" if scored.first_response is not None else ""
            lines.append(f"{where} 会话 {scored.session.id} · 客服 {scored.agent} · {scored.turns} 轮{first}"
                         f" · 得分 {scored.score}")
            for f in scored.findings:
                other = f"（客服 {f.agent}）" if f.agent != scored.agent else ""
                lines.append(f"  {where}:{f.line}: {f.rule} [{SEVERITY_NAMES[f.severity]}] {f.message}{other}")
        if lines:
            self.out.write("\n".join(lines) + "\n")

    def finish(self, summary: ChatSummary, card: Scorecard) -> None:
        lines = ["", *agents_table(card)] if card.agents and not self.quiet else []
        if not self.quiet:
            lines.append(chat_summary_line(summary))
        if lines:
            self.out.write("\n".join(lines) + "\n")


# ---------------------------------------------------------------------------- JSON


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def session_json(scored: Scored, names: dict[str, str]) -> dict:
    session = scored.session
    data = {"id": session.id, "path": session.path}
    if session.sheet:
        data["sheet"] = session.sheet
    data.update({
        "agent": scored.agent, "turns": scored.turns, "replies": sum(scored.replies.values()),
        "first_response_seconds": scored.first_response, "score": scored.score,
        "findings": [{"rule": f.rule, "name": names[f.rule], "severity": f.severity, "line": f.line,
                      "message": f.message, "agent": f.agent, "url": f.url} for f in scored.findings],
    })
    return data


class ChatJson(ChatReporter):
    def start(self) -> None:
        self.names = {code: rule.name for code, rule in RULES_BY_CODE.items()}
        self.first = True
        self.out.write('{"sessions":[')

    def sessions(self, batch: list[Scored]) -> None:
        if not batch:
            return
        names = self.names
        self.out.write(("" if self.first else ",") + ",".join(_dumps(session_json(s, names)) for s in batch))
        self.first = False

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
    def start(self) -> None:
        self.out.write("\ufeff")  # Excel on Windows reads UTF-8 only after a BOM
        self.writer = csv.writer(self.out, lineterminator="\r\n")
        self.writer.writerow(CSV_HEADER)
        self.titles = {code: rule.title for code, rule in RULES_BY_CODE.items()}

    def sessions(self, batch: list[Scored]) -> None:
        rows = []
        for scored in batch:
            where, lines = place(scored), scored.session.lines
            for f in scored.findings:
                rows.append((where, scored.session.id, f.agent, f.line, f.rule, self.titles[f.rule],
                             SEVERITY_NAMES[f.severity], f.message, lines[f.at].text, f.url))
        self.writer.writerows([tuple(map(_cell_safe, row)) for row in rows])


CHAT_FORMATS: dict[str, type[ChatReporter]] = {"text": ChatText, "json": ChatJson, "csv": ChatCsv}
