"""kefu-lint chats: loaders, turns in context, conversation rules, scores, outputs, bad input.

The registry's examples of KF6xx rules are run by ``test_registry.py``; the report in a real
browser by ``test_browser.py``; the Dask recipe by ``test_dask.py``.
"""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from kefu_lint.api import inspector_for, score_session
from kefu_lint.chats import Scorecard, Session, sessions
from kefu_lint.cli import main
from kefu_lint.loaders import InputError
from kefu_lint.loaders.chats import read_chat, seconds

HEADER = ["会话ID", "发送时间", "角色", "客服昵称", "消息内容"]
GREETING = "亲，您好！很高兴为您服务，请问有什么可以帮到您呢[微笑]"
ANSWER = "亲，M码有现货的哦，今天下午四点前付款当天就能发货呢[微笑]"
FAREWELL = "感谢亲的支持，祝您生活愉快，欢迎下次再来哦[挥手]"
# A session that passes every rule, and one with a finding of each kind of source.
MODEL = [
    ["S1", "2026-11-20 10:00:00", "顾客", "", "在吗"],
    ["S1", "2026-11-20 10:00:12", "客服", "小美", GREETING],
    ["S1", "2026-11-20 10:00:30", "顾客", "", "这款连衣裙有M码吗"],
    ["S1", "2026-11-20 10:00:50", "客服", "小美", ANSWER],
    ["S1", "2026-11-20 10:01:30", "顾客", "", "好的，我拍了"],
    ["S1", "2026-11-20 10:01:45", "客服", "小美", FAREWELL],
]
POOR = [
    ["S2", "2026-11-20 11:00:00", "顾客", "", "这款有M码吗"],
    ["S2", "2026-11-20 11:01:00", "客服", "阿杰", "有的，这个价格不行哦"],  # slow, KF101, no greeting
    ["S2", "2026-11-20 11:02:00", "顾客", "", "那什么时候发货"],  # unanswered
]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8") -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return str(path)


def chats(*args: str):
    return CliRunner().invoke(main, ["chats", "--no-config", *args])


def as_json(*args: str) -> dict:
    result = chats(*args, "--format", "json")
    assert "Traceback" not in result.output
    return json.loads(result.stdout)


def rules_of(session: dict) -> list[str]:
    return [f["rule"] for f in session["findings"]]


def lines_of(text: str, suffix: str = ".csv") -> list:
    return list(read_chat(f"chat{suffix}", io.BytesIO(text.encode("utf-8"))))


# ---------------------------------------------------------------------------- formats in


def test_csv_in_utf8_and_gbk_give_the_same_findings(tmp_path: Path) -> None:
    utf8 = as_json(write_csv(tmp_path / "a.csv", MODEL + POOR))
    gbk = as_json(write_csv(tmp_path / "b.csv", MODEL + POOR, encoding="gbk"))
    assert [s["findings"] for s in utf8["sessions"]] == [s["findings"] for s in gbk["sessions"]]
    model, poor = utf8["sessions"]
    assert model["findings"] == [] and model["first_response_seconds"] == 12.0
    assert rules_of(poor) == ["KF101", "KF201", "KF204", "KF601", "KF605", "KF606", "KF603"]


def test_xlsx_sessions_name_sheet_and_row(tmp_path: Path) -> None:
    book = Workbook()
    notes = book.active
    notes.title = "说明"
    notes.append(["导出自千牛"])
    sheet = book.create_sheet("聊天记录")
    for row in [HEADER, *POOR]:
        sheet.append(row)
    book.save(tmp_path / "day.xlsx")
    result = chats(str(tmp_path / "day.xlsx"))
    assert result.exit_code == 1
    assert f"{tmp_path / 'day.xlsx'}[聊天记录]:3: KF101 [错误]" in result.output
    session = as_json(str(tmp_path / "day.xlsx"))["sessions"][0]
    assert session["sheet"] == "聊天记录" and session["agent"] == "阿杰"


def test_json_lines_with_keys_left_out(tmp_path: Path) -> None:
    rows = [{"session_id": 7, "time": 1763632800, "role": "customer", "text": "在吗"},
            {"session_id": 7, "time": 1763632840, "role": "agent", "agent": "小美", "text": GREETING}]
    path = tmp_path / "chat.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8")
    session = as_json(str(path))["sessions"][0]
    assert session["id"] == "7" and session["agent"] == "小美" and session["first_response_seconds"] == 40.0
    assert "KF601" in rules_of(session)


