"""Chat inspection (质检): exported conversations in, findings and per-agent scores out.

Pure functions and small classes over ``ChatLine`` values; nothing here reads files (the
loaders do, ``loaders/chats.py``) or prints (the reporters do). The flow:

- ``sessions(lines)`` groups a file's lines into ``Session`` values by session id, as they
  stream past, holding only the sessions still open (a bounded number).
- ``Conversation`` cuts a session into turns: consecutive lines of one speaker. System lines,
  robots, auto-replies and order or product cards are kept for display but are no one's turn.
- ``Inspector.score(sessions)`` lints every agent turn with the reply rules (KF1–KF5) through
  the engine, the customer turn before it as ``customer``; runs the conversation rules (KF6xx,
  the ``SESSION_KINDS`` below), which check the first and the last reply with the 问候 and
  告别 scene rules; and scores each agent of each session (``Scored``).
- ``Scorecard`` adds scored sessions up per agent; two scorecards merge, so the work can be
  split over partitions of a dataset (Dask, README) and gives the same ``table()``.

Scores (documented in the handbook's chats page): every session starts at 100 for each agent
who took part in it; each finding attributed to the agent deducts ``WEIGHTS[severity]``,
counting at most ``CAP`` findings of one rule per session, down to 0. An agent's score is the
mean of their session scores.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from .checks import Existence, Scene, Shared
from .model import CONTENT, Messages, Template

if TYPE_CHECKING:
    from .config import Settings
    from .engine import Linter
    from .rules import Rule

CUSTOMER, AGENT, SYSTEM = "customer", "agent", "system"
NO_AGENT = "（未标注客服）"  # the agent of lines whose export names none

WEIGHTS = {"error": 10, "warning": 4, "info": 1}  # points a finding deducts, by severity
CAP = 3  # findings of one rule that count against one session
WORST = 5  # sessions kept per agent for the report
OPEN_SESSIONS = 2000  # sessions held open while a file streams past

REPEAT_MIN = 6  # KF604: replies shorter than this (spacing aside), like 好的亲, may repeat
MEMO = 4096  # texts whose findings a conversation rule remembers


class ChatLine(NamedTuple):
    """One line of a chat export. ``time`` is in seconds on any fixed scale (only differences
    are used), None when the export has no times; ``media`` marks a picture, voice message or
    file: it is a turn of its speaker but has no words to check. A named tuple: a million of
    them are made per million lines, and a tuple is the cheapest to make."""

    path: str
    line: int  # the line (CSV, JSON Lines) or row (Excel) in the file
    session: str
    role: str  # CUSTOMER, AGENT or SYSTEM
    text: str
    time: float | None = None
    agent: str | None = None  # the agent the line names
    sheet: str | None = None
    media: bool = False


@dataclass(slots=True)
class Session:
    """The lines of one conversation, in file order."""

    id: str
    path: str
    sheet: str | None
    lines: list[ChatLine]

    @classmethod
    def of(cls, lines: Iterable[ChatLine]) -> Session:
        """A session from its lines in any order (as a shuffle returns them): file order."""
        ordered = sorted(lines, key=lambda line: line.line)
        first = ordered[0]
        return cls(first.session, first.path, first.sheet, ordered)

    @property
    def key(self) -> tuple[str, str | None, str]:
        return self.path, self.sheet, self.id


def sessions(lines: Iterable[ChatLine], open_limit: int | None = None, own: tuple[int, int] | None = None
             ) -> Iterator[Session]:
    """The sessions of one file's lines, each as soon as it is known to be complete: at the
    end of the file, or when more than ``open_limit`` (``OPEN_SESSIONS``) other sessions have
    had a line since its last one (exports list a session's lines together, or interleave the
    few sessions open at a time). A session with lines further apart than that is scored in
    parts. With ``own=(first, end)``, only the sessions that begin on lines ``first`` to
    ``end`` - 1 (a part of the file, ``jobs.py``); the others are followed only to know when
    they close, and the lines stop being read once the part's sessions have all closed."""
    open_limit = open_limit or OPEN_SESSIONS
    first, end = own or (1, sys.maxsize)
    open_: OrderedDict[tuple[str | None, str], list[ChatLine]] = OrderedDict()
    others: set[tuple[str | None, str]] = set()  # open sessions that are not the part's
    last_key, last = None, None
    for line in lines:
        key = (line.sheet, line.session)
        if key == last_key:  # the common case: the same session as the line before
            last.append(line)
            continue
        last_key, last = key, open_.get(key)
        if last is None:
            if line.line >= end and len(others) == len(open_):
                return  # after the part, with none of its sessions open
            last = open_[key] = [line]
            if not first <= line.line < end:
                others.add(key)
            if len(open_) > open_limit:
                closed, kept = open_.popitem(last=False)
                if closed in others:
                    others.discard(closed)
                else:
                    yield _session(kept)
            continue
        last.append(line)
        open_.move_to_end(key)
    for key, kept in open_.items():
        if key not in others:
            yield _session(kept)


