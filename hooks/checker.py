"""MkDocs hook: 话术自检 (``checker/``), kefu-lint itself running in the browser, served by the site.

The page ``docs/checker.md`` holds a marker, ``<!-- kefu-checker -->``, that this hook replaces
with the checker's form. Its engine is the ``kefu_lint`` package run by Pyodide (CPython
compiled to WebAssembly) in a Web Worker; nothing about the rules is written in JavaScript. As
the site is built, this hook puts into it, next to the page:

* ``checker/pyodide/``: Pyodide's core files, from the ``pyodide`` package of the npm registry
  (``npm pack``, version and checksum pinned below), kept in a build cache so that later builds,
  offline ones included, do not fetch them again: ``$KEFU_LINT_BUILD_CACHE``, else
  ``$XDG_CACHE_HOME/kefu-lint-build``, else ``~/.cache/kefu-lint-build``. The lock file is
  served without its package list: the checker loads no package beyond the standard library.
* ``checker/kefu-lint-<hash>.zip``: the modules ``lint_text`` and ``fix_reply`` import (not
  the CLI, loaders of file formats or reporters: no click, PyYAML, openpyxl or jieba) and
  ``hooks/checker_runtime.py`` as ``kefu_checker``.
* ``checker/dictionary-<hash>.zlib``: jieba's dictionary as ``kefu_lint.boundaries`` loads it
  (``$KEFU_LINT_DICTIONARY``), zlib-compressed (7.9 MB → 2.3 MB); the browser inflates it.
* ``checker/snapshot-<hash>.zlib``, when node can make it (``hooks/checker_snapshot.mjs``): a
  memory snapshot of Pyodide with ``kefu_checker`` imported and the rules compiled (31 MB →
  6 MB). Starting from it takes about a second instead of five or more on a 2-core machine.
  Without it (no node, or the snapshot fails to load) the page boots Pyodide the usual way.

Everything is fetched from the page's own origin, so the checker works on an intranet with no
other network, and the text typed never leaves the browser. When npm or the registry cannot be
reached (and the cache is empty), the build still succeeds and the page says, in Chinese, how
to enable the checker. ``KEFU_CHECKER=0`` builds without it; ``KEFU_LINT_NPM`` and
``KEFU_LINT_NODE`` name npm and node (``KEFU_LINT_NODE=`` with no value: no snapshot). What is
built is cached under the build cache by what it is built from.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import os
import posixpath
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from html import escape
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

import kefu_lint
from kefu_lint.boundaries import Dictionary
from kefu_lint.model import SCENES

log = logging.getLogger(f"mkdocs.hooks.{__name__}")

PAGE = "checker.md"
MARKER = "<!-- kefu-checker -->"
ASSETS = "checker"  # site folder of the checker's files, beside the page checker/index.html

PYODIDE_VERSION = "314.0.7"
# npm's ``integrity`` of pyodide-314.0.7.tgz (``npm view pyodide@314.0.7 dist.integrity``).
PYODIDE_INTEGRITY = ("sha512-0YvXxEhfEdpLfb/XkM2BFAeMROq0iMUX2bzzH9pOttyMcWkwq+HbE5uyuGD82LN7y2q+SNvi/6V5JE"
                     "sOlD2R1A==")
# What loadPyodide() fetches: the loader, the runtime, the standard library, the lock file.
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")

# The modules of kefu_lint that lint_text and fix_reply never import: the command line, rule
# texts, reports, file formats. Every other module is packed. tests/test_checker.py runs the zip
# in a fresh interpreter with click, yaml, openpyxl and jieba made unimportable, and checks that
# it holds exactly the modules used.
NOT_PACKED = ("cli", "explain", "reporters", "loaders/markdown", "loaders/tables", "loaders/text",
              "loaders/yaml_sets", "loaders/chats", "jobs")  # a name stands for a package's modules too
RUNTIME = Path(__file__).with_name("checker_runtime.py")
SNAPSHOT_SCRIPT = Path(__file__).with_name("checker_snapshot.mjs")
# Where the worker (and the snapshot script) put the zip and the dictionary in Pyodide's file system.
FS_RUNTIME = "/kefu/kefu-lint.zip"
FS_DICTIONARY = "/kefu/dictionary.marshal"
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed timestamps: the same sources give the same zip


class Unavailable(Exception):
    """Pyodide could not be had: the message says why, in Chinese, for the page."""


@dataclass(frozen=True)
class Assets:
    pyodide: Path  # folder with PYODIDE_FILES
    runtime: str  # zip name
    dictionary: str  # compressed dictionary name
    snapshot: str | None  # compressed memory snapshot name, if one could be made
    base: str  # page_base(): the snapshot's linter is compiled for links relative to it


def enabled() -> bool:
    return os.environ.get("KEFU_CHECKER", "1") != "0"


def build_cache() -> Path:
    explicit = os.environ.get("KEFU_LINT_BUILD_CACHE")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kefu-lint-build"


def _npm_env(cache: Path) -> dict[str, str]:
    # npm's own cache and logs go into the build cache too, never into ~/.npm.
    return dict(os.environ, npm_config_cache=str(cache / "npm"), npm_config_update_notifier="false",
                npm_config_fund="false", npm_config_audit="false", npm_config_fetch_retries="1")


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def pyodide_core(cache: Path) -> Path:
    """The folder of Pyodide's core files, taken from the npm registry on first use."""
    target = cache / f"pyodide-{PYODIDE_VERSION}"
    if all((target / name).is_file() for name in PYODIDE_FILES):
        return target
    npm = shutil.which(os.environ.get("KEFU_LINT_NPM") or "npm")
    if npm is None:
        raise Unavailable("构建手册的机器上没有 npm")
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix=".tmp-") as tmp:
        try:
            proc = subprocess.run(
                [npm, "pack", f"pyodide@{PYODIDE_VERSION}", "--pack-destination", tmp, "--silent"],
                cwd=tmp, env=_npm_env(cache), capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise Unavailable(f"npm 无法运行（{exc}）") from None
        tgz = Path(tmp) / f"pyodide-{PYODIDE_VERSION}.tgz"
        if proc.returncode != 0 or not tgz.is_file():
            detail = (proc.stderr or proc.stdout).strip().splitlines()
            raise Unavailable(f"npm 没能从软件包仓库取得 pyodide@{PYODIDE_VERSION}"
                              + (f"（{detail[-1]}）" if detail else ""))
        data = tgz.read_bytes()
        if _integrity(data) != PYODIDE_INTEGRITY:
            raise PluginError(f"hooks/checker.py: pyodide-{PYODIDE_VERSION}.tgz does not match its pinned "
                              "checksum (PYODIDE_INTEGRITY)")
        unpacked = Path(tmp) / "core"
        unpacked.mkdir()
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for name in PYODIDE_FILES:
                member = archive.extractfile(f"package/{name}")
                if member is None:
                    raise PluginError(f"hooks/checker.py: pyodide-{PYODIDE_VERSION}.tgz has no {name}")
                (unpacked / name).write_bytes(member.read())
        shutil.rmtree(target, ignore_errors=True)
        try:
            os.replace(unpacked, target)  # whole or not at all: a concurrent build sees one or the other
        except OSError:
            if not all((target / name).is_file() for name in PYODIDE_FILES):
                raise
            # another build put it there first
    log.info(f"checker: pyodide {PYODIDE_VERSION} fetched with npm into {target}")
    return target


def lock_file(core: Path) -> str:
    """Pyodide's lock file without its packages: the checker needs none, and loads none."""
    lock = json.loads((core / "pyodide-lock.json").read_text(encoding="utf-8"))
    return json.dumps({**lock, "packages": {}}, ensure_ascii=False, indent=1)


def _package() -> Path:
    return Path(kefu_lint.__file__).parent


def modules() -> list[str]:
    """The packed modules, as paths in the package without ``.py`` (``loaders/__init__``)."""
    found = (path.relative_to(_package()).with_suffix("").as_posix() for path in _package().rglob("*.py"))
    return sorted(module for module in found
                  if not any(module == name or module.startswith(name + "/") for name in NOT_PACKED))


def runtime_zip() -> bytes:
    """The kefu_lint modules lint_text needs, and kefu_checker, as a zip for zipimport."""
    package = _package()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        entries = [(f"kefu_lint/{module}.py", package / f"{module}.py") for module in modules()]
        entries.append(("kefu_checker.py", RUNTIME))
        for name, source in entries:
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, source.read_bytes())
    return out.getvalue()


