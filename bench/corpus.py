"""Deterministic corpora shaped like real chat text, for the benchmark and the engine tests.

Real agent replies mostly carry no emoticon, often no modal particle, rarely a final full stop,
and run several sentences together with spaces; real files give one to three findings per
reply. ``replies(n)`` writes such agent replies (about two findings each with all rules);
``chat_lines(n)`` writes a chat log as plain text, customer and agent lines mixed, as exported
chat text is (about three to four findings per line, like the real exports measured in the
engine issue). Both are seeded: the same ``n`` gives the same text.
"""

from __future__ import annotations

import random

PRODUCTS = ["连衣裙", "T恤", "羽绒服", "牛仔裤", "衬衫", "卫衣", "蓝牙耳机", "保温杯", "面霜", "猕猴桃", "床垫", "奶粉"]
COLOURS = ["白色", "黑色", "杏色", "雾霾蓝", "酒红色", "燕麦色"]
COURIERS = ["中通", "圆通", "韵达", "顺丰", "申通", "京东"]
OPENINGS = ["亲 ", "亲，", "您好 ", "亲爱的 ", "", "", "", "嗯嗯 ", "好的亲 ", "亲亲 "]
FRAGMENTS = [
    "这款{p}是{c}的 实物和图片一样",
    "订单尾号{o}已经发出了 {k}的单号{m}",
    "一般{d}天左右能到",
    "今天{t}点前拍下当天发",
    "{c}的{s}码还有货",
    "麻烦您提供一下订单号和照片 我这边帮您登记",
    "我这边帮您催一下快递",
    "这边给您备注好了",
    "您身高{h}体重{w}斤的话建议拍{s}码",
    "退款已经给您处理了 原路退回",
    "收到货有问题随时联系我们",
    "现在活动是满{n}减{x}",
    "稍等 我帮您查一下",
    "默认发{k} 偏远地区发邮政",
    "已经帮您反馈给仓库了",
    "这款是今年的新款 面料比较舒服",
    "您拍下后我这边马上安排",
    "实在抱歉让您久等了",
]
PROBLEMS = [
    "这个价格不行", "没办法改地址了", "地址改不了的", "您联系快递问问", "全网最低价", "加我vx",
    "你自己看详情页", "好评返现{x}元", "不包邮的", "这个做不到", "系统无法修改", "已经是最低价了",
    "不支持退换", "你的订单已经发了",
]
ENDINGS = ["", "", "", "", "哦", "呢", "哈", "~", "的哦", "呀", "啦"]
CUSTOMER = [
    "在吗", "在", "怎么还没发货", "你们这个质量太差了", "能便宜点吗", "发什么快递", "什么时候到",
    "好的", "嗯", "谢谢", "我要退货", "？", "这个有{s}码吗", "[图片]", "订单号：{o}", "东西坏了怎么办",
    "几天能到{p}", "可以改地址吗", "退款什么时候到账", "行吧", "好", "你好", "尺码怎么选",
]


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        p=rng.choice(PRODUCTS), c=rng.choice(COLOURS), k=rng.choice(COURIERS),
        o=f"{rng.randint(1, 9)}***{rng.randint(10, 99)}", m=f"7{rng.randint(10, 99)}****{rng.randint(1000, 9999)}",
        d=rng.randint(2, 5), t=rng.randint(14, 18), s=rng.choice("SML") if rng.random() < 0.7 else "XL",
        h=rng.randint(150, 185), w=rng.randint(85, 160), n=rng.choice((99, 199, 299)), x=rng.randint(5, 50),
    )


def reply(rng: random.Random) -> str:
    """One agent reply, written the way agents type in chat."""
    parts = [_fill(rng.choice(FRAGMENTS), rng) for _ in range(rng.choice((1, 1, 2, 2, 3)))]
    if rng.random() < 0.25:
        parts.insert(rng.randrange(len(parts) + 1), _fill(rng.choice(PROBLEMS), rng))
    text = rng.choice(OPENINGS) + rng.choice((" ", " ", "，")).join(parts) + rng.choice(ENDINGS)
    if rng.random() < 0.08:
        text = text.replace("您", "你", 1)
    if rng.random() < 0.05:
        text = text.replace(" ", ",", 1)
    roll = rng.random()
    if roll < 0.10:
        text += "[微笑]"
    elif roll < 0.13:
        text += "😊"
    return text


def replies(size: int) -> list[str]:
    rng = random.Random(size)
    return [reply(rng) for _ in range(size)]