def _session(lines: list[ChatLine]) -> Session:
    first = lines[0]
    return Session(first.session, first.path, first.sheet, lines)


class Turn:
    """Consecutive lines of one speaker (for agents, of one agent), with their indexes in the
    session (``at``) and the text of those with words (``text``: lines joined by a newline)."""

    __slots__ = ("role", "agent", "lines", "at", "text")

    def __init__(self, role: str, agent: str | None, lines: list[ChatLine], at: list[int]) -> None:
        self.role, self.agent = role, agent or NO_AGENT
        self.lines, self.at = lines, at
        self.text = lines[0].text if len(lines) == 1 and not lines[0].media else \
            "\n".join(line.text for line in lines if not line.media)

    def worded(self) -> Iterator[tuple[int, ChatLine]]:
        """The lines with words (not pictures or files), with their index in the session."""
        return ((i, line) for i, line in zip(self.at, self.lines) if not line.media)


class Conversation:
    """A session cut into turns, with what the conversation rules ask about it."""

    def __init__(self, session: Session) -> None:
        self.session = session
        turns: list[Turn] = []
        role = agent = lines = at = None  # the turn being gathered
        for index, line in enumerate(session.lines):
            if line.role == SYSTEM:
                continue
            if line.role == role and (role == CUSTOMER or line.agent == agent):
                lines.append(line)
                at.append(index)
                continue
            if lines:
                turns.append(Turn(role, agent, lines, at))
            role, agent, lines, at = line.role, line.agent, [line], [index]
        if lines:
            turns.append(Turn(role, agent, lines, at))
        self.turns = turns
        agents = self.agent_turns = [t for t in turns if t.role == AGENT]
        if agents:
            self.agent = agents[0].agent  # the session's owner
        else:
            self.agent = next((line.agent for line in session.lines if line.agent), None) or NO_AGENT
        # Customer lines in a row are one turn: an agent's first turn is the first or the second.
        self.first_reply = (0 if turns[0].role == AGENT else 1) if agents else None
        # Seconds from the customer's first line (None when the agent spoke first).
        self.first_response = _wait(turns[0], turns[1]) if self.first_reply == 1 else None

    def waits(self) -> Iterator[tuple[int, float]]:
        """Each agent turn that answers a customer turn, both with times: its index, and the
        seconds the customer waited for it."""
        turns = self.turns
        for i in range(1, len(turns)):
            if turns[i].role == AGENT and turns[i - 1].role == CUSTOMER:
                seconds = _wait(turns[i - 1], turns[i])
                if seconds is not None:
                    yield i, seconds

    def replies(self) -> Iterator[tuple[Turn, str | None]]:
        """Each agent turn with words, to lint as a template, and the customer turn before it as
        ``customer`` (which is what the after-sales rules need: KF302 looks for a problem in
        it, as it does for a template that carries the customer's words)."""
        before = None
        for turn in self.turns:
            if turn.role == AGENT and turn.text:
                yield turn, before.text or None if before is not None and before.role == CUSTOMER else None
            before = turn


def _wait(question: Turn, answer: Turn) -> float | None:
    """Seconds from the first line of one turn to the first line of the next (None without times)."""
    start, reply = question.lines[0].time, answer.lines[0].time
    return None if start is None or reply is None else max(0.0, reply - start)


# ---------------------------------------------------------------------------- conversation rules

# What a conversation rule reports: the line (its index in the session) and the text for the
# rule's message.
SessionHit = tuple[int, str]


