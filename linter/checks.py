"""Check kinds: the handful of behaviours every rule in ``rules.py`` is an instance of.

A kind is a small class. It compiles its rule once (``__init__``), may offer a *prefilter* —
the replies of a whole batch it could fire on, found in one pass over the batch — and checks
one template (``check``). The prefilter is only a speed-up: it may return more replies than
the check reports on, never fewer, and the check alone decides every finding
(``tests/test_checks.py`` runs every kind with prefilters on and off and compares). Each kind
names the rule fields it reads (``fields``); a rule that sets any other is an error when
``rules.py`` is imported.

``existence``    any of the words (literal) or patterns (regex); a short word must stand on jieba
                 word boundaries; hits inside an ``allow`` pattern or in a context the rule
                 rules out (``unless``) are not findings
``curt``         the whole reply is one character or a bare acknowledgement (``words``)
``opening``      the reply opens, after an address, with a bare negation word (a whole token)
``requires``     at least one of the words (literal) or patterns must be present
``emoji``        an emoticon ([微笑], configurable names), a Unicode emoji or a kaomoji (patterns)
``longer``       the reply must be longer than the customer's message
``scene``        required word groups in templates of one scene (optionally the first sentence)
``placeholder``  malformed or undeclared ``{placeholders}``; ``[...]`` only for emoticons
``max_length``   a reply over the configured length
``duplicate``    the same reply under two templates of one set (state kept across batches)
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import cached_property
from itertools import accumulate, compress, islice
from operator import attrgetter, not_
from typing import TYPE_CHECKING, ClassVar

from . import boundaries, context
from .patterns import alternation, alternatives, first_characters, scans, written
from .model import CJK, CONTENT, CONTENT_CHARS, EMOJI, EMOTICONS, Hit, Template

if TYPE_CHECKING:
    from .config import Settings
    from .rules import Rule

# Hits this short (in characters) of a literal CJK word are confirmed on jieba word
# boundaries; longer words and patterns are distinctive enough to match as they are.
SHORT_WORD = 2
SPELT_FROM = 1000  # replies in a batch from which an existence rule's spelt-out scans pay for compiling them

_SENTENCE_END = re.compile(r"[。！？!?\n]")
# An address before the reply proper: 亲 / 亲爱的 / 您好 and separators.
_ADDRESS = r"(?:(?:亲+(?:爱的)?|您好|你好)[\s，,、。！!~～]*)*[\s，,、。！!~～]*"


def first_line_end(text: str) -> int:
    end = text.find("\n")
    return len(text) if end < 0 else end


_REPLY = attrgetter("reply")
_NOT_CONTENT = re.compile(f"[^{CONTENT_CHARS}]+")


class Shared:
    """What several kinds need from the settings, built once per linter."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        names = EMOTICONS + settings.emoticons
        self.emoticon_names = frozenset(names)
        self.emoticon_alternatives = "|".join(map(re.escape, names))
        self.emoticon = re.compile(rf"\[(?:{self.emoticon_alternatives})\]")

    def content_length(self, text: str) -> int:
        """Characters that carry content: CJK, letters, digits; not spaces, punctuation, emoji.
        (What is left once the rest is removed: one new string, not a list of characters.)"""
        return len(_NOT_CONTENT.sub("", self.emoticon.sub("", text) if "[" in text else text))


class Batch:
    """The replies of one batch of templates, with scans that answer for all of them at once."""

    def __init__(self, templates: list[Template]) -> None:
        self.templates = templates
        self.replies = [t.reply for t in templates]
        self.joined = "\n".join(self.replies)
        self.starts = list(accumulate((len(r) + 1 for r in self.replies[:-1]), initial=0))
        self._found: dict[int, set[int]] = {}  # by id(pattern): hashing a Pattern is slow

    def having(self, pattern: re.Pattern) -> list[int]:
        """Replies in which ``pattern`` matches (or, for a pattern that can match across a line
        break, the reply where such a match starts): one scan of the joined text, resuming at
        the next reply after each match, so rare patterns cost almost nothing."""
        found = self._found.get(id(pattern))
        if found is None:
            found = self._found[id(pattern)] = set()
            search, starts, last = pattern.search, self.starts, len(self.starts) - 1
            position = 0
            while (m := search(self.joined, position)) is not None:
                index = bisect_right(starts, m.start()) - 1
                found.add(index)
                if index >= last:
                    break
                position = starts[index + 1]
        return sorted(found)