def chat_lines(size: int) -> list[str]:
    """A chat log exported as text: customer lines and agent replies, two to one."""
    rng = random.Random(-size)
    return [reply(rng) if rng.random() < 0.34 else _fill(rng.choice(CUSTOMER), rng) for _ in range(size)]


# ---------------------------------------------------------------------------- chat exports

CHAT_HEADER = ("会话ID", "发送时间", "角色", "客服昵称", "消息内容")
AGENTS = ["小美", "阿杰", "小雨", "丽丽", "大伟", "晓晓", "小林", "芳芳"]
GREETINGS = [
    "亲，您好！很高兴为您服务，请问有什么可以帮到您呢[微笑]", "您好，我是客服{a}，请问有什么可以帮您的吗",
    "在的亲", "亲 在的 您说", "您好",
]
FAREWELLS = [
    "感谢亲的光临，祝您生活愉快，欢迎下次再来哦[挥手]", "好的亲 有问题随时找我", "不客气亲 祝您购物愉快~", "",
]
ANGRY = ["我要投诉你们", "什么垃圾东西", "你们是骗子吧", "再不处理我就给差评了", "我要举报"]
CARDS = ["[订单卡片] 订单号 {o}", "[商品卡片] {p}"]
AUTO = "您好，欢迎光临本店，客服马上为您服务哦"


def _session(rng: random.Random, number: int, start: float):
    """The lines of one session as ``(seconds, role, agent, text)``, times from ``start``."""
    agent, clock = rng.choice(AGENTS), start
    lines = [(clock, "顾客", "", _fill(rng.choice(CUSTOMER), rng))]
    if rng.random() < 0.3:
        lines.append((clock + 1, "自动回复", "", AUTO))
    if rng.random() < 0.2:
        lines.append((clock + 2, "系统", "", _fill(rng.choice(CARDS), rng)))
    if rng.random() < 0.04:  # nobody answers
        return lines
    clock += rng.choice((4, 8, 12, 20, 25, 40, 75))
    lines.append((clock, "客服", agent, rng.choice(GREETINGS).format(a=agent)))
    for _ in range(rng.randint(1, 6)):
        clock += rng.randint(5, 60)
        text = rng.choice(ANGRY) if rng.random() < 0.03 else _fill(rng.choice(CUSTOMER), rng)
        lines.append((clock, "顾客", "", text))
        if rng.random() < 0.3:
            clock += rng.randint(2, 20)
            lines.append((clock, "顾客", "", _fill(rng.choice(CUSTOMER), rng)))
        if rng.random() < 0.03:  # the customer's last question is left unanswered
            return lines
        clock += rng.choice((6, 10, 15, 25, 40, 60, 90, 150, 240))
        for _ in range(rng.choice((1, 1, 1, 2))):
            lines.append((clock, "客服", agent, reply(rng)))
            clock += rng.randint(3, 15)
    if farewell := rng.choice(FAREWELLS):
        lines.append((clock + rng.randint(5, 30), "客服", agent, farewell))
    if rng.random() < 0.4:
        lines.append((clock + rng.randint(30, 60), "顾客", "", rng.choice(("好的", "谢谢", "好的谢谢", "嗯嗯"))))
    return lines


def chat_export(size: int, open_sessions: int = 20):
    """``size`` rows of a chat export (``CHAT_HEADER``), a day of sessions as a shop's agents
    work them: ``open_sessions`` at a time, their lines interleaved in time order, with
    auto-replies, order cards, a few unanswered and angry customers. Seeded: the same ``size``
    gives the same rows."""
    import heapq
    from datetime import datetime, timedelta

    rng = random.Random(size * 7 + 1)
    day = datetime(2026, 11, 20, 9)
    heap: list[tuple] = []
    left: dict[int, int] = {}  # session -> lines not yet written

    def start(number: int, clock: float) -> None:
        lines = _session(rng, number, clock)
        left[number] = len(lines)
        for order, (moment, role, agent, text) in enumerate(lines):
            heapq.heappush(heap, (moment, number, order, role, agent, text))

    for number in range(1, open_sessions + 1):
        start(number, number * 30.0)
    number = open_sessions
    for _ in range(size):
        clock, session, _, role, agent, text = heapq.heappop(heap)
        yield (f"S{session:07d}", (day + timedelta(seconds=clock)).strftime("%Y-%m-%d %H:%M:%S"), role, agent, text)
        left[session] -= 1
        if not left[session]:
            del left[session]
            number += 1
            start(number, clock + rng.randint(5, 90))
