"""Safe fixes: what ``--fix`` writes and ``--diff`` shows.

A rule declares its safe rewrites as data (``Rule.fix``) and the engine attaches the rewrite
to each finding it applies to (``Finding.fix``). Here the rewrites are applied to the file's
own text, in place: only the characters of each finding's span change, so YAML comments and
key order, CSV quoting, Markdown markup, line endings and the encoding (UTF-8 with or without
BOM, GBK) stay byte for byte as they were. A rewrite whose span does not hold exactly the
finding's text (an escape sequence, a reply folded over lines) is left alone.

Fixing runs in rounds until nothing is left to fix (``!!!`` between two CJK characters first
becomes ``!``, then ``！``), so a second ``--fix`` changes nothing. Excel workbooks are not
fixed. ``fix_reply`` is one round on a single reply (the handbook's in-browser checker), with
the same choice of edits.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from .engine import Linter
from .loaders import LEGACY, Columns, InputError, decode, read_text
from .model import Finding, Template
from .rules import RULES_BY_CODE


@dataclass
class Fixed:
    """A file after fixing: its text before and after, and what is still to report."""

    path: str
    before: str
    after: str
    data: bytes  # ``after`` in the file's own encoding
    fixes: int  # rewrites applied
    templates: list[Template]  # of the fixed text
    findings: list[Finding]  # that remain in the fixed text
    errors: list[InputError] = field(default_factory=list)  # items of the file that are not templates

    @property
    def changed(self) -> bool:
        return self.after != self.before

    def diff(self) -> str:
        """A unified diff from the file to its fixed text (empty when nothing changes)."""
        from difflib import unified_diff

        lines = unified_diff(
            self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
            fromfile=self.path, tofile=self.path,
        )
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                       for line in lines)


def fix_text(path: str, data: bytes, columns: Columns, linter: Linter, suffix: str) -> Fixed:
    """Apply every safe fix to a text-format file (``suffix`` is its format, not ``.xlsx``)."""
    text, codec = decode(path, data, legacy=suffix in LEGACY)
    if text.encode(codec) != data:
        raise InputError(path, f"无法按原编码（{codec}）原样写回，没有修复")
    before, fixes = text, 0
    while True:  # each round removes ASCII punctuation, a repeated mark or a 你: it ends
        items = list(read_text(path, io.StringIO(text, newline=""), columns, suffix))
        templates = [t for t in items if isinstance(t, Template)]
        findings = linter.lint(templates)
        edits = _edits(text, findings, _file_spans(text))
        if not edits:
            errors = [e for e in items if isinstance(e, InputError)]
            return Fixed(path, before, text, text.encode(codec), fixes, templates, findings, errors)
        text = _apply(text, edits)
        fixes += len(edits)


def fix_reply(reply: str, findings: list[Finding]) -> str:
    """``reply`` with the safe fixes of ``findings`` (``lint_text(reply, ...)``) applied: one
    round, as ``--fix`` makes one on a file. Lint the result and fix again until it no longer
    changes to get what ``--fix`` writes."""
    return _apply(reply, _edits(reply, findings, lambda f: (f.start, f.end)))


def _file_spans(text: str) -> Callable[[Finding], tuple[int, int]]:
    """A finding's span as offsets in the file's text, from its lines and columns."""
    starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1 if line <= len(starts) else len(text) + 1

    def span(f: Finding) -> tuple[int, int]:
        return offset(f.line, f.column), offset(f.end_line, f.end_column)

    return span


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, replacement in reversed(edits):
        text = text[:start] + replacement + text[end:]
    return text


def _edits(text: str, findings: list[Finding],
           span: Callable[[Finding], tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Non-overlapping ``(start, end, replacement)`` edits of ``text``, in order; ``span`` gives
    a finding's offsets in ``text``."""
    # A word another rule reports stays as it is: fixing 你自己 (KF104) to 您自己 would hide it.
    reported = [span(f) for f in findings if f.fix is None and RULES_BY_CODE[f.rule].check == "existence"]
    edits: list[tuple[int, int, str]] = []
    for f in sorted((f for f in findings if f.fix), key=lambda f: span(f)[0]):
        old, new = f.fix
        start, end = span(f)
        if (text[start:end] != old or (edits and start < edits[-1][1])
                or any(a < end and start < b for a, b in reported)):
            continue
        edits.append((start, end, new))
    return edits
