"""The rule registry: every kefu-lint rule, declared as data.

This module is the single source of truth for the rules. The engine reads each rule's ``check``
kind and parameters, the CLI prints its text (``kefu-lint rule KF101``), the tests run its bad
and good examples, and the handbook's style-guide pages are generated from it at build time.

Adding a rule means adding a ``Rule(...)`` below with examples; the check kinds it can use are
implemented in ``checks.py``, and a rule that sets a field its kind does not read is an error
at import. Throughout, ``words`` are literal text (ASCII letters in either case) and
``patterns`` and ``allow`` are regular expressions; a short word is matched only on word
boundaries found the way jieba finds them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from .chats import SESSION_KINDS
from .checks import KINDS
from .context import CONDITIONS
from .model import CJK, SCENES, SEVERITIES

# Category slug -> (Chinese title, one-line description). The slug is the style-guide page.
CATEGORIES: dict[str, tuple[str, str]] = {
    "redlines": ("高压线", "客服绝对不能碰的红线：拒绝、冷淡、争执。"),
    "tone": ("热情语气", "让文字带上温度：礼貌用语、语气词、表情、回复比顾客多。"),
    "process": ("流程", "接待流程中固定的环节：进门问好、售后先致歉、礼貌告别。"),
    "compliance": ("合规", "平台规则与《广告法》：绝对化用语、好评返现、引导站外交易。"),
    "templates": ("模板规范", "话术模板本身的格式：占位符、长度、标点。"),
    "conversation": ("会话质检", "从整段聊天记录看接待：响应及时、有问必答、不重复、问候与告别、先安抚情绪。"
                                 "只在检查聊天记录（kefu-lint chats）时使用。"),
}


@dataclass(frozen=True, slots=True)
class Example:
    """A reply used to document and test a rule, with the context the rule needs."""

    reply: str
    customer: str | None = None
    scene: str | None = None
    # Replies that come before this one in the same template set (set-level rules: KF105).
    siblings: tuple[str, ...] = ()
    # Placeholder names the template set declares (KF501).
    placeholders: tuple[str, ...] = ()


_SPEAKERS = {"顾客": "customer", "客服": "agent", "系统": "system"}


@dataclass(frozen=True, slots=True)
class Chat:
    """A conversation used to document and test a conversation rule (KF6xx): one string per
    line, the speaker (顾客, 客服 or 系统), the time if the rule needs one, then the text:
    ``"顾客 10:00:00 在吗"``."""

    lines: tuple[str, ...]

    def __post_init__(self) -> None:
        for line in self.lines:
            if line.split(" ", 1)[0] not in _SPEAKERS:
                raise ValueError(f"chat example line {line!r}: starts with 顾客, 客服 or 系统")

    def parsed(self) -> list[tuple[str, str, str | None, str]]:
        """``(speaker, role, time or None, text)`` per line."""
        result = []
        for line in self.lines:
            speaker, rest = line.split(" ", 1)
            time, _, text = rest.partition(" ")
            if not re.fullmatch(r"\d{1,2}:\d{2}:\d{2}", time):
                time, text = None, rest
            result.append((speaker, _SPEAKERS[speaker], time, text))
        return result


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    title: str  # short Chinese name
    category: str  # key of CATEGORIES
    severity: str  # default severity, one of SEVERITIES
    check: str  # the check kind (``checks.KINDS``)
    message: str  # Chinese message shown to template authors; may use {match}
    rationale: str  # Chinese: why the rule exists
    source: str  # the seed passage (or regulation) the rule comes from
    handbook: str  # the handbook page (docs/ path) that explains the rule
    bad: tuple[Example | Chat, ...]  # conversation rules (KF6xx) document themselves with chats
    good: tuple[Example | Chat, ...]
    # Parameters of the check kind; each kind reads only some (``Kind.fields``).
    words: tuple[str, ...] = ()  # literal words
    patterns: tuple[str, ...] = ()  # regular expressions
    allow: tuple[str, ...] = ()  # regular expressions: a hit inside one of these is not a finding
    unless: tuple[str, ...] = ()  # contexts in which a hit is not a finding (``context.CONDITIONS``)
    # Scene rules: (label, words) groups; each group must be present in the reply.
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    scene: str | None = None  # the scene a scene rule applies to
    first_sentence: bool = False  # scene rule: look only at the first sentence
    # Safe rewrites for ``--fix``: (regex that must match a hit's whole text, replacement
    # template as in ``re.Match.expand``). A hit that no entry matches is reported, not fixed.
    fix: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        kind = KINDS.get(self.check) or SESSION_KINDS.get(self.check)
        if kind is None:
            raise ValueError(f"{self.code}: unknown check kind {self.check!r}"
                             f" (kinds: {', '.join([*KINDS, *SESSION_KINDS])})")
        examples = {type(e) for e in self.bad + self.good}
        if examples - {Chat if self.conversation else Example}:
            raise ValueError(f"{self.code}: examples of a {'conversation' if self.conversation else 'reply'}"
                             f" rule are {'Chat' if self.conversation else 'Example'} values")
        for f in fields(self):
            if f.name in _PARAMETERS:
                value = getattr(self, f.name)
                if value != f.default and f.name not in kind.fields:
                    raise ValueError(f"{self.code}: check kind {self.check!r} does not read {f.name!r}"
                                     f" (it reads: {', '.join(sorted(kind.fields)) or 'nothing'})")
                if f.name in kind.required and value == f.default:
                    raise ValueError(f"{self.code}: check kind {self.check!r} needs {f.name!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.code}: unknown severity {self.severity!r}")
        if self.scene is not None and self.scene not in SCENES:
            raise ValueError(f"{self.code}: unknown scene {self.scene!r}")
        unknown = set(self.unless) - CONDITIONS.keys()
        if unknown:
            raise ValueError(f"{self.code}: unknown context {sorted(unknown)} (contexts: {', '.join(CONDITIONS)})")
        if kind in KINDS.values() and (problem := kind.misfit(self)):
            raise ValueError(f"{self.code}: {problem}")

    @property
    def conversation(self) -> bool:
        """A conversation rule (KF6xx): it checks a whole chat session, not one reply."""
        return self.check in SESSION_KINDS

    @property
    def anchor(self) -> str:
        return self.code.lower()

    @property
    def page(self) -> str:
        """Path of the rule's style-guide section, relative to the site root."""
        return f"style/{self.category}/#{self.anchor}"


# The fields that parametrise a check kind.
_PARAMETERS = frozenset({"words", "patterns", "allow", "unless", "groups", "scene", "first_sentence", "fix"})

# Third parties a reply can send the customer to (KF104): couriers, makers, platforms, services.
_THIRD_PARTY = (
    "(?:快递|物流|顺丰|中通|圆通|韵达|申通|邮政|京东|极兔|派件员|骑手|师傅|小哥|厂家|品牌|出版社|保险公司|运营商|菜鸟"
    "|售后点|售后网点|售后中心|网点|站点|配送站|维修|4S店|裁缝店|五金店|仓库|售后组|售后客服|直播运营|物业|驿站|丰巢"
    "|检测|银行|平台|官方|店铺|商家|卖家|热线|客服电话|400|12315|消协|当地|附近|他们|他|她|对方|配送员|快递员|送货员"
    "|司机|电工|安装师傅|厂商|供应商|手机店|维修店|海关|团长|主播|导游|地接社|苹果(?=申请|官方|售后|客服|那边|公司)|燃气公司|财务)"
)

# What tells the customer a slip does not matter (您不写也没关系, 您签收前没验货也能申请): not blame (KF104).
_NO_MATTER = "也?(?:没关系|可以|行|能|没事|不要紧|不影响)"

# Spans whose ASCII punctuation is not prose: placeholders, [emoticons], web addresses.
_PROTECTED = (r"\{[^{}\n]*\}", r"\[[^\[\]\n]*\]", r"(?:https?://|www\.)[!-~]+")


def _chat(*lines: str) -> Chat:
    return Chat(lines)


# A conversation that passes every rule: greeting, answers longer than the questions, farewell.
_MODEL_CHAT = (
    "顾客 10:00:00 在吗",
    "客服 10:00:12 亲，您好！很高兴为您服务，请问有什么可以帮到您呢[微笑]",
    "顾客 10:00:30 这款连衣裙有M码吗",
    "客服 10:00:50 亲，M码有现货的哦，今天下午四点前付款当天就能发货呢[微笑]",
    "顾客 10:01:30 好的，我拍了",
    "客服 10:01:45 感谢亲的支持，祝您生活愉快，欢迎下次再来哦[挥手]",
)
_GREETING = "客服 10:00:12 亲，您好！很高兴为您服务，请问有什么可以帮到您呢[微笑]"
_FAREWELL = "感谢亲的支持，祝您生活愉快，欢迎下次再来哦[挥手]"


def _ex(reply: str, customer: str | None = None, scene: str | None = None, *siblings: str) -> Example:
    return Example(reply, customer, scene, tuple(siblings))


