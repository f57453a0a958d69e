"""A large template file checked in several processes gives what one process gives."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from kefu_lint.api import linter_for
from kefu_lint.config import Settings
from kefu_lint.jobs import _line_parts, check_file_in_parts
from kefu_lint.loaders import Columns
from kefu_lint.reporters import FORMATS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
try:
    from corpus import replies
finally:
    sys.path.pop(0)


def _replies(n: int) -> list[str]:
    lines = replies(n)
    # The same reply early and late (KF105 across parts), and blank lines.
    lines[3] = lines[n - 5] = "亲，这个真的不行哦"
    lines[n // 2] = lines[n // 2 + 1] = ""
    return lines


def _run(path: Path, output: str, jobs: int):
    out = io.StringIO()
    reporter = FORMATS[output](out, Settings())
    reporter.start()
    result, counts = check_file_in_parts(linter_for(Settings()), str(path), Columns(), reporter, jobs, split_at=0)
    return out.getvalue(), result.templates, [str(e) for e in result.errors], counts.by_rule


@pytest.mark.parametrize("output", ["text", "json", "sarif", "github"])
def test_a_text_file_gives_the_same_output_whatever_the_number_of_jobs(tmp_path: Path, output: str) -> None:
    path = tmp_path / "replies.txt"
    path.write_text("\n".join(_replies(3000)) + "\n", encoding="utf-8")
    one, two, three = (_run(path, output, jobs) for jobs in (1, 2, 3))
    assert one[0] and one[3]["KF105"] >= 1
    assert one == two == three
    if output == "text":  # the later copy names the first, three parts earlier
        assert "replies.txt:2996:1: KF105 [警告] 这条回复与话术「第 4 行」完全相同" in one[0]


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_a_csv_file_with_input_errors_and_quoted_line_breaks_gives_the_same_output(tmp_path: Path,
                                                                                   encoding: str) -> None:
    rows = [["编号", "顾客", "回复"]]
    for i, reply in enumerate(_replies(2000)):
        if i % 97 == 0:
            reply = f"亲，第一行\n第二行不行 {i}"  # a record over two lines of the file
        rows.append([f"T{i}", "怎么还没发货", reply])
    rows[500] = ["T500", "多", "了", "一个字段"]  # input errors in different parts
    rows[1500] = ["T1500", "在吗", ""]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = tmp_path / "replies.csv"
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))  # GBK has no emoji
    one, two, three = (_run(path, "json", jobs) for jobs in (1, 2, 3))
    assert len(one[2]) == 4 and one[1] > 1900  # the two rows above, two blank replies
    assert one == two == three


def test_parts_cover_the_file_at_line_breaks_and_later_parts_are_shorter(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("".join(f"回复 {i}\n" for i in range(10000)), encoding="utf-8")
    parts = _line_parts(str(path), 3)
    assert parts[0][0] == 1 and parts[-1][1] == sys.maxsize
    assert all(a[1] == b[0] for a, b in zip(parts, parts[1:]))
    sizes = [b - a for a, b in parts[:-1]] + [10001 - parts[-1][0]]
    assert sum(sizes) == 10000 and sizes[0] > sizes[1] > sizes[2] > 1000
    one = tmp_path / "one.txt"
    one.write_text("一条回复，没有换行", encoding="utf-8")
    assert _line_parts(str(one), 3) == [(1, sys.maxsize)]


def test_junit_and_small_files_are_checked_in_this_process(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("\n".join(_replies(300)), encoding="utf-8")
    out = io.StringIO()
    reporter = FORMATS["junit"](out, Settings())
    reporter.start()
    assert not reporter.splittable
    result, counts = check_file_in_parts(linter_for(Settings()), str(path), Columns(), reporter, 2, split_at=0)
    assert result.templates == 298 and sum(counts.by_rule.values()) > 300


def test_the_command_line_splits_a_large_file_and_writes_the_same(tmp_path: Path) -> None:
    path = tmp_path / "replies.txt"
    path.write_text("\n".join(_replies(20000)) + "\n", encoding="utf-8")
    assert path.stat().st_size > 1 << 20  # large enough to be split
    runs = [subprocess.run([sys.executable, "-m", "kefu_lint.cli", "--no-config", "-j", jobs, str(path)],
                           capture_output=True, text=True, encoding="utf-8") for jobs in ("1", "2")]
    assert runs[0].returncode == runs[1].returncode == 1
    assert runs[0].stdout == runs[1].stdout and runs[0].stdout.count("\n") > 20000
    assert runs[0].stderr == runs[1].stderr == ""


def test_checking_templates_imports_neither_chat_inspection_nor_multiprocessing(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("亲，这个真的不行\n", encoding="utf-8")
    code = ("import sys\nfrom kefu_lint.cli import main\ntry:\n"
            f"    main(['--no-config', {str(path)!r}])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if 'chats' in m or m.startswith('multiprocessing')),"
            " file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "KF101" in out.stdout
    assert out.stderr.split() == ["['kefu_lint.chats']"]  # rules.py reads the chat kinds' fields


def test_the_chat_formats_offered_are_the_chat_reporters() -> None:
    from kefu_lint.cli import CHAT_FORMAT_NAMES
    from kefu_lint.reporters.chats import CHAT_FORMATS

    assert list(CHAT_FORMAT_NAMES) == sorted(CHAT_FORMATS)


def test_large_fragments_are_written_as_they_come() -> None:
    """A worker's spool of batch fragments is copied out without being held whole in memory."""
    from kefu_lint.reporters import Writer

    calls: list[int] = []

    class Out(io.StringIO):
        def write(self, text: str) -> int:
            calls.append(len(text))
            return super().write(text)

    writer = Writer(Out())
    writer.separator = ","
    writer.write(["x" * 700_000, "y" * 700_000, "z" * 700_000])
    assert calls == [1_400_001, 700_001] and writer.out.getvalue().count(",") == 2


def test_a_file_is_cut_into_at_most_one_part_per_split_size(tmp_path: Path, monkeypatch) -> None:
    import kefu_lint.jobs as jobs

    path = tmp_path / "replies.txt"
    path.write_text("\n".join(_replies(3000)) + "\n", encoding="utf-8")
    asked: list[int] = []
    monkeypatch.setattr(jobs, "_line_parts", lambda p, n: asked.append(n) or _line_parts(p, n))
    reporter = FORMATS["text"](io.StringIO(), Settings())
    result, _ = check_file_in_parts(linter_for(Settings()), str(path), Columns(), reporter, 64,
                                    split_at=path.stat().st_size // 3)
    assert asked == [3] and result.templates == 2998
