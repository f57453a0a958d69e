"""The handbook in a real browser: search the way staff use it, the calculators, screenshots.

The built site (``built_site``) is served over HTTP on 127.0.0.1 and driven with Debian's
headless Chromium through Selenium. ``.ci/run`` installs chromium, chromium-driver and
fonts-noto-cjk; locally the tests are skipped only when Chromium is not installed.
Set ``KEFU_SCREENSHOTS=/some/dir`` to keep copies of the screenshots.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()),
    reason="needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver); "
           ".ci/run installs them",
)


# Staff questions, typed as staff type them -> the page that answers them, which must be among the
# first three results (a tuple: every one of its pages). Figures written against Chinese, the
# customer's own words (front matter keywords, hooks/search_keywords.py), the situations of the
# 话术库, and a few author queries that must still reach the tool pages.
SEARCHES: dict[str, str | tuple[str, ...]] = {
    # figures, unspaced as staff type them (hooks/search_fix.py)
    "168小时": "rules/return-7days/",
    "扣3分": "rules/late-delivery/",
    "最高30元": "rules/late-delivery/",
    "最低1元": "rules/late-delivery/",
    "500元": "rules/late-delivery/",
    "天猫30%": "rules/late-delivery/",
    "5%违约金": "rules/late-delivery/",
    # platform rules
    "七天无理由退货": ("rules/return-7days/", "scripts/aftersale/"),
    "退货截止时间": "rules/return-7days/",
    "延迟发货赔多少": "rules/late-delivery/",
    "天猫延迟发货赔偿": "rules/late-delivery/",
    "违约金怎么付": "rules/late-delivery/",
    "退货运费谁承担": "rules/shipping-fee/",
    "包邮的退货运费": "rules/shipping-fee/",
    "质量问题运费谁出": "rules/shipping-fee/",
    "先行赔付": "rules/refund-dispute/",
    "平台介入": "rules/refund-dispute/",
    "好评返现": "rules/compliance/",
    "绝对化用语": "rules/compliance/",
    "加微信": "rules/compliance/",
    "售后怎么处理": ("workflows/aftersale/", "rules/aftersale-tree/"),
    "售后判断": "rules/aftersale-tree/",
    # what the customer says
    "过了七天还能退吗": ("rules/return-7days/", "scripts/aftersale/"),
    "签收十天了还能退吗": "scripts/aftersale/",
    "不喜欢想退货": "scripts/aftersale/",
    "退款还没到账": "scripts/aftersale/",
    "退款怎么还没到": "scripts/aftersale/",
    "快递一直不动": "scripts/logistics/",
    "物流不更新": "scripts/logistics/",
    "物流慢": "scripts/logistics/",
    "催发货": "scripts/logistics/",
    "怎么还不发货": "scripts/logistics/",
    "说好今天发货怎么还没发": ("rules/late-delivery/", "scripts/logistics/"),
    "显示签收没收到": "scripts/logistics/",
    "快递放驿站": "scripts/logistics/",
    "拒收": "scripts/logistics/",
    "收到的东西坏了": "scripts/aftersale/",
    "杯子碎了": "scripts/aftersale/",
    "发错货怎么办": "scripts/aftersale/",
    "发错颜色了": "scripts/aftersale/",
    "少了一个配件": "scripts/aftersale/",
    "赠品没收到": "scripts/aftersale/",
    "色差": "scripts/aftersale/",
    "退货运费谁出": "rules/shipping-fee/",
    "开发票": "scripts/orders/",
    "改地址": "scripts/orders/",
    "取消订单": "scripts/orders/",
    "缺货": "scripts/orders/",
    "价保": "scripts/promotion/",
    "刚买就降价了": "scripts/promotion/",
    "优惠券用不了": "scripts/promotion/",
    "满减怎么算": "scripts/promotion/",
    "能便宜点吗": "scripts/presale/",
    "穿多大码": "scripts/presale/",
    "什么面料": "scripts/presale/",
    "是全网最低价吗": "rules/compliance/",
    "好评能返现吗": "rules/compliance/",
    "加个微信": "rules/compliance/",
    "差评": "scripts/review/",
    "中差评挽回": "scripts/review/",
    "我要投诉": "scripts/complaint/",
    "顾客骂人": "scripts/complaint/",
    "找你们主管": "scripts/complaint/",
    "晚上有人吗": "scripts/greeting/",
    "离线留言": "scripts/greeting/",
    "拍下还没付款": "scripts/payment/",
    "催付": "scripts/payment/",
    "礼貌告别": "scripts/farewell/",
    # workflows, basics, psychology, mindset, practice
    "进门问好": "workflows/presale/",
    "售后先道歉": "workflows/aftersale/",
    "高压线": "mindset/red-lines/",
    "服务意识": "mindset/attitude/",
    "三个半触点": "basics/touchpoints/",
    "转化率": "basics/conversion/",
    "上岗前准备": "basics/preparation/",
    "求美心理": "psychology/motives/",
    "客户类型": "psychology/customer-types/",
    "挖掘需求": "psychology/needs/",
    "客单价": "glossary/",
    "考核指标": "practice/metrics/",
    "首次响应时间": "practice/metrics/",
    "速查卡": "practice/quick-card/",
    "自测题": "practice/quiz/",
    # template authors still reach the tool pages
    "占位符": "tools/authoring/",
    "KF101": "style/redlines/",
    "话术编写约定": "tools/authoring/",
    "话术自检": "checker/",
}

TOOL_PAGES = ("tools/", "style/")


def _expected(query: str) -> tuple[str, ...]:
    pages = SEARCHES[query]
    return (pages,) if isinstance(pages, str) else pages


# Queries whose last word Material's shipped search worker drops (hooks/search_fix.py).
LAST_WORD_QUERIES = ("七天无理由退货", "延迟发货赔多少", "退货运费谁承担", "好评返现")

# Figures written against Chinese, and the terms the index holds for them (hooks/search_fix.py):
# the shipped worker looks each up as one term and finds nothing.
FIGURE_QUERIES = {
    "168小时": ("168", "小时"),
    "扣3分": ("扣", "3", "分"),
    "最高30元": ("最高", "30", "元"),
    "500元": ("500", "元"),
}

_RESULT_PAGES = """
return [...document.querySelectorAll('.md-search-result__item')]
  .map(item => item.querySelector('.md-search-result__link').getAttribute('href'))
