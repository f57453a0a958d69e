"""One large file checked in several processes, with the output of one.

Templates (``check_file``): a large ``.txt`` or ``.csv`` file is cut into parts at line
boundaries, as many as there are jobs. The first part is checked in this process and written
out as it goes; each other part is checked by a forked worker (the compiled rules and the
reporter come with it), which reads the file from the start, giving the templates before its
part only to the rules that compare a template with earlier ones (KF105, ``Session.remember``),
renders its batches with the run's reporter into a spool file and returns its counts and
input errors. Since later parts read more, they are made shorter (``READ_SHARE``). The spools
are then copied out in order, so the output is the same, byte for byte, whatever the number
of jobs (``tests/test_jobs.py``).

Chat exports (``inspect_file``): each of ``jobs`` workers reads the whole export (parsing is the
cheap part) but keeps only the sessions of its part, split by a stable hash of the session id
(``check_chat_file(part=...)``), and inspects them. A worker renders each of its sessions
into a spool file (UTF-8, each with the line it ends on), in the order the sessions end in the
file, and returns its counts and scorecard. The main process merges the spools by the line
each session ends on — the order one process writes them in. Input errors are those of the
first part: every part sees the same ones.

Where the platform cannot fork, or the file is small, an Excel workbook or in another format
read whole, the file is checked in this process.
"""

from __future__ import annotations

import heapq
import os
import struct
import sys
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path

from typing import TYPE_CHECKING

from .api import FileResult, Summary, check_file

if TYPE_CHECKING:  # multiprocessing and chat inspection are imported when they are used
    from .api import ChatSummary
    from .chats import Scorecard
    from .config import Settings
    from .engine import Linter
    from .loaders import Columns
    from .loaders.chats import ChatColumns
    from .reporters import Reporter
    from .reporters.chats import ChatReporter

SPLIT_AT = 4 << 20  # bytes: smaller chat exports are inspected in one process
SPLIT_TEMPLATES_AT = 1 << 20  # bytes: smaller template files are checked in one process
# Reading a template (and remembering it for KF105) costs about this share of checking it:
# measured on bench/corpus.py replies, 0.3 s of 2.2 s.
READ_SHARE = 0.15


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def inspect_file(path: str, settings: Settings, columns: ChatColumns, reporter: ChatReporter, output: str,
                 jobs: int = 1, split_at: int = SPLIT_AT) -> tuple[ChatSummary, Scorecard, list[int]]:
    """Inspect one export, writing its sessions' output to ``reporter`` (of format
    ``output``); returns the file's summary, its scorecard and the peak memory (KB) of each
    worker process (none when inspected here). Files of ``split_at`` bytes or more are split."""
    from .api import ChatSummary, check_chat_file, inspector_for
    from .chats import Scorecard

    if jobs > 1 and _splittable(path, split_at):
        return _in_parts(path, settings, columns, reporter, output, jobs)
    summary, card = ChatSummary(), Scorecard()
    result = check_chat_file(inspector_for(settings), path, columns=columns)
    for batch in result.batches:
        summary.add_scored(batch)
        for scored in batch:
            card.add(scored)
        reporter.sessions(batch)
    summary.add_file(result)
    return summary, card, []


