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
