"""Context around a hit: a reply cut into clauses, and the conditions a rule may declare.

Chat replies run sentences together (亲 地址改不了的 已经打包出库了), so the unit of context is
the *clause*: the text between two separators (，。！？；、~ spaces, line breaks, emoticons).
A rule names the conditions under which a hit of its words is not a finding (``unless``); each
condition looks only at the hit's clause and its neighbours, so context costs something only
where a rule already has a hit. The conditions are what a senior trainer asks of a sentence:

``conditional``  the hit is what happens *if* something (如果/要是/万一…就, …的话, 删除后就…)
``question``     the clause asks (吗, 什么/怎么/哪, 是否, 还是…呢, A-not-A such as 行不行, a ？)
``reported``     the hit reports what a third party or a screen says (快递员无法联系到您, 系统显示…)
``agent_acts``   the agent takes the work on (我帮您联系快递, 这边为您反馈)
``warning``      the clause warns against the thing (不要加陌生人微信)
``own_items``    a comparison among the shop's own items (店里卖得最好的, 这几款里最便宜的)
``advice``       usage advice rather than a claim (冷水洗效果最好, 冷藏后饮用口感最佳)

``complaint(text)`` tells whether a customer's message describes a problem (破损, 没收到, 质量问题,
投诉 …) rather than a worry (会起球吗), and ``answers_problem(reply)`` whether a reply written
without the customer's words answers one: both for the after-sales rules. Commercial chat quality inspection composes the same operators
(keyword, context, exclusion, speaker, position); here each stays a named, tested predicate.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from .patterns import alternation

# Separators between clauses: punctuation, emoji, emoticons ([微笑]) and spaces, which separate
# only after non-ASCII text (a space inside "iPhone 15" is not a clause break). The lookahead
# comes first: one class test rules out most positions, where each alternative would be tried
# (twice as fast over chat text).
_SEPARATORS = "，,。！!？?；;、~～…\n\r\t\u3000"
_PICTURES = "\U0001f000-\U0001faff\u2600-\u27bf"
_BREAK = re.compile(rf"(?=[{_SEPARATORS} \[{_PICTURES}])(?:[{_SEPARATORS}{_PICTURES}]|(?<![ -~]) +|\[[^\[\]\n]{{1,8}}\])")


def clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the clause holding ``text[start:end]``."""
    first = 0
    for m in _BREAK.finditer(text, 0, start):
        first = m.end()
    m = _BREAK.search(text, end)
    return first, m.start() if m else len(text)


def clauses(text: str) -> list[tuple[int, int]]:
    """Every non-empty clause of ``text``, in order."""
    spans, first = [], 0
    for m in _BREAK.finditer(text):
        if m.start() > first:
            spans.append((first, m.start()))
        first = m.end()
    if first < len(text):
        spans.append((first, len(text)))
    return spans


def _after(text: str, end: int) -> str:
    """The separator right after a clause ending at ``end`` (for a question mark)."""
    rest = text[end:end + 2].lstrip(" ")
    return rest[:1]


# -- the conditions: (text, clause start, clause end, hit start, hit end) -> bool

_IF_BEFORE = re.compile(r"如果|要是|假如|假设|万一|倘若|若是|一旦|除非|否则|不然|只要|如若|(?:之后|以后|[了完]后|(?<![然售前背落之以])后(?![台面续期来]))[^，,。！!？?]{0,8}?就|的时候")
_IF_AFTER = re.compile(r"^(?:的话|时|的时候)|^[^，,。！!？?；;]{1,2}(?:的话|的时候)")


def conditional(text: str, cs: int, ce: int, start: int, end: int) -> bool:
    return bool(_IF_BEFORE.search(text, cs, start) or _IF_AFTER.search(text[end:ce]))


_QUESTION_WORD = re.compile(r"什么|怎么|怎样|为什么|为啥|哪|多少|几[点天号个件次]|如何")
_ASKING = re.compile(r"吗|是否|还是[^，。！？]*呢|([^\W\d_])[不没]\1")