class Kind:
    """A check kind. Subclasses set ``name`` and ``fields`` and implement ``check``."""

    name: ClassVar[str]
    fields: ClassVar[frozenset[str]] = frozenset()  # the Rule fields this kind reads
    required: ClassVar[frozenset[str]] = frozenset()
    set_level: ClassVar[bool] = False  # keeps state across the batches of one set

    def __init__(self, rule: Rule, settings: Settings, shared: Shared) -> None:
        self.rule = rule

    @staticmethod
    def misfit(rule: Rule) -> str | None:
        """Why a rule does not fit this kind beyond its ``fields`` (checked when ``rules.py`` is
        imported), or None."""
        return None

    def prefilter(self, batch: Batch) -> Iterable[int] | None:
        """Indexes of the replies ``check`` could report on (a superset); None: all of them."""
        return None

    def check(self, template: Template) -> Iterable[Hit]:
        raise NotImplementedError

    def check_all(self, templates: list[Template]) -> Iterator[tuple[Template, Hit]]:
        """``check`` for each template; a kind whose hits are cheap overrides it to spare a
        call per template (it must find exactly what ``check`` finds)."""
        check = self.check
        for template in templates:
            for hit in check(template):
                yield template, hit


class Existence(Kind):
    name = "existence"
    fields = frozenset({"words", "patterns", "allow", "unless", "fix"})

    def __init__(self, rule, settings, shared) -> None:
        super().__init__(rule, settings, shared)
        deny = settings.deny.get(rule.code, ())
        self.words, self.patterns = rule.words + deny, rule.patterns
        allow = alternation(settings.allow.get(rule.code, ()), rule.allow)
        self.allow = re.compile(allow) if allow else None
        self.short = frozenset(w for w in self.words if len(w) <= SHORT_WORD and re.search(f"[{CJK}]", w))
        self.unless = tuple(context.CONDITIONS[name] for name in rule.unless)

    # The patterns spelt out (``patterns.py``) scan a batch fast but take several times longer to
    # compile: they are compiled for the first batch of ``SPELT_FROM`` replies or more. Until then
    # (a pre-commit run) every reply is checked with the patterns as written, which find the same.

    @cached_property
    def scans(self) -> list[re.Pattern]:
        return scans(self.words, self.patterns)

    @cached_property
    def pattern(self) -> re.Pattern:
        """The check's pattern spelt out (the scan itself when it is one)."""
        return re.compile(alternation(self.words, self.patterns))

    @cached_property
    def as_written(self) -> re.Pattern:
        return re.compile(written(self.words, self.patterns))

    spelt = False  # whether a batch large enough for the spelt-out scans has come

    def prefilter(self, batch: Batch) -> list[int] | None:
        if len(batch.templates) < SPELT_FROM and not self.spelt:
            return None
        self.spelt = True
        if len(self.scans) == 1:
            return batch.having(self.scans[0])
        return sorted(set().union(*(batch.having(scan) for scan in self.scans)))

    def check(self, template: Template) -> Iterator[Hit]:
        text = template.reply
        allowed = [m.span() for m in self.allow.finditer(text)] if self.allow else ()
        for m in (self.pattern if self.spelt else self.as_written).finditer(text):
            start, end = m.span()
            if allowed and any(a <= start and end <= b for a, b in allowed):
                continue
            word = m.group()
            if word in self.short and not boundaries.on_boundary(text, start, end):
                continue
            if self.unless:
                cs, ce = context.clause(text, start, end)
                if any(condition(text, cs, ce, start, end) for condition in self.unless):
                    continue
            yield (start, end, word)