"""

# Runs a search worker on the site's index and returns the query's terms (lunr clauses):
# the keys of ``terms`` of every result. SearchMessageType: SETUP 0, READY 1, QUERY 2, RESULT 3.
_WORKER_TERMS = r"""
const [code, query, extra, only, done] = arguments;
const config = JSON.parse(document.getElementById("__config").textContent);
const url = code === null
  ? new URL(config.search, location.href)
  : URL.createObjectURL(new Blob([code], {type: "text/javascript"}));
const worker = new Worker(url);
worker.onerror = event => done({error: String(event.message)});
fetch(new URL("search/search_index.json", new URL(config.base, location.href)))
  .then(response => response.json())
  .then(index => {
    worker.onmessage = ({data}) => {
      if (data.type === 1) {
        worker.postMessage({type: 2, data: query});
      } else if (data.type === 3) {
        const terms = new Set();
        for (const group of data.data.items)
          for (const item of group)
            Object.keys(item.terms).forEach(term => terms.add(term));
        worker.terminate();
        done({terms: [...terms].map(term => term.replace(/\*$/, ""))});
      }
    };
    worker.postMessage({type: 0, data: {config: index.config, docs: only ? extra : index.docs.concat(extra),
                                        options: {suggest: false}}});
  });
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - signature from the base
        pass


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site over HTTP on a free port of 127.0.0.1, stopped after the module."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=built_site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser():
    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=zh-CN"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


def _search_box(browser, site_url: str):
    if not browser.current_url.startswith(site_url):
        browser.get(site_url)
    box = WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.CSS_SELECTOR, ".md-search__input"))
    box.click()
    return box


def _search(browser, site_url: str, query: str) -> list[str]:
    """Type the query key by key as staff do; return the result pages in order (site paths)."""
    box = _search_box(browser, site_url)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    WebDriverWait(browser, 10, poll_frequency=0.05).until(lambda d: not d.execute_script(_RESULT_PAGES))
    for char in query:
        box.send_keys(char)
    # Every keyup starts a search; wait until the results of the whole query have settled.
    previous, deadline = None, time.monotonic() + 10
    while time.monotonic() < deadline:
        time.sleep(0.15)
        current = browser.execute_script(_RESULT_PAGES)
        if current and current == previous:
            break
        previous = current
    pages: list[str] = []
    for href in previous or []:
        path = urlsplit(href).path.lstrip("/")
        if path not in pages:
            pages.append(path)
    return pages


_NO_TRANSITIONS = """
if (!document.getElementById('kf-test-still')) document.head.insertAdjacentHTML('beforeend',
  '<style id="kf-test-still">*, *::before, *::after {transition: none !important; animation: none !important}</style>');
"""


def _screenshot(browser, directory: Path, name: str) -> Path:
    path = directory / name
    browser.execute_script(_NO_TRANSITIONS)  # the header's title fades as the page scrolls
    assert browser.save_screenshot(str(path))
    assert path.stat().st_size > 20_000, f"{name} looks empty"
    if keep := os.environ.get("KEFU_SCREENSHOTS"):
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / name)
    return path


# ---------------------------------------------------------------------------- search


@pytest.mark.parametrize("query", SEARCHES)
def test_search_finds_the_page(browser, site_url: str, query: str):
    pages = _search(browser, site_url, query)
    for page in _expected(query):
        assert page in pages[:3], f"{query}: {page} not in the first three of {pages}"
        if not page.startswith(TOOL_PAGES):
            # for a staff question, no page for template authors comes before the staff page
            before = pages[:pages.index(page)]
            assert not [p for p in before if p.startswith(TOOL_PAGES)], f"{query}: {pages}"