def duration(seconds: float) -> str:
    """45 秒, 2 分 5 秒, 1 小时 3 分."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} 秒"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} 分 {seconds} 秒" if seconds else f"{minutes} 分钟"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} 小时 {minutes} 分" if minutes else f"{hours} 小时"


class SessionKind:
    """A conversation check kind: compiled once per rule, ``check`` looks at one conversation.
    ``scenes`` are the template rules of each scene by check kind (``scenes["问候"]["scene"]``
    is KF301), for the kinds that reuse what a reply rule requires."""

    name: ClassVar[str]
    fields: ClassVar[frozenset[str]] = frozenset()  # the Rule fields this kind reads
    required: ClassVar[frozenset[str]] = frozenset()
    # A reply rule's check kind whose finding on the same line this kind's finding replaces
    # (the same lapse, seen in the whole conversation), so that it is reported and scored once.
    supersedes: ClassVar[str | None] = None

    def __init__(self, rule: Rule, settings: Settings, shared: Shared, scenes: dict[str, dict[str, Rule]]) -> None:
        self.rule = rule

    def check(self, chat: Conversation) -> Iterable[SessionHit]:
        raise NotImplementedError


class _Timed(SessionKind):
    """A kind that reports waits over the limit the settings give (``setting``, seconds)."""

    setting: ClassVar[str]

    def __init__(self, rule, settings, shared, scenes) -> None:
        super().__init__(rule, settings, shared, scenes)
        self.limit = getattr(settings, self.setting)

    def over(self, seconds: float | None) -> str | None:
        """The text for the rule's message when ``seconds`` is over the limit."""
        if seconds is None or seconds <= self.limit:
            return None
        return f"{duration(seconds)}（上限 {duration(self.limit)}）"


class FirstResponse(_Timed):
    name = "first_response"
    setting = "first_response"

    def check(self, chat):
        text = self.over(chat.first_response)
        return ((chat.turns[chat.first_reply].at[0], text),) if text else ()


class SlowReply(_Timed):
    name = "slow_reply"
    setting = "slow_reply"

    def check(self, chat):
        for i, seconds in chat.waits():
            if i != chat.first_reply and (text := self.over(seconds)):
                yield chat.turns[i].at[0], text


class Unanswered(SessionKind):
    """The conversation ends on a customer turn that asks for something: a picture or file, or
    words other than an acknowledgement (``words``, emoticons, punctuation). A session without
    any agent turn is unanswered whatever the customer said."""

    name = "unanswered"
    fields = frozenset({"words"})
    required = frozenset({"words"})

    def __init__(self, rule, settings, shared, scenes) -> None:
        super().__init__(rule, settings, shared, scenes)
        self.emoticon = shared.emoticon
        words = sorted(rule.words, key=len, reverse=True)
        self.acknowledgement = re.compile("|".join(map(re.escape, words)), re.I)

    def check(self, chat):
        if not chat.turns or chat.turns[-1].role != CUSTOMER:
            return ()
        last = chat.turns[-1]
        text = last.text
        if chat.agent_turns and not any(line.media for line in last.lines):
            rest = self.acknowledgement.sub("", self.emoticon.sub("", text))
            if not CONTENT.search(rest):
                return ()
        excerpt = text.replace("\n", " ").strip() or "［图片或文件］"
        excerpt = excerpt if len(excerpt) <= 20 else excerpt[:19] + "…"
        return ((last.at[0], excerpt),)


class Repeated(SessionKind):
    """The same agent message (spacing aside, at least ``REPEAT_MIN`` characters) twice."""

    name = "repeated"

    def check(self, chat):
        lines = chat.session.lines
        texts = [(at, line.text) for at, line in enumerate(lines)
                 if line.role == AGENT and len(line.text) >= REPEAT_MIN and not line.media]
        if len(texts) < 2:
            return
        seen: dict[str, int] = {}
        for at, text in texts:
            key = "".join(text.split())
            if len(key) < REPEAT_MIN:
                continue
            first = seen.setdefault(key, at)
            if first != at:
                yield at, f"第 {lines[first].line} 行"


