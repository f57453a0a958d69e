"""A large template file or chat export checked in several processes gives what one process gives."""

from __future__ import annotations

import csv
import io
import json
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
    from corpus import CHAT_HEADER, chat_export, replies
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


# ---------------------------------------------------------------------------- chat exports

def _inspect(path: str, jobs: int, output: str = "json") -> tuple[tuple, list[int]]:
    """What ``kefu-lint chats`` prints for one export with ``jobs`` processes, and the workers' peaks."""
    from kefu_lint.jobs import inspect_file
    from kefu_lint.loaders.chats import ChatColumns
    from kefu_lint.reporters.chats import CHAT_FORMATS

    out = io.StringIO()
    reporter = CHAT_FORMATS[output](out, Settings(), quiet=True)
    reporter.start()
    summary, card, peaks = inspect_file(path, Settings(), ChatColumns(), reporter, output, jobs, split_at=0)
    reporter.finish(summary, card)
    return (out.getvalue(), summary.errors, card.table(), summary.sessions, summary.lines), peaks


def _same_in_parts(path: str, output: str = "json", in_parts: bool = True) -> tuple:
    """The output of one process, checked to be that of two and three; ``in_parts``: whether
    the parts fit together (else the export is inspected in one process)."""
    whole, _ = _inspect(path, 1, output)
    for jobs in (2, 3):
        result, peaks = _inspect(path, jobs, output)
        assert result == whole
        assert len(peaks) == (jobs if in_parts else 0)
    return whole


@pytest.fixture
def few_open(monkeypatch):
    """Few sessions open at a time and a short first window: parts begin with sessions of the
    part before open, their windows are read again longer, and sessions close and reopen."""
    from kefu_lint import chats, jobs

    monkeypatch.setattr(chats, "OPEN_SESSIONS", 6)
    monkeypatch.setattr(jobs, "WINDOW", 300)