def test_searches_cover_every_section(built_site: Path):
    sections = {path.relative_to(built_site).parts[0] for path in built_site.glob("*/**/index.html")}
    assert sections <= {page.split("/")[0] for query in SEARCHES for page in _expected(query)}


def test_searches_are_enough_staff_questions():
    staff = [query for query in SEARCHES if not all(page.startswith(TOOL_PAGES) for page in _expected(query))]
    assert len(staff) >= 40


def _worker_terms(browser, site_url: str, query: str, code: str | None = None, extra: tuple = (),
                  only: bool = False) -> set[str]:
    """The terms a query matches in a worker (``code``: the site's own by default) given the
    site's pages and ``extra`` ones (``only``: the extra ones alone)."""
    _search_box(browser, site_url)
    result = browser.execute_async_script(_WORKER_TERMS, code, query, list(extra), only)
    assert "terms" in result, result
    return set(result["terms"])


def _search_fix():
    spec = importlib.util.spec_from_file_location("hooks_search_fix", ROOT / "hooks/search_fix.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_worker_drops_the_last_word(browser, site_url: str):
    shipped = _search_fix().pristine_worker().read_text(encoding="utf-8")
    for query in LAST_WORD_QUERIES:
        terms = _worker_terms(browser, site_url, query, shipped)
        assert terms and not any(query.endswith(term) for term in terms), (query, terms)


def test_every_word_of_a_query_counts(browser, site_url: str):
    for query in LAST_WORD_QUERIES:
        terms = _worker_terms(browser, site_url, query)
        assert any(query.endswith(term) for term in terms), f"{query}: last word missing from {terms}"


def test_shipped_worker_finds_no_figure_written_against_chinese(browser, site_url: str):
    shipped = _search_fix().pristine_worker().read_text(encoding="utf-8")
    for query, terms in FIGURE_QUERIES.items():
        assert _worker_terms(browser, site_url, query, shipped) == set(), query
        # typed with spaces, the number is found: the index has it as a term of its own
        [number] = [term for term in terms if term.isdigit()]
        assert number in _worker_terms(browser, site_url, " ".join(terms), shipped), query


# lunr's word graph (hooks/search_fix.py) merged two different nodes whose keys ran together: with
# these words as the only page, every search that starts with 1 finds nothing in a worker without
# the keys' patch. They are what is left of the handbook's vocabulary of 2026-12-01 (with a page of
# figures, which first showed the bug) after removing every word that the collision does not need,
# so the test does not depend on the pages of today.
COLLIDING_WORDS = [
    "!", "\"\"\"Chat", "\"\"\"The", "\"$(_KEFU_LINT_COMPLETE=bash_source", "\",", "\"]", "\"__main__\":",
    "\"error\"", "\"https://kefu.example.com/\"", "\"kefu", "\"warning\"", "#", "&amp;&amp;", "&gt;",
    "&lt;!", "(*^__^*)", "(.csv", "(?:", "(Client(args.scheduler)", "(``Scorecard.merged``).",
    "(``Scorecard.of``)", "(``settings``:", "(a", "(default:", "(line.path,", ")…", "**：", "+", ",", "...",
    ".csv:10:", ".csv:9:", ".csv）”", ".jsonl),", ".jsonl）", ".md", ".mjs", ".txt）", ".xlsx[", ".xlsx）",
    ".yaml", ".yml", "/", "0.09", "16.70", "160", "165", "167", "168", "169,049", "177", "18,479", "19.4",
    "19.8",
]


def test_words_whose_graph_keys_run_together_leave_searches_for_digits_working(browser, site_url: str):
    search_fix = _search_fix()
    *others, _ = search_fix.PATCHES  # all but the keys' patch
    without = search_fix.pristine_worker().read_text(encoding="utf-8")
    for pattern, replacement in others:
        without = pattern.sub(replacement, without, count=1)
    page = {"location": "words/", "title": "词", "text": " ".join(COLLIDING_WORDS)}
    assert not _worker_terms(browser, site_url, "1", without, (page,), only=True)
    assert _worker_terms(browser, site_url, "1", extra=(page,), only=True) == {"1"}
    for digit in "123456789":  # beside the handbook's pages too
        assert _worker_terms(browser, site_url, digit, extra=(page,)), digit


def test_figures_are_cut_where_the_index_is_cut(browser, site_url: str):
    for query, expected in FIGURE_QUERIES.items():
        assert _worker_terms(browser, site_url, query) == set(expected), query


@pytest.mark.parametrize(("query", "cut"), [
    ("168小时", "168 小时"),
    ("扣3分", "扣 3 分"),
    ("KF101是什么", "KF101 是什么"),
    ("5%的违约金", "5% 的违约金"),
    ("退款/退货", "退款 / 退货"),
    ("七天无理由退货", "七天无理由退货"),  # Han only: left to Material's segmentation
    ("title:退货", "title:退货"),          # query syntax is kept: field, boost, wildcard, quotes
    ("退货^2", "退货^2"),
    ("退*", "退*"),
    ('"延迟 发货"', '"延迟 发货"'),
])
def test_query_boundaries(browser, site_url: str, query: str, cut: str):
    _search_box(browser, site_url)
    code = _search_fix().SCRIPT_BOUNDARY
    assert browser.execute_script(f"return arguments[0].replace({code}, '$1$2 ')", query) == cut


# ---------------------------------------------------------------------------- calculators


def test_return_deadline_calculator(browser, site_url: str):
    browser.get(site_url + "rules/return-7days/")
    signed = browser.find_element(By.ID, "return-signed")
    # datetime-local typing depends on the locale; set the value as the picker would.
    browser.execute_script(
        "arguments[0].value = arguments[1];"
        "for (const type of ['input', 'change'])"
        "  arguments[0].dispatchEvent(new Event(type, {bubbles: true}));",
        signed, "2026-11-20T15:00")
    assert browser.find_element(By.ID, "return-deadline").text == "2026-11-28 00:00"


@pytest.mark.parametrize(("platform", "price", "expected"), [
    ("taobao", "10", "1 元"),
    ("taobao", "200", "10 元"),
    ("taobao", "1000", "30 元"),
    ("tmall", "1000", "300 元"),
    ("tmall", "3000", "500 元"),
    ("tmall", "0.01", "不足 0.01 元（成交金额的 30% 不到 1 分钱）"),
    ("taobao", "0", "成交金额要大于 0"),
    ("tmall", "-5", "成交金额要大于 0"),
    ("taobao", "abc", "请输入实际成交金额"),
])
def test_late_delivery_calculator(browser, site_url: str, platform: str, price: str, expected: str):
    if not browser.current_url.endswith("rules/late-delivery/"):
        browser.get(site_url + "rules/late-delivery/")
    Select(browser.find_element(By.ID, "late-platform")).select_by_value(platform)
    amount = browser.find_element(By.ID, "late-price")
    amount.clear()
    amount.send_keys(price)
    WebDriverWait(browser, 5).until(lambda d: d.find_element(By.ID, "late-result").text == expected)


# ---------------------------------------------------------------------------- after-sales tree

TREE = "rules/aftersale-tree/"

# (status, reason) -> the branch shown, and what it must say: the rule page it links to, who
# pays postage, and the script it links to. The figures are checked against docs/rules/ in
# tests/test_handbook.py.
TREE_BRANCHES = {
    ("unshipped", "late"): ("unshipped-late", "rules/late-delivery/", "不涉及退货运费", "scripts/logistics/"),
    ("unshipped", "urge"): ("unshipped-urge", "rules/late-delivery/", "不涉及退货运费", "scripts/logistics/"),
    ("unshipped", "out-of-stock"): ("unshipped-stock", "rules/late-delivery/", "全额退款", "scripts/orders/"),
    ("unshipped", "no-longer-wanted"): ("unshipped-cancel", "workflows/aftersale/", "不产生退货运费", "scripts/orders/"),
    ("shipped", "late"): ("shipped-late", "rules/late-delivery/", "不涉及退货运费", "scripts/logistics/"),
    ("shipped", "logistics"): ("shipped-stuck", "workflows/in-sale/", "补发或退款", "scripts/logistics/"),
    ("shipped", "no-longer-wanted"): ("shipped-unwanted", "rules/return-7days/", "只出退回那一程", "scripts/logistics/"),
    ("signed", "no-longer-wanted"): ("signed-return", "rules/return-7days/", "只出退货那一程", "scripts/aftersale/"),
    ("signed", "quality"): ("signed-quality", "rules/shipping-fee/", "来回运费都由卖家承担", "scripts/aftersale/"),
    ("signed", "wrong-item"): ("signed-wrong", "rules/shipping-fee/", "来回运费都由卖家承担", "scripts/aftersale/"),
    ("signed", "damaged"): ("signed-damaged", "rules/shipping-fee/", "卖家承担", "scripts/aftersale/"),
    ("signed", "not-received"): ("signed-not-received", "workflows/in-sale/", "顾客不出", "scripts/logistics/"),
    ("signed", "unclear"): ("signed-unclear", "rules/shipping-fee/", "发货运费由卖家承担，退货运费由顾客承担",
                            "scripts/complaint/"),
}

_VISIBLE_BRANCHES = """
return [...document.querySelectorAll('.kf-branch')]
  .filter(branch => branch.offsetParent !== null).map(branch => branch.dataset.branch || branch.querySelector('h3').id)
"""


def _choose(browser, name: str, value: str) -> None:
    choice = browser.find_element(By.CSS_SELECTOR, f'#tree input[name="{name}"][value="{value}"]')
    # the radio is visually replaced by its chip: click the chip as staff do
    choice.find_element(By.XPATH, "..").click()
    assert choice.is_selected()


def _open_tree(browser, site_url: str, fragment: str = "") -> None:
    browser.get(site_url + TREE + fragment)
    WebDriverWait(browser, 5).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#tree.kf-tree--ready input[name=kf-status]"))


def test_tree_lists_every_branch_before_a_choice(browser, site_url: str):
    _open_tree(browser, site_url)
    shown = browser.execute_script(_VISIBLE_BRANCHES)
    assert sorted(shown) == sorted(branch for branch, *_ in TREE_BRANCHES.values())
    labels = [label.text for label in browser.find_elements(By.CSS_SELECTOR, "#tree .kf-tree__choice")]
    assert labels == ["还没发货（顾客已付款）", "已发货，还没签收", "已签收"]
    assert "先选订单状态" in browser.find_element(By.CSS_SELECTOR, "#tree .kf-tree__hint").text


@pytest.mark.parametrize(("status", "reason"), list(TREE_BRANCHES))
def test_tree_branch(browser, site_url: str, status: str, reason: str):
    branch, rule, postage, script = TREE_BRANCHES[status, reason]
    _open_tree(browser, site_url)
    _choose(browser, "kf-status", status)
    # every reason of this status, and no other, is offered
    offered = [choice.get_attribute("value")
               for choice in browser.find_elements(By.CSS_SELECTOR, '#tree input[name="kf-reason"]')]
    assert offered == [r for s, r in TREE_BRANCHES if s == status]
    _choose(browser, "kf-reason", reason)
    assert browser.execute_script(_VISIBLE_BRANCHES) == [branch]
    assert urlsplit(browser.current_url).fragment == branch  # a link opens the same answer
    card = browser.find_element(By.CSS_SELECTOR, f'.kf-branch[data-branch="{branch}"]')
    assert card.is_displayed()
    assert postage in card.text
    links = [urlsplit(a.get_attribute("href")).path.lstrip("/") for a in card.find_elements(By.CSS_SELECTOR, "a[href]")]
    assert any(link.startswith(rule) for link in links), (rule, links)
    assert any(link.startswith(script) for link in links), (script, links)
    assert all(a.get_attribute("href").startswith(site_url) for a in card.find_elements(By.CSS_SELECTOR, "a[href]"))


def test_tree_deep_link_and_show_all(browser, site_url: str):
    _open_tree(browser, site_url, "#signed-quality")
    assert browser.execute_script(_VISIBLE_BRANCHES) == ["signed-quality"]
    assert browser.find_element(By.CSS_SELECTOR, '#tree input[value="signed"]').is_selected()
    assert browser.find_element(By.CSS_SELECTOR, '#tree input[value="quality"]').is_selected()
    # a link in the summary table picks another branch
    link = browser.find_element(By.CSS_SELECTOR, '.md-typeset__table a[href="#unshipped-late"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()
    WebDriverWait(browser, 5).until(lambda d: d.execute_script(_VISIBLE_BRANCHES) == ["unshipped-late"])
    browser.find_element(By.CSS_SELECTOR, "#tree .kf-tree__reset").click()
    assert len(browser.execute_script(_VISIBLE_BRANCHES)) == len(TREE_BRANCHES)
    assert urlsplit(browser.current_url).fragment == ""


def _set_datetime(browser, element, value: str) -> None:
    # datetime-local typing depends on the locale; set the value as the picker would.
    browser.execute_script(
        "arguments[0].value = arguments[1];"
        "for (const type of ['input', 'change'])"
        "  arguments[0].dispatchEvent(new Event(type, {bubbles: true}));",
        element, value)


@pytest.mark.parametrize(("signed", "deadline"), [
    ("2026-11-20T15:00", "2026-11-28 00:00"),   # the worked examples of rules/return-7days
    ("2026-11-20T23:50", "2026-11-28 00:00"),
    ("2026-12-28T10:00", "2027-01-05 00:00"),
])
def test_tree_return_deadline(browser, site_url: str, signed: str, deadline: str):
    _open_tree(browser, site_url, "#signed-return")
    card = browser.find_element(By.CSS_SELECTOR, '.kf-branch[data-branch="signed-return"]')
    _set_datetime(browser, card.find_element(By.CSS_SELECTOR, "input[type=datetime-local]"), signed)
    assert card.find_element(By.CSS_SELECTOR, "output").text == deadline


@pytest.mark.parametrize(("branch", "platform", "price", "expected"), [
    ("unshipped-late", "taobao", "200", "10 元"),    # the worked examples of rules/late-delivery
    ("unshipped-late", "taobao", "10", "1 元"),
    ("unshipped-late", "taobao", "1000", "30 元"),
    ("shipped-late", "tmall", "200", "60 元"),
    ("shipped-late", "tmall", "2000", "500 元"),
])
def test_tree_late_delivery_compensation(browser, site_url: str, branch: str, platform: str, price: str,
                                         expected: str):
    _open_tree(browser, site_url, "#" + branch)
    card = browser.find_element(By.CSS_SELECTOR, f'.kf-branch[data-branch="{branch}"]')
    Select(card.find_element(By.CSS_SELECTOR, "select")).select_by_value(platform)
    amount = card.find_element(By.CSS_SELECTOR, "input[type=number]")
    amount.clear()
    amount.send_keys(price)
    WebDriverWait(browser, 5).until(lambda d: card.find_element(By.CSS_SELECTOR, "output").text == expected)


def test_tree_without_javascript_lists_every_branch(browser, site_url: str):
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(site_url + TREE)
        headings = {h.get_attribute("id") for h in browser.find_elements(By.CSS_SELECTOR, ".kf-branch h3")
                    if h.is_displayed()}
        assert headings == {branch for branch, *_ in TREE_BRANCHES.values()}
        assert browser.find_element(By.CSS_SELECTOR, "#tree .kf-tree__nojs").is_displayed()
        # the calculators fall back to links to the rule pages' calculators
        links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, ".kf-branch-calc a")]
        assert any(link.endswith("rules/return-7days/#calculator") for link in links)
        assert any(link.endswith("rules/late-delivery/#calculator") for link in links)
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
        browser.get("about:blank")