class Curt(Kind):
    """The whole reply, once address words (亲), modal particles, punctuation, spaces and
    emoticons are set aside, is at most one character or only acknowledgements (``words``):
    好的亲~, 嗯嗯, 是的呢, 收到收到."""

    name = "curt"
    fields = frozenset({"words", "patterns"})
    required = frozenset({"words"})

    def __init__(self, rule, settings, shared) -> None:
        super().__init__(rule, settings, shared)
        self.emoticon = shared.emoticon
        self.noise = re.compile(rf"{alternation(patterns=rule.patterns)}|[^{CONTENT_CHARS}]")
        self.acknowledgements = re.compile(f"(?:{alternation(rule.words)})+")
        # A candidate line holds only the characters of acknowledgements, address words and
        # particles, besides what is not content.
        allowed = "".join(sorted({re.escape(c) for w in rule.words for c in w if CONTENT.match(c)}))
        other = rf"(?:[^\n\[{CONTENT_CHARS}]|\[(?:{shared.emoticon_alternatives})\]|\[)"
        free = f"(?:{other}|[{allowed}]|{alternation(patterns=rule.patterns)})*"
        self.gate = re.compile(f"{free}(?:[{CONTENT_CHARS}]{free})?")
        # Before that, a cheaper test rules out most replies: two content characters that no
        # acknowledgement, address word or particle holds (and no ``[``: an emoticon's name is
        # content) mean more than one character of something else (``misfit``: the patterns'
        # characters can be read off).
        known = {c for text in (*rule.words, *rule.patterns) for c in text if CONTENT.match(c)}
        known = "".join(sorted({re.escape(c) for c in known | {c.swapcase() for c in known}}))
        unknown = f"(?![{known}])[{CONTENT_CHARS}]"
        self.more = re.compile(f"{unknown}[^\\[]*?{unknown}")

    @staticmethod
    def misfit(rule: Rule) -> str | None:
        if re.search(r"\\[A-Za-z]|\.", "".join(rule.patterns)):
            return "the curt kind's patterns must be literal characters and classes of them"
        return None

    def prefilter(self, batch: Batch) -> list[int]:
        """Replies with a candidate line: a ``fullmatch`` per reply not ruled out first (a
        line-anchored scan of the whole batch would try every position of it), and per line
        for the few replies with a line break."""
        full, more = self.gate.fullmatch, self.more.search
        return [i for i, reply in enumerate(batch.replies)
                if ("[" in reply or not more(reply))
                and (full(reply) or ("\n" in reply and any(map(full, reply.split("\n")))))]

    def check(self, template: Template) -> tuple[Hit, ...]:
        text = template.reply
        rest = self.noise.sub("", self.emoticon.sub("", text) if "[" in text else text)
        if len(rest) > 1 and not self.acknowledgements.fullmatch(rest):
            return ()
        return ((0, first_line_end(text), text.strip()),)


class Opening(Kind):
    """The reply opens, after an address (亲, 您好 …), with one of the words as a whole token,
    unless an ``allow`` pattern matches there (reassurance such as 不用担心, 没问题)."""

    name = "opening"
    fields = frozenset({"words", "allow"})
    required = frozenset({"words"})

    def __init__(self, rule, settings, shared) -> None:
        super().__init__(rule, settings, shared)
        self.address = re.compile(_ADDRESS)
        self.allow = re.compile(alternation(patterns=rule.allow)) if rule.allow else None
        self.words = sorted(rule.words, key=len, reverse=True)
        firsts = "".join(sorted({re.escape(w[0]) for w in rule.words}))
        # The check's own address pattern at the start, then a word's first character.
        self.gate = re.compile(f"{_ADDRESS}[{firsts}]")

    def prefilter(self, batch: Batch) -> list[int]:
        return [i for i, opens in enumerate(map(self.gate.match, batch.replies)) if opens]

    def check(self, template: Template) -> tuple[Hit, ...]:
        text = template.reply
        start = self.address.match(text).end()
        if self.allow and self.allow.match(text, start):
            return ()
        for word in self.words:
            if text.startswith(word, start):
                end = start + len(word)
                # The word must be a whole token: 不错, 不会起球, 没问题 are not negations.
                if boundaries.on_boundary(text, start, end):
                    return ((start, end, word),)
                return ()
        return ()


class Requires(Kind):
    name = "requires"
    fields = frozenset({"words", "patterns"})

    def __init__(self, rule, settings, shared) -> None:
        super().__init__(rule, settings, shared)
        # Single characters as one class (a fast scan), the rest as one alternation.
        singles = "".join(re.escape(w) for w in rule.words if len(w) == 1)
        self.patterns = ((re.compile(f"[{singles}]"),) if singles else ()) + tuple(
            scans([w for w in rule.words if len(w) > 1], rule.patterns))

    # No prefilter: telling which replies lack every pattern is the check itself, done once
    # per reply by ``check_all``.

    def check(self, template: Template) -> tuple[Hit, ...]:
        return tuple(hit for _, hit in self.check_all([template]))

    def check_all(self, templates: list[Template]) -> Iterator[tuple[Template, Hit]]:
        missing = templates
        for pattern in self.patterns:  # each pattern searched over all the replies still missing, in C
            missing = list(compress(missing, map(not_, map(pattern.search, map(_REPLY, missing)))))
        for template in missing:
            yield template, (0, first_line_end(template.reply), "")