def test_columns_named_on_the_command_line(tmp_path: Path) -> None:
    header = ["对话", "说话人", "坐席", "话"]
    rows = [["c1", "买家", "", "在吗"], ["c1", "卖家", "小美", GREETING]]
    path = write_csv(tmp_path / "c.csv", rows, header)
    result = chats(path, "--format", "json")
    assert result.exit_code == 2 and "找不到会话ID、角色、消息内容列（表头：对话、说话人、坐席、话）" in result.stderr
    data = as_json(path, "--session-column", "对话", "--role-column", "说话人", "--agent-column", "坐席",
                   "--text-column", "话")
    assert data["sessions"][0]["agent"] == "小美" and data["summary"]["input_errors"] == []


_AT = 1795168805.0  # 2026-11-20 10:00:05, read as UTC (only differences are used)



def test_a_sender_column_that_names_the_agent_reads_as_the_agent_line_by_line() -> None:
    text = "会话ID,发送者,客服昵称,内容\nS1,张三,,在吗\nS1,小美,小美,亲，在的\nS2,小美,,路过\nS2,小美,小美,您好\n"
    items = lines_of(text)
    kept = [(item.line, item.role) for item in items if not isinstance(item, InputError)]
    assert kept == [(3, "agent"), (5, "agent")]  # line 5 too: the unknown 小美 of line 4 is that line's alone
    assert [(e.line, e.message[:8]) for e in items if isinstance(e, InputError)] == [(2, "未知的角色「张三"), (4, "未知的角色「小美")]

@pytest.mark.parametrize(("value", "expected"), [
    ("2026-11-20 10:00:05", _AT), ("2026/11/20 10:00:05", _AT), ("2026-1-5 9:03", 1767603780.0),
    ("2026年11月20日 10:00:05", _AT), ("2026-11-20T10:00:05+08:00", _AT - 8 * 3600),
    ("1795168805", _AT), ("1795168805000", _AT), ("10:00:05", 36005.0), ("", None),
])
def test_times(value: str, expected: float | None) -> None:
    assert seconds(value) == expected


def test_times_are_optional(tmp_path: Path) -> None:
    rows = [[r[0], r[2], r[3], r[4]] for r in POOR]
    session = as_json(write_csv(tmp_path / "c.csv", rows, ["会话ID", "角色", "客服昵称", "消息内容"]))["sessions"][0]
    assert session["first_response_seconds"] is None
    assert not {"KF601", "KF602"} & set(rules_of(session)) and "KF101" in rules_of(session)


def test_system_robot_auto_reply_and_cards_are_nobodys_words(tmp_path: Path) -> None:
    rows = [
        ["S1", "2026-11-20 10:00:00", "顾客", "", "在吗"],
        ["S1", "2026-11-20 10:00:01", "自动回复", "", "您好，欢迎光临，客服马上为您服务"],
        ["S1", "2026-11-20 10:00:02", "机器人", "", "猜您想问：发什么快递"],
        ["S1", "2026-11-20 10:00:03", "顾客", "", "[订单卡片] 订单号 123456 连衣裙 ¥199"],
        ["S1", "2026-11-20 10:00:04", "系统", "", "客服小美已接入"],
        ["S1", "2026-11-20 10:00:20", "客服", "小美", GREETING],
        *MODEL[2:],
    ]
    session = as_json(write_csv(tmp_path / "c.csv", rows))["sessions"][0]
    assert session["findings"] == []  # KF605 reads the agent's first reply, KF203 the customer's words
    assert session["first_response_seconds"] == 20.0 and session["turns"] == 6


def test_a_customer_picture_is_a_turn_without_words() -> None:
    text = "\n".join(",".join(r) for r in [HEADER, *MODEL, ["S1", "2026-11-20 10:02:00", "顾客", "", "[图片]"]])
    scored = score_session([line for line in lines_of(text)])
    assert [f.rule for f in scored.findings] == ["KF603"]  # a photo at the end waits for an answer
    assert "［图片或文件］" in scored.findings[0].message


def test_turns_merge_lines_and_answer_the_customer_turn_before() -> None:
    text = "\n".join(",".join(r) for r in [
        HEADER,
        ["S1", "2026-11-20 10:00:00", "顾客", "", "在吗"],
        ["S1", "2026-11-20 10:00:02", "顾客", "", "这款连衣裙有M码吗 我身高165体重110斤穿什么码合适呢"],
        ["S1", "2026-11-20 10:00:10", "客服", "小美", "亲，您好，有的哦"],
        ["S1", "2026-11-20 10:00:12", "客服", "小美", "不行"],
    ])
    scored = score_session(lines_of(text))
    assert scored.turns == 2 and scored.replies == {"小美": 1}
    by_rule = {f.rule: f for f in scored.findings}
    assert by_rule["KF203"].line == 4  # the two customer lines are the customer of the agent turn
    assert (by_rule["KF101"].line, by_rule["KF101"].start, by_rule["KF101"].end) == (5, 0, 2)


