"""话术自检 (checker/): kefu-lint itself in the browser, offline, the same findings as the CLI.

The build side (hooks/checker.py: Pyodide from npm into a build cache, the packed package, the
dictionary, the snapshot, the notice when npm is missing) is tested without a browser; the page
is driven in Debian's headless Chromium with the ``browser`` and ``site_url`` fixtures of
``test_browser.py`` over the session's ``built_site``. ``KEFU_SCREENSHOTS=DIR`` keeps the
screenshots.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tarfile
import textwrap
import time
import zlib
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import ROOT, _ANSI
from kefu_lint import lint_text
from kefu_lint.boundaries import Dictionary
from test_browser import CHROMEDRIVER, CHROMIUM, _screenshot, browser, site_url  # noqa: F401 - fixtures

browser_only = pytest.mark.skipif(
    not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()),
    reason="needs Debian's chromium and chromium-driver; .ci/run installs them",
)


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"hooks_{name}", ROOT / "hooks" / f"{name}.py")
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hook = _load("checker")
sys.path.insert(0, str(ROOT / "hooks"))
import checker_runtime  # noqa: E402 - the module the page runs, here in CPython

# Replies, with the customer's message and the scene, whose findings the page must give exactly
# as lint_text does: red lines, short words on and off word boundaries, fixes, an emoji outside
# the BMP (offsets in UTF-16), two lines, KF203 and the scene rules.
SAME_AS_CLI = [
    ("这个价格不行", "", ""),
    ("不错", "", ""),
    ("不客气", "", ""),
    ("亲，这款迷你包不会起球的，没问题哦[微笑]", "", ""),
    ("你好,你的订单已发货!!!你自己看物流吧", "", ""),
    ("亲，这款是100%纯棉的哦，全网最低价，加我微信再优惠😊", "", ""),
    ("亲😊这个真的不行，你看看别的吧", "", ""),
    ("好", "在吗", ""),
    ("亲，在的呢\n这个没办法哦。。。", "", ""),
    ("好的亲", "请问这件衣服是什么面料的，会不会起球，洗了会缩水吗？", ""),
    ("亲，已经给您退款了哦[微笑]", "东西坏了", "售后"),
    ("收到您的反馈了呢，非常抱歉给您带来不好的体验[微笑]", "", "售后"),
    ("欢迎光临小店呀[微笑]", "", "问候"),
    ("在的", "", "问候"),
    ("亲，欢迎下次光临哦[微笑]", "", "告别"),
]


def utf16(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-16-le")) // 2


def expected(reply: str, customer: str = "", scene: str = "") -> list[tuple]:
    """lint_text's findings as (code, start, end, severity, message), offsets as JavaScript counts them."""
    return sorted((f.rule, utf16(reply, f.start), utf16(reply, f.end), f.severity, f.message)
                  for f in lint_text(reply, customer=customer or None, scene=scene or None))


# ---------------------------------------------------------------------------- the runtime in CPython


@pytest.mark.parametrize("reply, customer, scene", SAME_AS_CLI)
def test_runtime_check_is_lint_text(reply: str, customer: str, scene: str):
    result = json.loads(checker_runtime.check(reply, customer, scene, ".."))
    got = sorted((f["rule"], f["start"], f["end"], f["severity"], f["message"]) for f in result["findings"])
    assert got == expected(reply, customer, scene)
    for finding in result["findings"]:
        assert finding["url"].startswith("../style/") and finding["url"].endswith("#" + finding["rule"].lower())


def test_runtime_fix_is_what_fix_writes(tmp_path: Path):
    from click.testing import CliRunner

    from kefu_lint.cli import main

    replies = [reply for reply, _, _ in SAME_AS_CLI if "\n" not in reply]
    path = tmp_path / "replies.txt"
    path.write_text("\n".join(replies) + "\n", encoding="utf-8")
    CliRunner().invoke(main, [str(path), "--fix", "--no-config"])
    assert path.read_text(encoding="utf-8").splitlines() == [checker_runtime.fix(r) for r in replies]
    assert checker_runtime.fix("你好,你的订单已发货!!!") == "您好，您的订单已发货！"