class Emoji(Requires):
    name = "emoji"
    fields = frozenset({"patterns"})

    def __init__(self, rule, settings, shared) -> None:
        super().__init__(rule, settings, shared)
        # Kept apart: each alone has a first-character fast path.
        self.patterns = (shared.emoticon, re.compile(f"[{EMOJI}]"), *self.patterns)
        # Most replies hold none of the characters any of them can start with: one class scan
        # settles those.
        firsts = first_characters(alternatives((), rule.patterns))
        self.firsts = re.compile(f"[\\[{EMOJI}{firsts}]") if firsts is not None else None

    def check_all(self, templates: list[Template]) -> Iterator[tuple[Template, Hit]]:
        if self.firsts is None:
            yield from super().check_all(templates)
            return
        patterns = self.patterns
        for template, first in zip(templates, map(self.firsts.search, map(_REPLY, templates))):
            if first is not None and any(p.search(template.reply) for p in patterns):
                continue
            yield template, (0, first_line_end(template.reply), "")


class Longer(Kind):
    """The reply has more content characters than the customer's words. Lines of the
    customer's message that are auto-inserted cards (an order or product card, a bare link)
    are not their words, and a line sent twice counts once."""

    name = "longer"

    def __init__(self, rule, settings, shared) -> None:
        super().__init__(rule, settings, shared)
        self.length = shared.content_length

    def prefilter(self, batch: Batch) -> list[int]:
        """Replies with a customer message, except those that plainly have more content
        characters than the message has characters: counting up to that many is cheaper than
        measuring both (a reply with ``[`` may hold emoticons, which do not count: it is kept)."""
        selected, content = [], CONTENT.finditer
        for i, template in enumerate(batch.templates):
            customer = template.customer
            if customer is None:
                continue
            reply = template.reply
            if "[" not in reply and next(islice(content(reply), len(customer), None), None) is not None:
                continue
            selected.append(i)
        return selected

    def check(self, template: Template) -> tuple[Hit, ...]:
        if template.customer is None:
            return ()
        mine, theirs = self.length(template.reply), self.length(customer_words(template.customer))
        if mine > theirs:
            return ()
        return ((0, first_line_end(template.reply), f"{mine} 字，顾客 {theirs} 字"),)


_CARD = re.compile(
    r"^\s*(?:【[^】\n]*(?:卡片|链接|订单|商品|宝贝)[^】\n]*】.*|\[[^\]\n]*(?:卡片|链接)[^\]\n]*\].*"
    r"|(?:订单号|订单编号)[:：].*|(?:商品|宝贝)[:：].*(?:¥|￥|实付|金额).*"
    r"|https?://\S+|\[(?:图片|商品|订单|链接|视频|文件)\])\s*$"
)


def is_card(line: str) -> bool:
    """Whether a line of a chat is an auto-inserted card (an order or product card, a bare
    link, a picture or file marker) rather than words someone typed."""
    return _CARD.match(line) is not None


def customer_words(message: str) -> str:
    """What the customer wrote, without auto-inserted cards and repeated lines."""
    if "\n" not in message and not _CARD.match(message):
        return message
    return "\n".join(dict.fromkeys(line.strip() for line in message.splitlines()
                                    if line.strip() and not _CARD.match(line)))


class Apology(Kind):
    """Replies to a problem apologise first. The problem is in the customer's message
    (``context.complaint``) or, for a template of the rule's scene written without one, the
    reply says it answers one (``context.answers_problem``). The first sentence after a
    greeting or an interjection (您好！, 亲, 哎呀) must hold one of the ``words``. A sentence ends
    at 。！？, a line break or, in chat written without punctuation, a run of spaces; an apology
    in a later sentence (…已经反馈给工厂了。很抱歉) or only sympathy (特别理解您的心情) is not an
    apology first."""

    name = "apology"
    fields = frozenset({"words", "scene"})
    required = frozenset({"words", "scene"})
    _SENTENCE = re.compile(r"[。！？!?\n]+|(?<=[^ -~]) +|(?<![ -~]) +")
    _GREETING = re.compile(r"(?:亲+(?:爱的|爱哒)?|宝子|宝宝|宝|家人们|家人|老铁|小主|您好|你好|在的|在呢|哎呀|哎|呀|啊|天哪"
                           r"|打扰(?:您)?(?:一下)?)+[\W_]*|[\W_]*")

    def prefilter(self, batch: Batch) -> list[int]:
        scene = self.rule.scene
        return [i for i, t in enumerate(batch.templates) if t.scene == scene or t.customer is not None]

    def check(self, template: Template) -> tuple[Hit, ...]:
        text = template.reply
        if template.customer is not None:
            if not context.complaint(template.customer):
                return ()
        elif template.scene != self.rule.scene or not context.answers_problem(text):
            return ()
        first = next((s for s in self._SENTENCE.split(text) if s and not self._GREETING.fullmatch(s)), "")
        if any(word in first for word in self.rule.words):
            return ()
        return ((0, first_line_end(text), "致歉"),)