# ---------------------------------------------------------------------------- rules in a session


def test_only_customer_lines_are_unanswered_not_an_error(tmp_path: Path) -> None:
    rows = [["S9", "2026-11-20 10:00:00", "顾客", "", "在吗"], ["S9", "2026-11-20 10:01:00", "顾客", "", "有人吗"]]
    result = chats(write_csv(tmp_path / "c.csv", rows), "--format", "json")
    assert result.exit_code == 1 and result.stderr == ""
    session = json.loads(result.stdout)["sessions"][0]
    assert rules_of(session) == ["KF603"] and session["agent"] == "（未标注客服）"


def test_kf607_replaces_kf302_on_the_same_reply() -> None:
    text = "\n".join(",".join(r) for r in [
        HEADER,
        ["S1", "2026-11-20 10:00:00", "顾客", "", "东西到了就是坏的 我要投诉"],
        ["S1", "2026-11-20 10:00:10", "客服", "小美", "亲，请您提供一下照片哦，我们马上为您处理呢[微笑]"],
    ])
    rules = [f.rule for f in score_session(lines_of(text)).findings]
    assert "KF607" in rules and "KF302" not in rules
    without = [f.rule for f in score_session(lines_of(text.replace(" 我要投诉", ""))).findings]
    assert "KF302" in without and "KF607" not in without


