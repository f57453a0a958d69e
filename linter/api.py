"""The Python API: what the command line, the handbook's checker and chat inspection call.

    >>> from kefu_lint import lint_text
    >>> [(f.rule, f.start, f.end) for f in lint_text("亲，这个真的不行")]
    [('KF202', 0, 8), ('KF204', 0, 8), ('KF101', 6, 8)]

``lint_text`` lints one reply; ``lint_paths`` lints files and folders and returns a ``Report``
with every finding; ``check_paths`` is the streaming form the CLI uses: one ``FileResult`` per
file, whose findings arrive batch by batch so that memory stays flat however large the input.
For chat exports, ``check_chats`` streams ``ChatFileResult`` values the same way and
``score_session`` inspects one conversation (``chats.py``).
None of them changes global state (no GC switches, no module-level registrations), so they can
be mapped over partitions of a dataset by Dask or Spark.
"""

from __future__ import annotations

import io
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Settings
from .engine import Linter
from .loaders import Columns, InputError, NotATemplateSet, discover, file_suffix, read
from .model import SEVERITIES, Finding, Template

if TYPE_CHECKING:  # chat inspection is imported when it is used
    from .chats import ChatLine, Inspector, Scored
    from .loaders.chats import ChatColumns, Part

_SEVERITY, _RULE = attrgetter("severity"), attrgetter("rule")

BATCH = 4096  # templates linted at a time: large enough for whole-batch scans, small for memory

_LINTERS: dict[str, Linter] = {}


def linter_for(settings: Settings | None) -> Linter:
    """A linter for ``settings``, compiled once per distinct settings and reused."""
    settings = settings or Settings()
    key = repr(settings)
    linter = _LINTERS.get(key)
    if linter is None:
        if len(_LINTERS) >= 8:
            _LINTERS.clear()
        linter = _LINTERS[key] = Linter(settings)
    return linter


def lint_text(reply: str, *, customer: str | None = None, scene: str | None = None,
              settings: Settings | None = None) -> list[Finding]:
    """Findings for one reply (``customer``: the message it answers; ``scene``: 售后 …)."""
    return linter_for(settings).lint([Template("<text>", reply, customer=customer, scene=scene)])


@dataclass
class FileResult:
    """One file being checked. Iterate ``batches`` for its ``(templates, findings)`` in file
    order; ``templates`` and ``errors`` are complete once they are consumed. ``skipped`` is a
    file found in a folder that is not a template set (a YAML file without ``templates``)."""

    path: str
    batches: Iterator[tuple[list[Template], list[Finding]]]
    templates: int = 0
    errors: list[InputError] = field(default_factory=list)
    skipped: bool = False


def check_paths(paths: Iterable[str], settings: Settings | None = None, *, columns: Columns = Columns(),
                stdin_filename: str | None = None) -> Iterator[FileResult]:
    """Check files, folders (searched for template files) and ``-`` (standard input)."""
    linter = linter_for(settings)
    paths = list(paths)
    files = discover(paths, linter.settings.exclude)
    if not files:  # a mistyped folder must not pass a CI gate silently
        from .loaders import SUFFIXES

        raise InputError(" ".join(paths), f"没有找到可检查的文件（支持 {' '.join(SUFFIXES)}）")
    for path, named in files:
        yield check_file(linter, path, named=named, columns=columns, stdin_filename=stdin_filename)


def check_file(linter: Linter, path: str, *, named: bool = True, columns: Columns = Columns(),
               stdin_filename: str | None = None, data: bytes | None = None,
               lines: tuple[int, int] | None = None) -> FileResult:
    """Check one file (``-``: standard input; ``data``: its bytes, already read). With
    ``lines=(first, end)``, only the templates that start on lines first to end - 1, and the
    input errors there (and, for the part from line 1, those of the whole file): ``jobs.py``
    checks the parts of a large file in processes of their own. The templates before the part
    are still read, for the rules that compare a template with earlier ones (KF105)."""
    if path == "-":
        path = stdin_filename or "<stdin>"
        data = sys.stdin.buffer.read() if data is None else data
        suffix = Path(path).suffix or ".txt"
    else:
        suffix = None
    result = FileResult(path, iter(()))
    result.batches = _batches(linter, result, data, columns, suffix, named, lines)
    return result