def test_runtime_marks_only_the_fixes_the_button_makes():
    findings = json.loads(checker_runtime.check("你自己看吧，你的包裹到了"))["findings"]
    fixes = {(f["start"], f["end"]): f["fix"] for f in findings if f["rule"] == "KF205"}
    assert fixes == {(0, 1): None, (6, 8): ["你的", "您的"]}  # 你自己 stays for KF104 to report
    assert json.loads(checker_runtime.check("这个价格不行"))["fixable"] is False


# ---------------------------------------------------------------------------- the build (hooks/checker.py)


def test_packed_package_runs_alone(tmp_path: Path):
    """The zip holds all lint_text and fix_reply need: it runs in an isolated interpreter where
    click, PyYAML, openpyxl and jieba cannot be imported, with the prebuilt dictionary."""
    (tmp_path / "kefu.zip").write_bytes(hook.runtime_zip())
    (tmp_path / "dictionary").write_bytes(zlib.decompress(hook.dictionary(tmp_path / "cache")))
    cases = [list(case) for case in SAME_AS_CLI]
    script = textwrap.dedent("""
        import json, sys
        class Blocked:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in {"click", "yaml", "openpyxl", "jieba"}:
                    raise ImportError(f"{name} is not in the browser")
        sys.meta_path.insert(0, Blocked())
        sys.path.insert(0, sys.argv[1])
        import kefu_checker
        out = [json.loads(kefu_checker.check(*case, "..")) for case in json.loads(sys.argv[2])]
        out.append(kefu_checker.fix("你好,你的订单已发货!!!"))
        loaded = sorted(m for m in sys.modules if m.startswith("kefu_lint"))
        print(json.dumps([out, loaded, [m for m in sys.modules if m.split(".")[0] == "jieba"]]))
    """)
    proc = subprocess.run([sys.executable, "-I", "-c", script, str(tmp_path / "kefu.zip"), json.dumps(cases)],
                          env={"KEFU_LINT_DICTIONARY": str(tmp_path / "dictionary"), "PATH": os.environ["PATH"]},
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out, loaded, jieba = json.loads(proc.stdout)
    assert out[-1] == "您好，您的订单已发货！"
    for (reply, customer, scene), result in zip(SAME_AS_CLI, out):
        got = sorted([f[k] for k in ("rule", "start", "end", "severity", "message")] for f in result["findings"])
        assert got == [list(e) for e in expected(reply, customer, scene)], reply
    assert "kefu_lint.boundaries" in loaded and not jieba
    packed = {f"kefu_lint.{m}".replace("/", ".").removesuffix(".__init__") for m in hook.modules()}
    assert packed == set(loaded), "pack what is used, no more: hooks/checker.py NOT_PACKED"


def _fake_npm(tmp_path: Path, body: str) -> str:
    npm = tmp_path / "npm"
    npm.write_text("#!/bin/sh\n" + body)
    npm.chmod(0o755)
    return str(npm)


def test_pyodide_comes_from_the_cache_without_npm(tmp_path: Path, monkeypatch):
    core = tmp_path / f"pyodide-{hook.PYODIDE_VERSION}"
    core.mkdir()
    for name in hook.PYODIDE_FILES:
        (core / name).write_text("{}")
    monkeypatch.setenv("KEFU_LINT_NPM", str(tmp_path / "no-such-npm"))
    assert hook.pyodide_core(tmp_path) == core


def test_no_npm_or_a_failing_registry_means_no_checker(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("KEFU_LINT_NPM", str(tmp_path / "no-such-npm"))
    with pytest.raises(hook.Unavailable, match="没有 npm"):
        hook.pyodide_core(tmp_path / "cache")
    monkeypatch.setenv("KEFU_LINT_NPM", _fake_npm(tmp_path, "echo 'npm error code E404' >&2; exit 1\n"))
    with pytest.raises(hook.Unavailable, match="E404"):
        hook.pyodide_core(tmp_path / "cache")
    assert not (tmp_path / "cache" / f"pyodide-{hook.PYODIDE_VERSION}").exists()


def test_a_package_not_matching_its_checksum_is_refused(tmp_path: Path, monkeypatch):
    from mkdocs.exceptions import PluginError

    package = tmp_path / "package"
    package.mkdir()
    for name in hook.PYODIDE_FILES:
        (package / name).write_text("tampered")
    tgz = tmp_path / f"pyodide-{hook.PYODIDE_VERSION}.tgz"
    with tarfile.open(tgz, "w:gz") as archive:
        archive.add(package, "package")
    # npm pack SPEC --pack-destination DIR ...: copy the archive into DIR.
    monkeypatch.setenv("KEFU_LINT_NPM", _fake_npm(tmp_path, f'cp {tgz} "$4"\n'))
    with pytest.raises(PluginError, match="checksum"):
        hook.pyodide_core(tmp_path / "cache")
    assert not (tmp_path / "cache" / f"pyodide-{hook.PYODIDE_VERSION}").exists()


def test_without_npm_the_build_succeeds_and_the_page_says_how_to_enable(tmp_path: Path):
    site = tmp_path / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", KEFU_LINT_NPM=str(tmp_path / "no-such-npm"),
               KEFU_LINT_BUILD_CACHE=str(tmp_path / "empty-cache"))
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    output = _ANSI.sub("", proc.stdout + proc.stderr)
    assert proc.returncode == 0, output
    assert not [line for line in output.splitlines() if line.lstrip().startswith(("WARNING", "ERROR"))]
    html = (site / "checker/index.html").read_text(encoding="utf-8")
    assert "话术自检暂时不能用" in html and "apt-get install npm" in html and hook.PYODIDE_VERSION in html
    assert 'id="kefu-reply"' not in html and "checker.js" not in html
    assert not (site / "checker/pyodide").exists()


def test_the_site_serves_the_checker(built_site: Path):
    checker = built_site / "checker"
    assert (checker / "index.html").is_file(), "checker page missing"
    html = (checker / "index.html").read_text(encoding="utf-8")
    assert 'id="kefu-reply"' in html, "the build could not include the checker (is npm there?): see the page"
    for name in hook.PYODIDE_FILES:
        assert (checker / "pyodide" / name).stat().st_size > 0
    lock = json.loads((checker / "pyodide/pyodide-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"] == {} and lock["info"]["python"].startswith("3.")
    [runtime] = checker.glob("kefu-lint-*.zip")
    [dictionary] = checker.glob("dictionary-*.zlib")
    # Compressed, and what the checker's boundaries load: jieba's words split by first character.
    packed = zlib.decompress(dictionary.read_bytes())
    assert len(packed) > 2 * dictionary.stat().st_size
    assert Dictionary.loads(packed).tokens("这款迷你包") == ["这", "款", "迷你", "包"]
    assert runtime.name in html and dictionary.name in html
    assert list(checker.glob("snapshot-*.zlib")), "no snapshot: is node there?"
    # Every scene of the registry, and nothing else, in the scene select.
    from kefu_lint.model import SCENES

    assert "".join(f'<option value="{s}">{s}</option>' for s in SCENES) in html


# ---------------------------------------------------------------------------- the page in Chromium

_FINDINGS = """
return [...document.querySelectorAll('#kefu-findings [data-rule]')].map(e => ({
  rule: e.dataset.rule, start: +e.dataset.start, end: +e.dataset.end,
  severity: [...e.classList].find(c => c.startsWith('kefu-finding--')).slice(14),
  message: e.querySelector('.kefu-finding__message').textContent,
  href: e.querySelector('a.kefu-finding__rule').href,
  mark: (e.querySelector('mark') || {}).textContent || null,
}))
"""
_SETTLED = """
const c = window.kefuChecker, [reply, customer, scene] = arguments;
return !!(c && c.state.ready && !c.state.scheduled && !(c.state.latest in c.state.pending) && c.shown
          && c.shown.reply === reply && c.shown.customer === customer && c.shown.scene === scene);
"""
_SET = """
const [id, value] = arguments, box = document.getElementById(id);
box.value = value;
box.dispatchEvent(new Event(box.tagName === 'SELECT' ? 'change' : 'input', {bubbles: true}));
"""


def _open(browser, site_url: str, query: str = "", timeout: float = 30) -> None:
    browser.get(site_url + "checker/" + query)
    WebDriverWait(browser, timeout).until(
        lambda d: d.execute_script("return !!(window.kefuChecker && kefuChecker.state.ready)")
        or d.execute_script("return window.kefuChecker && kefuChecker.state.failed"))
    assert browser.execute_script("return kefuChecker.state.ready"), \
        browser.find_element(By.ID, "kefu-status").text


def _checker(browser, site_url: str) -> None:
    """The checker page, loaded once per test module and reused."""
    if not browser.current_url.startswith(site_url + "checker/"):
        _open(browser, site_url)


def _wait(browser, reply: str, customer: str = "", scene: str = "") -> list[dict]:
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(_SETTLED, reply, customer, scene))
    return browser.execute_script(_FINDINGS)


def _type(browser, text: str, box: str = "kefu-reply") -> None:
    """Clear a box and type into it key by key, as staff do."""
    element = browser.find_element(By.ID, box)
    element.clear()
    browser.execute_script(_SET, box, "")
    element.send_keys(text)


def _check(browser, reply: str, customer: str = "", scene: str = "", *, typed: bool = True) -> list[dict]:
    if typed:
        browser.execute_script(_SET, "kefu-customer", customer)
        Select(browser.find_element(By.ID, "kefu-scene")).select_by_value(scene)
        _type(browser, reply)
    else:  # ChromeDriver cannot type characters outside the BMP (emoji): set the values
        browser.execute_script(_SET, "kefu-customer", customer)
        browser.execute_script(_SET, "kefu-scene", scene)
        browser.execute_script(_SET, "kefu-reply", reply)
    return _wait(browser, reply, customer, scene)


@browser_only
def test_first_result_and_keystrokes_are_fast(browser, site_url: str):
    """Cold browser cache: the first result ≤ 8 s after opening the page; then ≤ 300 ms from a
    keystroke to its findings (debounce included). The figures are on docs/checker.md. The
    first browser test of the module: its browser has never loaded the page."""
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.clearBrowserCache", {})
    browser.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    try:
        browser.get(site_url + "checker/")
        browser.find_element(By.ID, "kefu-reply").send_keys("这个价格不行")
        WebDriverWait(browser, 30).until(lambda d: d.execute_script(_SETTLED, "这个价格不行", "", ""))
        timings = browser.execute_script("return kefuChecker.timings")
    finally:
        browser.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})
    assert "KF101" in {f["rule"] for f in browser.execute_script(_FINDINGS)}
    reply = browser.find_element(By.ID, "kefu-reply")
    text = "这个价格不行"
    for char in "哦，您可以看看这款呢":
        reply.send_keys(char)
        text += char
        _wait(browser, text)
        time.sleep(0.05)
    latencies = browser.execute_script("return kefuChecker.latencies")
    checks = browser.execute_script("return kefuChecker.checks")
    print(f"\nchecker: first result {timings['firstResult']:.0f} ms after opening (engine ready "
          f"{timings['ready']:.0f} ms; in the worker: Pyodide {timings['engine']['boot']:.0f} ms, ready "
          f"{timings['engine']['total']:.0f} ms, snapshot {timings['engine']['snapshot']}); keystroke to findings "
          f"max {max(latencies):.0f} ms, median {sorted(latencies)[len(latencies) // 2]:.0f} ms; "
          f"engine per check max {max(checks):.1f} ms")
    assert timings["engine"]["snapshot"] and "snapshotFailed" not in timings
    assert timings["firstResult"] <= 8000
    assert len(latencies) == 10 and max(latencies) <= 300


