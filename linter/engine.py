"""The engine: templates in, findings out.

``Linter`` compiles the enabled rules once, each as an instance of its check kind
(``checks.py``). Linting a batch of templates runs, for each rule, the kind's prefilter over the
whole batch (one scan of all the replies, not one call per reply), then the kind's check on the
replies it selected, and turns each hit into a ``Finding``. ``Linter.session()`` lints one
template set that arrives in several batches (a large file read piece by piece): set-level
rules (KF105) keep their state across its batches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from operator import attrgetter

from .checks import KINDS, Batch, Kind, Shared
from .config import Settings
from .model import SEVERITIES, Finding, Hit, Template, severity_rank
from .rules import RULES, Rule

_POSITION = attrgetter("line", "column", "rule")


class Linter:
    """Lints templates with the rules that ``settings`` enables."""

    def __init__(self, settings: Settings | None = None, *, prefilters: bool = True) -> None:
        self.settings = settings = settings or Settings()
        self.rules = [rule for rule in RULES if settings.enabled(rule.code)]
        self.shared = Shared(settings)
        self.prefilters = prefilters  # off only to test that prefilters never change findings
        self._severity = {rule.code: settings.severity_of(rule.code) for rule in self.rules}
        self._urls = {rule.code: settings.url(rule.code) for rule in self.rules}
        self._fixes = {rule.code: [(re.compile(p), r) for p, r in rule.fix] for rule in self.rules}
        self._messages: dict[tuple[str, str], str] = {}
        self._checks = [(rule, KINDS[rule.check](rule, settings, self.shared)) for rule in self.rules]

    def session(self) -> Session:
        """A linter for one template set, given batch by batch."""
        return Session(self)

    def lint(self, templates: list[Template]) -> list[Finding]:
        """Findings for one whole template set (one file or worksheet), sorted by position."""
        return self.session().lint(templates)

    def finding(self, rule: Rule, template: Template, hit: Hit) -> Finding:
        start, end, match = hit
        last = end - 1 if end > start else start
        if template.raw is None and "\n" not in template.reply:  # the common case, inline
            line = end_line = template.line
            column, end_column = template.column + start, template.column + last
        else:
            line, column = template.locate(start)
            end_line, end_column = template.locate(last)
        code = rule.code
        message = self._messages.get((code, match))
        if message is None:
            message = self._messages[(code, match)] = rule.message.format(match=match)
        return Finding(
            template.path, line, column, end_line, end_column + 1, code, self._severity[code],
            message, start, end, template.id, self._urls[code], template.sheet,
            self._fix(code, match) if self._fixes[code] else None,
        )

    def _fix(self, code: str, text: str) -> tuple[str, str] | None:
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

    def lint(self, templates: list[Template]) -> list[Finding]:
        """Findings for the next batch of the set, sorted by position."""
        if not templates:
            return []
        findings: list[Finding] = []
        append, finding = findings.append, self.linter.finding
        batch = Batch(templates)
        prefilters = self.linter.prefilters
        for rule, kind in self.checks:
            code = rule.code
            selected = kind.prefilter(batch) if prefilters and not kind.set_level else None
            for template in templates if selected is None else (templates[i] for i in selected):
                for hit in kind.check(template):
                    if not (template.noqa and code.startswith(template.noqa)):
                        append(finding(rule, template, hit))
        findings.sort(key=_POSITION)
        return findings


def at_or_above(findings: Iterable[Finding], threshold: str) -> int:
    failing = SEVERITIES[: severity_rank(threshold) + 1]
    return sum(1 for f in findings if f.severity in failing)