def _batches(linter: Linter, result: FileResult, data: bytes | None, columns: Columns,
             suffix: str | None, named: bool, lines: tuple[int, int] | None
             ) -> Iterator[tuple[list[Template], list[Finding]]]:
    path = result.path
    first, end = lines or (1, sys.maxsize)
    errors = _Errors(result.errors, first, end)
    try:
        suffix = file_suffix(path, suffix)
        source = _open(path) if data is None else io.BytesIO(data)
    except InputError as exc:
        errors.append(exc)
        return
    with source:
        session, sheet, batch, before = linter.session(), None, [], []
        try:
            for item in read(path, source, columns, suffix):
                if isinstance(item, InputError):
                    errors.append(item)
                    continue
                if item.line < first:  # another process reports on it
                    before.append(item)
                    if len(before) >= BATCH:
                        session.remember(before)
                        before = []
                    continue
                if item.line >= end:
                    break
                if before:
                    session.remember(before)
                    before = []
                if item.sheet != sheet:  # each worksheet is a template set of its own
                    if batch:
                        yield batch, session.lint(batch)
                        batch = []
                    session, sheet = linter.session(), item.sheet
                batch.append(item)
                result.templates += 1
                if len(batch) >= BATCH:
                    yield batch, session.lint(batch)
                    batch = []
        except NotATemplateSet as exc:
            if named:
                errors.append(exc)
            else:
                result.skipped = True
            return
        except InputError as exc:
            errors.append(exc)
        if batch:
            yield batch, session.lint(batch)


class _Errors:
    """The input errors of one part of a file (lines ``first`` to ``end`` - 1): an error
    without a line belongs to the part that starts the file."""

    def __init__(self, errors: list[InputError], first: int, end: int) -> None:
        self.errors, self.first, self.end = errors, first, end

    def append(self, error: InputError) -> None:
        if (self.first <= error.line < self.end) if error.line else self.first == 1:
            self.errors.append(error)


def _open(path: str):
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise InputError(path, "文件不存在") from None
    except IsADirectoryError:
        raise InputError(path, "是目录，不是文件") from None
    except OSError as exc:
        raise InputError(path, f"无法读取（{exc.strerror}）") from None


@dataclass
class Summary:
    """What a run found, counted as it goes (findings themselves are not kept)."""

    files: int = 0  # files checked (input errors or not)
    templates: int = 0
    by_severity: Counter = field(default_factory=Counter)
    by_rule: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)  # one-line input errors
    files_with_errors: int = 0

    @property
    def findings(self) -> int:
        return sum(self.by_severity.values())

    def counts(self) -> dict[str, int]:
        return {severity: self.by_severity.get(severity, 0) for severity in SEVERITIES}

    def add_findings(self, findings: list[Finding]) -> None:
        self.by_severity.update(map(_SEVERITY, findings))
        self.by_rule.update(map(_RULE, findings))

    def add_file(self, result: FileResult) -> None:
        if result.skipped:
            return
        self.files += 1
        self.templates += result.templates
        self.add_errors(result.errors)

    def add_errors(self, errors: list[InputError]) -> None:
        """The input errors of one file."""
        if errors:
            self.files_with_errors += 1
            self.errors.extend(map(str, errors))

    def merge(self, other: Summary, whole: bool = False) -> None:
        """Add the counts of another summary: of another part of the same file, or (``whole``)
        of other files, their input errors included."""
        self.templates += other.templates
        self.by_severity.update(other.by_severity)
        self.by_rule.update(other.by_rule)
        if whole:
            self.files += other.files
            self.files_with_errors += other.files_with_errors
            self.errors.extend(other.errors)

    def failing(self, threshold: str) -> int:
        """Findings at or above the severity ``threshold``."""
        return sum(self.by_severity.get(s, 0) for s in SEVERITIES[: SEVERITIES.index(threshold) + 1])


@dataclass
class Report:
    """Every finding of a run, with its summary (``lint_paths``)."""

    findings: list[Finding] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)

    @property
    def errors(self) -> list[str]:
        return self.summary.errors


def lint_paths(paths: Iterable[str], settings: Settings | None = None, *, columns: Columns = Columns()) -> Report:
    """Lint files and folders; input errors are in ``report.errors``, never raised."""
    report = Report()
    try:
        for result in check_paths(paths, settings, columns=columns):
            for _, findings in result.batches:
                report.findings.extend(findings)
                report.summary.add_findings(findings)
            report.summary.add_file(result)
    except InputError as exc:
        report.summary.errors.append(str(exc))
    return report


# ---------------------------------------------------------------------------- chats


def chat_settings(settings: Settings | None) -> Settings:
    """The settings for chat inspection: KF105 (the same reply twice in a template set) is
    left out, since a shop's quick replies recur across sessions by design (KF604 looks
    within one session)."""
    settings = settings or Settings()
    return settings if "KF105" in settings.ignore else replace(settings, ignore=(*settings.ignore, "KF105"))


_INSPECTORS: dict[str, Inspector] = {}