def _write(path: Path, rows: list[list[str]], header=CHAT_HEADER, encoding: str = "utf-8", newline: str = "\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows([list(header), *rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return str(path)


@pytest.mark.parametrize("output", ["text", "json", "csv"])
def test_an_export_in_parts_gives_what_one_process_gives(tmp_path: Path, output: str) -> None:
    rows = [list(row) for row in chat_export(3000)]
    rows[10][1], rows[20][1], rows[30][2] = "不是时间", "也不是", "路人"  # input errors, reported once
    for row in rows[40:400:30]:  # times with an offset: read, not errors
        row[1] = row[1].replace(" ", "T") + "+08:00"
    path = _write(tmp_path / "day.csv", rows)
    whole = _same_in_parts(path, output)
    assert whole[1] == [
        f"{path}:12: 无法识别的时间「不是时间」（应为 2026-11-20 15:04:05 这样的日期和时间）",
        f"{path}:32: 未知的角色「路人」（应为顾客/买家/客户、客服/卖家/商家或系统/机器人/自动回复）；这个角色的行都不计入",
        f"{path}: 另有 1 行的时间也无法识别（第一处在第 12 行）",
    ]


@pytest.mark.parametrize("open_sessions", [6, 25])
def test_parts_begin_with_the_sessions_open_as_one_process_has_them(tmp_path: Path, monkeypatch,
                                                                     open_sessions: int) -> None:
    from kefu_lint import chats, jobs

    monkeypatch.setattr(chats, "OPEN_SESSIONS", open_sessions)  # the corpus has 20 open at a time
    monkeypatch.setattr(jobs, "WINDOW", 300)
    rows = [list(row) for row in chat_export(3000)]
    rows[1500:1500] = [[rows[5][0], "2026-11-20 12:00:00", "顾客", "", "还在吗"]]  # an early session again
    whole = _same_in_parts(_write(tmp_path / "day.csv", rows))
    assert whole[3] > len({row[0] for row in rows})  # sessions scored in parts: closed and reopened


def test_errors_in_every_part_are_reported_as_one_process_reports_them(tmp_path: Path, few_open) -> None:
    rows = [list(row) for row in chat_export(3000)]
    for at in (100, 1600, 2700):  # in each part of three
        rows[at][1] = f"第{at}行的时间"
        rows[at + 1][2] = "路人"  # the same unknown role in every part: reported once
        rows[at + 2][0] = ""  # no session id
    rows[2200][2] = "访客"
    rows[900] = rows[900] + ["多一列"]
    rows[2500] = rows[2500][:3]
    path = _write(tmp_path / "day.csv", rows)
    errors = _same_in_parts(path)[1]
    assert [e.split(": ", 1)[1][:6] for e in errors].count("未知的角色「") == 2
    assert errors[-1] == f"{path}: 另有 2 行的时间也无法识别（第一处在第 102 行）"


def test_quoted_line_breaks_and_quotes_stay_inside_their_rows(tmp_path: Path, few_open) -> None:
    rows = [list(row) for row in chat_export(3000)]
    for row in rows[::7]:
        row[4] = f'{row[4]}\n他说"好的"\n\n'  # a record over several lines
    for newline in ("\n", "\r\n"):
        path = _write(tmp_path / "day.csv", rows, newline=newline)
        _same_in_parts(path)
    # a lone carriage return in a cell ends a line for the text layer too
    rows[1700][4] = "第一行\r第二行"
    _same_in_parts(_write(tmp_path / "cr.csv", rows))


def test_a_stray_quote_leaves_the_parts_to_one_process(tmp_path: Path, few_open) -> None:
    rows = [list(row) for row in chat_export(3000)]
    for row in rows[::7]:
        row[4] = f"{row[4]}\n第二行"  # records over two lines
    head, tail = (Path(_write(tmp_path / f"{n}.csv", part)).read_text(encoding="utf-8")
                  for n, part in (("head", rows[:600]), ("tail", rows[600:])))
    path = tmp_path / "day.csv"  # a quote inside an unquoted cell is a character: the quotes after it are odd
    path.write_text(head + '会话X,2026-11-20 12:00:00,顾客,,他说"在吗\n' + tail.split("\n", 1)[1], encoding="utf-8")
    _same_in_parts(str(path), in_parts=False)


def test_a_window_that_starts_inside_a_record_leaves_the_parts_to_one_process(tmp_path: Path, monkeypatch) -> None:
    from kefu_lint import chats, jobs

    rows = [list(row) for row in chat_export(600)]
    rows[250][4] = '他说"在吗'  # a stray quote: written by hand, unquoted, below
    rows[251][4] = '第一行\n"好的"'  # a record over two lines whose second line starts with a quote
    rows[256][4] = '他说"好'  # another: the part's start by quote parity is a row again, its window's is not
    text = Path(_write(tmp_path / "day.csv", rows)).read_text(encoding="utf-8")
    text = text.replace('"他说""在吗"', '他说"在吗').replace('"他说""好"', '他说"好')
    path = tmp_path / "day.csv"
    path.write_text(text, encoding="utf-8")
    (at, _), = jobs._byte_parts(str(path), 2, True)[1:]
    monkeypatch.setattr(chats, "OPEN_SESSIONS", 6)
    monkeypatch.setattr(jobs, "WINDOW", at - text.encode().index('他说"在吗'.encode()))
    whole, _ = _inspect(str(path), 1)
    result, peaks = _inspect(str(path), 2)
    assert result == whole and peaks == []  # the window read a CSV error the file does not have there


def test_json_lines_without_an_object_report_every_line_in_parts_too(tmp_path: Path) -> None:
    path = tmp_path / "arrays.jsonl"
    path.write_text("".join(json.dumps(list(row), ensure_ascii=False) + "\n" for row in chat_export(30)),
                    encoding="utf-8")
    errors = _same_in_parts(str(path), in_parts=False)[1]
    assert len(errors) == 31 and errors[-1] == f"{path}: 文件里没有聊天记录"


def test_an_error_that_stops_the_file_ends_the_parts_after_it(tmp_path: Path, few_open) -> None:
    rows = [list(row) for row in chat_export(3000)]
    path = _write(tmp_path / "day.csv", rows)
    data = Path(path).read_text(encoding="utf-8").splitlines(keepends=True)
    data[1800] = 'S9,2026-11-20 12:00:00,顾客,,"在吗"不是\n'
    Path(path).write_text("".join(data), encoding="utf-8")
    whole = _same_in_parts(path)
    assert whole[1] == [f"{path}:1801: CSV 格式错误：',' expected after '\"'"]
    assert whole[4] < 1800


def test_gbk_and_bom_exports_are_read_in_parts_and_a_mixed_one_in_one_process(tmp_path: Path, few_open) -> None:
    rows = [list(row) for row in chat_export(3000)]
    _same_in_parts(_write(tmp_path / "gbk.csv", rows, encoding="gb18030"))
    _same_in_parts(_write(tmp_path / "bom.csv", rows, encoding="utf-8-sig"))  # Excel's UTF-8
    mixed = tmp_path / "mixed.csv"
    head = _write(tmp_path / "head.csv", rows[:1500])
    tail = _write(tmp_path / "tail.csv", rows[1500:], encoding="gb18030")
    mixed.write_bytes(Path(head).read_bytes() + Path(tail).read_bytes().split(b"\n", 1)[1])
    _same_in_parts(str(mixed), in_parts=False)  # UTF-8, then GBK: GB18030 for the whole file


def test_json_lines_in_parts_know_the_keys_seen_before(tmp_path: Path, few_open) -> None:
    rows = [dict(zip(("session", "time", "role", "agent", "text"), row)) for row in chat_export(3000)]
    for row in rows:
        if not row["agent"]:
            del row["agent"]  # customers' lines leave the agent out
    for row in rows[2000:]:
        row["msg_type"] = "文本"  # a key that first comes late, in the last part
    path = tmp_path / "day.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    _same_in_parts(str(path))
    rows[300]["消息内容"] = "在吗"  # a text column that comes first: the later parts cannot know it
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    _same_in_parts(str(path), in_parts=False)


def test_byte_parts_start_at_rows_with_their_line_numbers(tmp_path: Path) -> None:
    from kefu_lint.jobs import _byte_parts

    rows = [list(row) for row in chat_export(400)]
    for row in rows[::3]:
        row[4] = f'{row[4]}\r\n"引号"\r第三行'  # line breaks of every kind inside quotes
    path = _write(tmp_path / "day.csv", rows, newline="\r\n")
    data = Path(path).read_bytes()
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline=""))
    starts = {1} | {reader.line_num + 1 for _ in reader}  # the line each record starts on
    bounds = _byte_parts(path, 4, quoted=True)
    assert len(bounds) == 4 and bounds[0] == (0, 1)
    for at, line in bounds[1:]:
        assert data[:at].endswith(b"\n") and data[:at].count(b'"') % 2 == 0
        assert line in starts and line == len(data[:at].decode("utf-8").splitlines()) + 1


def test_byte_parts_count_a_carriage_return_before_a_crlf_as_a_line_of_its_own(tmp_path: Path) -> None:
    from kefu_lint.jobs import _byte_parts

    rows = [list(row) for row in chat_export(200)]
    for pad in range(200):  # rows end in \r\r\n (csv.writer on Windows, a file opened without newline="")
        rows[-1][4] = "好的" + "x" * pad
        path = _write(tmp_path / "day.csv", rows, newline="\r\r\n")
        data = Path(path).read_bytes()
        if data[len(data) // 2 - 1:len(data) // 2 + 2] == b"\r\r\n":  # the middle falls after the first \r
            break
    (at, line), = _byte_parts(path, 2, quoted=True)[1:]
    assert line == len(data[:at].decode("utf-8").splitlines()) + 1
