"""The command line: exit codes, output formats, configuration, and people-friendly errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kefu_lint.cli import main

ROOT = Path(__file__).resolve().parent.parent
GOOD = "亲，这款连衣裙是棉麻混纺面料哦，透气又亲肤呢[微笑]"


def run(*args: str, cwd: Path | None = None, stdin: bytes | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args), input=stdin)
    with runner.isolated_filesystem(temp_dir=cwd):
        return runner.invoke(main, list(args), input=stdin)


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return str(path)


def no_traceback(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


# ---------------------------------------------------------------------------- exit codes


def test_clean_file_exits_0(tmp_path: Path) -> None:
    result = run(write(tmp_path, "ok.txt", GOOD + "\n"), "--no-config")
    assert result.exit_code == 0
    assert "没有发现问题" in result.output


def test_findings_exit_1_with_position_and_template_id(tmp_path: Path) -> None:
    path = write(tmp_path, "set.yaml", "templates:\n  - id: t1\n    reply: 这个不行哦，亲[微笑]\n")
    result = run(path, "--no-config")
    assert result.exit_code == 1
    assert f"{path}:3:14: KF101 [错误] 避免拒绝用语「不行」" in result.output
    assert result.output.splitlines()[0].endswith("(t1)")


def test_warnings_do_not_fail_unless_fail_on_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "w.txt", "亲，这款有现货[微笑]\n")  # KF202 warning only
    assert run(path, "--no-config").exit_code == 0
    assert run(path, "--no-config", "--fail-on", "warning").exit_code == 1


def test_examples(tmp_path: Path) -> None:
    assert run(str(ROOT / "examples" / "good"), "--no-config").exit_code == 0
    assert run(str(ROOT / "examples" / "bad"), "--no-config").exit_code == 1


def test_select_and_ignore_by_prefix(tmp_path: Path) -> None:
    path = write(tmp_path, "x.txt", "嗯\n")
    out = run(path, "--no-config", "--format", "json", "--select", "KF1,KF2", "--ignore", "KF20")
    rules = {f["rule"] for f in json.loads(out.output)["findings"]}
    assert rules == {"KF102"}


def test_stdin(tmp_path: Path) -> None:
    result = run("-", "--no-config", stdin="这个不行哦\n".encode())
    assert result.exit_code == 1
    assert "<stdin>:1:3: KF101" in result.output
    result = run("-", "--no-config", "--stdin-filename", "in.yaml", stdin=f"templates:\n  - reply: {GOOD}\n".encode())
    assert result.exit_code == 0, result.output


# ---------------------------------------------------------------------------- JSON


def test_json_output_is_the_documented_shape(tmp_path: Path) -> None:
    path = write(tmp_path, "set.yaml", "templates:\n  - id: a\n    reply: 你好\n")
    result = run(path, "--no-config", "--format", "json")
    data = json.loads(result.output)
    first = data["findings"][0]
    assert set(first) == {"path", "line", "column", "end_line", "end_column", "rule", "name",
                          "severity", "message", "template", "url"}
    kf205 = next(f for f in data["findings"] if f["rule"] == "KF205")
    assert kf205 == {
        "path": path, "line": 3, "column": 12, "end_line": 3, "end_column": 14, "rule": "KF205",
        "name": "honorific", "severity": "warning", "message": "称呼顾客请用「您」，不要用「你好」",
        "template": "a", "url": "http://127.0.0.1:8000/style/tone/#kf205",
    }
    summary = data["summary"]
    assert summary["files"] == 1 and summary["templates"] == 1
    assert summary["findings"] == len(data["findings"]) == summary["error"] + summary["warning"] + summary["info"]


def test_readme_json_example_matches_real_output() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    result = run(str(Path("examples/bad/risky-templates.yaml")), "--no-config", "--format", "json")
    summary = json.loads(result.output)["summary"]
    expected = (f'"findings": {summary["findings"]}, "error": {summary["error"]}, '
                f'"warning": {summary["warning"]},')
    assert expected in readme


def test_base_url_option(tmp_path: Path) -> None:
    path = write(tmp_path, "x.txt", "嗯\n")
    out = run(path, "--no-config", "--format", "json", "--base-url", "https://kefu.example.com/handbook")
    urls = {f["url"] for f in json.loads(out.output)["findings"]}
    assert "https://kefu.example.com/handbook/style/redlines/#kf102" in urls


# ---------------------------------------------------------------------------- bad input: one line, exit 2

BAD_INPUTS = [
    ("empty.yaml", b"", "文件为空"),
    ("blank.txt", b"  \n\n", "文件为空"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "是二进制文件"),
    ("latin1.yaml", "templates:\n  - reply: caf\xe9\n".encode("latin-1"), ":2: 无法解码"),
    ("broken.yaml", "templates:\n  - reply: [不行\n".encode(), "YAML 格式错误"),
    ("noreply.yaml", "templates:\n  - id: a\n    customer: 在吗\n".encode(), ":2: 话术缺少 reply"),
    ("dupid.yaml", f"templates:\n  - id: a\n    reply: {GOOD}\n  - id: a\n    reply: {GOOD}\n".encode(),
     ":4: 话术 id「a」重复（第 2 行已使用）"),
    ("typo.yaml", f"templates:\n  - id: a\n    replay: {GOOD}\n".encode(), "未知的键「replay」"),
    ("scene.yaml", f"templates:\n  - scene: 售后服务\n    reply: {GOOD}\n".encode(), ":2: 未知的场景「售后服务」"),
    ("noqa.yaml", f"templates:\n  - noqa: [KF999]\n    reply: {GOOD}\n".encode(), "未知的规则代码「KF999」"),
    ("notset.yaml", b"name: shop\n", "不是话术集"),
    ("empty-list.yaml", b"templates: []\n", "templates 应为非空列表"),
    ("header.csv", "短语内容\n".encode(), "只有表头"),
    ("nocol.csv", "名字,价格\n衣服,10\n".encode(), ":1: 找不到回复内容列"),
    ("quote.csv", '短语内容\n"亲，您好呀[微笑]\n'.encode(), "CSV 格式错误"),
    ("image.png", b"not a template", "不支持的文件类型"),
]


@pytest.mark.parametrize("name, content, message", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = write(tmp_path, name, content)
    good = write(tmp_path, "zz-good.txt", "这个不行哦\n")
    result = run(path, good, "--no-config")
    no_traceback(result)
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("kefu-lint:")]
    assert len(errors) == 1 and errors[0].startswith(f"kefu-lint: {path}")
    assert message in errors[0]
    # The other file is still linted and reported.
    assert f"{good}:1:3: KF101" in result.output


def test_missing_file(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nope.yaml"), "--no-config")
    assert result.exit_code == 2 and "文件不存在" in result.output


def test_non_template_yaml_in_a_folder_is_skipped(tmp_path: Path) -> None:
    write(tmp_path, "mkdocs.yml", "site_name: x\n")
    write(tmp_path, "set.yaml", f"templates:\n  - reply: {GOOD}\n")
    result = run(str(tmp_path), "--no-config")
    assert result.exit_code == 0 and "检查了 1 个文件" in result.output


def test_gbk_csv_is_read(tmp_path: Path) -> None:
    csv = "分组,快捷编码,短语内容\n售后,sorry,亲，杯子破损了，这个不行哦[微笑]\n".encode("gbk")
    result = run(write(tmp_path, "export.csv", csv), "--no-config")
    assert result.exit_code == 1
    assert "export.csv:2:" in result.output and "KF101" in result.output and "(sorry)" in result.output
    assert "KF302" in result.output  # 分组 售后 is the scene, and the reply answers a problem


@pytest.mark.parametrize("args, message", [
    (["--select", "KF9"], "未知的规则代码「KF9」"),
    (["--ignore", "XX1"], "未知的规则代码「XX1」"),
    (["--format", "xml"], "xml"),
    (["--fail-on", "fatal"], "fatal"),
])
def test_bad_options_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = run(write(tmp_path, "x.txt", GOOD), "--no-config", *args)
    no_traceback(result)
    assert result.exit_code == 2 and message in result.output


def test_unknown_rule_in_rule_command() -> None:
    result = run("rule", "KF000")
    assert result.exit_code == 2 and "未知的规则代码「KF000」" in result.output


def test_rule_command_explains_with_examples_and_link() -> None:
    result = run("rule", "kf101")
    assert result.exit_code == 0
    assert "KF101 no-refusal" in result.output and "这个价格不行哦" in result.output
    # Run in the handbook's checkout: links point at its published address (site_url).
    assert "https://kefu.example.com/style/redlines/#kf101" in result.output
    assert "https://kefu.example.com/handbook/style/redlines/#kf101" in run(
        "rule", "KF101", "--base-url", "https://kefu.example.com/handbook/").output


def test_rules_command_lists_every_rule() -> None:
    from kefu_lint.rules import RULES

    result = run("rules")
    assert [line.split()[0] for line in result.output.splitlines()] == [r.code for r in RULES]


# ---------------------------------------------------------------------------- configuration


def test_pyproject_config_found_by_walking_up(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.kefu-lint]\nignore = ["KF204"]\nfail-on = "warning"\n\n'
        '[tool.kefu-lint.severity]\nKF201 = "error"\n\n'
        '[tool.kefu-lint.words.KF101]\ndeny = ["不退"]\n', encoding="utf-8")
    sub = tmp_path / "templates"
    sub.mkdir()
    write(sub, "x.txt", "这款不退的呢\n")
    runner = CliRunner()
    import os

    old = os.getcwd()
    os.chdir(sub)
    try:
        result = runner.invoke(main, ["x.txt", "--format", "json"])
    finally:
        os.chdir(old)
    found = {(f["rule"], f["severity"]) for f in json.loads(result.output)["findings"]}
    assert ("KF101", "error") in found  # the extra deny word
    assert ("KF201", "error") in found  # severity override
    assert not any(code == "KF204" for code, _ in found)
    assert result.exit_code == 1


def test_kefu_lint_toml_and_cli_override(tmp_path: Path) -> None:
    config = write(tmp_path, "kefu-lint.toml", 'max-length = 10\nplaceholders = ["订单号"]\n')
    path = write(tmp_path, "x.txt", "亲，您的订单{订单号}已经发货了哦，请注意查收呢[微笑]\n")
    out = json.loads(run(path, "--config", config, "--format", "json").output)
    assert {f["rule"] for f in out["findings"]} == {"KF502"}
    out = json.loads(run(path, "--config", config, "--format", "json", "--max-length", "300").output)
    assert out["findings"] == []


def test_allow_word_from_config(tmp_path: Path) -> None:
    config = write(tmp_path, "kefu-lint.toml", '[words.KF401]\nallow = ["顶级羽绒"]\n')
    path = write(tmp_path, "x.txt", "亲，这款用的是顶级羽绒哦[微笑]\n")
    assert run(path, "--no-config").exit_code == 1
    assert run(path, "--config", config).exit_code == 0


@pytest.mark.parametrize("config, message", [
    ('colour = "red"\n', "未知的配置项「colour」"),
    ('select = ["KF7"]\n', "未知的规则代码「KF7」"),
    ('fail-on = "fatal"\n', "级别「fatal」无效"),
    ('max-length = "long"\n', "应为正整数"),
    ('[severity]\nKF101 = "loud"\n', "级别「loud」无效"),
    ('[words.KF201]\ndeny = ["x"]\n', "该规则不使用词表"),
    ("select = [\n", "TOML 格式错误"),
])
def test_bad_config_exit_2(tmp_path: Path, config: str, message: str) -> None:
    path = write(tmp_path, "kefu-lint.toml", config)
    result = run(write(tmp_path, "x.txt", GOOD), "--config", path)
    no_traceback(result)
    assert result.exit_code == 2
    assert result.output.startswith(f"kefu-lint: {path}") and message in result.output


def test_a_folder_without_template_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text("{}")
    result = run(str(tmp_path), "--no-config")
    assert result.exit_code == 2
    assert "没有找到可检查的文件" in result.output


# ---------------------------------------------------------------------------- a new user's first hour


@pytest.mark.parametrize("name, content", [
    ("nosuch.yaml", None), ("empty.yaml", b""), ("broken.yaml", b"templates: [\n"),
])
def test_summary_after_input_errors_never_says_nothing_was_found(tmp_path: Path, name, content) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run(str(path), "--no-config")
    assert result.exit_code == 2
    assert "没有发现问题" not in result.output
    assert "1 个文件有输入错误" in result.output and "未能完整检查" in result.output


def test_findings_beside_input_errors_are_still_counted(tmp_path: Path) -> None:
    good = write(tmp_path, "a.txt", "这个不行\n")
    bad = write(tmp_path, "b.yaml", "templates:\n  - id: x\n    reply: 亲\n  - id: x\n    reply: 您\n    noqa: KF999\n")
    result = run(good, bad, "--no-config")
    assert result.exit_code == 2
    assert result.stderr.count("b.yaml:4") == 2  # the duplicate id and the unknown noqa code
    assert "1 个文件有输入错误" in result.output and "其余部分发现" in result.output


def test_severity_words_are_chinese_like_the_summary(tmp_path: Path) -> None:
    result = run(write(tmp_path, "a.txt", "这个不行\n"), "--no-config")
    assert "KF101 [错误]" in result.output and "[error]" not in result.output


def test_statistics_and_quiet(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "这个不行\n那个不行\n")
    stats = run(path, "--no-config", "--statistics").output.splitlines()
    assert "2  KF101  不说拒绝的话" in stats
    quiet = run(path, "--no-config", "-q").output
    assert "KF101" in quiet and "发现" not in quiet


def test_colour_only_when_asked_or_on_a_terminal(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path, "a.txt", "这个不行\n")
    assert "\x1b[" not in run(path, "--no-config").output  # not a terminal
    coloured = run(path, "--no-config", "--color", "always").output
    assert "\x1b[31m[错误]" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run(path, "--no-config", "--color", "auto").output


@pytest.mark.parametrize("args, message", [
    (["check", "--formt", "json", "x"], "没有选项 --formt；您是不是要用 --format"),
    (["check", "--format", "jsn", "x"], "您是不是要写 json"),
    (["check"], "缺少参数 路径"),
    (["check", "--max-length", "0", "x"], "「0」不是正整数"),
    (["check", "--format"], "选项 --format 后面要跟一个值"),
])
def test_usage_errors_are_chinese(args, message) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert "Error" not in result.stderr and "Usage" not in result.stderr


def test_help_is_chinese() -> None:
    text = run("check", "--help").output
    assert text.startswith("用法：kefu-lint check [选项] 路径...") and "选项：" in text
    assert "显示本帮助并退出。" in text
    assert "Show this message" not in text and "Options" not in text and "[default" not in text


def test_config_typo_gets_did_you_mean(tmp_path: Path) -> None:
    config = tmp_path / "kefu-lint.toml"
    config.write_text('fail_on = "warning"\n', encoding="utf-8")
    result = run("--config", str(config), write(tmp_path, "a.txt", "亲\n"))
    assert result.exit_code == 2
    assert "未知的配置项「fail_on」（您是不是要写 fail-on？）" in result.stderr


def test_rules_columns_line_up_in_a_terminal() -> None:
    from unicodedata import east_asian_width

    def width(text: str) -> int:
        return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)

    lines = run("rules").output.splitlines()
    titles = [line.rindex("  ") for line in lines]
    assert len({width(line[:i]) for line, i in zip(lines, titles)}) == 1


def test_stdin_fix_message_has_no_stray_space() -> None:
    result = run("--fix", "-", "--no-config", stdin="你好\n".encode())
    assert result.exit_code == 2 and "标准输入（-）" in result.stderr


def test_allow_and_deny_work_on_the_reworked_rules(tmp_path: Path) -> None:
    config = write(tmp_path, "kefu-lint.toml",
                   '[words.KF101]\nallow = ["改不了"]\n[words.KF104]\ndeny = ["自己想办法"]\n'
                   '[words.KF403]\nallow = ["公众号"]\n')
    replies = write(tmp_path, "a.txt", "亲 地址改不了的\n您自己想办法吧\n关注公众号领券\n")
    found = {(f["line"], f["rule"]) for f in json.loads(
        run("--config", config, "--format", "json", replies).output)["findings"]}
    assert (1, "KF101") not in found and (2, "KF104") in found and (3, "KF403") not in found
    plain = {(f["line"], f["rule"]) for f in json.loads(
        run("--no-config", "--format", "json", replies).output)["findings"]}
    assert (1, "KF101") in plain and (3, "KF403") in plain
