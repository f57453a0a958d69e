"""Output formats for CI: SARIF (against the official schema), GitHub Actions commands, JUnit XML."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from click.testing import CliRunner

from kefu_lint.cli import main
from kefu_lint.config import Settings
from kefu_lint.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
BAD_SET = (
    "templates:\n"
    "  - id: refuse\n"
    "    reply: 这个不行哦\n"  # KF101 error, KF201 warning, KF204 info
    "  - id: clean\n"
    "    reply: 亲，这款连衣裙是棉麻混纺面料哦，透气又亲肤呢[微笑]\n"
    "  - id: absolute\n"
    "    reply: 亲，这款面料100%满意哦[微笑]\n"  # KF401: a % in the message
)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding ``set.yaml`` (three templates, one clean) and ``ok.txt``."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "set.yaml").write_text(BAD_SET, encoding="utf-8")
    (tmp_path / "templates" / "ok.txt").write_text("亲，在的呢，请问有什么可以帮您的吗[微笑]\n", encoding="utf-8")
    return tmp_path


def kefu(*args: str):
    return CliRunner().invoke(main, [*args, "--no-config"])


def json_findings(*args: str) -> list[dict]:
    return json.loads(kefu(*args, "--format", "json").output)["findings"]


# ---------------------------------------------------------------------------- SARIF


def test_sarif_is_valid_and_matches_the_findings(workdir: Path) -> None:
    result = kefu("templates", "--format", "sarif")
    assert result.exit_code == 1
    document = json.loads(result.output)
    jsonschema.validate(document, SCHEMA)
    assert document["version"] == "2.1.0"
    [run] = document["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"][0]["executionSuccessful"] is True
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in RULES]

    expected = json_findings("templates")
    assert len(run["results"]) == len(expected) > 3
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for result, finding in zip(run["results"], expected):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding["rule"]
        assert result["level"] == levels[finding["severity"]]
        assert result["message"]["text"] == finding["message"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "templates/set.yaml"
        assert location["region"] == {
            "startLine": finding["line"], "startColumn": finding["column"],
            "endLine": finding["end_line"], "endColumn": finding["end_column"],
        }
    assert {r["level"] for r in run["results"]} == {"error", "warning", "note"}


def test_sarif_rules_carry_rationale_link_and_configured_level(workdir: Path) -> None:
    (workdir / "kefu-lint.toml").write_text('select = ["KF1", "KF5"]\n[severity]\nKF502 = "error"\n')
    result = CliRunner().invoke(main, ["templates", "--format", "sarif", "--base-url", "https://kefu.example.com/"])
    rules = {r["id"]: r for r in json.loads(result.output)["runs"][0]["tool"]["driver"]["rules"]}
    assert set(rules) == {r.code for r in RULES if r.code.startswith(("KF1", "KF5"))}
    kf101 = rules["KF101"]
    assert kf101["name"] == "no-refusal"
    assert kf101["shortDescription"]["text"] == "不说拒绝的话"
    assert kf101["fullDescription"]["text"].startswith("「不行」「不能」")
    assert kf101["helpUri"] == Settings(base_url="https://kefu.example.com/").url("KF101")
    assert kf101["defaultConfiguration"]["level"] == "error"
    assert rules["KF502"]["defaultConfiguration"]["level"] == "error"  # configured, not the default
    assert rules["KF503"]["defaultConfiguration"]["level"] == "warning"


def test_sarif_reports_input_errors_as_notifications(workdir: Path) -> None:
    (workdir / "templates" / "broken.yaml").write_text("templates:\n  - id: x\n", encoding="utf-8")
    result = kefu("templates", "--format", "sarif")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    jsonschema.validate(document, SCHEMA)
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "broken.yaml:2" in note["message"]["text"]


def test_sarif_uri_of_a_chinese_file_name_is_percent_encoded(workdir: Path) -> None:
    (workdir / "话术.txt").write_text("这个不行哦\n", encoding="utf-8")
    run = json.loads(kefu("话术.txt", "--format", "sarif").output)["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {"%E8%AF%9D%E6%9C%AF.txt"} and unquote(uris.pop()) == "话术.txt"


# ---------------------------------------------------------------------------- GitHub Actions

COMMAND = re.compile(
    r"::(?P<command>error|warning|notice) file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),"
    r"endLine=(?P<end_line>\d+),endColumn=(?P<end_column>\d+),title=(?P<title>KF\d{3} [a-z-]+)::(?P<message>.*)"
)


def unescape(value: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(code, char)
    return value


def test_github_one_command_per_finding(workdir: Path) -> None:
    result = kefu("templates", "--format", "github")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    expected = json_findings("templates")
    assert len(lines) == len(expected)
    commands = {"error": "error", "warning": "warning", "info": "notice"}
    for line, finding in zip(lines, expected):
        m = COMMAND.fullmatch(line)
        assert m, line
        assert m["command"] == commands[finding["severity"]]
        assert m["file"] == "templates/set.yaml"
        assert (int(m["line"]), int(m["col"]), int(m["end_line"]), int(m["end_column"])) == (
            finding["line"], finding["column"], finding["end_line"], finding["end_column"])
        assert m["title"] == f"{finding['rule']} {finding['name']}"
        message = unescape(m["message"])
        assert message == f"{finding['message']} ({finding['template']})\n{finding['url']}"
    assert "title=KF101 no-refusal::避免拒绝用语「不行」" in result.output
    kf401 = next(line for line in lines if "KF401" in line)
    assert "「100%25」" in kf401 and "%0Ahttp" in kf401  # % and the newline escaped


def test_github_escapes_commas_and_colons_in_the_file_property(workdir: Path) -> None:
    (workdir / "a,b:c.txt").write_text("这个不行哦\n", encoding="utf-8")
    lines = kefu("a,b:c.txt", "--format", "github").output.splitlines()
    assert lines and all(line.split(",line=")[0].endswith("file=a%2Cb%3Ac.txt") for line in lines)
    assert all(COMMAND.fullmatch(line) for line in lines)


def test_github_is_empty_for_clean_files(workdir: Path) -> None:
    result = kefu("templates/ok.txt", "--format", "github")
    assert result.exit_code == 0 and result.output == ""


# ---------------------------------------------------------------------------- JUnit


def test_junit_suite_per_file_case_per_template(workdir: Path) -> None:
    result = kefu("templates", "--format", "junit")
    assert result.exit_code == 1
    root = ET.fromstring(result.output)
    assert root.tag == "testsuites"
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert set(suites) == {"templates/ok.txt", "templates/set.yaml"}

    cases = {case.get("name"): case for case in suites["templates/set.yaml"].findall("testcase")}
    assert list(cases) == ["refuse", "clean", "absolute"]
    assert list(cases["clean"]) == []  # a passing test case
    expected = json_findings("templates/set.yaml")
    failures = [(case_name, f.get("type"), f.get("message"))
                for case_name, case in cases.items() for f in case.findall("failure")]
    assert failures == [(f["template"], f["rule"], f"{f['rule']} {f['message']}") for f in expected]
    assert suites["templates/set.yaml"].get("tests") == "3"
    assert suites["templates/set.yaml"].get("failures") == str(len(expected))

    [case] = suites["templates/ok.txt"].findall("testcase")
    assert case.get("name") == "line 1" and list(case) == []
    assert root.get("tests") == "4" and root.get("failures") == str(len(expected))


def test_junit_templates_without_id_are_named_by_line(workdir: Path) -> None:
    (workdir / "replies.txt").write_text("这个不行哦\n\n亲，在的呢，请问有什么可以帮您的吗[微笑]\n好的\n", encoding="utf-8")
    root = ET.fromstring(kefu("replies.txt", "--format", "junit").output)
    cases = root.find("testsuite").findall("testcase")
    assert [c.get("name") for c in cases] == ["line 1", "line 3", "line 4"]
    assert [sorted({f.get("type") for f in c.findall("failure")}) for c in cases] == [
        ["KF101", "KF201", "KF204"], [], ["KF102", "KF201", "KF202", "KF204"]]


def test_junit_input_errors_are_errors(workdir: Path) -> None:
    (workdir / "templates" / "broken.yaml").write_text("templates:\n  - id: x\n", encoding="utf-8")
    result = kefu("templates", "--format", "junit")
    assert result.exit_code == 2
    root = ET.fromstring(result.stdout)
    assert root.get("errors") == "1"
    [error] = root.iter("error")
    assert "broken.yaml:2" in error.get("message")


def test_format_choices_in_help() -> None:
    result = CliRunner().invoke(main, ["check", "--help"])
    assert all(name in result.output for name in ("sarif", "github", "junit"))
