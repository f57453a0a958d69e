"""The static HTML report of ``kefu-lint chats --report DIR``.

``index.html`` is the overview: totals, the agents table (sortable), charts drawn as inline
SVG, the rules with their handbook links. ``agents/NNN.html`` is one page per agent: their
findings by rule and their worst sessions as chat bubbles, each finding highlighted in the
line it is about and linked to its section of the handbook. Styles and the sorting script
are inlined from ``data/report.css`` and ``data/report.js``: the pages open from ``file://``
with no network.

Chat text is untrusted (customers type it): every piece of it is escaped, in text and in
attributes, so a line carrying ``<script>`` shows as those characters and never runs.
"""

from __future__ import annotations

import html
import time
from datetime import datetime, timedelta
from importlib.resources import files
from pathlib import Path

from .. import __version__
from ..api import ChatSummary
from ..chats import CAP, CUSTOMER, SYSTEM, WEIGHTS, AgentCard, Scorecard, Scored, duration
from ..config import Settings
from ..model import SEVERITY_NAMES, severity_rank
from ..rules import RULES_BY_CODE
from .chats import chat_summary_line, place, seconds_text

TITLE = "客服质检报告"
MAX_LINES = 200  # lines shown of one session


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def write_report(directory: Path, card: Scorecard, summary: ChatSummary, settings: Settings) -> Path:
    """Write the report into ``directory`` (created if need be); returns the overview's path."""
    (directory / "agents").mkdir(parents=True, exist_ok=True)
    agents = [card.agents[name] for name in sorted(card.agents)]
    pages = {agent.agent: f"agents/{number:03d}.html" for number, agent in enumerate(agents, start=1)}
    report = _Report(settings, summary)
    (directory / "index.html").write_text(report.overview(agents, pages), encoding="utf-8")
    for agent in agents:
        (directory / pages[agent.agent]).write_text(report.agent_page(agent), encoding="utf-8")
    return directory / "index.html"


def _page(title: str, body: str, root: str = "") -> str:
    style = files("kefu_lint.data").joinpath("report.css").read_text(encoding="utf-8")
    script = files("kefu_lint.data").joinpath("report.js").read_text(encoding="utf-8")
    return (
        '<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="kefu-lint {esc(__version__)}">\n'
        f"<title>{esc(title)}</title>\n<style>\n{style}</style>\n</head>\n<body>\n{body}\n"
        f"<script>\n{script}</script>\n</body>\n</html>\n"
    )


def _stats(stats: list[tuple[str, str]]) -> str:
    """The row of figures at the top of a page: ``(value, label)``."""
    return ('<section class="stats">' + "".join(f'<div class="stat"><b>{esc(v)}</b><span>{esc(k)}</span></div>'
                                                for v, k in stats) + "</section>")


def _score_class(score: float) -> str:
    return "low" if score < 60 else "mid" if score < 80 else ""


def _clock(seconds: float | None, with_date: bool = False) -> str:
    if seconds is None:
        return ""
    moment = datetime(1970, 1, 1) + timedelta(seconds=seconds)
    if with_date and seconds >= 2 * 86400:  # a date, not a time of day alone
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.strftime("%H:%M:%S")