# ---------------------------------------------------------------------------- copy buttons

SCRIPT_PAGE = "scripts/aftersale/"


def _replies(page: str) -> list[str]:
    """The replies of a page as kefu-lint reads them from the Markdown source."""
    from kefu_lint.loaders import load

    path = ROOT / "docs" / (page.rstrip("/") + ".md")
    return [t.reply.replace("\n", "") for t in load(str(path), path.read_bytes())]


def _reply_paragraphs(browser):
    return browser.find_elements(By.CSS_SELECTOR, ".md-typeset blockquote > p.kf-says-staff")


def test_every_reply_has_a_copy_button(browser, site_url: str):
    browser.get(site_url + SCRIPT_PAGE)
    paragraphs = _reply_paragraphs(browser)
    assert len(paragraphs) == len(_replies(SCRIPT_PAGE)) > 0
    for paragraph in paragraphs:
        [button] = paragraph.find_elements(By.CSS_SELECTOR, "button.kf-copy")
        assert button.text == "复制"
        assert button.get_attribute("title").startswith("复制这条回复")
        assert button.get_attribute("aria-label") == button.get_attribute("title")
    customers = browser.find_elements(By.CSS_SELECTOR, ".md-typeset blockquote > p.kf-says-customer")
    assert customers and not any(p.find_elements(By.CSS_SELECTOR, "button") for p in customers)