class _SceneReply(SessionKind):
    """One agent turn checked with the scene rule of ``scene`` (the template rule's own check).
    Quick replies recur across sessions: what the rule finds in a text is remembered (``MEMO``
    texts at most; the rule reads nothing but the text)."""

    fields = frozenset({"scene"})
    required = frozenset({"scene"})

    def __init__(self, rule, settings, shared, scenes) -> None:
        super().__init__(rule, settings, shared, scenes)
        self.missing = lru_cache(MEMO)(Scene(scenes[rule.scene]["scene"], settings, shared).missing)

    def pick(self, chat: Conversation) -> Turn | None:
        raise NotImplementedError

    def check(self, chat):
        turn = self.pick(chat)
        if turn is None or (missing := self.missing(turn.text)) is None:
            return ()
        return ((next(turn.worded())[0], missing),)


class FirstReply(_SceneReply):
    name = "first_reply"

    def pick(self, chat):
        return next((t for t in chat.agent_turns if t.text), None)


class LastReply(_SceneReply):
    name = "last_reply"

    def pick(self, chat):
        return next((t for t in reversed(chat.agent_turns) if t.text), None)


class Complaint(SessionKind):
    """A customer turn with one of the rule's words (matched as ``existence`` matches them),
    answered by an agent turn without any of the apologies of the ``scene``'s apology rule
    (KF302's words)."""

    name = "complaint"
    fields = frozenset({"words", "patterns", "allow", "scene"})
    required = frozenset({"words", "scene"})
    supersedes = "apology"

    def __init__(self, rule, settings, shared, scenes) -> None:
        super().__init__(rule, settings, shared, scenes)
        self.angry = Existence(rule, settings, shared)
        self.angry.spelt = True  # a whole export's customer turns: the spelt-out pattern pays for itself
        self.apologies = scenes[rule.scene]["apology"].words
        self.complaint = lru_cache(MEMO)(self._complaint)  # customers' words recur more than replies

    def _complaint(self, text: str) -> str | None:
        """The rule's first hit in a customer's words (its text for the message), or None."""
        hit = next(iter(self.angry.check(Template("", text))), None)
        return None if hit is None else hit[2]

    def check(self, chat):
        turns = chat.turns
        for question, answer in zip(turns, turns[1:]):
            if question.role != CUSTOMER or answer.role != AGENT or (word := self.complaint(question.text)) is None:
                continue
            if not any(apology in answer.text for apology in self.apologies):
                yield answer.at[0], word


SESSION_KINDS: dict[str, type[SessionKind]] = {
    kind.name: kind for kind in (FirstResponse, SlowReply, Unanswered, Repeated, FirstReply, LastReply, Complaint)
}


# ---------------------------------------------------------------------------- scoring

_NEW = tuple.__new__  # named tuples made straight from a tuple: no per-field call
_POSITION = attrgetter("line", "rule")


class ChatFinding(NamedTuple):
    """A finding in a conversation. ``at`` is the line's index in the session's ``lines``;
    ``start``/``end`` the span in that line's text (None: the whole line)."""

    rule: str
    severity: str
    message: str
    url: str
    agent: str
    line: int  # in the file
    at: int
    start: int | None = None
    end: int | None = None


@dataclass(slots=True)
class Scored:
    """One session, inspected: its findings and a score for each agent who took part."""

    session: Session
    agent: str  # the session's owner: the first agent to reply (or the one the export names)
    turns: int
    replies: dict[str, int]  # agent -> their turns
    first_response: float | None  # seconds, None without times or when the agent spoke first
    first_agent: str | None  # who gave the first response
    findings: list[ChatFinding]
    scores: dict[str, int]  # agent -> 0–100

    @property
    def score(self) -> int:
        return min(self.scores.values())


def session_scores(agents: Iterable[str], findings: list[ChatFinding]) -> dict[str, int]:
    """100 per agent, less ``WEIGHTS[severity]`` per finding of theirs, at most ``CAP`` per rule."""
    counts: dict[tuple[str, str], list] = {}  # (agent, rule) -> [findings, severity]
    for f in findings:
        entry = counts.get((f.agent, f.rule))
        if entry is None:
            counts[(f.agent, f.rule)] = [1, f.severity]
        else:
            entry[0] += 1
    scores = dict.fromkeys(agents, 100)
    for (agent, _), (n, severity) in counts.items():
        scores[agent] = max(0, scores.get(agent, 100) - WEIGHTS[severity] * min(n, CAP))
    return scores