def bars(items: list[tuple[str, float, str, str]], unit_width: float | None = None) -> str:
    """A horizontal bar chart as inline SVG: ``(label, value, shown value, css class)``."""
    if not items:
        return '<p class="hint">没有数据。</p>'
    label_width, bar_height, gap, width = 240, 20, 8, 720
    top = max(value for _, value, _, _ in items) or 1
    scale = (width - label_width - 70) / (unit_width or top)
    height = len(items) * (bar_height + gap) + gap
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value, shown, css) in enumerate(items):
        y = gap + i * (bar_height + gap)
        length = max(1.0, value * scale)
        parts.append(
            f'<g><title>{esc(label)}：{esc(shown)}</title>'
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{esc(_fit(label, 14))}</text>'
            f'<rect class="bar {css}" x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" rx="3"/>'
            f'<text class="value" x="{label_width + length + 6:.1f}" y="{y + 15}">{esc(shown)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_BUCKETS = ((10, "10 秒内"), (30, "10–30 秒"), (60, "30–60 秒"), (180, "1–3 分钟"), (float("inf"), "3 分钟以上"))


class _Report:
    def __init__(self, settings: Settings, summary: ChatSummary) -> None:
        self.settings, self.summary = settings, summary

    def rule_link(self, code: str) -> str:
        rule = RULES_BY_CODE[code]
        return f'<a href="{esc(self.settings.url(code))}" title="{esc(rule.rationale)}">{esc(code)}</a>'

    # ------------------------------------------------------------------ overview

    def overview(self, agents: list[AgentCard], pages: dict[str, str]) -> str:
        summary = self.summary
        sessions = sum(a.sessions for a in agents) or 1
        points = sum(a.points for a in agents)
        responses = sorted(r for a in agents for r in a.first_responses)
        median = responses[len(responses) // 2] if responses else None
        stats = [(f"{summary.sessions:,}", "会话"), (f"{summary.templates:,}", "客服回复"),
                 (f"{summary.findings:,}", "问题"), (f"{points / sessions:.1f}", "平均得分"),
                 (seconds_text(median), "首次响应中位数")]
        body = [
            f'<header class="top"><h1>{TITLE}</h1><p>{esc(chat_summary_line(summary))}</p>'
            f'<p>生成于 {esc(time.strftime("%Y-%m-%d %H:%M"))} · kefu-lint {esc(__version__)}</p></header>',
            "<main>",
            _stats(stats),
            self.errors(),
            self.agents_table(agents, pages),
            '<section class="charts">',
            self.figure("客服得分", bars([(a.agent, a.score, f"{a.score:.1f}", _score_class(a.score))
                                         for a in sorted(agents, key=lambda a: (a.score, a.agent))], 100)),
            self.figure("问题最多的规则", bars([(f"{code} {RULES_BY_CODE[code].title}", n, f"{n:,}", "")
                                              for code, n in summary.by_rule.most_common(10)])),
            self.figure("首次响应时间", bars(self.histogram(responses))),
            "</section>",
            self.rules_table(summary.by_rule, summary.templates),
            self.footer(),
            "</main>",
        ]
        return _page(TITLE, "\n".join(body))

    def errors(self) -> str:
        if not self.summary.errors:
            return ""
        items = "".join(f"<li>{esc(error)}</li>" for error in self.summary.errors[:200])
        more = len(self.summary.errors) - 200
        extra = f"<li>……另有 {more} 个</li>" if more > 0 else ""
        return (f'<section class="panel errors"><h2>输入错误（{len(self.summary.errors)} 个）</h2>'
                f'<p class="hint">这些文件或行没能完整检查，下面的数字不含它们。</p><ul>{items}{extra}</ul></section>')

    @staticmethod
    def figure(caption: str, chart: str) -> str:
        return f'<figure class="panel"><figcaption>{esc(caption)}</figcaption>{chart}</figure>'

    @staticmethod
    def histogram(responses: list[float]) -> list[tuple[str, float, str, str]]:
        counts = [0] * len(_BUCKETS)
        for seconds in responses:
            counts[next(i for i, (limit, _) in enumerate(_BUCKETS) if seconds <= limit)] += 1
        return [(label, n, f"{n:,}", "low" if limit > 30 and n else "")
                for (limit, label), n in zip(_BUCKETS, counts)]

    def agents_table(self, agents: list[AgentCard], pages: dict[str, str]) -> str:
        head = [("客服", "text"), ("得分", "number"), ("会话", "number"), ("回复", "number"),
                ("问题", "number"), ("每百条回复", "number"), ("首次响应中位数", "number"), ("最常见的问题", "text")]
        rows = []
        for agent in sorted(agents, key=lambda a: (a.score, a.agent)):
            row = agent.row()
            rate = row["findings"] * 100 / row["replies"] if row["replies"] else None
            median = row["median_first_response"]
            top = agent.findings.most_common(1)
            common = f"{top[0][0]} {RULES_BY_CODE[top[0][0]].title}（{top[0][1]:,}）" if top else "—"
            cells = [
                (agent.agent, f'<a href="{esc(pages[agent.agent])}">{esc(agent.agent)}</a>', ""),
                (row["score"], f'<span class="score {_score_class(row["score"])}">{row["score"]:.1f}</span>', "num"),
                (row["sessions"], f"{row['sessions']:,}", "num"), (row["replies"], f"{row['replies']:,}", "num"),
                (row["findings"], f"{row['findings']:,}", "num"),
                ("" if rate is None else f"{rate:.1f}", "—" if rate is None else f"{rate:.1f}", "num"),
                ("" if median is None else median, seconds_text(median), "num"),
                (common, esc(common), ""),
            ]
            rows.append("<tr>" + "".join(f'<td class="{css}" data-value="{esc(value)}">{shown}</td>'
                                         for value, shown, css in cells) + "</tr>")
        header = "".join(f'<th data-type="{kind}" class="{"num" if kind == "number" else ""}">'
                         f'<button type="button">{esc(name)}</button></th>' for name, kind in head)
        return ('<section><h2>客服一览</h2><p class="hint">点表头排序；点客服名查看 TA 的问题和得分最低的会话。</p>'
                f'<div class="scroll"><table class="sortable" id="agents"><thead><tr>{header}</tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table></div></section>')

    def rules_table(self, by_rule, replies: int, title: str = "各规则的问题") -> str:
        rows = []
        for code, n in sorted(by_rule.items(), key=lambda item: (-item[1], item[0])):
            rule = RULES_BY_CODE[code]
            severity = self.settings.severity_of(code)
            rate = f"{n * 100 / replies:.1f}" if replies else "—"
            rows.append(f'<tr class="sev-{severity}"><td>{self.rule_link(code)}</td><td>{esc(rule.title)}</td>'
                        f'<td><span class="badge">{SEVERITY_NAMES[severity]}</span></td>'
                        f'<td class="num">{n:,}</td><td class="num">{rate}</td></tr>')
        if not rows:
            return f'<section><h2>{esc(title)}</h2><p class="hint">没有发现问题。</p></section>'
        return (f'<section><h2>{esc(title)}</h2><p class="hint">规则代码链接到手册里的规则说明。</p>'
                '<div class="scroll"><table><thead><tr><th>代码</th><th>规则</th><th>级别</th>'
                '<th class="num">问题数</th><th class="num">每百条回复</th></tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table></div></section>')

    @staticmethod
    def footer() -> str:
        weights = "、".join(f"{SEVERITY_NAMES[s]} {w} 分" for s, w in WEIGHTS.items())
        return (f"<footer>评分：每个会话从 100 分起，客服的每个问题按级别扣分（{weights}），同一条规则在一个会话里"
                f"最多扣 {CAP} 次，最低 0 分；客服的得分是 TA 参与的会话得分的平均值。</footer>")

    # ------------------------------------------------------------------ one agent

    def agent_page(self, agent: AgentCard) -> str:
        row = agent.row()
        rate = f"{row['findings'] * 100 / row['replies']:.1f}" if row["replies"] else "—"
        stats = [(f"{row['score']:.1f}", "得分"), (f"{row['sessions']:,}", "会话"), (f"{row['replies']:,}", "回复"),
                 (f"{row['findings']:,}", "问题"), (rate, "每百条回复的问题"),
                 (seconds_text(row["median_first_response"]), "首次响应中位数")]
        worst = [entry[-1] for entry in agent.worst]
        body = [
            f'<header class="top"><p><a href="../index.html">← 返回总览</a></p><h1>客服 {esc(agent.agent)}</h1>'
            f"<p>{esc(TITLE)}</p></header>",
            "<main>",
            _stats(stats),
            self.rules_table(agent.findings, agent.replies, "TA 的问题"),
            f"<section><h2>得分最低的会话</h2><p class=\"hint\">按 TA 在会话里的得分从低到高，最多 {len(worst)} 个；"
            "标出的文字和下面的说明就是问题所在，规则代码链接到手册。</p>",
            *(self.session(scored, agent.agent) for scored in worst),
            "</section>",
            self.footer(),
            "</main>",
        ]
        return _page(f"客服 {agent.agent} · {TITLE}", "\n".join(body))

    def session(self, scored: Scored, agent: str) -> str:
        session = scored.session
        lines = session.lines
        by_line: dict[int, list] = {}
        for f in scored.findings:
            by_line.setdefault(f.at, []).append(f)
        first = f" · 首次响应 {duration(scored.first_response)}" if scored.first_response is not None else ""
        when = _clock(lines[0].time, with_date=True)
        items = []
        for at, line in enumerate(lines[:MAX_LINES]):
            items.append(self.message(line, by_line.get(at, ())))
        if len(lines) > MAX_LINES:
            items.append(f'<li class="msg system"><div class="bubble">……另有 {len(lines) - MAX_LINES} 行</div></li>')
        return (f'<article class="session"><header><h3>会话 {esc(session.id)}</h3>'
                f'<p class="meta">{esc(place(scored))}:{lines[0].line}–{lines[-1].line}'
                f'{" · " + esc(when) if when else ""} · {scored.turns} 轮{esc(first)} · '
                f'得分 <span class="score {_score_class(scored.scores[agent])}">{scored.scores[agent]}</span></p>'
                f'</header><ol class="chat">{"".join(items)}</ol></article>')

    def message(self, line, findings) -> str:
        role = "customer" if line.role == CUSTOMER else "system" if line.role == SYSTEM else "agent"
        who = {"customer": "顾客", "system": "系统"}.get(role) or f"客服 {line.agent or ''}".strip()
        worst = min((severity_rank(f.severity) for f in findings), default=None)
        css = f"msg {role}" + (" flagged" if findings else "") + (" has-error" if worst == 0 else "")
        notes = "".join(
            f'<li class="sev-{f.severity}"><span class="badge">{SEVERITY_NAMES[f.severity]}</span> '
            f'{self.rule_link(f.rule)} {esc(f.message)}</li>' for f in findings)
        clock = _clock(line.time)
        return (f'<li class="{css}" data-line="{line.line}"><div class="bubble"><span class="who">{esc(who)}'
                f'{" · " + esc(clock) if clock else ""} · 第 {line.line} 行</span>'
                f"<p>{highlight(line.text, findings)}</p></div>"
                + (f'<ul class="notes">{notes}</ul>' if notes else "") + "</li>")


def highlight(text: str, findings) -> str:
    """``text`` escaped, with the spans of ``findings`` in ``<mark>`` (the first of overlapping
    spans wins)."""
    # A span over the whole line (a reply without a modal particle) is shown by the bubble's
    # frame; marks are for the words a rule is about.
    spans = sorted((f for f in findings if f.start is not None and f.end > f.start
                    and not (f.start == 0 and f.end >= len(text.rstrip()))), key=lambda f: (f.start, -f.end))
    parts, position = [], 0
    for f in spans:
        start, end = f.start, f.end
        if start < position:
            continue
        parts.append(esc(text[position:start]))
        parts.append(f'<mark class="sev-{f.severity}" title="{esc(f.rule + " " + f.message)}">'
                     f"{esc(text[start:end])}</mark>")
        position = end
    parts.append(esc(text[position:]))
    return "".join(parts)