def test_copy_button_copies_the_reply_only(browser, site_url: str):
    browser.get(site_url + SCRIPT_PAGE)
    browser.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": site_url.rstrip("/"), "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    expected = _replies(SCRIPT_PAGE)
    paragraphs = _reply_paragraphs(browser)
    for index in (0, len(paragraphs) - 1):
        button = paragraphs[index].find_element(By.CSS_SELECTOR, "button.kf-copy")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()
        WebDriverWait(browser, 5).until(lambda d: button.text == "已复制")
        copied = browser.execute_async_script(
            "navigator.clipboard.readText().then(arguments[0], e => arguments[0]('ERROR ' + e))")
        assert copied == expected[index]
        assert not copied.startswith(("客服", "：")) and "复制" not in copied
    status = paragraphs[-1].find_element(By.CSS_SELECTOR, ".kf-copy-status")
    assert status.get_attribute("role") == "status" and status.get_attribute("textContent") == "已复制"
    WebDriverWait(browser, 5).until(lambda d: button.text == "复制")  # the label comes back


def test_copy_button_without_the_clipboard_api(browser, site_url: str):
    """Where navigator.clipboard is missing (old browsers, some pages opened from disk)."""
    browser.get(site_url + SCRIPT_PAGE)
    browser.execute_script("""
      Object.defineProperty(navigator, 'clipboard', {value: undefined, configurable: true});
      window.__copied = [];
      document.addEventListener('copy', () => {
        const active = document.activeElement;
        window.__copied.push(active && active.tagName === 'TEXTAREA'
          ? active.value.slice(active.selectionStart, active.selectionEnd) : String(document.getSelection()));
      });
    """)
    paragraph = _reply_paragraphs(browser)[1]
    button = paragraph.find_element(By.CSS_SELECTOR, "button.kf-copy")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    WebDriverWait(browser, 5).until(lambda d: d.execute_script("return window.__copied.length"))
    assert browser.execute_script("return window.__copied") == [_replies(SCRIPT_PAGE)[1]]
    assert button.text == "已复制"
    assert not browser.find_elements(By.CSS_SELECTOR, "textarea")  # cleaned up