class Inspector:
    """The reply rules (a ``Linter`` whose settings leave out KF105: a shop's quick replies
    recur across sessions by design; KF604 looks within one) and the conversation rules that
    the settings enable, compiled once."""

    def __init__(self, linter: Linter) -> None:
        from .rules import RULES  # rules.py imports this module for SESSION_KINDS

        settings = self.settings = linter.settings
        self.linter = linter
        scenes: dict[str, dict[str, Rule]] = {}
        for rule in RULES:
            if rule.scene and not rule.conversation:
                scenes.setdefault(rule.scene, {})[rule.check] = rule
        # Each conversation rule the settings enable: its kind, what each of its findings carries
        # (code, severity, url) and the reply rules whose finding on the same line it replaces.
        self.checks = [
            (rule, kind, (rule.code, settings.severity_of(rule.code), settings.url(rule.code)),
             frozenset(r.code for r in RULES if r.check == kind.supersedes) if kind.supersedes else ())
            for rule in RULES if rule.check in SESSION_KINDS and settings.enabled(rule.code)
            for kind in [SESSION_KINDS[rule.check](rule, settings, linter.shared, scenes)]
        ]
        self.messages = {rule.code: Messages(rule.message) for rule, *_ in self.checks}

    def score(self, batch: list[Session]) -> list[Scored]:
        """Inspect a batch of sessions: their agent turns are linted together, in one engine
        batch, and a reply sent again to the same customer words (a quick reply after 在吗) is
        linted once — no reply rule keeps state across replies in chats (KF105 is off), so
        each session's findings are the same as when it is inspected alone."""
        chats = [Conversation(session) for session in batch]
        found: list[list[ChatFinding]] = [[] for _ in chats]
        templates: list[Template] = []
        owners: list[list[tuple[Turn, list[ChatFinding]]]] = []  # per template: the turns it stands for
        unique: dict[tuple[str, str | None], int] = {}
        for chat, findings in zip(chats, found):
            session = chat.session
            for turn, customer in chat.replies():
                k = unique.get((turn.text, customer))
                if k is None:
                    k = unique[(turn.text, customer)] = len(templates)
                    templates.append(Template(session.path, turn.text, turn.lines[0].line, id=str(k),
                                              customer=customer, sheet=session.sheet))
                    owners.append([])
                owners[k].append((turn, findings))
        linter = self.linter
        # The engine's hits, not its findings: a chat finding needs no file positions.
        for rule, hits in linter.session().hits(templates):
            code = rule.code
            head = (code, linter._severity[code], linter._urls[code])
            messages = linter.messages[code]
            for template, (start, end, match) in hits:
                message = messages[match]
                for turn, findings in owners[int(template.id)]:
                    findings.append(_reply_finding(turn, head, message, start, end))
        return [self._scored(chat, findings) for chat, findings in zip(chats, found)]

    def _scored(self, chat: Conversation, findings: list[ChatFinding]) -> Scored:
        """A conversation scored, given its reply rules' findings: the conversation rules' are added."""
        session = chat.session
        lines = session.lines
        replaced: set[tuple[str, int]] = set()  # (reply rule, line index) a session finding replaces
        last_agent = chat.agent_turns[-1].agent if chat.agent_turns else chat.agent
        for _, kind, (code, severity, url), replaces in self.checks:
            for at, match in kind.check(chat):
                line = lines[at]
                agent = line.agent or NO_AGENT if line.role == AGENT else last_agent
                findings.append(_NEW(ChatFinding, (code, severity, self.messages[code][match], url, agent,
                                                   line.line, at, None, None)))
                replaced.update((other, at) for other in replaces)
        if replaced:
            findings = [f for f in findings if (f.rule, f.at) not in replaced]
        findings.sort(key=_POSITION)
        replies: dict[str, int] = {}
        for turn in chat.agent_turns:
            replies[turn.agent] = replies.get(turn.agent, 0) + 1
        first_agent = chat.turns[chat.first_reply].agent if chat.first_response is not None else None
        return Scored(session, chat.agent, len(chat.turns), replies, chat.first_response, first_agent,
                      findings, session_scores(replies or [chat.agent], findings))