def question(text: str, cs: int, ce: int, start: int, end: int) -> bool:
    """A ？ after the clause; 吗, 是否, 还是…呢 or an A-not-A question (行不行) in it, unless
    that is the hit itself; or a question word with a final 呢 / 啊 / 呀."""
    if _after(text, ce) in ("？", "?"):
        return True
    for m in _ASKING.finditer(text, cs, ce):
        if not (start <= m.start() and m.end() <= end):
            return True
    return bool(text[ce - 1 : ce] in ("呢", "啊", "呀") and _QUESTION_WORD.search(text, cs, ce))


_REPORTERS = re.compile(r"显示|反馈|提示|通知|表示|说|报|称|快递员|快递小哥|派送员|配送员|骑手|师傅|他们|对方|页面|链接")


def reported(text: str, cs: int, ce: int, start: int, end: int) -> bool:
    return bool(_REPORTERS.search(text, cs, start))


_TAKES_ON = re.compile(
    r"(?:[帮为给替](?:您|你)?"
    r"|(?:我|我们|(?<![您你])这边|我这边|我们这边)(?:这就|现在就|现在|就|刚|刚刚|好|正在|已经|马上|立刻|立即|会|来|去|先"
    r"|再|一起|同时|也|第一时间|尽快)*[帮为给替]?(?:您|你)?"
    r"|(?:不用|无需|不需要|不必)(?:您|你)?|已|已经|正在|会|马上|立即|立刻)$"
)


def agent_acts(text: str, cs: int, ce: int, start: int, end: int) -> bool:
    return bool(_TAKES_ON.search(text[cs:start]))


_WARNS = re.compile(r"不要|别|切勿|谨防|小心|请勿|千万|以免|防止|不会(?:让|要求)|骗|假冒|冒充|不是我们|注意辨别|不能|不可以|禁止|不允许")


def warning(text: str, cs: int, ce: int, start: int, end: int) -> bool:
    """The clause, or the one right after it, warns (…不是我们客服的 千万不要转账)."""
    after = next((e for s, e in clauses(text) if s >= ce), ce)
    return bool(_WARNS.search(text, cs, after))


_OWN = re.compile(r"这[几两三四五些]款|几款|[款个]里|店里|店内|本店|我们店|店铺|全店|系列里|里面|当中|之中")
_RANKING = re.compile(r"最|第一|首选")


def _with_previous(text: str, cs: int) -> int:
    """Where the clause before the one starting at ``cs`` starts (``cs`` if none)."""
    before = [s for s, e in clauses(text) if e <= cs]
    return before[-1] if before else cs


def own_items(text: str, cs: int, ce: int, start: int, end: int) -> bool:
    """A ranking (最…, 第一) among the shop's own items; the scope may be named in the clause
    before."""
    return bool(_RANKING.search(text, start, end) and _OWN.search(text, _with_previous(text, cs), start))


_USAGE = re.compile(r"洗|喝|吃|饮用|食用|冷藏|冷冻|放|使用|保存|储存|穿|晒|泡|加热|搭配|开封|收到后|建议|冲服|服用|涂抹|冲泡")


def advice(text: str, cs: int, ce: int, start: int, end: int) -> bool:
    """Usage advice, not a claim: 冷水洗效果最好, 冷藏后饮用口感最佳 (最好 / 最佳 after a
    usage word in the clause or the one before)."""
    return text[start:end] in ("最好", "最佳") and bool(_USAGE.search(text, _with_previous(text, cs), start))


CONDITIONS: dict[str, Callable[[str, int, int, int, int], bool]] = {
    "conditional": conditional,
    "question": question,
    "reported": reported,
    "agent_acts": agent_acts,
    "warning": warning,
    "own_items": own_items,
    "advice": advice,
}


# -- problems, for the after-sales rules

