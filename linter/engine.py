"""The engine: templates in, findings out.

A handful of check kinds do all the matching (see ``rules.py`` for the rules that use them):

``words``        word list: one compiled alternation per rule, short hits confirmed on jieba
                 word boundaries, hits inside an ``allow`` pattern dropped
``single_char``  a reply of at most one character, punctuation and emoji not counted
``opening``      the reply opens with a bare negation word (a jieba token, not a prefix)
``requires``     at least one of the words must be present
``emoji``        an emoticon ([微笑], configurable names), a Unicode emoji or a kaomoji
``longer``       the reply must be longer than the customer's message
``scene``        required word groups in templates of one scene (optionally the first sentence)
``placeholder``  malformed or undeclared ``{placeholders}``; ``[...]`` only for emoticons
``pattern``      regular expressions matched as they are (punctuation), hits inside ``allow`` dropped
``max_length``   a reply over the configured length
``duplicate``    the same reply under two templates of one set (checked per file)

Each rule first asks its *gate* which replies of the set it could fire on — answered for all
of them at once (one scan of the joined replies, or a stop-at-first-match search per reply) —
and its check kind then looks only at those. Word boundaries come from ``segment.py``: jieba's
answer, almost always without loading jieba or its dictionary.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import partial
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate
from operator import attrgetter
from typing import Callable, Iterable, Iterator

from .config import Settings
from .rules import EMOTICONS, RULES, SEVERITIES, Rule
from .segment import CJK, Segmenter

# ---------------------------------------------------------------------------- data model


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
        index = offset if self.raw is None else _align(self.reply, self.raw, offset)
        source = self.reply if self.raw is None else self.raw
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


@dataclass(slots=True)
class Finding:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    rule: Rule
    severity: str
    message: str
    template: str | None
    url: str
    sheet: str | None = None
    fix: tuple[str, str] | None = None  # (text at the finding's span, its safe replacement)


@dataclass(slots=True)
class Hit:
    start: int
    end: int
    match: str


# ---------------------------------------------------------------------------- text helpers

_EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d"
# What counts as content when comparing lengths: CJK, letters, digits (ASCII and full-width).
_CONTENT = re.compile(f"[{CJK}A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_SENTENCE_END = re.compile(r"[。！？!?\n]")


def content_length(text: str, emoticon: re.Pattern) -> int:
    """Characters that carry content: CJK, letters, digits; not spaces, punctuation, emoji."""
    return len(_CONTENT.findall(emoticon.sub("", text)))


def _first_line_end(text: str) -> int:
    end = text.find("\n")
    return len(text) if end < 0 else end


SEGMENTER = Segmenter()


# ---------------------------------------------------------------------------- the linter

# Word-list hits this short (in CJK characters) are confirmed on jieba word boundaries;
# longer words and patterns are distinctive enough to match as they are.
SHORT_WORD = 2


def _alternation(fragments: Iterable[str]) -> str:
    # Longest first, so that 最低价 wins over a shorter overlapping alternative.
    return "|".join(sorted(set(fragments), key=len, reverse=True))


_POSITION = attrgetter("line", "column", "rule.code")


class _Candidates:
    """Which replies of a template set could make a rule fire, answered for all at once."""

    def __init__(self, templates: list[Template]) -> None:
        self.templates = templates
        self.replies = [t.reply for t in templates]
        self.joined = "\n".join(self.replies)  # no gate pattern can match across a line break
        self.starts = list(accumulate((len(r) + 1 for r in self.replies[:-1]), initial=0))
        self._found: dict[int, set[int]] = {}  # by id(pattern): hashing a Pattern is slow
        self._scenes: dict[str, list[int]] | None = None

    def _matching(self, pattern: re.Pattern) -> set[int]:
        """Replies in which ``pattern`` matches: one scan of the joined text, one search per
        matching reply (it resumes at the next reply), so rare patterns cost almost nothing."""
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
        return found

    def having(self, patterns: tuple[re.Pattern, ...]) -> list[int]:
        return sorted(set().union(*map(self._matching, patterns)))

    def lacking(self, patterns: tuple[re.Pattern, ...]) -> list[int]:
        """Replies in which none of ``patterns`` matches. For patterns found in most replies:
        each search stops at the first match, and each pattern only sees the replies that
        the ones before it left."""
        replies, left = self.replies, range(len(self.replies))
        for pattern in patterns:
            search = pattern.search
            left = [i for i in left if search(replies[i]) is None]
        return list(left)

    def of_scene(self, scene: str) -> list[int]:
        if self._scenes is None:
            self._scenes = {}
            for i, t in enumerate(self.templates):
                if t.scene is not None:
                    self._scenes.setdefault(t.scene, []).append(i)
        return self._scenes.get(scene, [])

    def longer_than(self, limit: int) -> list[int]:
        return [i for i, r in enumerate(self.replies) if len(r) > limit]

    def with_customer(self) -> list[int]:
        return [i for i, t in enumerate(self.templates) if t.customer is not None]


class Linter:
    """Lints templates with the rules that ``settings`` enables."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.rules = [rule for rule in RULES if settings.enabled(rule.code)]
        self.severity = {rule.code: settings.severity_of(rule.code) for rule in self.rules}
        names = EMOTICONS + settings.emoticons
        self.emoticon_names = frozenset(names)
        self.emoticon = re.compile(r"\[(?:" + "|".join(map(re.escape, names)) + r")\]")
        # Word lists (``words``) and plain patterns (``pattern``): (alternation, allow alternation).
        self._lists: dict[str, tuple[re.Pattern, re.Pattern | None]] = {}
        # Required patterns: a reply passes when any of them matches. KF204's are kept apart
        # (emoticon, emoji, kaomoji) because each alone has a first-character fast path.
        self._required: dict[str, tuple[re.Pattern, ...]] = {}
        self._fixes = {rule.code: [(re.compile(p), t) for p, t in rule.fix] for rule in self.rules}
        for rule in self.rules:
            if rule.check in ("words", "pattern"):  # config allow/deny exist for word lists only
                words = rule.words + tuple(map(re.escape, settings.deny.get(rule.code, ())))
                allow = rule.allow + tuple(map(re.escape, settings.allow.get(rule.code, ())))
                self._lists[rule.code] = (
                    re.compile(_alternation(words)),
                    re.compile(_alternation(allow)) if allow else None,
                )
            elif rule.check == "requires":
                # Single characters as one class (a fast C scan), longer words as an alternation.
                singles = "".join(re.escape(w) for w in rule.words if len(w) == 1)
                longer = [w for w in rule.words if len(w) > 1]
                self._required[rule.code] = tuple(
                    re.compile(p) for p in (f"[{singles}]" if singles else "", _alternation(longer)) if p
                )
            elif rule.check == "emoji":
                kaomoji = re.compile(_alternation(rule.words))
                self._required[rule.code] = (self.emoticon, re.compile(f"[{_EMOJI}]"), kaomoji)
        SEGMENTER.register(
            word
            for rule in self.rules
            if rule.check == "opening" or rule.check == "words"
            for word in rule.words + settings.deny.get(rule.code, ())
            if len(word) <= SHORT_WORD or rule.check == "opening"
        )
        self._urls = {rule.code: settings.url(rule.code) for rule in self.rules}
        # { or }, or a [ that does not open a known emoticon; written to start with a character
        # class, so that the regex engine can skip straight to candidates.
        self._placeholder_gate = re.compile(r"[\[{}](?:(?<=[{}])|(?!" + self.emoticon.pattern[2:] + "))")
        # A whole line with at most one content character outside emoticons (KF102's
        # candidates), and a line that opens with the first character of an opening word
        # within its first eight characters (KF103's): anchored at line starts, each is one
        # fast scan of the joined replies.
        content = _CONTENT.pattern[1:-1]
        other = f"(?:[^\\n\\[{content}]|{self.emoticon.pattern}|\\[)*"
        self._short_line = re.compile(f"(?m)^{other}(?:[{content}]{other})?$")
        firsts = "".join(sorted({w[0] for r in self.rules if r.check == "opening" for w in r.words}))
        self._opening_gate = re.compile(f"(?m)^[^\\n{firsts}]{{0,7}}[{firsts}]") if firsts else None
        self._gates = {rule.code: self._gate(rule) for rule in self.rules}
        self._messages: dict[tuple[str, str], str] = {}
        self._openings = {r.code: sorted(r.words, key=len, reverse=True) for r in self.rules if r.check == "opening"}
        self._checks: dict[str, Callable[[Rule, list[Template]], Iterator[tuple[Template, Hit]]]] = {
            "words": self._check_list,
            "single_char": self._check_single_char,
            "opening": self._check_opening,
            "requires": self._check_missing,
            "emoji": self._check_missing,
            "longer": self._check_longer,
            "scene": self._check_scene,
            "placeholder": self._check_placeholder,
            "max_length": self._check_max_length,
            "pattern": self._check_list,
        }

    # -- driver

    def _gate(self, rule: Rule) -> Callable[[_Candidates], Iterable[int]] | None:
        """The replies a rule has to look at, found for the whole set at once (None: all).
        For ``requires`` and ``emoji`` the gate is the whole check; for the others it is a
        cheap superset and the per-reply check decides."""
        code = rule.code
        if rule.check in ("words", "pattern"):
            return partial(_Candidates.having, patterns=(self._lists[code][0],))
        if rule.check == "placeholder":
            return partial(_Candidates.having, patterns=(self._placeholder_gate,))
        if rule.check == "opening":
            return partial(_Candidates.having, patterns=(self._opening_gate,))
        if rule.check in ("requires", "emoji"):
            return partial(_Candidates.lacking, patterns=self._required[code])
        if rule.check == "single_char":
            return partial(_Candidates.having, patterns=(self._short_line,))
        if rule.check == "max_length":
            return partial(_Candidates.longer_than, limit=self.settings.max_length)
        if rule.check == "scene":
            return partial(_Candidates.of_scene, scene=rule.scene)
        if rule.check == "longer":
            return _Candidates.with_customer
        return None

    def lint(self, templates: list[Template]) -> list[Finding]:
        """Findings for one template set (one file), sorted by position."""
        if not templates:
            return []
        findings: list[Finding] = []
        append, finding = findings.append, self._finding
        candidates = _Candidates(templates)
        for rule in self.rules:
            if rule.check == "duplicate":
                findings.extend(self._check_duplicates(rule, templates))
                continue
            code, gate = rule.code, self._gates[rule.code]
            selected = [templates[i] for i in gate(candidates)] if gate else templates
            for template, hit in self._checks[rule.check](rule, selected):
                if not (template.noqa and code.startswith(template.noqa)):
                    append(finding(rule, template, hit))
        findings.sort(key=_POSITION)
        return findings

    def _finding(self, rule: Rule, template: Template, hit: Hit) -> Finding:
        last = hit.end - 1 if hit.end > hit.start else hit.start
        if template.raw is None and "\n" not in template.reply:  # the common case, inline
            line = end_line = template.line
            column, end_column = template.column + hit.start, template.column + last
        else:
            line, column = template.locate(hit.start)
            end_line, end_column = template.locate(last)
        code, match = rule.code, hit.match
        message = self._messages.get((code, match)) or self._message(rule, match)
        return Finding(
            template.path, line, column, end_line, end_column + 1, rule, self.severity[code],
            message, template.id, self._urls[code], template.sheet,
            self._fix(rule, match) if self._fixes[code] else None,
        )

    def _message(self, rule: Rule, match: str) -> str:
        key = (rule.code, match)
        if (message := self._messages.get(key)) is None:
            message = self._messages[key] = rule.message.format(match=match)
        return message

    def _fix(self, rule: Rule, text: str) -> tuple[str, str] | None:
        """The rule's safe rewrite of a hit's text, if one of its ``fix`` entries matches it."""
        for pattern, replacement in self._fixes[rule.code]:
            if m := pattern.fullmatch(text):
                return text, m.expand(replacement)
        return None

    # -- check kinds

    # Each check kind takes the templates its gate selected and yields (template, hit) pairs:
    # one call per rule and set, not one per template.

    def _check_list(self, rule: Rule, templates: list[Template]) -> Iterator[tuple[Template, Hit]]:
        """``words`` and ``pattern``: hits of the alternation outside ``allow`` spans; for word
        lists, short hits must also stand on jieba word boundaries."""
        pattern, allow = self._lists[rule.code]
        words = rule.check == "words"
        for template in templates:
            text = template.reply
            allowed = [m.span() for m in allow.finditer(text)] if allow else ()
            for m in pattern.finditer(text):
                start, end = m.span()
                if any(a <= start and end <= b for a, b in allowed):
                    continue
                if words and end - start <= SHORT_WORD and not SEGMENTER.on_boundary(text, start, end):
                    continue
                yield template, Hit(start, end, m.group())

    def _check_single_char(self, rule: Rule, templates: list[Template]) -> Iterator[tuple[Template, Hit]]:
        for template in templates:
            text = template.reply
            content = self.emoticon.sub("", text) if "[" in text else text
            first = _CONTENT.search(content)
            if not (first and _CONTENT.search(content, first.end())):  # fewer than two
                yield template, Hit(0, _first_line_end(text), text.strip())

    _ADDRESS = re.compile(r"(?:亲+(?:爱的)?|您好)?[\s，,、。！!~～]*")

    def _check_opening(self, rule: Rule, templates: list[Template]) -> Iterator[tuple[Template, Hit]]:
        openings = self._openings[rule.code]
        for template in templates:
            text = template.reply
            start = self._ADDRESS.match(text).end()
            for word in openings:
                if text.startswith(word, start):
                    end = start + len(word)
                    # The word must be a whole token: 不错, 不会起球, 没问题 are not negations.
                    if SEGMENTER.on_boundary(text, start, end):
                        yield template, Hit(start, end, word)
                    break

    def _check_missing(self, rule: Rule, templates: list[Template]) -> Iterator[tuple[Template, Hit]]:
        """``requires`` and ``emoji``: the gate (``_Candidates.lacking``) has already picked
        exactly the replies in which none of the rule's patterns matches."""
        for template in templates:
            yield template, Hit(0, _first_line_end(template.reply), "")

    def _check_longer(self, rule: Rule, templates: list[Template]) -> Iterator[tuple[Template, Hit]]:
        for template in templates:
            mine = content_length(template.reply, self.emoticon)
            theirs = content_length(template.customer, self.emoticon)
            if mine <= theirs:
                yield template, Hit(0, _first_line_end(template.reply), f"{mine} 字，顾客 {theirs} 字")

    def _check_scene(self, rule: Rule, templates: list[Template]) -> Iterator[tuple[Template, Hit]]:
        for template in templates:
            text = template.reply
            if rule.first_sentence:
                end = _SENTENCE_END.search(text)
                text = text[: end.end()] if end else text
            missing = [label for label, words in rule.groups if not any(w in text for w in words)]
            if missing:
                yield template, Hit(0, _first_line_end(template.reply), "和".join(missing))

    _BRACES = re.compile(r"\{([^{}\n]*)\}")
    _BRACKETS = re.compile(r"\[([^\[\]\n]{1,20})\]")

    def _check_placeholder(self, rule: Rule, templates: list[Template]) -> Iterator[tuple[Template, Hit]]:
        for template in templates:
            text = template.reply
            declared = template.placeholders.union(self.settings.placeholders)
            for m in self._BRACES.finditer(text):
                name = m.group(1).strip()
                if not name:
                    yield template, Hit(*m.span(), "空的占位符 {}")
                elif name not in declared:
                    yield template, Hit(*m.span(), f"未声明的占位符 {m.group()}（在配置 placeholders 中声明）")
            rest = self._BRACES.sub(lambda m: " " * len(m.group()), text)
            for m in re.finditer(r"[{}]", rest):
                yield template, Hit(m.start(), m.end(), f"花括号「{m.group()}」不成对")
            for m in self._BRACKETS.finditer(text):
                if m.group(1) not in self.emoticon_names:
                    yield template, Hit(*m.span(), f"「{m.group()}」不是旺旺表情；占位符请写成 {{{m.group(1)}}}")

    def _check_max_length(self, rule: Rule, templates: list[Template]) -> Iterator[tuple[Template, Hit]]:
        limit = self.settings.max_length
        for template in templates:
            text = template.reply
            visible = [i for i, char in enumerate(text) if not char.isspace()]
            if len(visible) > limit:
                yield template, Hit(visible[limit], len(text), str(len(visible)))

    def _check_duplicates(self, rule: Rule, templates: list[Template]) -> Iterator[Finding]:
        keys = ["".join(t.reply.split()) for t in templates]  # spacing aside
        counts = Counter(keys)
        first: dict[str, Template] = {}
        for template, key in zip(templates, keys):
            if counts[key] == 1:
                continue
            if key not in first:
                first[key] = template
                continue
            if rule.code.startswith(template.noqa):
                continue
            original = first[key]
            name = original.id or f"第 {original.line} 行"
            yield self._finding(rule, template, Hit(0, _first_line_end(template.reply), name))


def severity_rank(severity: str) -> int:
    """0 for error, 1 for warning, 2 for info: lower is more severe."""
    return SEVERITIES.index(severity)


def at_or_above(findings: Iterable[Finding], threshold: str) -> int:
    failing = SEVERITIES[: severity_rank(threshold) + 1]
    return sum(1 for f in findings if f.severity in failing)