RULES: tuple[Rule, ...] = (
    # ------------------------------------------------------------------ 高压线 (red lines)
    Rule(
        code="KF101",
        name="no-refusal",
        title="不说拒绝的话",
        category="redlines",
        severity="error",
        check="existence",
        message="避免拒绝用语「{match}」：用肯定的方式表达否定的意思，并给出替代方案",
        rationale=(
            "「不行」「不能」「改不了」「没法」这类话一出口，顾客听到的只是被拒绝。"
            "高压线第一条就是不说带「不」的拒绝；即使条件确实不允许，也要换成肯定的说法，"
            "告诉顾客我们能做什么。会报告：不行、不可以、不能、没办法、没法、无法、做不到，"
            "「改不了」「发不了」「给不了」这类「动词＋不了」，「不发」「不送」「不指定」这类"
            "说明店里不做什么的话，「只能发邮政」「只发顺丰」这类限制，以及说完就结束的「查不到」。"
            "不报告：条件句（要是重启后还不行就……、删除后就无法找回了）、问句（这样安排行不行呢、"
            "无法登录时页面提示什么呢）、转述快递员或系统的状态（快递员无法联系到您）、"
            "查不到之后马上说明我来处理的，以及不拒绝任何事的否定（不错、不客气、不用担心、不含、不能机洗）。"
        ),
        source="seeds/000 客服不能碰的高压线：a. 不要说不行、不可以，带「不」字；d. 不要直接拒绝客户",
        handbook="mindset/red-lines.md",
        words=(
            "不行", "不可以", "不能", "没办法", "没有办法", "没法", "无法", "做不到", "办不到",
            "不支持", "不接受", "不包邮", "不议价", "不讲价", "概不退换", "不退不换", "没有权限",
            "不好处理", "不会再便宜",
        ),
        patterns=(
            # A service verb + 不了: 改不了, 发不了, 给不了 …
            "(?:改|退|换|发|送|寄|开|加急|拦截|查|补|调|给|让|便宜|优惠|派送|配送|处理|报销|操作|保证"
            "|做|修|装|取消|到|催|管|左右|打折|减|安排|赔|理赔|上门|送货|指定|合并|开票|提供|享受|补贴|少|帮|拆|收|接|决定"
            "|同意|答应|通过|升级|延期|延长|修改|跟进|控制|合|插|保|开通|拍|去|挑|包|约|办理|退换|满足|包邮|叠加)不了",
            # … and any other verb + 不了 (受理不了, 代替不了), but not the ones that refuse nothing
            # (用不了多久, 坏不了, 丢不了, 错不了, 怪不了, 解决不了问题, 少不了您的)
            "不了(?<=[\u4e00-\u9fff]不了)(?<![受免错大忘差坏跑用要花离对怪赖禁止由吃丢决活变穿睡了领复掉褪缩漏摔滑断伤烫磨凉亏晚误占费算比过失]不了)(?!解|了之|多久|几|多少|多大|什么|两天|三天|您的|你的)",
            "领不了(?<!代领不了)|(?:享受|给|申请|领|调)不到|开不出|改不动|管不到|管不着|没招|没辙|没法子|帮不上|插不上手|做不了主",
            "没得(?:退|换|改|便宜|商量)|不刀|不保证|只给留|只负责|只管(?:卖|发)|不管(?:装|修|退)"
            "|不加(?:私人)?(?:微信|好友|qq|QQ)|不做(?=好评|返现|定制|代发|刻字|加急|售后)|不在(?:保修|退换|售后|服务|配送)范围",
            "不让(?:退|换|改|发|取消|退款)|不拆(?:开|箱|包)?(?:单卖|卖|发)|没有这种(?:操作|服务|规定)"
            "|不管(?:了|的)(?=[ ，,。！!？?~～\\n哦呢哈啊]|$)",
            # 不 + what the shop does: 不发, 不送货上楼, 不指定快递 …
            "(?<![打拆离分要对并从])不(?:单独)?(?:发货|发|送货|送|退货|退款|退|换货|换|寄|配送|派送|指定|单卖|卖"
            "|提供|参与|上门|合作|包安装|开票|开发票|跟进|收(?![取费钱定任]|[^，。！？ ]{0,3}费)|邮寄|开收据|补发|补|赔偿|赔|改价|加急|预约)"
            "(?!错|担心|客气|好意思|会|影响)",
            "不给(?:您)?(?:装|开|退|换|改|发|送|补|赔)",
            # Restrictions: 只能发邮政, 只发顺丰, 只送到楼下
            "(?<!不)只(?:能|可以)(?!说|用.{0,4}来形容|怪|更加|手洗|明火|冷水|常温|阴干|干洗|低温|冷藏|冷冻|平铺|用中性|滴|外用)",
            "只有[^，。！？,.!?\\n ]{1,8}?才(?:能|可以)",
            "只(?:发|送|配送|寄|支持|接受|合作)(?!货)", "只能这样",
            # 查不到 that ends the matter: no 我帮您 … after it in the reply
            "(?:查询|查|看|找)不到(?!.*(?:帮您|为您|给您|这边马上|我马上|我再|我来|我这边))",
        ),
        allow=(
            "不能(?:机洗|水洗|暴晒|晒|烘干|熨|沾水|碰水|泡|漂白|微波|明火|高温|空烧|混放|用力|用在|用于|放)",
        ),
        unless=("conditional", "question", "reported"),
        bad=(
            _ex("这个价格不行哦"),
            _ex("亲，不可以退的呢"),
            _ex("这个真没办法呀"),
            _ex("亲，这款不能退换哦"),
            _ex("亲，偏远地区不包邮呢"),
            _ex("系统无法修改地址哦"),
            _ex("亲 这样是不能的哈 两个订单是分开打包的", "我拍了两单 能不能一起发"),
            _ex("亲亲 地址改不了的哦 已经打包出库了"),
            _ex("亲这款圆通不发的哦 默认韵达 今天下午就能走"),
            _ex("这个价没法再少了哦 已经是成本价了"),
            _ex("只能发邮政哈 其他快递到不了"),
            _ex("查询不到您这个订单呢"),
            _ex("那个价格是直播间专属 店铺这边享受不了"),
            _ex("亲 这个活动只有新人才能参加哦"),
        ),
        good=(
            _ex("亲，这个价格已经是活动价了呢，现在下单还送运费险哦[微笑]"),
            _ex("亲，这款质量很不错的哦，您放心选购呢[微笑]"),
            _ex("不客气的亲，有需要随时找我哦[微笑]"),
            _ex("亲，不用担心，这款面料不会起球的呢[微笑]"),
            _ex("亲，这款不含荧光剂，宝宝也可以穿哦[微笑]"),
            _ex("亲，要是重启后还不行就联系我们哦，给您换新的呢[微笑]"),
            _ex("亲，这样安排行不行呢？先给您补发一件哦[微笑]"),
            _ex("亲，快递员反馈无法联系到您，我这边帮您约了明天再送哦[微笑]"),
            _ex("亲，这件羊毛衫不能机洗哦，冷水手洗就好啦[微笑]"),
            _ex("亲，放心吧，我们这边不收取任何费用的哦[微笑]"),
        ),
    ),
    Rule(
        code="KF102",
        name="no-single-char",
        title="不只回一个字或一句「好的」",
        category="redlines",
        severity="error",
        check="curt",
        message="只回了「{match}」：顾客会觉得被敷衍，请把话说完整",
        rationale=(
            "「嗯」「好」「在」这样的一个字回复，或者整条只有一句「好的」「是的」「收到」，"
            "在屏幕另一端显得冷淡又敷衍。高压线要求每句回复都是完整的一句话："
            "回应顾客说的事，带上称呼、礼貌用语和语气词。称呼（亲）、语气词、标点和表情不算内容，"
            "「好的亲~」「嗯嗯[微笑]」仍然会被报告；「好的亲，马上为您备注」不会。"
        ),
        source="seeds/000 客服不能碰的高压线：b. 不要只说一个字",
        handbook="mindset/red-lines.md",
        words=(
            "嗯", "恩", "好", "好的", "好滴", "好嘞", "好哒", "是", "是的", "是滴", "对", "对的", "有", "有的",
            "在", "在的", "可以", "可以的", "行", "行的", "收到", "知道", "知道了", "明白", "明白了", "了解",
            "OK", "👌",
        ),
        # Not content here: address words and modal particles.
        patterns=("亲+(?:爱的)?", "[呢哦噢喔呀啦哈呦哟嘛吧哒啊咯嘞呐滴]"),
        bad=(
            _ex("嗯"), _ex("好！"), _ex("在"), _ex("有~"), _ex("哦[微笑]"),
            _ex("好的亲~"), _ex("是的呢亲"), _ex("可以的哦"), _ex("OK"), _ex("嗯嗯 好的"), _ex("收到收到"),
        ),
        good=(
            _ex("亲，在的呢，请问有什么可以帮您的吗[微笑]"),
            _ex("好的亲，我马上帮您备注哦[微笑]"),
            _ex("是的呢亲，这款是纯棉的哦[微笑]"),
        ),
    ),
    Rule(
        code="KF103",
        name="no-bare-negation",
        title="不用光秃秃的否定开头",
        category="redlines",
        severity="warning",
        check="opening",
        message="回复以生硬的否定「{match}」开头：先肯定顾客，再说明情况",
        rationale=(
            "一开口就是「不」「没有」「不是的」「不行」，顾客首先感到的是被否定。"
            "沟通原则要求不直接否定客户、以肯定的方式表达否定的意义："
            "先回应顾客的关心，再说明实际情况。只看称呼（亲、您好）之后的第一个词。"
            "不报告安抚顾客的否定：不用担心、不会的（一般不影响使用）、没问题、没有色差、"
            "不客气、不谢、不好意思、不含……"
        ),
        source="seeds/000 客户接待沟通的基本原则：2. 不直接否定客户；b. 以肯定的方式，表达否定的意义",
        handbook="mindset/red-lines.md#no-contradiction",
        words=("不", "没", "没有", "没有的", "不是", "不对", "不会吧", "不行", "不能", "不可以", "不可能", "没法", "没办法"),
        allow=(
            "不用", "不会(?!吧)", "没(?:有)?(?:问题|色差|异味|味道|甲醛|副作用|影响|关系|事)", "不客气", "不谢",
            "不好意思", "不错", "不一定", "不麻烦", "不急", "不影响", "不含", "不掉", "不起球", "不缩水",
            "不变形", "不刺激", "不过敏",
        ),
        bad=(
            _ex("不，这款没有红色的哦"),
            _ex("没有呢，亲"),
            _ex("亲，不是的，这个是正品哦"),
            _ex("您好～～～～～～～～不是的，这款是正品哦"),
            _ex("不行的亲 这个是特价款"),
        ),
        good=(
            _ex("不错的选择呢亲，这款是店里的明星款哦[微笑]"),
            _ex("不会起球的亲，面料经过抗起球处理哦[微笑]"),
            _ex("不好意思让您久等了，请问有什么可以帮您的呢[微笑]"),
            _ex("没问题的亲，马上帮您改好地址哦[微笑]"),
            _ex("不用您再操作了哦，我这边已经帮您提交了换货呢[微笑]"),
            _ex("没有色差的亲，都是实物拍摄哦[微笑]"),
        ),
    ),
    Rule(
        code="KF104",
        name="no-arguing",
        title="不争执、不指责、不推诿",
        category="redlines",
        severity="error",
        check="existence",
        message="「{match}」带有争执、指责或推诿的意味：站在顾客一边，把事情接过来",
        rationale=(
            "任何与顾客的争执、对骂都是禁止的。指责顾客（您当时没接电话、地址是您自己填的、"
            "详情页写着的、我已经说过了），或者把事情推给顾客和别人去办（您联系快递问问、"
            "您找卖家问问、跟师傅商量一下吧、售后热线是……您直接拨打），只会把小问题变成差评和纠纷。"
            "区别在于谁去做：「我帮您联系快递」「这边为您反馈」是把事情接过来，不报告；"
            "请顾客提供只有他才有的东西（订单号、照片）、请顾客联系我们，也不报告。"
        ),
        source="seeds/000 客户接待沟通的基本原则：a. 任何与客户的争执、对骂都是禁止的；seeds/001 售后：先致歉、不推诿",
        handbook="mindset/red-lines.md#no-contradiction",
        words=(
            "你自己", "看清楚", "仔细看", "我已经说过", "已经说过了", "听不懂", "爱买不买",
            "不关我们的事", "不关我的事", "不归我们管", "不归我管", "跟我们没关系", "和我们没关系", "跟我没关系",
            "与我们无关", "你的问题", "你的责任", "随便你", "随便您", "随便吧", "没看到吗", "早就说过", "不是我们的问题",
            "不是我们负责", "不是我们店", "其他商家", "又不是我们", "都这样", "要求太高",
            "个人行为", "只负责", "往上翻", "我没说过", "不会吧", "没有发错", "再找找", "才说",
            "都好好的", "没有的事", "谁也保证不了", "我也是打工的", "个人体质", "使用问题", "一分钱一分货",
            "又不是我", "我问谁", "买不起",
        ),
        patterns=(
            # The same without a subject: 直接联系快递就行, 找快递理赔 (unless the agent does it)
            "(?:联系|咨询|找|问问|问|致电|拨打|打电话给)(?:一下|下)?(?:快递|物流|厂家|品牌方|平台|卖家|商家|物业|驿站|网点"
            "|售后中心|维修点|官方客服)(?:公司|员|那边|客服)?(?:问问|问一下|吧|的|理赔|处理|解决|就行|就可以|就好|即可)",
            "(?:快递|物流|驿站|丰巢|网点|厂家|平台|物业|师傅)[^，。！？,.!?\\n]{0,4}?(?:您|你)(?:自己)?(?:去)?"
            "(?:问|联系|咨询|找|沟通|商量|说)",
            "(?:要|得|需要)?(?:找|问|咨询)(?:一下|下)?(?:快递|物流|厂家|平台|卖家|商家|物业)(?:公司)?(?:那边)?"
            "(?:问问|吧|的|理赔|处理|解决)",
            "(?:跟|和)[^，。！？,.!?\\n]{0,6}?(?:快递|物流|物业|师傅|厂家|平台|卖家|商家|驿站|他们|对方)"
            "[^，。！？,.!?\\n]{0,4}?(?:沟通|商量|协商|反映)",
            "(?:您|你)?(?:直接|自己)(?:拨打|打|致电)(?!我|给我|客服|这边)",
            "(?:您|你)(?:自己)?(?:去|到)(?:网点|驿站|快递点|丰巢|营业厅|快递柜)",
            "(?<![我们])自己(?:先|再)?(?:看|查|翻|找|搜|研究|弄|操作|处理|想办法|约|对比|买|联系|去|解决|配|申请|拿|修(?!改)|粘|设置|跟|下载|下一个)",
            # … and adjusting or measuring it themselves, unless the product does it (松紧可以自己调)
            "自己(?<![以能它会]自己)(?<!麻烦您自己)(?<!麻烦你自己)(?:先|再)?(?:调|重启|预约|商量|对照|测)",
            # The customer's own carelessness: 自己没看清, 自己不注意 (not 自己不小心磕到的也没关系)
            "(?<![我们])自己(?:没有?|不)(?:看|注意|检查|量|选|关|仔细|小心|验|问)(?![^，。！？,.!?\\n ]{0,6}?(?:也没关系|也可以|也能|的情况))",
            # Sent to a third party, with or without a subject: 问下快递呢, 您寄到厂家售后中心就行 …
            "(?:问下|问问|问一下|找|联系|咨询|投诉|寄到|拿到|送到|去|打|致电|拨打|申请)(?:一下|下)?[^，。！？,.!?\\n ]{0,6}?" + _THIRD_PARTY,
            "(?:您|你)(?:可以|得|就|直接|自己|再)*(?:让|跟|和|向)[^，。！？,.!?\\n ]{0,6}?" + _THIRD_PARTY,
            # Whose job it is: 印刷问题是出版社那边的, 话费到账是运营商那边处理的
            "是" + _THIRD_PARTY + "[^，。！？,.!?\\n]{0,6}?(?:那边|负责|处理|的规定|的事|赔|管)",
            "(?:您|你)是不是(?:没|用|自己|不)",
            "(?:您|你)(?:当时|之前|[^，。！？,.!?\\n ]{1,6}?(?:的时候|时))?(?:自己)?(?:拍的就是|选错|点错|填错|写错|填的不|确认过|拆了"
            "|没报|买之前没看|不会用|用量太|用错)",
            "(?:我|我们|客服)(?:这边|也)?(?:不清楚|不知道)",
            "是(?:您|你)[^，。！？,.!?\\n ]{0,6}?的问题",
            "(?:您|你)(?:再|就)?(?:耐心)?等(?:等|着|平台通知)吧|再来问吧|不客观|理解有偏差",
            "(?:您|你)[^，。！？,.!?\\n ]{0,4}?(?:填的不|填错|写错|写的不|买的时候没)",
            "(?:您|你)[^，。！？,.!?\\n ]{0,4}?(?:不写|没写|没填|不填)(?![^，。！？,.!?\\n ]{0,3}?" + _NO_MATTER + ")",
            "(?:平台|官方)(?:申请)?介入|去找平台|平台会判",
            # Blame: 您当时没接电话, 地址是您自己填的, 您是不是自己摔过 …
            "(?:您|你)(?:当时|之前|自己|[^，。！？,.!?\\n ]{1,6}?(?:的时候|时|前))?(?:没有?|未)(?:接|看|注意|仔细|确认|检查|核对|选|填|领"
            "|按|关|备注|留意|及时|翻|验|拆|试|量|读|换|晒|报|留|问|说|提前)(?![^，。！？,.!?\\n ]{0,3}吗|[^，。！？,.!?\\n ]{0,3}" + _NO_MATTER + ")",
            "(?:您|你)[^，。！？,.!?\\n ]{0,8}?(?:没有?|不)(?:看|检查|验货|注意|看到|看清|确认|试|对|问|量)[^，。！？,.!?\\n ]{0,3}吗",
            "(?:因为|由于)(?:您|你)(?:自己)?(?:没|未|不|的)",
            "使用不当|操作不当|不当使用|自行(?:拆|修|改|处理)",
            "(?:不是|不属于|不在)(?:我们|我|本店|店铺|商家)(?:的|这边的)?(?:责任|问题|负责|范围)",
            "(?:是|属于)(?:快递|物流|平台|厂家|物业)(?:方面|那边)?的(?:问题|责任|事)",
            "(?:与|和|跟)本店无关|无能为力",
            "是(?:您|你)(?:自己)?[^，。！？,.!?\\n]{0,6}?(?:填|写|选|拍|弄|操作|搞|摔)(?:错|的(?!时候|话))",
            "是不是(?:您|你)?(?:自己)?(?:摔|弄坏|磕|碰|泡水|进水)",
            "(?:都是|是)按(?:您|你)(?:拍|选|填|写)的",
            # 我 written into the pattern: the agent is the subject here, and still in the wrong
            "(?:我|已经|都)(?:都|已经)?(?:跟您|和您|给您)?(?:说|回复)(?:了|过)?(?:您)?(?:[两三几多好]|很多)(?:遍|次)|已经回复过",
            # Reproaching the customer for asking again: 同一个问题你问了五遍了, 我再说最后一遍, 都跟你解释半天了
            "(?:要我)?(?:说|讲|解释)了?(?:多少|好几|[两三四五六七八九十几])(?:次|遍)|问(?<!重复问)了?(?:多少|好几|[两三四五六七八九十几])(?:次|遍)"
            "|最后一遍|解释(?:了)?半天"
            "|不是(?:跟|和|给)(?:你|您)(?:说|讲)(?:了|过)",
            # It is no use: 你跟我吵也没用, 你催我也没用, 你再问我也是一样
            "(?:吵|催|急|骂|闹|凶|喊|差评|投诉)(?:我)?(?:也|都)(?:没用|没有用|是一样)|(?:问|说)(?:我)?(?:也|都)(?:没用|没有用)|再问我也是一样"
            "|解决不了问题",
            # Not our business: 价格又不是我定的, 不是我们家的产品, 我只是客服, 从哪买的找哪去
            "不是(?:我们|我|本店|咱们)(?:家|这边|店)?的?(?:责任|问题|负责|范围|定的|管的|产品|东西)|跟我们(?:产品|家|店)没(?:有)?关系"
            "|我(?:只是|就是|也就是)(?:个)?(?:客服|打工的)|找哪去|找谁去",
            # Contempt and sarcasm: 就你说有味道, 那你当初别买啊, 你到底想怎样, 怪谁, 送的东西就别挑了
            "就(?:你|您)(?:一个)?(?:说|觉得|嫌)|怪谁|怪不了(?:我们|我)|当初(?:就)?别买|想怎(?:么)?样(?!都)|还要怎么样|这么冲|别挑了|是你的自由"
            "|(?:写|标|说|讲)[得的](?:清清楚楚|明明白白|很清楚|非常清楚|很明白)|都写着(?:呢|的|啊)",
            # The customer's own doing: 是您自己备注的, 您这是自己洗坏的, 您自己屏幕的问题
            "是(?:您|你)自己[^，。！？,.!?\\n ]{1,8}?的(?!时候|话)|(?:洗|弄|摔|用|拆|装|搞|泡)坏的(?<!容易.坏的)(?<!不会.坏的)"
            "|(?:您|你)(?:自己|那边)[^，。！？,.!?\\n ]{0,6}?的问题|(?:您|你)(?:当时)?要是[^，。！？,.!?\\n ]{1,8}?就不会",
            # Because of the customer: 开胶是因为您穿着淋雨了, 您自己不接电话, 您自己装歪了, 是您倒得太薄了
            "是因为(?:您|你)(?!的?(?:地址|所在|那边|地区|位置))|(?:您|你)自己(?:不(?!用|需要|必|要)|没有?)|装歪|弄歪|装反|开挂|(?:您|你)用的[^，。！？,.!?\\n ]{0,6}?太[小差低]了"
            "|是(?:您|你)[^，。！？,.!?\\n ]{1,4}?得太",
            # Brushing the customer off: 您急什么, 别催, 别问我, 这么点小问题至于吗, 您要理解, 下单前就该知道
            "急什么|别催|别问我|别想太多|至于吗|这么点(?:小)?(?:问题|事)|(?:您|你)耐心点|(?:您|你)(?:要|得)(?:理解|接受)|就该知道"
            "|不信(?:您|你)?(?:去|可以)|要投诉就(?:去)?投诉|当初为(?:啥|什么)要?买",
            # Resigned sarcasm and lectures: 您开心就好, 您说是就是, 就该问清楚的, 嫌贵可以不买 没人逼您, 别一直刷屏
            "(?:您|你)开心就好|(?:您|你)说是就是|(?:您|你)说了算|(?:您|你)是专家|没话讲|现在说有啥用|我又不是(?:快递|客服|厂家|老板)"
            "|就该(?:问|看|想)|要有点耐心|要求(?:别|不要)太高|嫌贵可以不买|没人逼|别(?:一直)?刷屏|这样闹|(?:您|你)早说"
            "|下次(?:您|你)早点|(?:多半|肯定)是(?:您|你)|是(?:您|你)[^，。！？,.!?\\n ]{0,4}?方法不对|当时[^，。！？,.!?\\n ]{0,6}?(?:给(?:您|你)看|说好|提醒)(?:了|过)?",
            # Sent to someone else: 您打10086问问, 您跟花店说吧, 打不开您联系那边技术, 那您就去拿一下嘛
            "(?:您|你)(?:打(?!开)|拨打|联系)[^，。！？,.!?\\n ]{0,8}?(?:问问|问一下|查一下|查查)"
            "|(?:您|你)(?:跟|和|找)[^，。！？,.!?\\n ]{1,6}?(?:说|讲|反映|沟通|商量)吧|(?:联系|找|问)那边|(?:您|你)就?去拿"
            "|(?:您|你)(?:先)?(?:转|回家|回去)[^，。！？,.!?\\n ]{0,6}?问(?:问|一下)?",
            # It has nothing to do with us or the goods (跟粮没关系; not 跟评价没关系, a clarification)
            "(?:跟|和|与)(?:店铺|卖家|商家)没(?:有)?关系|(?:跟|和|与)(?:我们|我家|咱们|产品|商品|质量|粮|这款|店里|店家|本店)[^，。！？,.!?\\n ]{0,6}?没(?:有)?关系|不归我们",
            "(?:详情页|详情|页面|说明书|保修卡|商品页|图片|规则|说明|合同|条款|描述)(?:上|里)?(?:(?:都|已经)(?:有写|写了|写的|标了|有标注|注明|提示了|拍了|写着)"
            "|写着的?|有标注|[上里]写了|有写(?!明)|有提示|提示了|(?:写|标|说)[得的](?:很|非常)?清楚)",
            "(?:签收|收货)的?时候(?:您|你)?(?:要|得|应该)(?:当面)?(?:验货|检查)",
            # It was written there (详情页写了的, 下单前有说明的, 主播说过的), said to end the matter rather
            # than as a pointer (详情页也有写明，您可以参考一下)
            # (one alternative per source once spelt out: the list is kept short)
            "(?:详情页|详情|页面|下单页|商品页|说明书|吊牌|水洗标|规则|直播|主播|下单前)[^，。！？,.!?\\n ]{0,6}?[上里中]?"
            "(?:[也都有]|已经|早就|明明)*(?:写[了着的过]|有写|写明了?|标了|标注了?|有标注|注明了?|提示了?|有提示|有说明|说明了"
            "|[说讲][过了])[的了哦呢哈啊呀啦嘛亲~～]*(?=[ ，,。！!？?~～\\n]|$)(?![ ，,]*[您你亲]?也?(?:可以|能)?(?:直接)?(?:参考|查看|看一下|看下|对照|问我|联系我|找我))",
            "(?:拍|选|下单|买)的就是",
            # Agreed at the time: 买之前就说了不退, 您开的时候就同意了, 下单时就弹窗确认过
            "(?:下单|购买|买|付款|付定金|开通|开|拍|签收)[^，。！？,.!?\\n ]{0,3}?(?:前|之前|时|的时候)[^，。！？,.!?\\n ]{0,3}?"
            "(?:就|都|已经|早就|明明)(?:同意|确认|弹窗|提示|说|告知|告诉|勾选|写)[过了着]?",
            # The customer as the cause: 那是您家墙不承重, 是您路由器太老了, 是不是您那边承重超了
            "(?<![要若管论使算])是(?:不是)?(?:您|你)(?:自己|那边|家)?[^，。！？,.!?\\n ]{0,6}?(?:太(?!客气|会|优秀|好|细心|贴心)|不(?!是|好意思|嫌弃|想要)|没(?!收到)|超了)|(?:那|这)是(?:您|你)自己",
            # Whose problem it is: 断网是光猫的问题, 是燃气公司的问题吧 (not 是做工的问题, owned by the agent)
            "(?<![不要断查看认还])是(?:光猫|路由器|宽带|网络|信号|水压|燃气|电压|您家|你家)[^，。！？,.!?\\n ]{0,4}?的(?:事|问题)",
            # 很正常 said to wave a problem away (not 您着急很正常, 物流显示很正常)
            "很正常(?<![急心示态]很正常)(?![^。！？]{0,14}(?:建议|一般|就好|就会|包换|随时))",
            # Contempt: 别人买都没问题, 爱投诉就投诉, 请注意您的用词
            "(?:别人|其他人|人家)[^，。！？,.!?\\n ]{0,4}?都(?:没|不)(?:问题|事|说|反馈)|就你(?:的)?(?:有问题|事多|毛病多)|(?<![可亲恋热喜])爱(?:投诉|买|退|评|要|信)[^，。！？,.!?\\n ]{0,3}?就"
            "|注意(?:您|你)的(?:用词|言辞|言行|措辞|态度|素质)|不是我们(?:乱)?(?:收|扣|定|弄|搞)的?",
            # Denying the customer's account or arguing: 不存在少发的情况, 不可能是假货, 您不要乱说
            "不存在[^，。！？,.!?\\n ]{0,8}?(?:的情况|的问题|的可能|这种情况|这个问题)",
            "不可能(?:是假|是仿|有(?:质量)?问题|发错|少发|漏发|错发|出错|坏)",
            "(?:不要|别|请勿)(?:乱说|随便说|瞎说|胡说|乱讲|污蔑|诬陷|造谣|冤枉)",
            "(?:我们|我)?(?:就|也)?(?:没法|没办法|无法)(?:聊|沟通|交流)(?:了|下去)?|聊不下去|去别(?:家|的店)",
            "对我们不公平|对我不公平|不公平|(?:我|我们|这边)也没(?:有)?办法",
            "随便(?:吧|啦|你|您)?(?=[ ，,。！!？?~～\\n]|$)",
            "(?:刚才|刚刚|之前|上面|前面|早就|已经)(?:都)?(?:跟|和|给)?(?:您|你)?(?:讲|说|解释)(?:过|了)(?:的|了|哦|呢|啊|呀)*"
            "(?=[ ，,。！!？?~～\\n]|$)",
            "不是我们(?:能|可以)?(?:控制|决定|左右)(?:得了)?的|(?:我们|这边|我|卖家|商家)(?:卖家|商家|这边|客服|也|都|真的|实在)*"
            "(?:控制|管|改变|决定|左右|做主|插手)不(?:了|动|着)|催不动",
            # Sent to ask a third party: 您得问平台客服, 发货时间要问仓库那边的, 您直接问快递
            "(?<=[您你得要接以])问(?:一下|下)?[^，。！？,.!?\\n ]{0,4}?" + _THIRD_PARTY,
            "(?:问题出在|是)快递(?:公司)?的(?:问题|事)|快递的事情|快递摔的",
            "(?<![，。 ])不对(?=[ ，,哦呀啊])",
            "(?<!非)人为(?:损坏|原因|造成)",
            "(?:我们)?(?:出库|发货|出餐|出厂|发出去|发出)(?:前|时)?都(?:有|是|会|做过|经过)?(?:检查|质检|核对|测试|称重|检测)",
            "都(?:是|做过|经过)(?:检测合格|质检|密封测试|测试)",
        ),
        unless=("agent_acts", "question", "conditional"),
        bad=(
            _ex("你自己没选尺码怪谁呢"),
            _ex("我都跟您说了三遍了 预售的 月底发"),
            _ex("亲，详情页写着的，请看清楚哦"),
            _ex("物流慢您去找快递吧"),
            _ex("这个不归我们管呢"),
            _ex("我已经说过了，七天内发货哦"),
            _ex("您当时没有接快递员电话呢", "怎么显示退回了"),
            _ex("那您到时候跟师傅商量一下吧"),
            _ex("您找一下卖家问问呢"),
            _ex("售后热线是400-8**-6**6，您直接拨打就可以"),
            _ex("这单是其他商家发的货哦", "你们发的面膜过期了"),
            _ex("亲 显示器不同会有色差的 详情页也有写", "颜色跟图片差好多"),
            _ex("这个是您洗的时候没翻面吧", "衣服起球了"),
            _ex("不可能是假货 您不要乱说", "你们卖的是假货吧"),
            _ex("优惠券是平台发的 您得问平台客服", "优惠券怎么用不了"),
            _ex("价格又不是我定的 你跟我吵也没用", "昨天买的今天就降价了"),
            _ex("清关慢是海关的事 有异议您去找海关", "都半个月了还在清关"),
            _ex("那是您家墙不承重 下单前就该自己量好的", "师傅说我家墙装不了"),
            _ex("二手的东西有点划痕很正常 买之前就说了不退", "手机屏幕有划痕你没说啊"),
        ),
        good=(
            _ex("非常抱歉让您久等了，我马上帮您联系快递催一下哦[微笑]"),
            _ex("亲，尺码表在这里哦，您告诉我身高体重，我帮您推荐呢[微笑]"),
            _ex("亲，这边为您反馈给仓库了哦，有结果第一时间告诉您呢[微笑]"),
            _ex("亲，麻烦提供一下订单号和照片哦，我们马上为您处理呢[微笑]"),
            _ex("亲，有问题随时联系我们哦[微笑]"),
            _ex("亲，具体的成分比例在详情页也有写明，您可以参考一下呢[微笑]"),
            _ex("亲，保修期内我们这边直接给您寄修，不用您找厂家哦[微笑]"),
            _ex("非常抱歉给您添麻烦了，麻烦拍个视频给我哦，我帮您判断是底座还是机身的问题呢[微笑]", "牙刷充不进电"),
        ),
    ),
    Rule(
        code="KF105",
        name="duplicate-reply",
        title="不滥用同一条快捷回复",
        category="redlines",
        severity="warning",
        check="duplicate",
        message="这条回复与话术「{match}」完全相同：同一句话反复使用会显得机械",
        rationale=(
            "快捷回复能提高效率，但同一句话反复出现，顾客会觉得在和机器人说话。"
            "同一套话术里，不同场景的回复应各有针对性，不要复制粘贴。"
        ),
        source="seeds/000 客服不能碰的高压线：c. 不要频繁使用快捷回复",
        handbook="mindset/red-lines.md",
        bad=(
            _ex("亲，在的呢，请问有什么可以帮您的吗[微笑]", None, None,
                "亲，在的呢，请问有什么可以帮您的吗[微笑]"),
        ),
        good=(
            _ex("亲，在的呢，请问有什么可以帮您的吗[微笑]", None, None,
                "亲，这款是纯棉面料哦，透气又舒服呢[微笑]"),
        ),
    ),
    # ------------------------------------------------------------------ 热情语气 (warm tone)
    Rule(
        code="KF201",
        name="polite-words",
        title="多用礼貌用语",
        category="tone",
        severity="warning",
        check="requires",
        message="回复里没有礼貌用语：加上「请」「谢谢」「您」「亲」等",
        rationale="态度热情体现在用词上：多用请、谢谢、受累等礼貌用语，称呼顾客为「您」或「亲」。",
        source="seeds/000 客户接待沟通的基本原则：1. 态度热情；b. 多用请、谢谢、受累等礼貌用语",
        handbook="mindset/warm-communication.md#habits",
        words=("请", "谢谢", "感谢", "受累", "麻烦", "您", "亲", "辛苦", "抱歉", "对不起", "不好意思"),
        bad=(_ex("已经发货了哦，明天就到呢[微笑]"), _ex("这款有现货呢，今天下单今天发哦")),
        good=(_ex("亲，已经发货了哦，明天就能到呢[微笑]"), _ex("谢谢您的耐心等待呢[微笑]")),
    ),
    Rule(
        code="KF202",
        name="modal-particle",
        title="多用语气词",
        category="tone",
        severity="warning",
        check="requires",
        message="回复里没有语气词：加上「呢」「哦」「呀」「~」等，让语气更柔和",
        rationale=(
            "文字没有表情和声调，语气词能拉近与顾客的距离，让同样的内容听起来更亲切。"
            "算作语气词的有：呢 哦 噢 喔 呀 啦 哈 呦 哟 嘛 吧 哒 啊 咯 嘞 呐 ~。"
        ),
        source="seeds/000 客户接待沟通的基本原则：1. 态度热情；a. 多用语气词，拉近与客户之间的关系",
        handbook="mindset/warm-communication.md#habits",
        words=("呢", "哦", "噢", "喔", "呀", "啦", "哈", "呦", "哟", "嘛", "吧", "哒", "啊", "咯", "嘞", "呐", "~", "～"),
        bad=(_ex("亲，已经为您发货，单号稍后发您[微笑]"), _ex("您好，请问有什么可以帮您？")),
        good=(
            _ex("亲，已经为您发货啦，单号稍后发您哦[微笑]"),
            _ex("您好呀，请问有什么可以帮您~[微笑]"),
            _ex("好嘞亲，马上给您安排发货[微笑]"),
        ),
    ),
    Rule(
        code="KF203",
        name="longer-than-customer",
        title="回复比顾客的话多",
        category="tone",
        severity="error",
        check="longer",
        message="回复（{match}）不比顾客的话长：回复的内容要比顾客多",
        rationale=(
            "顾客写了一大段，客服只回一小句，顾客会觉得不被重视。"
            "回复要比顾客的话多：回答问题，再补充顾客可能关心的信息。"
            "只数汉字、字母和数字，不数空格、标点和表情。"
        ),
        source="seeds/000 客户接待沟通的基本原则：1. 态度热情；c. 回复的内容要比客户多",
        handbook="mindset/warm-communication.md#habits",
        bad=(
            _ex("亲，有的哦[微笑]", "这款连衣裙有没有M码的现货？"),
            _ex("有的呢亲", "有现货吗今天能发吗"),
        ),
        good=(
            _ex("亲，M码有现货的哦，今天下午四点前付款当天就能发货呢[微笑]",
                "这款连衣裙有没有M码的现货？"),
        ),
    ),
    Rule(
        code="KF204",
        name="emoji",
        title="多用表情",
        category="tone",
        severity="info",
        check="emoji",
        message="回复里没有表情：加一个旺旺表情（如 [微笑]）或 emoji，文字会更有温度",
        rationale=(
            "在线沟通最大的局限是看不到表情和手势，单靠文字很难传达热情和谢意。"
            "合理使用旺旺表情能弥补这一点，告别时尤其如此。旺旺表情（[微笑]）、emoji 和颜文字"
            "（^_^、O(∩_∩)O、(*^__^*)、:)）都算。"
        ),
        source="seeds/000 客户接待沟通的基本原则：d. 多用表情；seeds/003 礼貌告别：合理使用旺旺表情",
        handbook="mindset/warm-communication.md#habits",
        # Kaomoji; the kind also accepts Unicode emoji and [EMOTICONS].
        patterns=(
            r"/:[^\s，。！？]{1,6}", r"[\^＾][_＿]*[\^＾]", r"\(\*?[\^＾][▽ω_∀＿]*[\^＾]\*?\)",
            r"[oO]\([\^＾]?[∩▽_]+[\^＾]?\)[oO]", r"[:：]-?\)",
        ),
        bad=(_ex("亲，已经为您备注好了哦，请放心呢"),),
        good=(
            _ex("亲，已经为您备注好了哦，请放心呢[微笑]"),
            _ex("亲，已经为您备注好了哦，请放心呢😊"),
            _ex("亲，已经为您备注好了哦，请放心呢^_^"),
            _ex("亲，已经为您备注好了哦，请放心呢O(∩_∩)O"),
            _ex("亲，已经为您备注好了哦，请放心呢(*^__^*)"),
        ),
    ),
    Rule(
        code="KF205",
        name="honorific",
        title="称呼顾客用「您」",
        category="tone",
        severity="warning",
        check="existence",
        message="称呼顾客请用「您」，不要用「{match}」",
        rationale="「您」是对顾客的尊称，「你」显得随意甚至冒犯。话术里称呼顾客一律用「您」或「亲」。",
        source="seeds/001 售前：开场白「亲，您好！很高兴为您服务」；seeds/003 标准回复均以「您」称呼顾客",
        handbook="mindset/warm-communication.md",
        words=("你好", "你们", "你的", "你"),
        # 你们 may mean the shop's staff as well as the customers: reported, left to the author.
        fix=(("你好", "您好"), ("你的", "您的"), ("你", "您")),
        bad=(_ex("你好，请问有什么可以帮你的呢"), _ex("亲，你的包裹已经发出了哦[微笑]")),
        good=(
            _ex("您好，请问有什么可以帮您的呢[微笑]"),
            _ex("亲，这款迷你包很适合您呢[微笑]"),
        ),
    ),
    # ------------------------------------------------------------------ 流程 (process)
    Rule(
        code="KF301",
        name="greeting",
        title="进门问好",
        category="process",
        severity="warning",
        check="scene",
        scene="问候",
        groups=(
            ("问候语", ("您好", "你好", "亲", "欢迎")),
            ("主动询问", ("帮您", "为您", "帮到您", "有什么", "需要", "请问")),
        ),
        message="问候话术缺少{match}：进门问好要有问候语，并主动询问能帮什么",
        rationale=(
            "售前接待的第一步是进门问好：平台要求的响应时间内（通常 10–30 秒）热情地打招呼，"
            "并主动询问顾客需要什么帮助。"
        ),
        source="seeds/003 售前接待八步：进门问好；seeds/001 开场白需热情友好",
        handbook="workflows/presale.md#step-1",
        bad=(_ex("欢迎光临小店呀[微笑]", None, "问候"), _ex("有什么需要吗", None, "问候")),
        good=(
            _ex("亲，您好！很高兴为您服务，请问有什么可以帮到您呢[微笑]", None, "问候"),
            _ex("欢迎光临小店呀，亲[微笑]", None, "售前"),
        ),
    ),
    Rule(
        code="KF302",
        name="apology-first",
        title="售后先致歉",
        category="process",
        severity="error",
        check="apology",
        scene="售后",
        words=("抱歉", "对不起", "对不住", "道歉", "不好意思", "歉意", "致歉", "添麻烦", "报歉", "sorry", "Sorry", "SORRY"),
        message="回应顾客的问题，第一句没有{match}：先道歉、安抚情绪，再处理问题",
        rationale=(
            "售后的第一步是快速响应、先致歉：无论责任在谁，先安抚情绪，让顾客感到被重视，"
            "再了解问题、给出方案。只看回应问题的回复：顾客的话或回复本身说到了问题"
            "（破损、发错、少件、没收到、质量问题、投诉……），且话术属于售后场景或带着顾客的话。"
            "问候之后的第一句（到句号、问号、感叹号为止；聊天里用空格隔开的也算一句）要有歉意："
            "先说处理结果、下一句才道歉，或者只说「特别理解您的心情」这样的共情，都不算先致歉。不报告不回应问题的售后话术：回访、邀评、退款到账通知、退货地址说明。"
        ),
        source="seeds/001 售后处理四步：1. 快速响应，先致歉",
        handbook="workflows/aftersale.md#step-1",
        bad=(
            _ex("亲，请提供一下订单号和照片哦，我们帮您处理呢[微笑]", "杯子收到就碎了", "售后"),
            _ex("收到您的反馈了呢。非常抱歉给您带来不好的体验[微笑]", None, "售后"),
            _ex("特别理解您的心情！我们马上给您补发哦[微笑]", "少发了一件"),
            _ex("亲 您把照片发我一下 我看看怎么处理", "东西坏了 什么破质量"),
            _ex("亲 您拍一下鞋码标签 我看看是不是仓库发错了", "鞋子大了一码"),
        ),
        good=(
            _ex("非常抱歉给您带来了不好的体验，请您提供一下照片，我们马上为您处理哦[微笑]", None, "售后"),
            _ex("您好！非常抱歉，杯子破损给您添麻烦了，我们马上为您补发哦[微笑]", "杯子碎了"),
            _ex("亲，您的退款已经到账了哦，请注意查收呢[微笑]", None, "售后"),
            _ex("亲，收到宝贝满意的话，麻烦给个五星好评哦，谢谢您的支持呢[微笑]", None, "售后"),
        ),
    ),
    Rule(
        code="KF303",
        name="farewell",
        title="礼貌告别",
        category="process",
        severity="warning",
        check="scene",
        scene="告别",
        groups=(("感谢或祝福", ("谢谢", "感谢", "祝", "欢迎再来", "欢迎下次", "期待", "再见", "愉快")),),
        message="告别话术没有{match}：礼貌告别要感谢顾客、送上祝福",
        rationale="礼貌告别是售前接待八步的最后一步：感谢顾客的光临，送上祝福，配上可爱的告别表情。",
        source="seeds/003 售前接待八步：礼貌告别",
        handbook="workflows/presale.md#step-8",
        bad=(_ex("亲，还有其他问题随时找我哦[微笑]", None, "告别"),),
        good=(_ex("感谢亲的光临，祝您生活愉快，欢迎下次再来哦[挥手]", None, "告别"),),
    ),
    # ------------------------------------------------------------------ 合规 (compliance)
    Rule(
        code="KF401",
        name="ad-law-absolute",
        title="不用绝对化用语",
        category="compliance",
        severity="error",
        check="existence",
        message="「{match}」是《广告法》禁止的绝对化用语：改用具体、可证实的描述",
        rationale=(
            "《广告法》第九条禁止使用「国家级」「最高级」「最佳」等用语，客服对商品、店铺和价格的介绍同样适用，"
            "违者可被处罚，店铺也会被平台处理。会报告：最好、最佳、最低价、最便宜、最划算、性价比最高、"
            "销量最高、最受欢迎、顶级、极品、第一（销量第一）、唯一、首选、绝对正品、100% 满意这类说法。"
            "不报告：使用建议和事实（冷水洗效果最好、冷藏后饮用口感最佳、您最好先量一下腰围、最佳食用期）、"
            "面料成分（100%棉）、时间和数量（第一时间、最晚明天、最多三天），以及市场监管总局 2023 年"
            "《广告绝对化用语执法指南》允许的店内商品之间的比较（店里卖得最好的是这款、这几款里最薄的）；"
            "「绝对给您处理好」说的是客服的承诺，不是商品，也不报告。"
        ),
        source="《广告法》第九条；市场监管总局《广告绝对化用语执法指南》（2023）",
        handbook="rules/compliance.md#absolute-terms",
        words=(
            "最好", "最佳", "最低价", "全网最低", "历史最低", "最便宜", "最优惠", "最实惠", "最优", "最优质",
            "最高级", "最先进", "最强", "最划算", "最受欢迎", "最畅销", "最热销", "最火", "最甜", "最正宗",
            "最安全", "最低", "性价比最高", "销量最高", "回购率最高", "好评率最高", "最高",
            "全网第一", "销量第一", "行业第一", "排名第一", "口碑第一", "第一品牌", "国家级", "世界级",
            "顶级", "极品", "绝对", "万能", "史上", "独一无二", "唯一", "首选", "100%", "百分之百", "永不",
        ),
        allow=(
            "最佳(?:食用|饮用|赏味|使用|保存)(?:期|时间|温度)",
            "最好(?:先|再|别|不要|提前|在|是|能|还是|备注|联系|选|量|试|放|用|尽快|当天|当面|两天|冷藏|搭配|配合)",
            "最好的办法",
            "(?:100%|百分之百)(?:纯|全|桑蚕|天然|新疆|长绒)*(?:棉|麻|丝|羊毛|羊绒|真丝|涤纶|聚酯纤维|莫代尔|亚麻|乳胶|真皮|牛皮)",
            "最低(?:适用|温度|起订|消费|气温)", "最高(?:温度|气温|可达|支持|承重)",
            "绝对(?:会|不会|给您|帮您|为您|让您|负责)",
            "唯一(?:要|需要)?注意|唯一的(?:缺点|不足|区别)",
            "最(?:高|多|少|低)(?:可|能)?(?:领|返|减|抵)?[0-9一二三四五六七八九十两百千万]",
            "最低(?:只能|能|可以|就)?给到",  # a price quote: 活动价最低只能给到9折
        ),
        unless=("own_items", "advice"),
        bad=(
            _ex("亲，这款是全网最低价哦"),
            _ex("我们家的面料是最好的呢"),
            _ex("顶级工艺，100%满意哦"),
            _ex("这款销量第一呢亲"),
            _ex("亲 这款是全网性价比最高的了"),
            _ex("目前最受欢迎的是这个奶白色"),
            _ex("敏感肌首选这款氨基酸洁面"),
        ),
        good=(
            _ex("亲，最近买这款的顾客很多呢，面料是100%棉的哦[微笑]"),
            _ex("亲，这款蛋糕的最佳食用期是三天哦，收到后请尽快享用呢[微笑]"),
            _ex("亲，我们会第一时间为您安排发货，最晚明天发出哦[微笑]"),
            _ex("亲，您最好先量一下腰围，我帮您对照尺码表呢[微笑]"),
            _ex("亲，这款羊毛衫冷水手洗效果最好哦[微笑]"),
            _ex("亲，店里卖得最好的就是这款呢[微笑]"),
            _ex("放心哦亲，我们绝对给您处理好[微笑]"),
        ),
    ),
    Rule(
        code="KF402",
        name="review-inducement",
        title="不以利益诱导好评",
        category="compliance",
        severity="error",
        check="existence",
        message="「{match}」是以利益诱导评价：平台禁止好评返现，可以请顾客评价，不能给好处",
        rationale=(
            "用返现、红包、优惠券、礼品换好评属于平台禁止的虚假交易和评价操纵，会被删评、扣分。"
            "正面评价引导的做法是提醒顾客对商品、服务、物流给 5 分评价，不满意时第一时间联系客服。"
            "会报告：好评返现、五星好评送……、晒图好评后找客服领券、带图评价返 5 元、追评有礼、"
            "改差评给补偿。不报告：只请顾客评价而不给好处，与评价无关的返现（会员积分返现、降价返差价）。"
        ),
        source="淘宝平台评价规则；seeds/003 正面评价引导",
        handbook="rules/compliance.md#review-inducement",
        patterns=(
            # A review word, then a reward within the same sentence.
            "(?:好评|五星|5星|晒图|带图|追评|评价|评论|点评)(?!没关系|无关)[^。！？!?\\n]{0,16}?"
            "(?:返现|返|红包|有礼|送|奖励|领|抽奖|券|话费|打[一二三四五六七八九]折|折扣|补偿)",
            "(?:差评|中评)[^。！？!?\\n]{0,8}?(?:改|删|撤|追加)[^。！？!?\\n]{0,12}?(?:返|补偿|红包|送|领)",
        ),
        bad=(
            _ex("亲，好评返现5元哦"),
            _ex("五星好评送运费险呢"),
            _ex("晒图评价后联系客服领红包哦"),
            _ex("宝贝收到后晒图好评 联系客服领取3元无门槛券"),
            _ex("您看能不能把差评改一下 我们给您补偿10元红包"),
        ),
        good=(
            _ex("亲，收到宝贝满意的话，麻烦给个五星好评哦，谢谢您的支持呢[微笑]"),
            _ex("亲，会员权益有积分返现、生日礼包哦，在会员中心就能查看呢[微笑]"),
            _ex("亲，这个返现是降价补偿，跟评价没关系哦[微笑]"),
        ),
    ),
    Rule(
        code="KF403",
        name="off-platform",
        title="不引导站外交易",
        category="compliance",
        severity="error",
        check="existence",
        message="「{match}」是引导顾客离开平台：站外沟通和交易没有平台保障，也违反平台规则",
        rationale=(
            "引导顾客加微信、QQ、进群、关注公众号或小程序、留私人手机号，或私下转账，顾客失去平台的交易保障，"
            "店铺会因站外交易被处罚。所有沟通和付款都应在平台内完成。"
            "不报告：平台结算页上的付款方式（QQ钱包、微信支付）、发电子发票用的 QQ 邮箱、"
            "平台内的店铺群，以及提醒顾客不要加陌生人微信这样的警告。"
        ),
        source="淘宝平台规则：禁止引导买家站外交易",
        handbook="rules/compliance.md#off-platform",
        words=(
            "微信", "微信号", "薇信", "威信", "v信", "vx", "wx", "加v", "QQ", "扣扣", "公众号", "小程序", "扫码",
            "二维码", "群号", "粉丝群", "老客户群", "VIP群", "会员群", "私聊", "支付宝转账", "转账给我",
            "不走平台", "线下交易",
        ),
        patterns=(
            "加(?:我|个)?(?:微信|薇信|[vV]信|[vVwW][xX]|[qQ][qQ])",
            # a mobile number (masked in examples, spaced 131 0xxx 7788), not inside a tracking number
            r"(?<![\dA-Za-z])1[3-9][\dxX*][ -]?[\dxX*]{4}[ -]?[\dxX*]{4}(?!\d)",
            "转(?:到)?(?:我的?)?支付宝", "支付宝(?:转|打)(?:给)?我",
            "下载(?:我们的)?(?:官方)?[aA][pP][pP]", "(?:抖音|快手|拼多多|小红书|微店)(?:店|小店|直播间|旗舰店)",
            "我们的微博|关注[^，。！？\\n ]{0,4}(?:微博|小红书|抖音号)",
            "(?:走|去|上)闲鱼|闲鱼(?:拍|下单|链接)",
        ),
        allow=(
            "[qQ][qQ](?:邮箱|钱包)", "微信(?:支付|付款|好友)", "(?:扫码|二维码)(?:查询|验证|验真|溯源|防伪)",
            "防伪(?:码|二维码)",
            "(?:淘宝|店铺|旺旺|千牛|平台|手淘)(?:的|里的)?(?:粉丝)?群", "首页[^，。！？\\n ]{0,3}粉丝群",
            # a code on the goods to read: 扫盒子上的二维码就能看说明书, 扫描吊牌上的二维码查询防伪
            "扫(?:描|一下)?[^，。！？\\n ]{0,6}?(?:二维码|码)(?:就能|可以|即可)?(?:看|查看|查询|验证|验真|溯源|防伪|观看)",
            # where the customer came from, not where they are sent
            "(?:看了|在|从)[^，。！？\\n ]{0,4}?(?:公众号|小红书|抖音)(?:的|上的?)?(?:文章|笔记|视频|那款|推荐)",
            r"(?:收件人|联系人|收货人|退货地址|寄回地址)[^。！？\n]{0,40}?1[3-9][\dxX*][ -]?[\dxX*]{4}[ -]?[\dxX*]{4}",
            r"您(?:留|预留|的|填|下单)[^，。！？\n]{0,8}?1[3-9][\dxX*][ -]?[\dxX*]{4}[ -]?[\dxX*]{4}",
        ),
        unless=("warning", "reported"),
        bad=(
            _ex("亲，加我微信发您优惠券哦"),
            _ex("拍下后支付宝转账给我就行呢"),
            _ex("进我们QQ群有福利哦"),
            _ex("关注我们公众号回复666领10元无门槛券哦"),
            _ex("扫码加群 群内下单立减20"),
            _ex("有问题可以直接打我手机 139****5521"),
            _ex("售后问题打这个电话找我 131 0xxx 7788"),
        ),
        good=(
            _ex("亲，优惠券在店铺首页就能领取哦，领好后直接下单就可以啦[微笑]"),
            _ex("亲，电子发票会发到您留的QQ邮箱哦，一般24小时内呢[微笑]"),
            _ex("亲，结算页面可以选QQ钱包付款哦[微笑]"),
            _ex("亲，不要加陌生人的微信哦，退款都在订单里操作呢[微笑]"),
            _ex("亲，说明书是电子版的哦，扫盒子上的二维码就能看呢[微笑]"),
            _ex("亲，快递单号是SF13xxxxxxxxx，我这边帮您盯着物流呢[微笑]"),
        ),
    ),
    # ------------------------------------------------------------------ 模板规范 (template hygiene)
    Rule(
        code="KF501",
        name="placeholder",
        title="占位符格式正确",
        category="templates",
        severity="error",
        check="placeholder",
        message="占位符有误：{match}",
        rationale=(
            "占位符写错，顾客就会看到「{订单号」或「[产品名称]」这样的原文。"
            "占位符统一写成 {名称}，且名称必须在配置 placeholders 或话术集的 placeholders 中声明；"
            "方括号只留给旺旺表情。"
        ),
        source="kefu-lint 模板规范",
        handbook="tools/authoring.md#convention",
        bad=(
            _ex("亲，您的订单{订单号已经发货了哦[微笑]"),
            _ex("亲，[产品名称]已经为您预留了呢[微笑]"),
            Example("亲，{快递单号}已经为您查询了哦[微笑]", placeholders=("订单号",)),
        ),
        good=(
            Example("亲，您的订单{订单号}已经发货了哦[微笑]", placeholders=("订单号",)),
            _ex("亲，已经为您预留好了呢[鲜花]"),
        ),
    ),
    Rule(
        code="KF502",
        name="too-long",
        title="单条回复不过长",
        category="templates",
        severity="warning",
        check="max_length",
        message="回复有 {match} 个字，超过上限：拆成几条发送，或精简内容",
        rationale=(
            "一条回复太长，顾客在手机上要滚动才能读完，重点容易被淹没。"
            "超过上限（默认 300 字，可用配置 max-length 调整）的回复应拆分或精简。"
        ),
        source="kefu-lint 模板规范",
        handbook="tools/authoring.md#convention",
        bad=(_ex("亲，" + "这款面料柔软透气，" * 34 + "欢迎选购哦[微笑]"),),
        good=(_ex("亲，这款面料柔软透气，欢迎选购哦[微笑]"),),
    ),
    Rule(
        code="KF503",
        name="fullwidth-punctuation",
        title="中文用全角标点",
        category="templates",
        severity="warning",
        check="existence",
        message="中文里用了半角标点「{match}」：改用全角标点",
        rationale=(
            "中文句子里夹着半角的 , . ? ! : ; 显得随手敷衍，在手机上还会和文字挤在一起。"
            "两个汉字之间的半角标点、汉字后句末的 . ? ! 应改为全角（，。？！：；）；"
            "数字（99.9）、网址、占位符和表情里的半角符号保持原样。kefu-lint --fix 可以自动改正。"
        ),
        source="kefu-lint 模板规范",
        handbook="tools/authoring.md#convention",
        # After a CJK character: before another one, or a sentence end (. ? ! before a line end,
        # the reply's end or an emoticon).
        patterns=(f"[,.?!:;](?<=[{CJK}].)(?:(?=[{CJK}])|(?<=[.?!])(?=\\s|$|\\[))",),
        allow=_PROTECTED,
        fix=((",", "，"), (r"\.", "。"), (r"\?", "？"), ("!", "！"), (":", "："), (";", "；")),
        bad=(
            _ex("亲,这款今天就能发货哦[微笑]"),
            _ex("请问您需要什么尺码呢?[微笑]"),
            _ex("亲，收货地址:北京市朝阳区哦[微笑]"),
            _ex("好的亲.我们马上为您安排发货哦[微笑]"),
        ),
        good=(
            _ex("亲，这款今天就能发货哦[微笑]"),
            _ex("亲，这款原价199.9元，现在只要99.9元哦[微笑]"),
            _ex("亲，收到啦，谢谢您的支持呢:)"),
            _ex("亲，活动详情请看 https://shop.example.com/?id=1 哦[微笑]"),
        ),
    ),
    Rule(
        code="KF504",
        name="repeated-punctuation",
        title="标点不连用",
        category="templates",
        severity="warning",
        check="existence",
        message="标点「{match}」连用：一个就够了",
        rationale=(
            "「！！！」显得急躁，「？？？」像在质问，「。。。」像是不耐烦。"
            "热情靠语气词和表情传达，而不是堆叠标点；连用的同一个标点改为一个。"
            "kefu-lint --fix 可以自动改正。"
        ),
        source="seeds/000 客户接待沟通的基本原则：1. 态度热情（语气词和表情拉近距离，而不是标点）",
        handbook="mindset/warm-communication.md#habits",
        # Written mark-then-more (not mark{2,}): a pattern that starts with a literal character
        # lets the regex engine skip straight to candidates.
        patterns=tuple(f"{re.escape(mark)}{re.escape(mark)}+" for mark in "!！?？。，,"),
        allow=_PROTECTED,
        fix=((r"(.)\1+", r"\1"),),
        bad=(
            _ex("亲，真的非常抱歉呢！！！[微笑]"),
            _ex("您好呀，请问在吗???"),
            _ex("好的呢亲。。。马上为您处理哦[微笑]"),
        ),
        good=(
            _ex("亲，真的非常抱歉呢！我们马上为您处理哦[微笑]"),
            _ex("您好呀~~欢迎光临小店，请问有什么可以帮您的呢[微笑]"),
        ),
    ),
    # ------------------------------------------------------------------ 会话质检 (conversations)
    Rule(
        code="KF601",
        name="first-response",
        title="首次响应及时",
        category="conversation",
        severity="warning",
        check="first_response",
        message="首次响应用了 {match}：顾客发起咨询后，要在平台规定的时间内（通常 10–30 秒）回复",
        rationale=(
            "顾客发起咨询后，客服要在平台规定的时间内（通常 10–30 秒）回复；拖拉、冷淡的开场，"
            "顾客很可能直接关掉对话去别家。从顾客的第一条消息算到客服的第一条回复（机器人和自动回复不算），"
            "上限默认 30 秒，可用配置 first-response 调整。聊天记录没有时间时不检查；客服先开口的会话"
            "（如催付）没有首次响应。"
        ),
        source="seeds/001 售前咨询：1. 快速响应，积极接待（平台规定时间内，通常为10-30秒）",
        handbook="workflows/presale.md#step-1",
        bad=(_chat("顾客 10:00:00 在吗", "客服 10:01:10 亲，您好！很高兴为您服务，请问有什么可以帮到您呢[微笑]"),),
        good=(
            _chat(*_MODEL_CHAT),
            _chat(*(" ".join(line.split(" ")[::2]) for line in _MODEL_CHAT)),  # without times
        ),
    ),
    Rule(
        code="KF602",
        name="slow-reply",
        title="对话中回复及时",
        category="conversation",
        severity="warning",
        check="slow_reply",
        message="顾客等了 {match}才得到回复：对话中也要及时回复，需要查询时先告诉顾客稍等",
        rationale=(
            "对话开始以后，顾客每问一句也在等。10–30 秒只针对首次响应；对话中的回复，培训资料没有给出数字，"
            "kefu-lint 默认在顾客等了 2 分钟以上时报告，可用配置 slow-reply（秒）按店铺的考核标准调整。"
            "查物流、核对订单需要时间时，先回一句“稍等，我帮您查一下哦”，顾客就不是在干等。"
        ),
        source="seeds/002 客服要及时响应，快速处理；seeds/001 总结与提升：定期统计响应时长",
        handbook="practice/metrics.md#average-response",
        bad=(_chat(*_MODEL_CHAT[:3], "客服 10:03:30 亲，M码有现货的哦，今天下午四点前付款当天就能发货呢[微笑]",
                   *_MODEL_CHAT[4:]),),
        good=(_chat(*_MODEL_CHAT),),
    ),
    Rule(
        code="KF603",
        name="unanswered",
        title="有问必答",
        category="conversation",
        severity="error",
        check="unanswered",
        message="顾客最后的消息「{match}」没有得到回复：会话结束前，顾客的每个问题都要有回应",
        rationale=(
            "会话以顾客的问题结束，顾客等来的是沉默，转身就去了别家，售后问题还会变成投诉。"
            "顾客最后一句只是“好的”“谢谢”这类回应（或只是表情）时不报告；顾客发了图片或文件，"
            "或者整个会话只有顾客的消息，都算没有得到回复。"
        ),
        source="seeds/002 细心：不管订单再多再忙，都要细心地解决好每一个问题",
        handbook="mindset/attitude.md#communication",
        words=(
            "好的", "好滴", "好哒", "好吧", "好", "嗯嗯", "嗯", "哦哦", "哦", "噢", "行", "可以", "知道了",
            "明白了", "明白", "收到", "谢谢", "谢啦", "感谢", "多谢", "ok", "okay", "拜拜", "再见",
            "没有了", "没了", "没事了", "不用了", "亲", "啦", "了", "呢", "哈",
        ),
        bad=(
            _chat("顾客 10:00:00 在吗", "顾客 10:00:40 这款连衣裙有M码吗"),
            _chat(*_MODEL_CHAT, "顾客 10:02:00 那什么时候发货呀"),
        ),
        good=(_chat(*_MODEL_CHAT, "顾客 10:02:00 好的，谢谢[微笑]"),),
    ),
    Rule(
        code="KF604",
        name="repeated-in-session",
        title="一次对话里不重复发同一句",
        category="conversation",
        severity="warning",
        check="repeated",
        message="这条回复与{match}的回复完全相同：同一句话在一次对话里反复发，顾客会觉得在和机器说话",
        rationale=(
            "快捷回复能提高效率，但同一段话在一次对话里发了两遍，说明没有看顾客的新问题，"
            "顾客也会觉得在和机器人说话。不比较“好的亲”这样少于 6 个字的短句。"
        ),
        source="seeds/000 客服不能碰的高压线：c. 不要频繁使用快捷回复",
        handbook="mindset/red-lines.md",
        bad=(_chat(
            "顾客 10:00:00 在吗", _GREETING,
            "顾客 10:00:30 这款有M码吗", "客服 10:00:45 亲，这款宝贝有现货的哦，今天付款今天就能发货呢[微笑]",
            "顾客 10:01:00 L码呢", "客服 10:01:10 亲，这款宝贝有现货的哦，今天付款今天就能发货呢[微笑]",
            f"客服 10:01:20 {_FAREWELL}",
        ),),
        good=(_chat(*_MODEL_CHAT),),
    ),
    Rule(
        code="KF605",
        name="session-greeting",
        title="第一条回复要问好",
        category="conversation",
        severity="warning",
        check="first_reply",
        scene="问候",
        message="会话的第一条回复缺少{match}：进门问好要有问候语，并主动询问能帮什么",
        rationale=(
            "进门问好是接待的第一步：第一条回复就要让顾客感到被欢迎，并主动询问能帮什么。"
            "检查的是会话里客服的第一条回复，要求和问候话术（KF301）相同；机器人和自动回复发的问候不算。"
        ),
        source="seeds/003 售前接待八步：进门问好；seeds/001 开场白需热情友好",
        handbook="workflows/presale.md#step-1",
        bad=(_chat("顾客 10:00:00 这款有M码吗", "客服 10:00:10 M码有现货的哦，今天付款今天就能发货呢[微笑]"),),
        good=(_chat(*_MODEL_CHAT),),
    ),
    Rule(
        code="KF606",
        name="session-farewell",
        title="结束时礼貌告别",
        category="conversation",
        severity="warning",
        check="last_reply",
        scene="告别",
        message="会话的最后一条回复没有{match}：结束对话前要礼貌告别，感谢顾客、送上祝福",
        rationale=(
            "礼貌告别是售前接待八步的最后一步，也是为下一次成交铺路：感谢顾客，送上祝福，配上可爱的表情。"
            "检查的是会话里客服的最后一条回复，要求和告别话术（KF303）相同。"
        ),
        source="seeds/003 售前接待八步：礼貌告别",
        handbook="workflows/presale.md#step-8",
        bad=(_chat(*_MODEL_CHAT[:4]),),
        good=(_chat(*_MODEL_CHAT),),
    ),
    Rule(
        code="KF607",
        name="complaint-apology",
        title="顾客不满时先致歉",
        category="conversation",
        severity="error",
        check="complaint",
        scene="售后",
        message="顾客说了「{match}」，接下来的回复却没有致歉：先道歉、安抚情绪，再处理问题",
        rationale=(
            "顾客说要投诉、给差评，或者骂“骗子”“垃圾”时，情绪已经到了顶点。这时先讲道理、要订单号，"
            "只会火上浇油；紧接着的那条回复要先道歉（无论责任在谁），让顾客感到被重视，再处理问题。"
            "致歉用语与售后先致歉（KF302）相同；同一条回复报告了这条规则，就不再报告 KF302。"
        ),
        source="seeds/001 售后：1. 快速响应，安抚情绪（退换货、质量问题、投诉等），客服应首先表达歉意",
        handbook="scripts/complaint.md#angry",
        words=(
            "投诉", "差评", "骗子", "垃圾", "举报", "12315", "曝光", "坑人", "坑爹", "忽悠", "太差", "差劲",
            "气死", "无语", "恶心", "态度差", "假货", "欺骗", "黑店", "维权",
        ),
        bad=(_chat("顾客 10:00:00 我要投诉你们，东西到了就是坏的",
                   "客服 10:00:15 亲，请您提供一下照片哦，我们马上为您处理呢[微笑]"),),
        good=(_chat(
            "顾客 10:00:00 我要投诉你们，东西到了就是坏的",
            "客服 10:00:15 亲，非常抱歉给您带来了不好的体验，请您拍一下照片，我们马上为您处理哦[微笑]",
            "顾客 10:00:50 [图片]",
            "客服 10:01:05 亲，收到照片了呢，已经为您登记补发，明天就能发出哦，感谢您的耐心，祝您生活愉快[鲜花]",
            "顾客 10:01:30 好的",
        ),),
    ),
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