PROBLEMS = (
    # broken, faulty, not working
    r"破损|破了|破的|坏|碎|裂|断了|压扁|压坏|摔|变形|洞|漏|霉|烂|臭|虫|脏|划痕|瑕疵|线头|开胶|起球|掉色|褪色|"
    r"缩水|鼓包|不亮|不响|不转|不制冷|不制热|不出水|不出风|不充电|充不进|没声音|没反应|没信号|断网|连不上|"
    r"打不开|开不了|装不上|对不上|按不动|卡住|卡顿|死机|黑屏|花屏|不能用|用不了|不好用|异响|响声|杂音|噪音|"
    r"发烫|味道(?:好|很|太|特别)?[大重冲]|异味|怪味|熏|粗糙|做工差|质量问题|质量太差|质量差|什么质量|质量不行|"
    # does not fit, hurts
    r"太小|太大|偏小|偏大|磨脚|不合适|不舒服|勒|过敏|红了|痒|起痘|红疹|起疹|疹子|红肿|有毒|甲醛|有股|一股|"
    # (a look-behind, not a class, so that every alternative starts with a literal character;
    # a clause never starts right after a CJK character, so clauses are searched the same)
    r"(?<=[\u4e00-\u9fff])不(?:了|到|上|动|开|进|懂|住|回|减|严|出来(?<![拍看说想]不出来)|稳|灵)|还是(?:不|没|干|痛|坏|生)|差(?:太多|很多|劲)|[很太么]差|"
    # wrong or missing
    r"发错|错发|寄错|送错|少发|漏发|少了|缺|怎么没有|不一样|不符|色差|假货|"
    # not shipped, not arrived, lost
    r"还不发|不发货|怎么还没|没收到|没拿到|没动|没更新|不动了|退回|丢|慢|延误|超时|不给送|"
    r"没人(?:管|理|回|送|给|接)|"
    r"都.{0,3}[天周月]了|一个?(?:星期|礼拜)|几天了|这么久|过期|(?:寄|送|发)到.{0,6}去了|拉回去|"
    # money
    r"退款.{0,6}(?:没|还没|未)|钱呢|多扣|补运费|凭什么|降价|"
    # anger
    r"投诉|差评|骗|垃圾|破东西|坑|失望|气死|生气|无语|什么东西|怎么回事|到底|搞什么|态度|另外收|多收|乱收|"
    # it still has not happened, it went wrong
    r"(?:还|一直|都|仍然|始终|迟迟)(?:不|没)(?:到|发|来|送|回|处理|更新|动|收到|退|给|人|更|影)|失败|[印开送拿发]错|被偷|被(?:别人|人)?拿|骂人|掉了|掉毛|化了|软了|拉肚子|"
    r"脂肪粒|不通|扣了两次|审核不通过|取消了|说好|结果|耽误|少送|没来|"
    # spoilt, worn, out of shape
    r"结块|凝固|瘪|凹|塌|刺鼻|蔫|黄了|枯|钻绒|钻毛|跑毛|粘|湿透|泡了|刮花|划花|刮伤|生锈|掉漆|起皮|开线|脱线|变质|胀袋|"
    r"变(?:小|差|慢|弱|色|质)|不出(?:热|冷)?(?:水|风|气)|不(?:加热|热了|制冷)|声音(?:很|太|特别)?大|在跳|跳闸|错误|报错|闪退|"
    r"登不上|太(?:长|短|紧|松|薄|厚|硬|重)|二手|旧的|旧包装|拆过|被拆|开过封|"
    r"(?:接口|尺码|尺寸|颜色|型号|规格|码数|数量|款式|价格|金额)不对|有(?<!以后有)(?<!万一有)(?<!如果有)(?<!要是有)(?:点)?问题(?![^，。！？]{0,3}(?:怎么|找谁|的话|可以|随时|联系))|"
    r"出(?<!万一出)(?<!如果出)(?<!要是出)(?:了)?问题(?![^，。！？]{0,3}(?:怎么|找谁|的话|可以|随时|联系))|"
    # not what was ordered, less than ordered, not delivered as promised
    r"(?:收到|来|发来|寄来)的?是|发成|只收到|只来了|没到|一直(?:在|显示)|就是不|没送(?:上门|到)|点了签收|只送到|不让|"
    r"让我自己|便宜了|加钱|要收|不吃|空白|盗版|扣钱|扣了钱|没出订单|只到了|不对(?!吗)|字写错|等了.{0,4}[天周月]|到手才|生的|硬邦邦|"
    r"亮点|没生效|不生效|失灵|折了|疼|发红|没用|智商税|旧款|齁|不配|漂移|太黑|扣了我?两次|不准|烤糊|糊锅|没带|不带电池|没法吃|吃不下|"
    r"没法用|锁着|还在路上|已被使用|掉涂层|断线|响得|皱巴巴|像穿过|人呢|原地转|上楼费|超时费|收我|说了(?:好几|几|[两三四五])?遍|(?:问|说)了(?:好几|几|[两三四五])次|"
    r"(?:赠品|发票|配件|说明书|充电线)(?:呢|没)|(?:盒子|包装|箱子|袋子)里(?:面)?(?:没有|没)|"
    r"怎么(?:还|又|这么|就|会这样|发成|给我发)|怎么没(?:收到|到|发|减|人|反应|声音|赔|退|给|送|处理|回)|怎么不(?:发|送|回|退|理)|"
    r"为什么(?:不|要我|还|没|又)|(?:一直|迟迟|始终)(?:不|没)(?!错|舍得|时间|机会|空|问题)|还要(?:我|自己|另收|另外收)|"
    # money taken (多扣 is above), sizes off, things not given
    r"扣了我|扣我|钱扣了|乱扣|只退(?:我|了)|退钱|没全退|[让要]我(?:给|付|交|加|补)[^，。！？]{0,4}(?:钱|费|块|元)|收了[^，。！？]{0,6}(?:费|钱)|"
    r"(?:码|号|鞋|衣服|裤|裙|外套|尺寸|帽子|戒指|手环|窗帘|床单|被套)[^，。！？]{0,3}[大小短长紧松肥瘦]了|没给我|没热水"
)


