"""Chat inspection of one export in several processes, with the output of one.

A large CSV or JSON Lines export is inspected by ``jobs`` worker processes at once: each reads
the whole file (parsing is the cheap part) but keeps only the sessions of its part, split by
a stable hash of the session id (``check_chat_file(part=...)``), and inspects them. A worker
renders each of its sessions with the run's reporter into a spool file (UTF-8, each with the
line it ends on), in the order the sessions end in the file, and returns its counts and
scorecard. The main process merges the
spools by the line each session ends on — the order one process writes them in — so the
output is the same, byte for byte, whatever the number of jobs (``tests/test_chats.py``).
Input errors are those of the first part: every part sees the same ones.

Workers are forked (the compiled rules come with them); where the platform cannot fork, or
the file is small or an Excel workbook, the file is inspected in this process.
"""

from __future__ import annotations

import heapq
import multiprocessing
import os
import resource
import struct
import tempfile
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path

from .api import ChatSummary, check_chat_file, inspector_for
from .chats import Scorecard
from .config import Settings
from .loaders.chats import ChatColumns
from .reporters.chats import CHAT_FORMATS, ChatReporter

SPLIT_AT = 4 << 20  # bytes: smaller files are inspected in one process


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


def _splittable(path: str, split_at: int) -> bool:
    if Path(path).suffix.lower() not in (".csv", ".jsonl") or "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        return os.path.getsize(path) >= split_at
    except OSError:
        return False  # reported as an input error by the one-process path


def _in_parts(path, settings, columns, reporter, output, jobs):
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