# ---------------------------------------------------------------------------- reading

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
DESKTOP = {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}


def _site_path(source: Path) -> str:
    """docs/rules/index.md -> rules/, docs/rules/late-delivery.md -> rules/late-delivery/"""
    parts = source.relative_to(ROOT / "docs").with_suffix("").parts
    parts = parts[:-1] if parts[-1] == "index" else parts
    return "".join(f"{part}/" for part in parts)


# every page of docs/ with a Markdown table
TABLE_PAGES = sorted(
    _site_path(path) for path in (ROOT / "docs").rglob("*.md")
    if "includes" not in path.parts and "\n| ---" in path.read_text(encoding="utf-8")
)


@pytest.fixture
def phone(browser):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


_TABLE_REACH = """
const width = document.documentElement.clientWidth;
return [...document.querySelectorAll('.md-typeset table')].map(table => {
  const wrap = table.closest('.md-typeset__scrollwrap');
  wrap.scrollLeft = wrap.scrollWidth;
  const cells = table.querySelectorAll('tr:first-child > *');
  const last = cells[cells.length - 1].getBoundingClientRect();
  const result = {left: last.left, right: last.right, width: width,
                  scrolls: wrap.scrollWidth > wrap.clientWidth, overflow: getComputedStyle(wrap).overflowX};
  wrap.scrollLeft = 0;
  return result;
});
"""


