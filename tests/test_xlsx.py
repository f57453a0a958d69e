"""Excel (.xlsx) quick-reply exports: the CSV columns, every sheet with a header, sheet and row in findings."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from kefu_lint.cli import main

GOOD = "亲，这款连衣裙是棉麻混纺面料哦，透气又亲肤呢[微笑]"


def workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def kefu(*args: str):
    return CliRunner().invoke(main, [*args, "--no-config"])


def findings(*args: str) -> list[dict]:
    return json.loads(kefu(*args, "--format", "json").stdout)["findings"]


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return workbook(tmp_path / "book.xlsx", {
        "说明": [["本工作簿由快捷短语工具导出"], ["请勿修改表头"]],  # no header: skipped
        "快捷短语": [
            ["分组", "快捷编码", "短语内容"],
            ["售前", 1001, GOOD],
            ["售后", "sorry", "这个不行哦[微笑]"],
            [None, None, None],
            ["问候", "hi", "在"],
        ],
    })


def test_findings_name_sheet_and_row(book: Path) -> None:
    result = kefu(str(book))
    assert result.exit_code == 1
    assert f"{book}[快捷短语]:3:3: KF101 [错误] 避免拒绝用语「不行」" in result.output
    assert f"{book}[快捷短语]:5:1: KF102" in result.output and "(hi)" in result.output
    assert "检查了 1 个文件、3 条话术" in result.output

    found = findings(str(book))
    assert {(f["path"], f["sheet"]) for f in found} == {(str(book), "快捷短语")}
    kf101 = next(f for f in found if f["rule"] == "KF101")
    assert (kf101["line"], kf101["column"], kf101["end_column"], kf101["template"]) == (3, 3, 5, "sorry")
    # 分组 names a scene: the 问候 row is checked by the greeting rule.
    assert any(f["rule"] == "KF301" and f["line"] == 5 for f in found)


def test_numeric_codes_are_ids(book: Path) -> None:
    root = ET.fromstring(kefu(str(book), "--format", "junit").stdout)
    cases = [(c.get("name"), c.get("classname")) for c in root.iter("testcase")]
    assert cases == [("快捷短语 1001", f"{book}[快捷短语]"), ("快捷短语 sorry", f"{book}[快捷短语]"),
                     ("快捷短语 hi", f"{book}[快捷短语]")]


def test_every_sheet_with_a_header_is_a_template_set(tmp_path: Path) -> None:
    path = workbook(tmp_path / "two.xlsx", {
        "售前": [["导出时间：2024-05-01"], [], ["编码", "回复内容"], ["a", GOOD]],  # header on row 3
        "售后": [["reply"], [GOOD], [GOOD]],
    })
    found = findings(str(path))
    # The same reply in two sheets is fine; twice in one sheet is KF105.
    assert [(f["sheet"], f["line"], f["rule"]) for f in found] == [("售后", 3, "KF105")]


def test_column_options_apply_to_excel(tmp_path: Path) -> None:
    path = workbook(tmp_path / "custom.xlsx", {"Sheet1": [["标题", "正文"], ["t1", "亲，你好呀，欢迎光临哦[微笑]"]]})
    assert kefu(str(path)).exit_code == 2
    found = findings(str(path), "--reply-column", "正文", "--id-column", "标题")
    assert [(f["rule"], f["template"], f["line"], f["column"]) for f in found] == [("KF205", "t1", 2, 3)]


@pytest.mark.parametrize("content, message", [
    (b"not a zip at all", "无法读取 Excel 文件"),
    (b"PK\x03\x04 truncated", "无法读取 Excel 文件"),
])
def test_corrupt_workbook_is_one_line_exit_2(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(content)
    result = kefu(str(path))
    assert result.exit_code == 2
    assert result.stderr == f"kefu-lint: {path}: {message}：不是有效的 .xlsx 工作簿\n"
    assert "Traceback" not in result.output


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    result = kefu(str(path))
    assert result.exit_code == 2 and result.stderr.startswith(f"kefu-lint: {path}: 无法读取 Excel 文件")


@pytest.mark.parametrize("sheets, args, message", [
    ({"Sheet1": [["名字", "价格"], ["衣服", 10]]}, (), "[Sheet1]:1: 找不到回复内容列（表头：名字、价格）"),
    ({"Sheet1": [["短语内容"], [GOOD]]}, ("--id-column", "编号"), "[Sheet1]:1: 表头中没有「编号」列"),
    ({"Sheet1": [["分组", "短语内容"], ["售前", None]]}, (), "[Sheet1]:2: 这一行没有回复内容"),
    ({"Sheet1": [["短语内容"]]}, (), ": 只有表头，没有话术"),
    ({"Sheet1": []}, (), ": 工作簿里没有内容"),
    ({"Sheet1": [["场景", "短语内容"], ["售中后", GOOD]]}, (), "[Sheet1]:2: 未知的场景「售中后」"),
])
def test_bad_workbook_content_is_one_line_exit_2(tmp_path: Path, sheets, args, message: str) -> None:
    path = workbook(tmp_path / "bad.xlsx", sheets)
    result = kefu(str(path), *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"kefu-lint: {path}{message}")
    assert result.stderr.count("\n") == 1


def test_folders_include_workbooks_but_not_excel_lock_files(tmp_path: Path, book: Path) -> None:
    (tmp_path / "~$book.xlsx").write_bytes(b"\x00lock")
    result = kefu(str(tmp_path))
    assert result.exit_code == 1 and "检查了 1 个文件" in result.output


def test_fix_leaves_workbooks_alone(book: Path) -> None:
    workbook(book, {"Sheet1": [["短语内容"], ["你好,在的呢!!![微笑]"]]})
    before = book.read_bytes()
    result = kefu(str(book), "--fix")
    assert book.read_bytes() == before
    assert result.exit_code == 0 and "KF503" in result.output and "KF504" in result.output
    assert kefu(str(book), "--diff").output == ""


def test_sarif_and_github_point_at_the_workbook(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(book.parent)
    run = json.loads(kefu("book.xlsx", "--format", "sarif").stdout)["runs"][0]
    location = run["results"][0]["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "book.xlsx"
    assert location["logicalLocations"] == [{"name": "快捷短语", "kind": "sheet"}]
    first = kefu("book.xlsx", "--format", "github").stdout.splitlines()[0]
    assert first.startswith("::") and " file=book.xlsx,line=3," in first and "::[快捷短语] " in first