@browser_only
def test_typing_a_refusal_shows_kf101(browser, site_url: str, built_site: Path):
    _checker(browser, site_url)
    findings = _check(browser, "这个价格不行")
    [kf101] = [f for f in findings if f["rule"] == "KF101"]
    assert "不行" in kf101["message"] and kf101["mark"] == "不行" and kf101["severity"] == "error"
    # The link goes to the rule's section of this site, relative to it, and the section is there.
    assert kf101["href"] == site_url + "style/redlines/#kf101"
    link = browser.find_element(By.CSS_SELECTOR, '#kefu-findings [data-rule="KF101"] a').get_attribute("href")
    assert 'id="kf101"' in (built_site / "style/redlines/index.html").read_text(encoding="utf-8"), link
    assert browser.find_element(By.CSS_SELECTOR, "#kefu-preview mark").text == "不行"
    assert "发现 4 个问题" in browser.find_element(By.ID, "kefu-findings").text


@browser_only
@pytest.mark.parametrize("reply", ["不错", "不客气", "亲，这款不会起球的哦[微笑]"])
def test_words_that_only_look_like_refusals_are_not_kf101(browser, site_url: str, reply: str):
    _checker(browser, site_url)
    findings = _check(browser, reply)
    assert findings is not None and "KF101" not in {f["rule"] for f in findings}


