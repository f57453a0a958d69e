"""--fix and --diff: safe rewrites in place, the rest of the file byte for byte, idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kefu_lint.cli import main
from kefu_lint.config import Settings
from kefu_lint.engine import Linter
from kefu_lint import lint_text
from kefu_lint.fixes import fix_reply, fix_text
from kefu_lint.loaders import Columns
from kefu_lint.rules import RULES

YAML_BEFORE = """\
# 售后话术（注释保留）
placeholders: [订单号]
templates:
  - reply: 你好,请问有什么可以帮你的呢!!!   # 行尾注释
    id: greet        # reply before id: key order kept
  - id: parcel
    customer: 你的快递到了吗?
    reply: "亲，你的订单{订单号}已经发货了哦,明天就到[微笑]"
  - id: staff
    reply: |
      亲，你们店的客服都很耐心呢。。。
      谢谢你哦~[微笑]
  - id: numbers
    reply: 亲，原价199.9元，详情见 https://shop.example.com/?a=1,b=2 哦[微笑]
"""
# Only the replies' fixable characters change: comments, key order, quotes, the customer line,
# 你们 and the URL's comma stay.
YAML_AFTER = (
    YAML_BEFORE.replace("reply: 你好,请问有什么可以帮你的呢!!!", "reply: 您好，请问有什么可以帮您的呢！")
    .replace("亲，你的订单{订单号}已经发货了哦,明天", "亲，您的订单{订单号}已经发货了哦，明天")
    .replace("耐心呢。。。\n      谢谢你哦", "耐心呢。\n      谢谢您哦")
)
CSV_BEFORE = (
    "分组,快捷编码,短语内容\n"
    '问候,hi,"你好,请问有什么可以帮你的呢???"\n'
    '售前,size,"亲，这款有""大码""哦,您要几码呢[微笑]"\n'
    "售后,,亲，非常抱歉呢!!!我们马上为你处理哦[微笑]\n"
)
CSV_AFTER = (
    "分组,快捷编码,短语内容\n"
    '问候,hi,"您好，请问有什么可以帮您的呢？"\n'
    '售前,size,"亲，这款有""大码""哦，您要几码呢[微笑]"\n'
    "售后,,亲，非常抱歉呢！我们马上为您处理哦[微笑]\n"
)
TXT_BEFORE = "你好,在的呢[微笑]\n\n  亲，这款很适合你哦!!\n亲，你们家的包裹到了吗\n"
TXT_AFTER = "您好，在的呢[微笑]\n\n  亲，这款很适合您哦！\n亲，你们家的包裹到了吗\n"
MD_BEFORE = """\
---
kefu-scene: 售前
---

# 售前话术

<!-- kefu: id=size -->
> **顾客**：有大码吗?
>
> **客服**：亲，有的哦,你平时穿什么尺码呢?[微笑]

