"""Precision traps: text that contains a rule's characters but not its word.

A linter that cries wolf is switched off, so these must stay silent; the recall cases next to
them prove the same words are still caught where they are the word.
"""

from __future__ import annotations

import pytest

from kefu_lint.config import Settings
from kefu_lint.engine import Linter
from kefu_lint.model import Template

LINTER = Linter(Settings())


def codes(reply: str, **context) -> set[str]:
    return {f.rule for f in LINTER.lint([Template(path="t.txt", reply=reply, **context)])}


TRAPS = [
    # (reply, rules that must not fire)
    ("亲，这款质量很不错的哦[微笑]", {"KF101", "KF103"}),
    ("不错的选择呢亲，这款是店里的明星款哦[微笑]", {"KF103"}),
    ("不客气的亲，有需要随时找我哦[微笑]", {"KF101", "KF103"}),
    ("不好意思让您久等了呢[微笑]", {"KF101", "KF103"}),
    ("不用担心哦亲，七天无理由退货的呢[微笑]", {"KF101", "KF103"}),
    ("不会起球的亲，请放心哦[微笑]", {"KF101", "KF103"}),
    ("亲，这款不含荧光剂哦[微笑]", {"KF101"}),
    ("亲，我们会第一时间为您发货哦[微笑]", {"KF401"}),
    ("亲，最近这款卖得很好呢，最晚明天发出哦[微笑]", {"KF401"}),
    ("亲，最后一件了哦，喜欢的话请尽快下单呢[微笑]", {"KF401"}),
    ("没问题的亲，马上帮您改好地址哦[微笑]", {"KF103"}),
    ("亲，这款迷你包很适合您呢[微笑]", {"KF205"}),
    ("亲，面料是100%棉的哦[微笑]", {"KF401"}),
    ("亲，您最好先量一下腰围哦[微笑]", {"KF401"}),
    ("亲，这款蛋糕的最佳食用期是三天哦[微笑]", {"KF401"}),
    ("亲，聚划算和淘抢购的活动价不同哦[微笑]", {"KF101", "KF401"}),
    ("亲，麻烦给个五星好评哦，谢谢您呢[微笑]", {"KF402"}),
]


@pytest.mark.parametrize("reply, silent", TRAPS, ids=[t[0] for t in TRAPS])
def test_trap_is_not_a_finding(reply: str, silent: set[str]) -> None:
    assert codes(reply) & silent == set()


RECALL = [
    ("这个不行哦", "KF101"),  # Vale's \b…\b never matches 不行 inside a Chinese run
    ("亲，这个真的没办法呢", "KF101"),
    ("亲，这个不可以哦", "KF101"),
    ("系统无法修改哦", "KF101"),
    ("不，这款没有红色的哦", "KF103"),
    ("不是的亲，这款是正品哦", "KF103"),
    ("你好，请问有什么可以帮你的呢", "KF205"),
    ("亲，这款卖得最好哦", "KF401"),
    ("顶级面料哦亲", "KF401"),
    ("加vx领券哦亲", "KF403"),
    ("好评后联系客服领红包哦", "KF402"),
]


@pytest.mark.parametrize("reply, code", RECALL, ids=[r[0] for r in RECALL])
def test_word_is_still_found(reply: str, code: str) -> None:
    assert code in codes(reply)


def test_finding_points_at_the_word() -> None:
    [finding] = [f for f in LINTER.lint([Template(path="t.txt", reply="亲，这个不行哦", line=3, column=5)])
                 if f.rule == "KF101"]
    assert (finding.line, finding.column, finding.end_column) == (3, 9, 11)


def test_segmentation_is_not_loaded_without_a_short_hit() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from kefu_lint.config import Settings\n"
        "from kefu_lint import boundaries\n"
        "from kefu_lint.engine import Linter\n"
        "from kefu_lint.model import Template\n"
        "linter = Linter(Settings())\n"
        "linter.lint([Template(path='t', reply='亲，您好，有什么可以帮您的呢[微笑]')])\n"
        "print('jieba' in sys.modules, boundaries.loaded())\n"
        "linter.lint([Template(path='t', reply='这款迷你包不行哦')])  # 迷你 crosses 你: cut the block\n"
        "print('jieba' in sys.modules, boundaries.loaded())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False", "True"]


def test_an_empty_set_has_no_findings() -> None:
    assert LINTER.lint([]) == []