def inspector_for(settings: Settings | None) -> Inspector:
    """An inspector for ``settings`` (as ``chat_settings`` adjusts them), compiled once."""
    settings = chat_settings(settings)
    key = repr(settings)
    inspector = _INSPECTORS.get(key)
    if inspector is None:
        from .chats import Inspector

        if len(_INSPECTORS) >= 8:
            _INSPECTORS.clear()
        inspector = _INSPECTORS[key] = Inspector(linter_for(settings))
    return inspector


def score_session(lines: Iterable[ChatLine], settings: Settings | None = None) -> Scored:
    """Inspect one conversation, given its lines in any order: the pure function to map over
    the sessions of a partitioned dataset (README: Dask). ``Scorecard.of`` and
    ``Scorecard.merged`` add the results up into the agents table ``kefu-lint chats`` prints."""
    from .chats import Session

    return inspector_for(settings).score([Session.of(lines)])[0]


def chat_lines(path: str, columns: ChatColumns | None = None) -> list[ChatLine]:
    """Every line of one chat export, for a partition of a dataset (README: Dask); the first
    input error is raised, as an ``InputError``."""
    from .loaders.chats import ChatColumns, read_chat  # chat exports: not needed to lint replies

    columns = columns or ChatColumns()
    lines = []
    with _open(path) as source:
        for item in read_chat(path, source, columns):
            if isinstance(item, InputError):
                raise item
            lines.append(item)
    return lines


@dataclass
class ChatFileResult:
    """One chat export being inspected. Iterate ``batches`` for its scored sessions; ``lines``
    and ``errors`` are complete once they are consumed."""

    path: str
    batches: Iterator[list[Scored]]
    lines: int = 0
    errors: list[InputError] = field(default_factory=list)


CHAT_BATCH = 8192  # chat lines inspected at a time


def check_chats(paths: Iterable[str], settings: Settings | None = None, *,
                columns: ChatColumns | None = None) -> Iterator[ChatFileResult]:
    """Inspect chat exports: files, and folders searched for ``.csv .xlsx .jsonl``."""
    from .loaders.chats import SUFFIXES as CHAT_SUFFIXES

    inspector = inspector_for(settings)
    paths = list(paths)
    files = discover(paths, inspector.settings.exclude, CHAT_SUFFIXES)
    if not files:
        raise InputError(" ".join(paths), f"没有找到聊天记录文件（支持 {' '.join(CHAT_SUFFIXES)}）")
    for path, _ in files:
        yield check_chat_file(inspector, path, columns=columns)


def check_chat_file(inspector: Inspector, path: str, *, columns: ChatColumns | None = None,
                    part: Part | None = None) -> ChatFileResult:
    """Inspect one chat export; with a ``part`` (``loaders.chats.Part``), the sessions that
    begin on its lines and the input errors on them: ``jobs.py`` runs the parts of a large
    export in processes of their own."""
    from .loaders.chats import Part  # chat exports: not needed to lint replies

    result = ChatFileResult(path, iter(()))
    result.batches = _chat_batches(inspector, result, columns, part or Part())
    return result


def _chat_batches(inspector: Inspector, result: ChatFileResult, columns: ChatColumns | None,
                  part: Part) -> Iterator[list[Scored]]:
    from .loaders.chats import SUFFIXES as CHAT_SUFFIXES, ChatColumns, read_chat
    from .chats import sessions

    columns = columns or ChatColumns()
    path = result.path
    errors = result.errors if part.whole else _Errors(result.errors, part.first, part.end)
    try:
        file_suffix(path, None, CHAT_SUFFIXES)
        source = _open(path)
    except InputError as exc:
        errors.append(exc)
        return

    def lines() -> Iterator[ChatLine]:
        try:
            for item in read_chat(path, source, columns, part=part):
                if isinstance(item, InputError):
                    errors.append(item)
                    continue
                result.lines += 1
                yield item
        except InputError as exc:  # stops the file; the sessions read so far are still inspected
            part.stopped = exc.line or 0  # 0: an error without a line
            errors.append(exc)

    with source:
        batch, size = [], 0
        for session in sessions(lines(), own=(part.first, part.end)):
            batch.append(session)
            size += len(session.lines)
            if size >= CHAT_BATCH:
                yield inspector.score(batch)
                batch, size = [], 0
        if batch:
            yield inspector.score(batch)


@dataclass
class ChatSummary(Summary):
    """What a chat run found; ``templates`` counts agent replies (turns)."""

    lines: int = 0
    sessions: int = 0

    def add_scored(self, batch: list[Scored]) -> None:
        for scored in batch:
            self.sessions += 1
            self.templates += sum(scored.replies.values())
            self.add_findings(scored.findings)

    def add_file(self, result: ChatFileResult) -> None:
        self.files += 1
        self.lines += result.lines
        self.add_errors(result.errors)

    def merge(self, other: ChatSummary, whole: bool = False) -> None:
        super().merge(other, whole)
        self.lines += other.lines
        self.sessions += other.sessions