def test_thresholds_come_from_settings(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", POOR)
    assert "KF601" in rules_of(as_json(path)["sessions"][0])
    assert "KF601" not in rules_of(as_json(path, "--first-response", "60")["sessions"][0])
    (tmp_path / "kefu-lint.toml").write_text("first-response = 60\nslow-reply = 10\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["chats", "--config", str(tmp_path / "kefu-lint.toml"), "--format", "json", path])
    assert "KF601" not in rules_of(json.loads(result.stdout)["sessions"][0])


def test_sessions_stream_with_a_bounded_number_open() -> None:
    text = "\n".join(",".join(r) for r in [HEADER, *[
        [f"S{i % 3}", f"2026-11-20 10:00:{i:02d}", "顾客" if i < 3 else "客服", "小美", f"消息{i}"] for i in range(9)
    ]])
    lines = lines_of(text)
    whole = [[line.line for line in s.lines] for s in sessions(lines)]
    assert whole == [[2, 5, 8], [3, 6, 9], [4, 7, 10]]
    parts = [[line.line for line in s.lines] for s in sessions(lines, open_limit=1)]
    assert sorted(line for part in parts for line in part) == list(range(2, 11)) and len(parts) == 9


def test_a_batch_scores_each_session_as_alone() -> None:
    text = "\n".join(",".join(r) for r in [HEADER, *MODEL, *POOR])
    batch = list(sessions(lines_of(text)))
    inspector = inspector_for(None)
    together = inspector.score(batch)
    alone = [inspector.score([s])[0] for s in batch]
    assert [(s.findings, s.scores) for s in together] == [(s.findings, s.scores) for s in alone]


def test_scores_and_the_agents_table() -> None:
    text = "\n".join(",".join(r) for r in [HEADER, *MODEL, *POOR])
    scored = [score_session(s.lines) for s in sessions(lines_of(text))]
    assert scored[0].scores == {"小美": 100}
    # KF101 and KF603 errors 2 × 10, KF201/601/605/606 warnings 4 × 4, KF204 info 1
    assert scored[1].scores == {"阿杰": 63}
    table = Scorecard.of(scored).table()
    assert [(r["agent"], r["score"], r["median_first_response"]) for r in table] == [("小美", 100.0, 12.0),
                                                                                        ("阿杰", 63.0, 60.0)]
    assert table[1]["findings_per_100_replies"]["KF101"] == 100.0
    halves = Scorecard.merged([Scorecard.of(scored[:1]), Scorecard.of(scored[1:])])
    assert halves.table() == table


def test_the_streaming_api(tmp_path: Path) -> None:
    from kefu_lint import check_chats
    from kefu_lint.loaders import InputError

    write_csv(tmp_path / "a.csv", MODEL)
    write_csv(tmp_path / "b.csv", POOR)
    results = list(check_chats([str(tmp_path)]))
    assert [Path(r.path).name for r in results] == ["a.csv", "b.csv"]
    scored = [s for r in results for batch in r.batches for s in batch]
    assert [s.session.id for s in scored] == ["S1", "S2"] and [r.lines for r in results] == [6, 3]
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="没有找到聊天记录文件"):
        list(check_chats([str(tmp_path / "empty")]))
    missing = next(check_chats([str(tmp_path / "nothing.csv")]))
    assert list(missing.batches) == [] and "文件不存在" in str(missing.errors[0])


def test_score_session_takes_lines_in_any_order() -> None:
    text = "\n".join(",".join(r) for r in [HEADER, *POOR])
    lines = lines_of(text)
    assert score_session(reversed(lines)).findings == score_session(lines).findings
    assert Session.of(reversed(lines)).lines == lines


# ---------------------------------------------------------------------------- formats out


def test_text_output_names_file_and_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", MODEL + POOR)
    result = chats(path)
    assert result.exit_code == 1
    assert f"{path} 会话 S2 · 客服 阿杰 · 3 轮 · 首次响应 1 分钟 · 得分 63" in result.output
    assert f"  {path}:9: KF101 [错误] 避免拒绝用语「不行」" in result.output
    assert "S1" not in result.output.split("\n\n")[0]  # a clean session is not listed
    assert result.output.rstrip().endswith("检查了 1 个文件、9 行聊天记录、2 个会话、4 条客服回复。")


def test_json_output_shape(tmp_path: Path) -> None:
    data = as_json(write_csv(tmp_path / "c.csv", MODEL + POOR))
    assert set(data) == {"sessions", "agents", "summary"}
    session = data["sessions"][1]
    assert {"id", "agent", "turns", "first_response_seconds", "findings"} <= set(session)
    assert {"rule", "line", "message"} <= set(session["findings"][0])
    assert session["findings"][0]["url"].endswith("/style/redlines/#kf101")
    agent = data["agents"][1]
    assert {"agent", "sessions", "replies", "findings_per_100_replies", "median_first_response", "score"} <= set(agent)
    assert data["summary"]["sessions"] == 2 and data["summary"]["lines"] == 9


def test_csv_output_for_spreadsheets(tmp_path: Path) -> None:
    rows = POOR[:1] + [["S2", "2026-11-20 11:01:00", "客服", "阿杰", "=HYPERLINK(\"x\") 不行"]]
    result = chats(write_csv(tmp_path / "c.csv", rows), "--format", "csv")
    assert result.stdout.startswith("\ufeff文件,会话,客服,行,规则")
    records = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    kf101 = next(r for r in records if r[4] == "KF101")
    assert kf101[1:4] == ["S2", "阿杰", "3"] and kf101[8].startswith("'=HYPERLINK")  # no formula in Excel


def test_exit_codes_and_fail_on(tmp_path: Path) -> None:
    clean = write_csv(tmp_path / "clean.csv", MODEL)
    assert chats(clean).exit_code == 0
    warned = write_csv(tmp_path / "warned.csv", [*MODEL[:5], ["S1", "2026-11-20 10:01:45", "客服", "小美",
                                                              "亲，还有问题随时找我哦[微笑]"]])
    assert chats(warned).exit_code == 0  # KF606 is a warning
    assert chats(warned, "--fail-on", "warning").exit_code == 1
    assert chats(write_csv(tmp_path / "poor.csv", POOR)).exit_code == 1
    assert chats(write_csv(tmp_path / "poor.csv", POOR), "--ignore", "KF1,KF6").exit_code == 0


def test_json_fragments_are_what_json_dumps_writes(tmp_path: Path) -> None:
    rows = MODEL + POOR + [["引号\"S3", "2026-11-20 12:00:00", "顾客", "", "在吗\\n\t\u2028"]]
    out = chats(write_csv(tmp_path / "c.csv", rows), "--format", "json").stdout
    data = json.loads(out)
    assert out == json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert data["sessions"][2]["id"] == '引号"S3'


# ---------------------------------------------------------------------------- bad input


def test_missing_columns_name_the_file_and_the_columns_found_and_others_are_checked(tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "a.csv", [["x", "y"]], ["编号", "备注"])
    good = write_csv(tmp_path / "b.csv", POOR)
    result = chats(bad, good)
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"kefu-lint: {bad}:1: 找不到会话ID、角色、消息内容列（表头：编号、备注）；"
                                     "用 --session-column --role-column --text-column 指定列名")
    assert f"{good}:3: KF101" in result.output and "Traceback" not in result.output


