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


# Agents' innocent uses of the shapes the judgement rules look for (是…的问题 owned by the agent,
# 您问 / 您找 that send nobody anywhere, 不了 and 只能 that refuse nothing, customers' words with
# 大了 / 扣了 / 一直没 that are no complaint), written by a reviewer of those rules.
IN_CONTEXT = [
    # (reply, customer, scene, rules that must not fire)
    ("亲，确实是做工的问题，给您添麻烦了，马上给您换新的哦[微笑]", "鞋子开胶了", "售后", {"KF104"}),
    ("非常抱歉，这个确实是系统的问题，技术已经在修复了，优惠差价我先给您补上哦[微笑]", "优惠券用不了", "售后", {"KF104"}),
    ("您问这个问题特别专业，这款确实是100%纯棉的哦[微笑]", "是纯棉的吗", None, {"KF104"}),
    ("您找个纸箱包好就行，我这边给您预约上门取件，不用跑快递点哦[微笑]", "怎么退货", None, {"KF104"}),
    ("不管是您不想要了还是尺码不合适，七天内都可以无理由退换哦[微笑]", "不合适能退吗", None, {"KF104"}),
    ("抱歉让您久等了，您着急很正常，换成我也会急的，我马上帮您催仓库今天发出哦[微笑]", "怎么还没发货", "售后", {"KF104"}),
    ("换粮期间有点软便很正常哦，建议按七天换粮法慢慢过渡，我给您发个换粮表[微笑]", "换粮会不会拉肚子", None, {"KF104"}),
    ("鞋带的松紧可以自己调，穿脱都很方便哦[微笑]", "能调松紧吗", None, {"KF104"}),
    ("备注您不写也没关系，我们默认发白色哦[微笑]", "要备注颜色吗", None, {"KF104"}),
    ("付款时会弹窗提示您确认地址，您核对一下就好啦[微笑]", "怎么确认地址对不对", None, {"KF104"}),
    ("这个小熊挂件超可爱买就对啦[微笑]", "这个挂件好看吗", None, {"KF104"}),
    ("亲，这款掉不了色的，放心机洗哦[微笑]", "会掉色吗", None, {"KF101"}),
    ("过不了两天就到啦，已经在派送中了哦[微笑]", "多久能到", None, {"KF101"}),
    ("有运费险的，退回来您一分钱也损失不了哦[微笑]", "不合适退货要运费吗", None, {"KF101"}),
    ("这款锅可不只能炒菜，煎炸炖煮都可以哦[微笑]", "能炖汤吗", None, {"KF101"}),
    ("真丝面料只能低温熨烫哦，温度高了容易发黄[微笑]", "能熨吗", None, {"KF101"}),
    ("谢谢亲一直以来的支持呀，已经给您备注优先发货啦[微笑]", "你家东西一直不错，又来回购了", None, {"KF302"}),
    ("好的亲，大一码的话可以把袖口挽一下穿哦[微笑]", "宝宝长得快，买大了一码正好明年穿", None, {"KF302"}),
    ("好的亲，已经看到您付款成功了，马上给您安排发货哦[微笑]", "我用积分扣了20块，剩下的微信付的", None, {"KF302"}),
    ("亲，帮您看了，您拍了两件哦，数量是对的呢[微笑]", "我是不是漏拍了一件，帮我看看", None, {"KF302"}),
    ("亲，还有别的问题，随时联系我哦[微笑]", None, "售后", {"KF302"}),
    ("亲，退货单号请在7天内填写，超时系统会自动关闭申请哦[微笑]", None, "售后", {"KF302"}),
]


@pytest.mark.parametrize("reply, customer, scene, silent", IN_CONTEXT, ids=[t[0] for t in IN_CONTEXT])
def test_innocent_use_in_context_is_not_a_finding(reply, customer, scene, silent) -> None:
    assert codes(reply, customer=customer, scene=scene) & silent == set()


# The blame, refusals and problems those shapes stand for (each item once missed on new text).
FOUND_IN_CONTEXT = [
    ("那是您家墙不承重 下单前就该自己量好的", None, "售后", "KF104"),
    ("清关慢是海关的事 有异议您去找海关", None, "售后", "KF104"),
    ("社区团购的菜是团长分拣的 少了您找团长", "买的青菜没给我", "售后", "KF104"),
    ("这个app会员是按年扣的 您去年开的时候就同意了", "为什么一下扣了我198", "售后", "KF104"),
    ("别人买都没问题 就你的有问题", "充电宝充不进电", "售后", "KF104"),
    ("您好 销户需要本人带身份证去营业厅办理 线上受理不了", "我要销户", "售后", "KF101"),
    ("周末师傅不上门 只能约工作日", None, "售中", "KF101"),
    ("您拍一下鞋码标签 我看看", "鞋子大了一码", "售后", "KF302"),
    ("没有发错 订单上就是42", "你们是不是发错码了 我要的41", "售后", "KF302"),
    ("苹果扣的钱我们这边看不到", "扣了我68 退钱", "售后", "KF302"),
]


@pytest.mark.parametrize("reply, customer, scene, code", FOUND_IN_CONTEXT, ids=[t[0] for t in FOUND_IN_CONTEXT])
def test_blame_refusal_and_problem_are_found_in_context(reply, customer, scene, code) -> None:
    assert code in codes(reply, customer=customer, scene=scene)


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
