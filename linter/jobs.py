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

Chat exports (``inspect_file``): a CSV or JSON Lines export is cut into ``jobs`` parts of
about the same size, at rows (after a line break outside quotes: ``_byte_parts``). A worker
reads its part (``loaders.chats.Part``) and inspects the sessions that begin in it:

- first it reads a window of rows before the part, which must hold ``chats.OPEN_SESSIONS``
  sessions (or reach the header), to know which sessions are open when the part begins, as
  one process reading the whole file has them open; those are the part before's;
- after its part it reads on for its own sessions still open, until they have all closed.

A worker checks that its part's bytes decode, renders each of its sessions into a spool file
(UTF-8, each with the line it ends on), in the order the sessions end in the file, and
returns its counts, scorecard, input errors and what its reading found. An error that stops
the file, as the part it is on reads it, ends the parts after it. The main process checks that
the parts fit together (the same stop wherever a part saw one, and the error has a line; one
codec; no record over several lines crosses where a part or its window starts; for JSON Lines,
a part begins reading each column from the key the part before ended with) and, if they do
not, inspects the file in one process. Else it merges the spools by the line each session
ends on, the order one process writes them in, and the input errors: of an error a file
reports once (an unknown role, the first unreadable time), the first part's stands.

Where the platform cannot fork, or the file is small, an Excel workbook or in another format
read whole, the file is checked in this process.
"""

from __future__ import annotations

import heapq
import os
import struct
import sys
from bisect import bisect_left
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path

from typing import TYPE_CHECKING, NamedTuple

from .api import FileResult, Summary, check_file

if TYPE_CHECKING:  # multiprocessing and chat inspection are imported when they are used
    from .api import ChatSummary
    from .chats import Scorecard
    from .config import Settings
    from .engine import Linter
    from .loaders import Columns, InputError
    from .loaders.chats import ChatColumns, Part
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
        inspected = _in_parts(path, settings, columns, reporter, output, jobs)
        if inspected is not None:
            return inspected
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
            position, breaks, _ = _count(source, position, offset, False)
            rest = source.readline()  # the part starts at the next line
            position += len(rest)
            if not rest.endswith(b"\n"):
                break
            line += breaks + _breaks(rest)
            if line > bounds[-1]:
                bounds.append(line)
    bounds.append(sys.maxsize)
    return list(zip(bounds, bounds[1:]))


def _in_parts(path, settings, columns, reporter, output, jobs):
    """Inspect an export in ``jobs`` processes, as ``inspect_file``; None when it has fewer
    than two parts or its parts do not fit together (then it is inspected in one)."""
    import multiprocessing
    import tempfile

    from .api import ChatSummary
    from .chats import OPEN_SESSIONS, Scorecard
    from .loaders.chats import Part, more_bad_times

    quoted = Path(path).suffix.lower() == ".csv"
    bounds = _byte_parts(path, jobs, quoted)
    if len(bounds) < 2:
        return None
    with tempfile.TemporaryDirectory(prefix="kefu-lint-") as spools:
        work = [(path, settings, columns, output, reporter.quiet, quoted, (at, stop),
                 Part(first=first, end=end, open_sessions=OPEN_SESSIONS), os.path.join(spools, f"{k}.spool"))
                for k, ((at, first), (stop, end)) in enumerate(zip(bounds, bounds[1:] + [(None, sys.maxsize)]))]
        reporter.out.flush()  # a forked worker must not write out what this process has buffered
        with multiprocessing.get_context("fork").Pool(len(work)) as pool:
            done: list[_Read] = pool.map(_part, work, chunksize=1)
        stop = _stop([read.part for read in done])
        kept = [read for read in done if stop is not None and read.part.first <= stop]
        if not kept or not _fitting([read.part for read in done], [read.part for read in kept]):
            return None
        reporter.write_encoded(fragment for _, fragment in heapq.merge(*(_spooled(read.spool) for read in kept),
                                                                       key=itemgetter(0)))
    summary, errors, once = ChatSummary(files=1), [], set()
    for read in kept:
        summary.merge(read.counts)
        summary.lines += read.lines
        for error in read.errors:
            if error.once is None or error.once not in once:
                once.add(error.once)
                errors.append(error)
    bad = sum(read.part.bad_times for read in kept)
    first_bad = next((read.part.first_bad for read in kept if read.part.first_bad), None)
    if stop == sys.maxsize and (error := more_bad_times(path, bad, first_bad)):
        errors.append(error)  # a file that stops ends without it, as in one process
    summary.add_errors(errors)
    return summary, Scorecard.merged(read.card for read in kept), [read.peak for read in done]


class _Read(NamedTuple):
    """What a worker returns for its part of an export."""

    counts: ChatSummary  # sessions, replies and findings
    card: Scorecard
    peak: int  # its peak memory, KB
    errors: list[InputError]  # on the part's lines
    lines: int  # the part's own lines
    part: Part  # as read: what the main process checks the parts by
    spool: str


def _stop(parts: list) -> int | None:
    """The line of the error that stops the file (``sys.maxsize``: none), as the part it is on
    saw it; None when the parts do not agree (an error only a window or the reading after a
    part found, such as a quote a window started inside of, or an error without a line)."""
    stop = min((part.stopped for part in parts if part.stopped and part.first <= part.stopped < part.end),
               default=sys.maxsize)
    if any(part.stopped is not None and (part.stopped == 0 or part.stopped < stop) for part in parts):
        return None
    return stop


def _fitting(parts: list, kept: list) -> bool:
    """Whether the parts of an export, read apart, fit together: every part's bytes decode, in
    one codec; where each kept part and its window start, no record over several lines (as the
    parts read them) runs across; in JSON Lines, a part begins reading each column from the key
    the part before ended with."""
    if any(part.codec is None for part in parts) or len({part.codec.replace("-sig", "") for part in parts}) > 1:
        return False
    starts = [line for part in kept[1:] for line in (part.line, part.first)]
    for part in kept:
        firsts, ends = part.spans[0::2], part.spans[1::2]  # in file order
        for line in starts:
            i = bisect_left(firsts, line) - 1  # the last record over several lines that starts before
            if i >= 0 and ends[i] > line:
                return False
    return all(part.heads == before.tails for before, part in zip(kept, kept[1:]))


WINDOW = 2 << 20  # bytes: the first window read before a part (2000 sessions of the bench's export take 1.8 MB)


def _part(job) -> _Read:
    """A worker: inspect the sessions that begin in one part of an export, spooling their
    fragments with the line each ends on."""
    import resource
    from array import array
    from dataclasses import replace

    from .api import ChatSummary, check_chat_file, inspector_for
    from .chats import Scorecard
    from .loaders import InputError, codec_of
    from .loaders.chats import ShortWindow
    from .reporters.chats import CHAT_FORMATS

    path, settings, columns, output, quiet, quoted, span, part, spool = job
    reporter = CHAT_FORMATS[output](None, settings, quiet=quiet)
    summary, card, back = ChatSummary(), Scorecard(), WINDOW
    with open(path, "rb") as source:
        try:
            part.codec = codec_of(path, source, quoted, span)  # legacy codecs (GBK) for CSV, as for the whole file
        except InputError:  # the parts do not fit: the file is inspected in one process
            return _Read(summary, card, 0, [], 0, part, spool)
        while True:
            reading = replace(part, spans=array("q"))
            if part.first > 1:
                reading.start, reading.line = _row_before(source, span[0], part.first, back, quoted)
            result = check_chat_file(inspector_for(settings), path, columns=columns, part=reading)
            try:
                with open(spool, "wb") as out:
                    for batch in result.batches:
                        summary.add_scored(batch)
                        records = []
                        for scored in batch:
                            card.add(scored)
                            fragment = reporter.fragment(scored).encode("utf-8")
                            records.append(_RECORD.pack(scored.session.lines[-1].line, len(fragment)) + fragment)
                        out.write(b"".join(records))
                break
            except ShortWindow as short:  # raised before the part's first session: nothing is spooled yet
                back *= max(2, min(8, round(1.3 * part.open_sessions / max(short.args[0], 1))))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return _Read(summary, card, peak, result.errors, result.lines - reading.around, reading, spool)


def _byte_parts(path: str, jobs: int, quoted: bool) -> list[tuple[int, int]]:
    """Where each of ``jobs`` parts of a file, of about the same size, starts: the (byte, line)
    of a row, after a line break outside quotes (when ``quoted``)."""
    size = os.path.getsize(path)
    bounds = [(0, 1)]
    with open(path, "rb") as source:
        position, line, quotes = 0, 1, 0
        for k in range(1, jobs):
            position, breaks, inside = _count(source, position, size * k // jobs, quoted)
            line, quotes = line + breaks, quotes + inside
            while (rest := source.readline()).endswith(b"\n"):  # to a line break outside quotes
                line, position = line + _breaks(rest), position + len(rest)
                quotes += rest.count(b'"') if quoted else 0
                if quotes % 2 == 0:
                    break
            else:
                break  # the end of the file
            if position < size:
                bounds.append((position, line))
    return bounds


def _row_before(source, at: int, line: int, back: int, quoted: bool) -> tuple[int, int]:
    """The (byte, line) of the first row at least ``back`` bytes before the row at byte ``at``
    (line ``line``); (0, 1), the file's start, when that is nearer or no row starts in the
    first 1 MB from there."""
    low = at - back
    if low <= 0:
        return 0, 1
    _, breaks, inside = _count(source, low, at, quoted)  # from ``low`` to ``at``
    source.seek(low)
    data = source.read(min(back, 1 << 20))
    start, end = 0, data.find(b"\n")
    while end != -1:
        if quoted:
            inside -= data.count(b'"', start, end + 1)
        breaks -= _breaks(data[start:end + 1])
        start = end + 1
        if inside % 2 == 0:  # ``at`` is outside quotes, so the row starts outside them
            return low + start, line - breaks
        end = data.find(b"\n", start)
    return 0, 1


def _count(source, start: int, stop: int, quoted: bool) -> tuple[int, int, int]:
    """Read a file from byte ``start`` to about ``stop``, 4 MB at a time, for the line breaks
    and quotes in it; returns where the reading ended (past ``stop`` to keep a ``\r\n`` whole),
    the breaks and the quotes."""
    source.seek(start)
    position, breaks, quotes = start, 0, 0
    while position < stop and (chunk := source.read(min(1 << 22, stop - position))):
        while chunk.endswith(b"\r") and (more := source.read(1)):
            chunk += more  # a \r\n is counted whole, also after \r\r
        position, breaks = position + len(chunk), breaks + _breaks(chunk)
        quotes += chunk.count(b'"') if quoted else 0
    return position, breaks, quotes


def _breaks(data: bytes) -> int:
    """The line breaks in ``data`` as text is read: \r\n, \n or a lone \r."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def _splittable(path: str, split_at: int, suffixes=(".csv", ".jsonl")) -> bool:
    if Path(path).suffix.lower() not in suffixes or not hasattr(os, "fork"):
        return False
    try:
        return os.path.getsize(path) >= split_at
    except OSError:
        return False  # reported as an input error by the one-process path


_RECORD = struct.Struct("<QQ")  # a spooled session: the line it ends on, its fragment's length


def _spooled(spool: str) -> Iterator[tuple[int, bytes]]:
    with open(spool, "rb") as source:
        while head := source.read(_RECORD.size):
            end, size = _RECORD.unpack(head)
            yield end, source.read(size)