@pytest.mark.parametrize("page", TABLE_PAGES)
def test_tables_scroll_on_a_phone(phone, site_url: str, page: str):
    phone.get(site_url + page)
    assert phone.execute_script("return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    tables = phone.execute_script(_TABLE_REACH)
    assert tables
    for table in tables:
        # scrolled to its end, a table's last column is entirely on screen
        assert 0 <= table["left"] and table["right"] <= table["width"] + 0.5, table
        if table["scrolls"]:
            assert table["overflow"] in ("auto", "scroll"), table


def _rgba(value: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in value[value.index("(") + 1:value.index(")")].replace("/", ",").split(",")]
    return (*numbers[:3], numbers[3] if len(numbers) > 3 else 1.0)


def _over(top, bottom):
    alpha = top[3]
    return tuple(top[i] * alpha + bottom[i] * (1 - alpha) for i in range(3)) + (1.0,)


def _luminance(rgb) -> float:
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a, b) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


_COLOURS = """
const p = arguments[0];
const chain = [];
for (let e = p; e; e = e.parentElement) chain.push(getComputedStyle(e).backgroundColor);
return {color: getComputedStyle(p).color, backgrounds: chain};
"""


def test_script_blockquotes_are_readable(browser, site_url: str):
    browser.get(site_url + SCRIPT_PAGE)
    for selector in ("p.kf-says-customer", "p.kf-says-staff"):
        paragraph = browser.find_element(By.CSS_SELECTOR, f".md-typeset blockquote > {selector}")
        colours = browser.execute_script(_COLOURS, paragraph)
        background = (255.0, 255.0, 255.0, 1.0)
        for layer in reversed(colours["backgrounds"]):
            background = _over(_rgba(layer), background)
        text = _over(_rgba(colours["color"]), background)
        assert _contrast(text, background) >= 7, (selector, colours)  # WCAG AAA for body text


def test_pages_request_nothing_outside_the_site(browser, site_url: str):
    for page in (TREE, SCRIPT_PAGE, ""):
        browser.get(site_url + page)
        WebDriverWait(browser, 5).until(lambda d: d.execute_script("return document.readyState") == "complete")
        urls = browser.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)"
            ".concat(performance.getEntriesByType('navigation').map(e => e.name))")
        outside = [url for url in urls if not url.startswith(site_url)]
        assert not outside, (page, outside)


# ---------------------------------------------------------------------------- screenshots


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_screenshots_of_staff_pages(browser, site_url: str, tmp_path: Path, viewport: dict):
    width = viewport["width"]
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", viewport)
    try:
        browser.get(site_url + SCRIPT_PAGE)
        _screenshot(browser, tmp_path, f"script-{width}.png")
        button = _reply_paragraphs(browser)[0].find_element(By.CSS_SELECTOR, "button.kf-copy")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()
        WebDriverWait(browser, 5).until(lambda d: button.text in ("已复制", "复制"))
        _screenshot(browser, tmp_path, f"script-copied-{width}.png")
        browser.get(site_url + "rules/late-delivery/")
        browser.execute_script("document.getElementById('penalty').scrollIntoView()")
        _screenshot(browser, tmp_path, f"late-delivery-table-{width}.png")
        _open_tree(browser, site_url)
        _screenshot(browser, tmp_path, f"tree-{width}.png")
        _choose(browser, "kf-status", "signed")
        _choose(browser, "kf-reason", "no-longer-wanted")
        card = browser.find_element(By.CSS_SELECTOR, '.kf-branch[data-branch="signed-return"]')
        _set_datetime(browser, card.find_element(By.CSS_SELECTOR, "input[type=datetime-local]"), "2026-11-20T15:00")
        browser.execute_script("document.getElementById('tree').scrollIntoView()")
        _screenshot(browser, tmp_path, f"tree-signed-return-{width}.png")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_screenshots(browser, site_url: str, tmp_path: Path):
    browser.get(site_url)
    assert browser.title.startswith("网店客服手册")
    _screenshot(browser, tmp_path, "home.png")
    pages = _search(browser, site_url, "七天无理由退货")
    assert "rules/return-7days/" in pages
    results = browser.find_element(By.CSS_SELECTOR, ".md-search-result")
    assert results.is_displayed() and "七天无理由" in results.text
    _screenshot(browser, tmp_path, "search.png")
    pages = _search(browser, site_url, "扣3分")
    assert pages[0] == "rules/late-delivery/", pages
    marks = [mark.text for mark in browser.find_elements(By.CSS_SELECTOR, ".md-search-result mark")]
    assert {"扣", "3", "分"} <= set(marks), marks  # the figure is highlighted where it is written
    _screenshot(browser, tmp_path, "search-figure.png")