def _cached(path: Path, make) -> bytes:
    """The bytes in ``path``, else ``make()``'s, stored there atomically (a failure to store
    only means making them again next time)."""
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = make()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except OSError:
        pass
    return data


def dictionary(cache: Path) -> bytes:
    """The word-boundary dictionary file, zlib-compressed (cached by the content it compresses)."""
    data = Dictionary.load().dumps()
    return _cached(cache / f"dictionary-{_short_hash(data)}.zlib", lambda: zlib.compress(data, 6))


def snapshot(cache: Path, core: Path, runtime: bytes, base: str) -> bytes | None:
    """A zlib-compressed Pyodide memory snapshot with kefu_checker imported, made by node;
    None when node is missing or fails (the page then boots Pyodide without one)."""
    node = shutil.which(os.environ.get("KEFU_LINT_NODE", "node") or "-")
    if node is None:
        log.info("checker: no node, no snapshot (the checker starts more slowly)")
        return None
    script = SNAPSHOT_SCRIPT.read_bytes()
    key = _short_hash(b"\0".join([PYODIDE_VERSION.encode(), script, runtime, base.encode(),
                                  FS_RUNTIME.encode(), FS_DICTIONARY.encode()]))

    def make() -> bytes:
        with tempfile.TemporaryDirectory(dir=cache, prefix=".tmp-") as tmp:
            zip_path, out = Path(tmp) / "runtime.zip", Path(tmp) / "snapshot.bin"
            zip_path.write_bytes(runtime)
            proc = subprocess.run([node, str(SNAPSHOT_SCRIPT), str(core), str(zip_path), str(out),
                                   FS_RUNTIME, FS_DICTIONARY, base],
                                  cwd=tmp, capture_output=True, text=True, timeout=300)
            if proc.returncode != 0 or not out.is_file():
                raise Unavailable((proc.stderr or proc.stdout).strip()[-500:] or f"exit {proc.returncode}")
            return zlib.compress(out.read_bytes(), 6)

    cache.mkdir(parents=True, exist_ok=True)
    try:
        return _cached(cache / f"snapshot-{key}.zlib", make)
    except (Unavailable, OSError, subprocess.TimeoutExpired) as exc:
        log.info(f"checker: node could not make the snapshot ({exc}); the checker starts more slowly")
        return None