def check_file_in_parts(linter: Linter, path: str, columns: Columns, reporter: Reporter, jobs: int, *,
                        named: bool = True, stdin_filename: str | None = None,
                        split_at: int = SPLIT_TEMPLATES_AT) -> tuple[FileResult, Summary]:
    """Check one template file (as ``api.check_file``), writing its findings to ``reporter``;
    returns the file's result (its templates and input errors; its batches consumed) and the
    counts of its findings. Files of ``split_at`` bytes or more are split into ``jobs`` parts,
    at most one per ``split_at`` bytes (many CPUs do not make a small file many processes)."""
    parts = []
    if jobs > 1 and reporter.splittable and _splittable(path, split_at, (".txt", ".csv")):
        parts = _line_parts(path, min(jobs, os.path.getsize(path) // split_at) if split_at else jobs)
    if len(parts) < 2:
        return _drain(check_file(linter, path, named=named, columns=columns, stdin_filename=stdin_filename),
                      reporter.batch)
    import multiprocessing
    import tempfile

    global _TEMPLATE_JOB
    with tempfile.TemporaryDirectory(prefix="kefu-lint-") as spools:
        _TEMPLATE_JOB = (linter, path, columns, reporter, parts, spools)
        reporter.out.flush()  # a forked worker must not write out what this process has buffered
        try:
            with multiprocessing.get_context("fork").Pool(len(parts) - 1) as pool:
                others = pool.map_async(_spool_part, range(1, len(parts)), chunksize=1)
                result, counts = _check_part(0, reporter.batch)
                for k, (templates, errors, found) in enumerate(others.get(), start=1):
                    reporter.write_encoded(fragment for _, fragment in _spooled(os.path.join(spools, f"{k}.spool")))
                    result.templates += templates
                    result.errors.extend(errors)
                    counts.merge(found)
        finally:
            _TEMPLATE_JOB = None
    return result, counts


_TEMPLATE_JOB = None  # what the workers of check_file_in_parts inherit when they are forked


def _check_part(k: int, write) -> tuple[FileResult, Summary]:
    """Check part ``k`` of the file, giving each batch to ``write(path, templates, findings)``."""
    linter, path, columns, _, parts, _ = _TEMPLATE_JOB
    return _drain(check_file(linter, path, columns=columns, lines=parts[k]), write)


def _drain(result: FileResult, write) -> tuple[FileResult, Summary]:
    """Consume a file's batches, giving each to ``write``; the result and its findings' counts."""
    counts = Summary()
    for templates, findings in result.batches:
        counts.add_findings(findings)
        write(result.path, templates, findings)
    return result, counts


def _spool_part(k: int) -> tuple[int, list, Summary]:
    """A worker: check part ``k``, spooling its batches' output with the run's reporter."""
    _, _, _, reporter, _, spools = _TEMPLATE_JOB
    with open(os.path.join(spools, f"{k}.spool"), "wb") as spool:
        def write(path, templates, findings) -> None:
            if findings:
                fragment = reporter.render(path, templates, findings).encode("utf-8")
                spool.write(_RECORD.pack(templates[0].line, len(fragment)) + fragment)

        result, counts = _check_part(k, write)
    return result.templates, result.errors, counts


def _line_parts(path: str, jobs: int) -> list[tuple[int, int]]:
    """Line ranges ``(first, end)`` that cut the file into ``jobs`` parts at line breaks, each
    later part shorter so that all take about as long (a part reads everything before it)."""
    size = os.path.getsize(path)
    # Part k ends at e_k = c * a_k with a_k = (1 + a_(k-1)) / (1 + READ_SHARE), a_0 = 1 / (1 + READ_SHARE):
    # reading up to e_k plus checking e_k - e_(k-1) costs the same c for every part.
    shares, a = [], 0.0
    for _ in range(jobs):
        a = (1 + a) / (1 + READ_SHARE)
        shares.append(a)
    offsets = [int(size * share / shares[-1]) for share in shares[:-1]]
    bounds, line, position = [1], 1, 0
    with open(path, "rb") as source:
        for offset in offsets:
            while position < offset:  # count the line breaks up to the offset, 1 MB at a time
                chunk = source.read(min(1 << 20, offset - position))
                if not chunk:
                    break
                line += chunk.count(b"\n")
                position += len(chunk)
            rest = source.readline()  # the part starts at the next line
            position += len(rest)
            if not rest.endswith(b"\n"):
                break
            line += 1
            if line > bounds[-1]:
                bounds.append(line)
    bounds.append(sys.maxsize)
    return list(zip(bounds, bounds[1:]))


def _splittable(path: str, split_at: int, suffixes=(".csv", ".jsonl")) -> bool:
    if Path(path).suffix.lower() not in suffixes or not hasattr(os, "fork"):
        return False
    try:
        return os.path.getsize(path) >= split_at
    except OSError:
        return False  # reported as an input error by the one-process path


def _in_parts(path, settings, columns, reporter, output, jobs):
    import multiprocessing
    import tempfile

    from .chats import Scorecard

    with tempfile.TemporaryDirectory(prefix="kefu-lint-") as spools:
        work = [(path, settings, columns, output, reporter.quiet, (k, jobs), os.path.join(spools, f"{k}.spool"))
                for k in range(jobs)]
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            parts = pool.map(_part, work, chunksize=1)
        reporter.write_encoded(fragment for _, fragment in heapq.merge(*map(_spooled, (w[-1] for w in work)),
                                                                       key=itemgetter(0)))
    summary = parts[0][0]  # files, input errors: the first part's
    for other, _, _ in parts[1:]:
        summary.merge(other)
    return summary, Scorecard.merged(card for _, card, _ in parts), [peak for _, _, peak in parts]


def _part(job) -> tuple[ChatSummary, Scorecard, int]:
    """A worker: inspect one part of a file, spool its sessions' fragments with their end line."""
    import resource

    from .api import ChatSummary, check_chat_file, inspector_for
    from .chats import Scorecard
    from .reporters.chats import CHAT_FORMATS

    path, settings, columns, output, quiet, part, spool = job
    reporter = CHAT_FORMATS[output](None, settings, quiet=quiet)
    summary, card = ChatSummary(), Scorecard()
    result = check_chat_file(inspector_for(settings), path, columns=columns, part=part)
    with open(spool, "wb") as out:
        for batch in result.batches:
            summary.add_scored(batch)
            records = []
            for scored in batch:
                card.add(scored)
                fragment = reporter.fragment(scored).encode("utf-8")
                records.append(_RECORD.pack(scored.session.lines[-1].line, len(fragment)) + fragment)
            out.write(b"".join(records))
    summary.add_file(result)
    return summary, card, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


_RECORD = struct.Struct("<QQ")  # a spooled session: the line it ends on, its fragment's length


def _spooled(spool: str) -> Iterator[tuple[int, bytes]]:
    with open(spool, "rb") as source:
        while head := source.read(_RECORD.size):
            end, size = _RECORD.unpack(head)
            yield end, source.read(size)