# ---------------------------------------------------------------------------- the chats report


@pytest.fixture(scope="module")
def chats_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``kefu-lint chats --report`` over a generated day of chats and a hostile session."""
    import csv
    import sys

    from click.testing import CliRunner

    from kefu_lint.cli import main

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from corpus import CHAT_HEADER, chat_export
    finally:
        sys.path.pop(0)
    work = tmp_path_factory.mktemp("chats")
    with open(work / "day.csv", "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CHAT_HEADER)
        writer.writerows(chat_export(2000))
        writer.writerows([
            ["X1", "2026-11-20 09:00:00", "顾客", "", "<script>window.pwned=1</script>在吗"],
            ["X1", "2026-11-20 09:00:50", "客服", "<b>小美</b>", "你好，这个不行"],
            ["X1", "2026-11-20 09:01:00", "顾客", "", '<img src=x onerror="window.pwned=2">我要投诉'],
            ["X1", "2026-11-20 09:01:10", "客服", "<b>小美</b>", '亲，请提供订单号哦"><svg onload="window.pwned=3">'],
        ])
    result = CliRunner().invoke(main, ["chats", "--no-config", str(work / "day.csv"), "--report", str(work / "report"),
                                       "-q"])
    assert result.exit_code == 1, result.output
    return work / "report"


def _full_page(browser, width: int) -> None:
    browser.set_window_size(width, 900)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(width, min(height + 120, 6000))


@pytest.mark.parametrize("width", [1280, 390])
def test_chats_report_overview(browser, chats_report: Path, tmp_path: Path, width: int):
    browser.get((chats_report / "index.html").as_uri())
    try:
        assert browser.title == "客服质检报告"
        _full_page(browser, width)
        # Nothing is fetched: the styles, the script and the charts are in the page.
        resources = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        assert resources == []
        assert browser.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar")
        # The page itself does not scroll sideways on a phone; the agents table scrolls in its box.
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width
        _screenshot(browser, tmp_path, f"chats-overview-{width}.png")
        # The agents table sorts by a column, both ways.
        table = browser.find_element(By.ID, "agents")
        header = table.find_elements(By.CSS_SELECTOR, "thead th")[2]  # 会话
        header.find_element(By.TAG_NAME, "button").click()
        counts = [int(c.get_attribute("data-value")) for c in table.find_elements(By.CSS_SELECTOR, "tbody td:nth-child(3)")]
        assert counts == sorted(counts) and header.get_attribute("aria-sort") == "ascending"
        header.find_element(By.TAG_NAME, "button").click()
        counts = [int(c.get_attribute("data-value")) for c in table.find_elements(By.CSS_SELECTOR, "tbody td:nth-child(3)")]
        assert counts == sorted(counts, reverse=True) and header.get_attribute("aria-sort") == "descending"
    finally:
        browser.set_window_size(1280, 900)


@pytest.mark.parametrize("width", [1280, 390])
def test_chats_report_agent_page_shows_untrusted_text_as_text(browser, chats_report: Path, tmp_path: Path,
                                                              width: int):
    browser.get((chats_report / "index.html").as_uri())
    link = browser.find_element(By.LINK_TEXT, "<b>小美</b>")  # the agent's name, as text
    link.click()
    try:
        assert browser.find_element(By.TAG_NAME, "h1").text == "客服 <b>小美</b>"
        assert browser.execute_script("return window.pwned") is None  # no chat text ran
        bubbles = [b.text for b in browser.find_elements(By.CSS_SELECTOR, ".bubble p")]
        assert "<script>window.pwned=1</script>在吗" in bubbles
        assert '<img src=x onerror="window.pwned=2">我要投诉' in bubbles
        assert not browser.find_elements(By.CSS_SELECTOR, ".bubble img, .bubble svg, .bubble b")
        marked = browser.find_element(By.CSS_SELECTOR, "li.flagged mark")
        assert marked.text == "你好" and "KF205" in marked.get_attribute("title")
        rule = browser.find_element(By.CSS_SELECTOR, 'ul.notes a[href$="/style/conversation/#kf607"]')
        assert rule.text == "KF607"
        _full_page(browser, width)
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width
        _screenshot(browser, tmp_path, f"chats-agent-{width}.png")
    finally:
        browser.set_window_size(1280, 900)