def _short_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


_assets: Assets | None = None
_reason: str | None = None


def on_files(files: Files, config: MkDocsConfig) -> Files:
    global _assets, _reason
    _assets, _reason = None, None
    if files.get_file_from_path(PAGE) is None:
        raise PluginError(f"hooks/checker.py: docs/{PAGE} is missing")
    if not enabled():
        _reason = "构建时设置了 KEFU_CHECKER=0"
        log.info("checker: KEFU_CHECKER=0, built without the checker")
        return files
    cache = build_cache()
    try:
        core = pyodide_core(cache)
    except Unavailable as exc:
        _reason = str(exc)
        # Not a warning: the site is complete without the checker, and --strict must pass.
        log.info(f"checker: not included ({exc}); the page explains how to enable it")
        return files
    for name in PYODIDE_FILES:
        uri = f"{ASSETS}/pyodide/{name}"
        if name == "pyodide-lock.json":
            files.append(File.generated(config, uri, content=lock_file(core)))
        else:
            files.append(File.generated(config, uri, abs_src_path=str(core / name)))
    runtime, packed = runtime_zip(), dictionary(cache)
    base = page_base(config)
    memory = snapshot(cache, core, runtime, base)
    _assets = Assets(core, f"kefu-lint-{_short_hash(runtime)}.zip", f"dictionary-{_short_hash(packed)}.zlib",
                     f"snapshot-{_short_hash(memory)}.zlib" if memory else None, base)
    files.append(File.generated(config, f"{ASSETS}/{_assets.runtime}", content=runtime))
    files.append(File.generated(config, f"{ASSETS}/{_assets.dictionary}", content=packed))
    if memory:
        files.append(File.generated(config, f"{ASSETS}/{_assets.snapshot}", content=memory))
    return files


def _page_dir(url: str) -> str:
    return (url.rstrip("/") if url.endswith("/") else posixpath.dirname(url)) or "."


def page_base(config: MkDocsConfig) -> str:
    """The way from the checker page to the site's root (``..`` for ``checker/``): rule links
    are made relative to it, so they work wherever the site is served."""
    url = "checker/" if config.use_directory_urls else "checker.html"
    return posixpath.relpath(".", _page_dir(url))


def _relative(page: Page, target: str) -> str:
    """``target`` (a site path) as a link from ``page``."""
    return posixpath.relpath(target, _page_dir(page.url))