class Scene(Kind):
    name = "scene"
    fields = frozenset({"groups", "scene", "first_sentence"})
    required = frozenset({"groups", "scene"})

    def prefilter(self, batch: Batch) -> list[int]:
        scene = self.rule.scene
        return [i for i, t in enumerate(batch.templates) if t.scene == scene]

    def check(self, template: Template) -> tuple[Hit, ...]:
        if template.scene != self.rule.scene:
            return ()
        missing = self.missing(template.reply)
        return ((0, first_line_end(template.reply), missing),) if missing else ()

    def missing(self, reply: str) -> str | None:
        """The labels of the groups the reply (or its first sentence) has no word of, for the
        message (``问候语和自我介绍``); None when it has a word of each."""
        text = reply
        if self.rule.first_sentence:
            end = _SENTENCE_END.search(text)
            text = text[: end.end()] if end else text
        missing = [label for label, words in self.rule.groups if not any(w in text for w in words)]
        return "和".join(missing) if missing else None


class Placeholder(Kind):
    name = "placeholder"
    _BRACES = re.compile(r"\{([^{}\n]*)\}")
    _BRACKETS = re.compile(r"\[([^\[\]\n]{1,20})\]")
    _STRAY = re.compile(r"[{}]")

    def __init__(self, rule, settings, shared) -> None:
        super().__init__(rule, settings, shared)
        self.declared = frozenset(settings.placeholders)
        self.emoticon_names = shared.emoticon_names
        # { or }, or a [ that does not open a known emoticon.
        self.gate = re.compile(rf"[\[{{}}](?:(?<=[{{}}])|(?!(?:{shared.emoticon_alternatives})\]))")

    def prefilter(self, batch: Batch) -> list[int]:
        return batch.having(self.gate)

    def check(self, template: Template) -> Iterator[Hit]:
        text = template.reply
        declared = self.declared | template.placeholders
        for m in self._BRACES.finditer(text):
            name = m.group(1).strip()
            if not name:
                yield (*m.span(), "空的占位符 {}")
            elif name not in declared:
                yield (*m.span(), f"未声明的占位符 {m.group()}（在配置 placeholders 中声明）")
        rest = self._BRACES.sub(lambda m: " " * len(m.group()), text)
        for m in self._STRAY.finditer(rest):
            yield (m.start(), m.end(), f"花括号「{m.group()}」不成对")
        for m in self._BRACKETS.finditer(text):
            if m.group(1) not in self.emoticon_names:
                yield (*m.span(), f"「{m.group()}」不是旺旺表情；占位符请写成 {{{m.group(1)}}}")


class MaxLength(Kind):
    name = "max_length"

    def __init__(self, rule, settings, shared) -> None:
        super().__init__(rule, settings, shared)
        self.limit = settings.max_length

    def prefilter(self, batch: Batch) -> list[int]:
        limit = self.limit
        return [i for i, r in enumerate(batch.replies) if len(r) > limit]

    def check(self, template: Template) -> tuple[Hit, ...]:
        text = template.reply
        if len(text) <= self.limit:
            return ()
        visible = [i for i, char in enumerate(text) if not char.isspace()]
        if len(visible) <= self.limit:
            return ()
        return ((visible[self.limit], len(text), str(len(visible))),)


class Duplicate(Kind):
    """The same reply, spacing aside, as an earlier template of the set. The state is one
    entry per distinct reply (its hash, and the first template's name), so that memory stays
    small however long the set."""

    name = "duplicate"
    set_level = True

    def __init__(self, rule, settings, shared) -> None:
        super().__init__(rule, settings, shared)
        self.seen: dict[int, str | int] = {}  # key -> the first template's id or line

    def check(self, template: Template) -> tuple[Hit, ...]:
        return tuple(hit for _, hit in self.check_all([template]))

    def check_all(self, templates: list[Template]) -> Iterator[tuple[Template, Hit]]:
        seen = self.seen
        keys = map(hash, map("".join, map(str.split, (t.reply for t in templates))))
        for template, key in zip(templates, keys):
            first = seen.get(key)
            if first is None:
                seen[key] = template.id or template.line
                continue
            name = first if isinstance(first, str) else f"第 {first} 行"
            yield template, (0, first_line_end(template.reply), name)


KINDS: dict[str, type[Kind]] = {
    kind.name: kind
    for kind in (Existence, Curt, Opening, Requires, Emoji, Longer, Scene, Apology, Placeholder, MaxLength,
                 Duplicate)
}