```text
你好,代码块里的示例不改
```
"""
MD_AFTER = MD_BEFORE.replace("亲，有的哦,你平时穿什么尺码呢?[微笑]", "亲，有的哦，您平时穿什么尺码呢？[微笑]")

CASES = {
    "yaml-lf": ("set.yaml", YAML_BEFORE.encode(), YAML_AFTER.encode()),
    "yaml-crlf": ("set.yaml", YAML_BEFORE.replace("\n", "\r\n").encode(), YAML_AFTER.replace("\n", "\r\n").encode()),
    # Excel's "CSV UTF-8": BOM and CRLF
    "csv-utf8-bom-crlf": ("export.csv", b"\xef\xbb\xbf" + CSV_BEFORE.replace("\n", "\r\n").encode(),
                          b"\xef\xbb\xbf" + CSV_AFTER.replace("\n", "\r\n").encode()),
    "csv-utf8": ("export.csv", CSV_BEFORE.encode(), CSV_AFTER.encode()),
    "csv-gbk": ("export.csv", CSV_BEFORE.encode("gbk"), CSV_AFTER.encode("gbk")),
    "csv-gbk-crlf": ("export.csv", CSV_BEFORE.replace("\n", "\r\n").encode("gbk"),
                     CSV_AFTER.replace("\n", "\r\n").encode("gbk")),
    "txt-crlf": ("replies.txt", TXT_BEFORE.replace("\n", "\r\n").encode(), TXT_AFTER.replace("\n", "\r\n").encode()),
    "txt-gbk": ("replies.txt", TXT_BEFORE.encode("gbk"), TXT_AFTER.encode("gbk")),
    "markdown": ("presale.md", MD_BEFORE.encode(), MD_AFTER.encode()),
}


def kefu(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(main, [*args, "--no-config"], input=stdin)


@pytest.mark.parametrize("name, before, after", CASES.values(), ids=CASES.keys())
def test_fix_round_trip(tmp_path: Path, name: str, before: bytes, after: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(before)
    kefu(str(path), "--fix")
    assert path.read_bytes() == after

    # A second --fix changes nothing, and --diff has nothing to show.
    kefu(str(path), "--fix")
    assert path.read_bytes() == after
    again = kefu(str(path), "--diff")
    assert (again.exit_code, again.output) == (0, "")


def test_diff_shows_the_fix_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "replies.txt"
    path.write_bytes(TXT_BEFORE.encode())
    result = kefu(str(path), "--diff")
    assert result.exit_code == 1
    assert path.read_bytes() == TXT_BEFORE.encode()
    assert result.output == (
        f"--- {path}\n+++ {path}\n@@ -1,4 +1,4 @@\n"
        "-你好,在的呢[微笑]\n+您好，在的呢[微笑]\n \n"
        "-  亲，这款很适合你哦!!\n+  亲，这款很适合您哦！\n"
        " 亲，你们家的包裹到了吗\n"
    )


def test_diff_marks_a_missing_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_bytes("好的呢!!".encode())
    assert kefu(str(path), "--diff").output.endswith("+好的呢！\n\\ No newline at end of file\n")


def test_remaining_findings_are_reported_after_fixing(tmp_path: Path) -> None:
    path = tmp_path / "replies.txt"
    path.write_bytes("这个不行哦,你看看别的吧!!!\n".encode())
    result = kefu(str(path), "--fix", "--format", "json")
    assert path.read_bytes() == "这个不行哦，您看看别的吧！\n".encode()
    assert result.exit_code == 1  # KF101 cannot be fixed
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert "KF101" in rules and not rules & {"KF205", "KF503", "KF504"}
    assert "已修复 1 个文件中的 4 处问题" in result.stderr


def test_ignored_rules_are_not_fixed(tmp_path: Path) -> None:
    path = tmp_path / "replies.txt"
    path.write_bytes("你好,在的呢[微笑]\n".encode())
    kefu(str(path), "--fix", "--ignore", "KF205")
    assert path.read_bytes() == "你好，在的呢[微笑]\n".encode()


def test_fix_is_refused_for_stdin() -> None:
    result = kefu("-", "--fix", stdin="你好\n".encode())
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--fix" in result.stderr


def test_diff_works_on_stdin() -> None:
    result = kefu("-", "--diff", "--stdin-filename", "x.txt", stdin="你好,亲\n".encode())
    assert result.exit_code == 1 and "+您好，亲\n" in result.output


UNTOUCHED = [
    "亲，这款原价199.9元，现在只要99.9元哦[微笑]",
    "亲，活动详情请看 https://shop.example.com/?id=1&a=b,c 哦[微笑]",
    "亲，请核对{订单号,快递单号}哦[微笑]",
    "亲，收到啦，谢谢您的支持呢:)",
    "亲，[好的,谢谢]",
    "亲，你们店里的迷你包很好看呢[微笑]",
    "亲，您好呀~~欢迎光临小店哦[微笑]",
]


def fixed(text: str, suffix: str = ".txt") -> str:
    return fix_text(f"t{suffix}", text.encode(), Columns(), Linter(Settings()), suffix).after


@pytest.mark.parametrize("reply", UNTOUCHED)
def test_fix_leaves_numbers_urls_placeholders_emoticons_and_nimen_alone(reply: str) -> None:
    assert fixed(reply + "\n") == reply + "\n"


def test_words_other_rules_report_are_not_rewritten() -> None:
    result = fix_text("t.txt", "你自己没选尺码,你的问题哦\n".encode(), Columns(), Linter(Settings()), ".txt")
    assert result.after == "你自己没选尺码，你的问题哦\n"
    assert [f.rule for f in result.findings if f.rule in ("KF104", "KF205")] == ["KF104", "KF205"] * 2


def test_yaml_escapes_are_left_alone() -> None:
    text = 'templates:\n  - reply: "\\u4f60好,亲"\n'
    assert fixed(text, ".yaml") == text


FIXABLE = [
    (rule, example) for rule in RULES if rule.fix for example in rule.bad
]


@pytest.mark.parametrize("rule, example", FIXABLE, ids=[f"{r.code}-{e.reply}" for r, e in FIXABLE])
def test_fixing_a_bad_example_clears_its_rule(rule, example) -> None:
    result = fix_text("t.txt", example.reply.encode(), Columns(), Linter(Settings()), ".txt")
    assert result.changed and result.fixes
    assert rule.code not in {f.rule for f in result.findings}


# ---------------------------------------------------------------------------- one reply (fix_reply)

REPLIES = [
    "你好,请问有什么可以帮你的呢!!!",
    "这个不行哦,你看看别的吧!!!",
    "你自己没选尺码,你的问题哦",
    "亲，你们店的客服都很耐心呢。。。",
    "你好😊你的包裹到了!",
    "亲，在的呢\n你看看这款吧!!",
    *UNTOUCHED,
    *(example.reply for _, example in FIXABLE),
]


def fixed_reply(reply: str) -> str:
    while (after := fix_reply(reply, lint_text(reply))) != reply:
        reply = after
    return reply


@pytest.mark.parametrize("reply", REPLIES)
def test_fix_reply_rounds_give_what_fix_writes(reply: str) -> None:
    # A reply with a line break is two lines of a .txt file: fix it as a YAML block instead.
    if "\n" in reply:
        text = "templates:\n  - reply: |\n" + "".join(f"      {line}\n" for line in reply.split("\n"))
        expected = fixed(text, ".yaml")
        assert expected == "templates:\n  - reply: |\n" + "".join(
            f"      {line}\n" for line in fixed_reply(reply).split("\n"))
    else:
        assert fixed(reply + "\n") == fixed_reply(reply) + "\n"


def test_fix_reply_is_one_round() -> None:
    reply = "你好,在吗!!!"  # !!! -> ! in the first round, then ! -> ！
    once = fix_reply(reply, lint_text(reply))
    assert once == "您好，在吗!"
    assert fix_reply(once, lint_text(once)) == "您好，在吗！"
    assert fix_reply("这个价格不行", lint_text("这个价格不行")) == "这个价格不行"


# ---------------------------------------------------------------------------- CSV cells


@pytest.mark.parametrize("record, fixed", [
    ("你好,你好", "你好,您好"),  # the customer's cell holds the same text as the reply
    ('"你好,你好",你好', '"你好,你好",您好'),  # a quoted customer cell with a comma
    ('"他说""你好""",你好', '"他说""你好""",您好'),  # doubled quotes
    ('"第一行\n你好",你好', '"第一行\n你好",您好'),  # a line break inside the customer's cell
    ('你好,"你好,""亲"""', '你好,"您好,""亲"""'),  # a quoted reply cell
])
def test_csv_fix_rewrites_the_reply_cell_only(tmp_path: Path, record: str, fixed: str) -> None:
    for encoding in ("utf-8", "gbk"):
        path = tmp_path / f"export-{encoding}.csv"
        path.write_bytes(f"顾客问题,回复\n{record}\n".encode(encoding))
        result = CliRunner().invoke(main, ["--no-config", "--select", "KF205", "--fix", str(path)])
        assert result.exit_code == 0, result.output
        assert path.read_bytes() == f"顾客问题,回复\n{fixed}\n".encode(encoding)