def test_an_unreadable_time_names_file_and_line(tmp_path: Path) -> None:
    rows = [POOR[0], ["S2", "昨天下午", "客服", "阿杰", GREETING], ["S2", "刚才", "顾客", "", "好的"]]
    path = write_csv(tmp_path / "a.csv", rows)
    result = chats(path)
    assert result.exit_code == 2
    errors = result.stderr.strip().splitlines()
    assert errors[0] == f"kefu-lint: {path}:3: 无法识别的时间「昨天下午」（应为 2026-11-20 15:04:05 这样的日期和时间）"
    assert errors[1] == f"kefu-lint: {path}: 另有 1 行的时间也无法识别（第一处在第 3 行）"
    assert "1 个文件有输入错误" in result.stdout


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.csv", b"", "文件为空"),
    ("binary.csv", b"\x00\x01\x02", "是二进制文件"),
    ("ragged.csv", "会话ID,角色,内容\nS1,顾客,在吗,多了一列\n".encode(), "这一行有 4 个字段，表头有 3 个"),
    ("role.csv", "会话ID,角色,内容\nS1,路人,在吗\nS1,路人,你好\n".encode(), "未知的角色「路人」"),
    ("nosession.csv", "会话ID,角色,内容\n,顾客,在吗\n".encode(), "这一行没有会话ID"),
    ("broken.jsonl", b'{"session": 1, "role": "customer", "text": "hi"}\n{oops\n', "JSON 格式错误"),
    ("notes.txt", "在吗\n".encode(), "不支持的文件类型「.txt」"),
    ("broken.xlsx", b"PK not a workbook", "不是有效的 .xlsx 工作簿"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = chats(str(path), write_csv(tmp_path / "zz-good.csv", POOR))
    assert result.exit_code == 2, result.output
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith(f"kefu-lint: {path}") and message in errors[0], errors
    assert "KF101" in result.stdout and "Traceback" not in result.output


def test_no_chat_file_found_is_exit_2(tmp_path: Path) -> None:
    result = chats(str(tmp_path))
    assert result.exit_code == 2 and "没有找到聊天记录文件（支持 .csv .xlsx .jsonl）" in result.stderr
    result = chats("-")
    assert result.exit_code == 2 and "chats 不读标准输入" in result.stderr
    result = chats(str(tmp_path), "--first-response", "0")
    assert result.exit_code == 2 and "Traceback" not in result.output


# ---------------------------------------------------------------------------- the report


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.sources += [value for name, value in attrs if name in ("src", "href") and value]


HOSTILE = [
    ["X1", "2026-11-20 09:00:00", "顾客", "", "<script>window.pwned=1</script>在吗"],
    ["X1", "2026-11-20 09:00:50", "客服", "<b>小美</b>", "你好，这个不行"],
    ["X1", "2026-11-20 09:01:00", "顾客", "", '<img src=x onerror="window.pwned=2">我要投诉'],
    ["X1", "2026-11-20 09:01:10", "客服", "<b>小美</b>", "亲，请提供订单号哦\"><svg onload=alert(1)>"],
]


def test_report_pages_escape_chat_text_and_load_nothing(tmp_path: Path) -> None:
    result = chats(write_csv(tmp_path / "c.csv", MODEL + POOR + HOSTILE), "--report", str(tmp_path / "report"))
    assert result.exit_code == 1 and f"报告已写入 {tmp_path / 'report' / 'index.html'}" in result.stderr
    pages = [tmp_path / "report" / "index.html", *sorted((tmp_path / "report" / "agents").glob("*.html"))]
    assert len(pages) == 4  # the overview and one page per agent
    for page in pages:
        text = page.read_text(encoding="utf-8")
        parser = _Tags()
        parser.feed(text)
        assert parser.tags.count("script") == 1  # the sorting script, and nothing from the chats
        assert "img" not in parser.tags and "svg" not in parser.tags[:parser.tags.index("main")]
        assert all(s.startswith(("http://127.0.0.1:8000/", "agents/", "../index.html", "#")) or s.endswith(".html")
                   for s in parser.sources), parser.sources
    hostile = next(p for p in pages if "&lt;b&gt;小美&lt;/b&gt;" in p.read_text(encoding="utf-8") and "agents" in str(p))
    text = hostile.read_text(encoding="utf-8")
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;在吗" in text
    assert "&lt;img src=x onerror=&quot;window.pwned=2&quot;&gt;" in text
    assert '<mark class="sev-error" title="KF101 ' in text and ">不行</mark>" in text
    assert 'href="http://127.0.0.1:8000/style/conversation/#kf607"' in text
