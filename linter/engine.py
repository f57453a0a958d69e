"""The engine: templates in, findings out.

``Linter`` compiles the enabled rules once, each as an instance of its check kind
(``checks.py``). Linting a batch of templates runs, for each rule, the kind's prefilter over the
whole batch (one scan of all the replies, not one call per reply), then the kind's check on the
replies it selected, and turns each hit into a ``Finding``. ``Linter.session()`` lints one
template set that arrives in several batches (a large file read piece by piece): set-level
rules (KF105) keep their state across its batches, and ``Session.remember`` gives them the
templates before the part of a file that one process of several checks.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from operator import attrgetter

from .checks import KINDS, Batch, Kind, Shared
from .config import Settings
from .model import Finding, Hit, Messages, Template
from .rules import RULES, Rule

_POSITION, _NOQA = attrgetter("line", "column", "rule"), attrgetter("noqa")


class Linter:
    """Lints templates with the rules that ``settings`` enables."""

    def __init__(self, settings: Settings | None = None, *, prefilters: bool = True) -> None:
        self.settings = settings = settings or Settings()
        # Conversation rules (KF6xx) check whole chats, not replies: ``chats.Inspector`` runs them.
        self.rules = [rule for rule in RULES if settings.enabled(rule.code) and not rule.conversation]
        self.shared = Shared(settings)
        # Off only in tests: then every template is checked one by one, no prefilter and no
        # ``check_all``, which must give the same findings.
        self.prefilters = prefilters
        self._severity = {rule.code: settings.severity_of(rule.code) for rule in self.rules}
        self._urls = {rule.code: settings.url(rule.code) for rule in self.rules}
        self._fixes = {rule.code: [(re.compile(p), r) for p, r in rule.fix] for rule in self.rules}
        self.messages = {rule.code: Messages(rule.message) for rule in self.rules}
        self._checks = [(rule, _compile(rule, settings, self.shared)) for rule in self.rules]

    def session(self) -> Session:
        """A linter for one template set, given batch by batch."""
        return Session(self)

    def lint(self, templates: list[Template]) -> list[Finding]:
        """Findings for one whole template set (one file or worksheet), sorted by position."""
        return self.session().lint(templates)

    def fix(self, code: str, text: str) -> tuple[str, str] | None:
        """The rule's safe rewrite of a hit's text, if one of its ``fix`` entries matches it."""
        for pattern, replacement in self._fixes[code]:
            if m := pattern.fullmatch(text):
                return text, m.expand(replacement)
        return None


class Session:
    """One template set: set-level kinds get fresh state, the rest are the linter's own."""

    def __init__(self, linter: Linter) -> None:
        self.linter = linter
        settings, shared = linter.settings, linter.shared
        self.checks: list[tuple[Rule, Kind]] = [
            (rule, type(kind)(rule, settings, shared) if kind.set_level else kind)
            for rule, kind in linter._checks
        ]

    def remember(self, templates: list[Template]) -> None:
        """Give the set-level kinds templates of the set that another process reports on (the
        part of a file before this one: ``jobs.py``), without finding anything in them."""
        for _, kind in self.checks:
            if kind.set_level:
                deque(kind.check_all(templates), maxlen=0)

    def hits(self, templates: list[Template]) -> Iterator[tuple[Rule, Iterator[tuple[Template, Hit]]]]:
        """What each rule finds in the next batch of the set, rule by rule: the rule and its
        hits, each with its template, in template order (``noqa`` applied). ``lint`` makes them
        findings; chat inspection makes them findings of its own without the file positions."""
        batch = Batch(templates)
        prefilters = self.linter.prefilters
        noqa = any(map(_NOQA, templates))
        for rule, kind in self.checks:
            selected = kind.prefilter(batch) if prefilters and not kind.set_level else None
            targets = templates if selected is None else [templates[i] for i in selected]
            found = kind.check_all(targets) if prefilters else _one_by_one(kind, targets)
            yield rule, _noqa(rule.code, found) if noqa else found

    def lint(self, templates: list[Template]) -> list[Finding]:
        """Findings for the next batch of the set, sorted by position."""
        if not templates:
            return []
        linter = self.linter
        findings: list[Finding] = []
        append = findings.append
        for rule, found in self.hits(templates):
            code = rule.code
            severity, url, fixes = linter._severity[code], linter._urls[code], linter._fixes[code]
            messages = linter.messages[code]
            for template, (start, end, match) in found:
                last = end - 1 if end > start else start
                if template.raw is None and "\n" not in template.reply:  # the common case, inline
                    line = end_line = template.line
                    column, end_column = template.column + start, template.column + last
                else:
                    line, column = template.locate(start)
                    end_line, end_column = template.locate(last)
                append(Finding(template.path, line, column, end_line, end_column + 1, code, severity, messages[match],
                               start, end, template.id, url, template.sheet,
                               linter.fix(code, match) if fixes else None))
        findings.sort(key=_POSITION)
        return findings


def _noqa(code: str, found: Iterable[tuple[Template, Hit]]) -> Iterator[tuple[Template, Hit]]:
    for template, hit in found:
        if not (template.noqa and code.startswith(template.noqa)):
            yield template, hit


def _compile(rule: Rule, settings: Settings, shared: Shared) -> Kind:
    try:
        return KINDS[rule.check](rule, settings, shared)
    except re.error as exc:  # a pattern of the rule (or a word the config adds) does not compile
        raise ValueError(f"{rule.code}: {exc}") from None


def _one_by_one(kind: Kind, templates: list[Template]):
    """``kind.check`` template by template: what ``check_all`` must agree with."""
    for template in templates:
        for hit in kind.check(template):
            yield template, hit