@browser_only
def test_a_customer_message_longer_than_the_reply_gives_kf203(browser, site_url: str):
    _checker(browser, site_url)
    assert "KF203" not in {f["rule"] for f in _check(browser, "好的亲")}
    customer = "请问这件衣服是什么面料的，会不会起球？"
    browser.find_element(By.ID, "kefu-customer").send_keys(customer)
    findings = _wait(browser, "好的亲", customer)
    [kf203] = [f for f in findings if f["rule"] == "KF203"]
    assert "顾客" in kf203["message"] and kf203["mark"] is None  # about the whole reply


@browser_only
def test_the_scene_select_switches_scene_rules_on(browser, site_url: str):
    _checker(browser, site_url)
    assert "KF301" not in {f["rule"] for f in _check(browser, "欢迎光临小店呀[微笑]")}
    assert "KF301" in {f["rule"] for f in _check(browser, "欢迎光临小店呀[微笑]", scene="问候")}


@browser_only
def test_the_fix_button_rewrites_ni_to_nin(browser, site_url: str):
    _checker(browser, site_url)
    reply = "你好,你的订单已发货!!!"
    findings = _check(browser, reply)
    assert {"KF205", "KF503", "KF504"} <= {f["rule"] for f in findings}
    button = browser.find_element(By.ID, "kefu-fix")
    assert button.is_enabled()
    button.click()
    fixed = "您好，您的订单已发货！"
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "kefu-reply").get_attribute("value") == fixed)
    findings = _wait(browser, fixed)
    assert not {"KF205", "KF503", "KF504"} & {f["rule"] for f in findings}
    assert not browser.find_element(By.ID, "kefu-fix").is_enabled()  # nothing left to fix
    # What cannot be fixed safely is left alone, and the button says so by staying off.
    _check(browser, "你自己看吧")
    assert not browser.find_element(By.ID, "kefu-fix").is_enabled()