@lru_cache(maxsize=1)
def _problem() -> re.Pattern:
    """``PROBLEMS`` spelt out (it is searched in every customer message), compiled on first use:
    compiling it takes longer than a pre-commit run's linting, and templates without customer
    words never need it."""
    return re.compile(alternation(patterns=[PROBLEMS]))


# A worry about what might happen (这个会起球吗, 会不会褪色, 质量怎么样) is a question, not a problem.
_WORRY = re.compile(r"会[^，。！？]*[吗吧]|会不会|能不能|怎么样|(?:要是|如果|万一|假如|买[了完])[^，。！？]*怎么办|是否会|是不是(?![^，。！？]{0,4}(?:发错|错发|少发|漏发|被|拆))|吗[？?]?$|(?<![为凭干底])什么(?!意思|态度|东西(?!都)|玩意|破)|(?!是不是)([^\W\d_])不\1")


# What a reply says when it answers a problem (for templates written without the customer's words).
_ANSWERS_PROBLEM = re.compile(r"破损|坏了|碎了|裂|发错|错发|少发|漏发|少件|缺件|质量问题|不便|不好的体验|延误|丢失|丢件|"
                              r"没收到|投诉|差评|过敏|漏液|漏水|色差|问题给您|(?<!不会)(?<!容易)(?<!容易.)坏[了的掉]|错了|没到|发烫|异味|味道(?:很|太)?[大重冲怪]|多扣|扣了两次|开胶|划痕|磨了|疹子|断了|"
                              r"黄叶|不转|折了|少的|死机|死了|停产|失灵|亮点|发红|压扁|塌|蔫|瘪|烂|"
                              r"不兼容|压痕|漏了|短了|慢是|(?<!之前)(?<!上次)反馈的问题|断网(?!也)|化了(?![^，。！？]{0,2}是正常)|超时(?!系统|会|自动|未)|很正常(?<![急心示态]很正常)")


def answers_problem(reply: str) -> bool:
    """Whether a reply, by what it says, answers a problem the customer has."""
    return _ANSWERS_PROBLEM.search(reply) is not None


def complaint(text: str | None) -> bool:
    """Whether ``text`` (a customer's message) describes a problem with an order."""
    search = _problem().search
    if not text or search(text) is None:
        return False
    return any(search(text, s, e) and not _WORRY.search(text[s:e]) for s, e in clauses(text))