def form(page: Page, assets: Assets) -> str:
    """The checker's HTML: the contract the browser tests use (README, issue 13)."""
    options = "".join(f'<option value="{escape(scene)}">{escape(scene)}</option>' for scene in SCENES)
    data = {
        "pyodide": _relative(page, f"{ASSETS}/pyodide/") + "/",
        "runtime": _relative(page, f"{ASSETS}/{assets.runtime}"),
        "dictionary": _relative(page, f"{ASSETS}/{assets.dictionary}"),
        "snapshot": _relative(page, f"{ASSETS}/{assets.snapshot}") if assets.snapshot else "",
        "worker": _relative(page, "javascripts/checker-worker.js"),
        "base": assets.base,
        "fs-runtime": FS_RUNTIME,
        "fs-dictionary": FS_DICTIONARY,
    }
    attributes = " ".join(f'data-{key}="{escape(value)}"' for key, value in data.items())
    css = escape(_relative(page, "stylesheets/checker.css"))
    script = escape(_relative(page, "javascripts/checker.js"))
    return f"""\
<div class="kefu-checker-wrap">
<link rel="stylesheet" href="{css}">
<form class="kefu-checker" id="kefu-checker" {attributes} autocomplete="off" onsubmit="return false">
<div class="kefu-checker__input">
<label class="kefu-checker__label" for="kefu-reply">客服回复</label>
<textarea id="kefu-reply" rows="4" spellcheck="false" placeholder="在这里输入或粘贴一条回复，例如：亲，这款今天下单明天就能发货哦[微笑]"></textarea>
<div class="kefu-checker__context">
<div class="kefu-checker__customer">
<label class="kefu-checker__label" for="kefu-customer">顾客的话（选填）</label>
<textarea id="kefu-customer" rows="2" spellcheck="false" placeholder="顾客发来的消息：填了才会检查回复是否比顾客的话多"></textarea>
</div>
<div class="kefu-checker__scene">
<label class="kefu-checker__label" for="kefu-scene">场景（选填）</label>
<select id="kefu-scene"><option value="">不限场景</option>{options}</select>
</div>
</div>
<div class="kefu-checker__actions">
<button type="button" id="kefu-fix" class="md-button md-button--primary" disabled>一键修正</button>
<span class="kefu-checker__hint">把「你」改成「您」、半角标点改成全角、连用的标点只留一个；其他问题请自己改写。</span>
</div>
</div>
<div class="kefu-checker__output" aria-label="检查结果">
<p id="kefu-status" class="kefu-status kefu-status--loading" role="status" aria-live="polite"><span class="kefu-spinner" aria-hidden="true"></span><span class="kefu-status__text">正在加载检查引擎（第一次打开约需几秒）……</span></p>
<div id="kefu-preview" class="kefu-preview" hidden></div>
<div id="kefu-findings" class="kefu-findings" aria-live="polite"></div>
</div>
</form>
<script src="{script}"></script>
</div>
"""


def notice(reason: str) -> str:
    """What the page says when the build could not include the checker."""
    files = "、".join(f"`{name}`" for name in PYODIDE_FILES)
    paragraphs = [
        f"这份手册构建时没有带上检查引擎（原因：{escape(reason)}），所以这里没有检查框。这不影响手册的其他内容；"
        "在它恢复之前，可以对照[话术规范](style/index.md)自己检查，或请同事用 `kefu-lint` 命令检查。",
        "**怎样启用**（请负责构建手册的同事操作）：在能访问 npm 软件包仓库的机器上安装 npm（Debian / Ubuntu："
        "`apt-get install npm`），然后重新运行 `mkdocs build`。构建时会用 "
        f"`npm pack pyodide@{PYODIDE_VERSION}` 取得 Pyodide，缓存到 `~/.cache/kefu-lint-build/`（或环境变量 "
        "`KEFU_LINT_BUILD_CACHE` 指定的目录），以后离线也能构建；也可以把 "
        f"`pyodide-{PYODIDE_VERSION}.tgz` 里 `package/` 下的 {files} 放进缓存目录下的 "
        f"`pyodide-{PYODIDE_VERSION}/` 文件夹。",
    ]
    return '!!! warning "话术自检暂时不能用"\n\n' + "\n\n".join(f"    {text}" for text in paragraphs) + "\n"


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri != PAGE:
        return markdown
    if markdown.count(MARKER) != 1:
        raise PluginError(f"hooks/checker.py: docs/{PAGE} must contain {MARKER} once")
    html = form(page, _assets) if _assets else notice(_reason or "未知")
    return markdown.replace(MARKER, html)