@browser_only
@pytest.mark.parametrize("reply, customer, scene", SAME_AS_CLI)
def test_findings_are_lint_texts(browser, site_url: str, reply: str, customer: str, scene: str):
    _checker(browser, site_url)
    findings = _check(browser, reply, customer, scene, typed=False)
    got = sorted((f["rule"], f["start"], f["end"], f["severity"], f["message"]) for f in findings)
    assert got == expected(reply, customer, scene)


def _scroll_to(browser, selector: str) -> None:
    """Scroll an element to just below the theme's fixed header, and let the header settle."""
    browser.execute_script(
        "const top = document.querySelector(arguments[0]).getBoundingClientRect().top;"
        "window.scrollBy(0, top - document.querySelector('.md-header').offsetHeight - 8);", selector)
    time.sleep(0.5)  # the header swaps the site's name for the page's title as it scrolls


@browser_only
def test_screenshots_are_readable(browser, site_url: str, tmp_path: Path):
    reply = "你好,这个价格不行!!!你自己看详情页吧"
    customer = "这件衣服能便宜点吗？我看别家比你们便宜十块钱"
    try:
        for width, height, name in ((1280, 900, "checker-1280.png"), (390, 844, "checker-390.png")):
            browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
            _open(browser, site_url)
            findings = _check(browser, reply, customer, "售前")
            assert {"KF101", "KF104", "KF205", "KF504"} <= {f["rule"] for f in findings}
            # Nothing wider than the screen; text at a readable size.
            assert browser.execute_script("return document.documentElement.scrollWidth") <= width
            for selector in ("#kefu-reply", ".kefu-finding__message", "#kefu-preview"):
                size = browser.execute_script(
                    "return parseFloat(getComputedStyle(document.querySelector(arguments[0])).fontSize)", selector)
                assert size >= 13, (selector, size)
            if width < 600:  # the form, then the findings below it
                _scroll_to(browser, "#kefu-checker")
                _screenshot(browser, tmp_path, name.replace(".png", "-input.png"))
                _scroll_to(browser, "#kefu-preview")
            else:  # side by side: input and findings both on the first screen
                box = browser.find_element(By.ID, "kefu-findings").rect
                assert box["x"] > width / 2 - 100 and box["y"] < height
            _screenshot(browser, tmp_path, name)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@browser_only