def _reply_finding(turn: Turn, head: tuple[str, str, str], message: str, start: int, end: int) -> ChatFinding:
    """A reply rule's finding in a turn, on the line its span starts in (``head``: the rule's
    code, severity and url)."""
    code, severity, url = head
    lines = turn.lines
    if len(lines) == 1:  # the common case: a turn of one line
        line = lines[0]
        return _NEW(ChatFinding, (code, severity, message, url, turn.agent, line.line, turn.at[0],
                                  start, min(end, len(line.text))))
    offset = 0
    for at, line in turn.worded():  # the line the span starts in, or else the last
        stop = offset + len(line.text)
        if start <= stop:
            break
        last, offset = offset, stop + 1
    else:
        offset = last
    begin = start - offset
    return _NEW(ChatFinding, (code, severity, message, url, turn.agent, line.line, at, begin,
                              max(begin, min(end - offset, len(line.text)))))


# ---------------------------------------------------------------------------- per agent


@dataclass
class AgentCard:
    """One agent's figures over many sessions."""

    agent: str
    sessions: int = 0
    replies: int = 0
    points: int = 0  # the sum of their session scores
    findings: Counter = field(default_factory=Counter)  # rule -> findings
    first_responses: list[float] = field(default_factory=list)
    worst: list[tuple] = field(default_factory=list)  # (score, -findings, key, Scored), best last

    def add(self, scored: Scored) -> None:
        agent = self.agent
        score = scored.scores[agent]
        mine = [f for f in scored.findings if f.agent == agent]
        self.sessions += 1
        self.replies += scored.replies.get(agent, 0)
        self.points += score
        self.findings.update(f.rule for f in mine)
        if scored.first_agent == agent:
            self.first_responses.append(scored.first_response)
        if mine:
            self._keep([(score, -len(mine), scored.session.key, scored)])

    def merge(self, other: AgentCard) -> None:
        self.sessions += other.sessions
        self.replies += other.replies
        self.points += other.points
        self.findings.update(other.findings)
        self.first_responses.extend(other.first_responses)
        self._keep(other.worst)

    def _keep(self, entries: list[tuple]) -> None:
        worst = self.worst
        if len(entries) == 1 and len(worst) >= WORST and entries[0][:3] >= worst[-1][:3]:
            return  # the common case: not among the worst (a tie keeps the one seen first)
        self.worst = sorted(worst + entries, key=lambda e: e[:3])[:WORST]

    @property
    def score(self) -> float:
        return round(self.points / self.sessions, 1) if self.sessions else 100.0

    def row(self) -> dict:
        """The agent's line of the agents table (JSON ``agents``)."""
        per_100 = {code: round(n * 100 / self.replies, 1) for code, n in sorted(self.findings.items())} \
            if self.replies else None
        import statistics  # only for scorecards: not imported to lint replies

        median = round(statistics.median(self.first_responses), 1) if self.first_responses else None
        return {"agent": self.agent, "sessions": self.sessions, "replies": self.replies,
                "findings": sum(self.findings.values()), "findings_by_rule": dict(sorted(self.findings.items())),
                "findings_per_100_replies": per_100, "median_first_response": median, "score": self.score}


@dataclass
class Scorecard:
    """Scored sessions added up per agent. ``merge`` combines the scorecards of partitions:
    the same sessions in any grouping give the same ``table()``."""

    agents: dict[str, AgentCard] = field(default_factory=dict)

    def add(self, scored: Scored) -> None:
        for agent in scored.scores:
            card = self.agents.get(agent)
            if card is None:
                card = self.agents[agent] = AgentCard(agent)
            card.add(scored)

    @classmethod
    def of(cls, scored: Iterable[Scored]) -> Scorecard:
        card = cls()
        for one in scored:
            card.add(one)
        return card

    @classmethod
    def merged(cls, cards: Iterable[Scorecard]) -> Scorecard:
        total = cls()
        for card in cards:
            for agent, theirs in card.agents.items():
                mine = total.agents.get(agent)
                if mine is None:
                    total.agents[agent] = mine = AgentCard(agent)
                mine.merge(theirs)
        return total

    def table(self) -> list[dict]:
        """One row per agent, by name."""
        return [self.agents[agent].row() for agent in sorted(self.agents)]
