"""Loaders: every format yields templates whose findings point at the offending text."""

from __future__ import annotations

import pytest

from kefu_lint.config import Settings
from kefu_lint.engine import Linter
from kefu_lint.loaders import load

LINTER = Linter(Settings(select=("KF101",)))


def positions(name: str, text: str, encoding: str = "utf-8") -> list[tuple[int, int, str | None]]:
    templates = load(name, text.encode(encoding))
    return [(f.line, f.column, f.template) for f in LINTER.lint(templates)]


def test_yaml_plain_quoted_and_block_scalars() -> None:
    text = (
        "templates:\n"
        "  - id: plain\n"
        "    reply: 亲，这个不行哦\n"
        "  - id: quoted\n"
        "    reply: \"亲，\\\"这个\\\"不行哦\"\n"
        "  - id: block\n"
        "    reply: |\n"
        "      亲，您好呀\n"
        "      这个不行哦\n"
    )
    assert positions("t.yaml", text) == [(3, 16, "plain"), (5, 21, "quoted"), (9, 9, "block")]


def test_yaml_set_level_placeholders_and_noqa() -> None:
    [template] = load("t.yaml", "placeholders: [订单号]\ntemplates:\n  - reply: 在\n    noqa: KF1, KF204\n".encode())
    assert template.placeholders == frozenset({"订单号"}) and template.noqa == ("KF1", "KF204")
    assert LINTER.lint([template]) == []


def test_txt_lines_and_indentation() -> None:
    assert positions("t.txt", "亲，您好呀\n\n  这个不行哦\n") == [(3, 5, None)]


def test_csv_columns_positions_and_gbk() -> None:
    text = "快捷编码,顾客问题,短语内容\nno,能退吗,\"亲，这个不行哦\"\n"
    [template] = load("t.csv", text.encode("gbk"))
    assert (template.id, template.customer, template.reply) == ("no", "能退吗", "亲，这个不行哦")
    assert positions("t.csv", text) == [(2, 13, "no")]


def test_markdown_convention() -> None:
    text = (
        "---\nkefu-scene: 售后\n---\n"
        "# 售后话术\n\n"
        "```markdown\n> **客服**：这个不行哦（代码块里的示例不检查）\n```\n\n"
        "<!-- kefu: id=damaged noqa=KF204 -->\n"
        "> **顾客**：杯子碎了\n"
        ">\n"
        "> **客服**：非常抱歉呢，\n"
        "> 这个不行哦\n"
        "\n"
        "> **客服**：亲，这个不行哦\n"
        "\n"
        "> 普通引用：这个不行哦\n"
    )
    templates = load("aftersale.md", text.encode())
    assert [(t.id, t.customer, t.scene, t.noqa) for t in templates] == [
        ("damaged", "杯子碎了", "售后", ("KF204",)),
        ("aftersale-2", None, "售后", ()),
    ]
    assert templates[0].reply == "非常抱歉呢，\n这个不行哦"
    assert positions("aftersale.md", text) == [(14, 5, "damaged"), (16, 14, "aftersale-2")]


YAML_SETS = [
    "templates:\n  - id: a\n    reply: 亲，这个不行哦\n  - reply: 您好呀[微笑]\n    scene: 问候\n",
    "# comment\n\ntemplates:\n- id: 1\n  customer: 在吗\n  reply: 亲，在的呢，时间是10:30哦\n\n# note\n- id: 2\n  reply: yes\n",
    "templates:\r\n  - id: a\r\n    reply: 亲，这个不行哦\r\n",
]


@pytest.mark.parametrize("text", YAML_SETS)
def test_yaml_sets_read_as_yaml_reads_them(text: str) -> None:
    import yaml

    expected = yaml.load(text, Loader=yaml.BaseLoader)["templates"]  # every value as text
    found = load("t.yaml", text.encode())
    assert [(t.id, t.reply, t.scene, t.customer) for t in found] == [
        (e.get("id"), e["reply"], e.get("scene"), e.get("customer")) for e in expected
    ]


@pytest.mark.parametrize("char", ["\x01", "\x7f", "\ufffe", "\x1b"])
def test_control_characters_are_an_input_error_quoted_or_not(char: str) -> None:
    from kefu_lint.loaders import InputError

    for value in (f"亲{char}您好", f'"亲{char}您好"'):
        with pytest.raises(InputError, match="YAML"):
            load("t.yaml", f"templates:\n  - reply: {value}\n".encode())


def test_every_problem_of_a_yaml_file_is_reported() -> None:
    from kefu_lint.loaders import InputError, read
    import io

    text = ("templates:\n  - id: a\n    reply: 亲\n  - id: a\n    reply: 您好\n    noqa: KF999\n"
            "  - reply: 您好呀\n    scene: 售中后\n  - reply: 在的呢[微笑]\n")
    items = list(read("t.yaml", io.BytesIO(text.encode())))
    errors = [str(i) for i in items if isinstance(i, InputError)]
    assert [e.split(": ", 1)[0] for e in errors] == ["t.yaml:4", "t.yaml:4", "t.yaml:7"]
    assert "重复" in errors[0] and "KF999" in errors[1] and "售中后" in errors[2]
    assert [t.reply for t in items if not isinstance(t, InputError)] == ["亲", "在的呢[微笑]"]


def test_a_csv_row_with_more_or_fewer_fields_than_the_header_is_an_error() -> None:
    from kefu_lint.loaders import InputError, read
    import io

    text = "编号,顾客问题,回复\nq1,在吗,亲，在的呢\nq4,发货了吗,亲,已经发货了哦\nq5,好的\nq6,谢谢,不客气哦\n"
    items = list(read("t.csv", io.BytesIO(text.encode())))
    errors = [str(i) for i in items if isinstance(i, InputError)]
    assert errors == ["t.csv:3: 这一行有 4 个字段，表头有 3 个；回复里的逗号要放在引号里",
                      "t.csv:4: 这一行有 2 个字段，表头有 3 个"]
    assert [t.id for t in items if not isinstance(t, InputError)] == ["q1", "q6"]