def test_nothing_leaves_the_origin(browser, site_url: str):
    _open(browser, site_url)
    before = browser.execute_async_script("kefuChecker.resources().then(arguments[0])")
    typed = "亲，这个价格真的不行呢"
    _check(browser, typed)
    browser.execute_script(_SET, "kefu-reply", "你好,在吗!!!")
    _wait(browser, "你好,在吗!!!")
    browser.find_element(By.ID, "kefu-fix").click()
    _wait(browser, "您好，在吗！")
    after = browser.execute_async_script("kefuChecker.resources().then(arguments[0])")
    urls = after["page"] + after["worker"]
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(site_url))
    assert all(url.startswith(origin + "/") for url in urls), [u for u in urls if not u.startswith(origin)]
    # The entries are real: the engine's files are among them (fetched by the worker).
    names = {urlsplit(url).path.rsplit("/", 1)[-1] for url in after["worker"]}
    assert {"pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"} <= names
    assert any(n.startswith("kefu-lint-") for n in names) and any(n.startswith("dictionary-") for n in names)
    # Checking and fixing fetched nothing: the text stays in the browser.
    assert after["worker"] == before["worker"]
    for url in set(after["page"]) - set(before["page"]):  # the theme's own (search index)
        assert typed not in url and quote(typed) not in url, url


@browser_only
def test_without_the_snapshot_it_boots_the_usual_way(browser, site_url: str):
    _open(browser, site_url, "?snapshot=0", timeout=60)
    assert browser.execute_script("return kefuChecker.timings.engine.snapshot") is False
    findings = _check(browser, "亲😊这个真的不行，你看看别的吧", typed=False)
    got = sorted((f["rule"], f["start"], f["end"], f["severity"], f["message"]) for f in findings)
    assert got == expected("亲😊这个真的不行，你看看别的吧")
