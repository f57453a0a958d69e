"""MkDocs hook: the style guide (``style/``) generated from kefu-lint's rule registry.

Every page under ``style/`` is written here at build time from ``kefu_lint.rules``: an index,
and one page per category with one section per rule, anchored at the rule code in lower case
(``style/redlines/#kf101``), which is where the ``url`` of a kefu-lint finding points. The
section text comes from ``kefu_lint.explain``, the same parts ``kefu-lint rule CODE`` prints.
Nothing about a rule is written by hand in ``docs/``: remove a rule from the registry and its
section is gone from the next build.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from kefu_lint.explain import as_markdown, escape_markdown
from kefu_lint.model import SEVERITY_NAMES
from kefu_lint.rules import CATEGORIES, RULES, Rule

STYLE_DIR = "style"
INDEX_TITLE = "话术规范"
# Pages for template authors: below staff pages in search (Material's per-page search boost),
# as docs/tools/ pages are.
SEARCH_BOOST = 0.25
_SEARCH_FRONT_MATTER = f"---\nsearch:\n  boost: {SEARCH_BOOST}\n---\n\n"

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_H1 = re.compile(r"^#\s+(.+?)(?:\s+\{[^}]*\})?\s*$", re.M)


def category_uri(slug: str) -> str:
    return f"{STYLE_DIR}/{slug}.md"


def handbook_page(rule: Rule) -> str:
    """The docs/ path of the page in ``rule.handbook`` (without its ``#section``)."""
    return rule.handbook.partition("#")[0]


def page_title(markdown: str, fallback: str) -> str:
    match = _H1.search(_FRONT_MATTER.sub("", markdown, count=1))
    return match.group(1).strip() if match else fallback


def _handbook_link(rule: Rule, titles: Mapping[str, str]) -> str:
    target = posixpath.relpath(rule.handbook, STYLE_DIR)  # links resolve from style/<slug>.md
    return f"[{escape_markdown(titles[handbook_page(rule)])}]({target})"


def index_page(rules: Iterable[Rule]) -> str:
    lines = [
        f"# {INDEX_TITLE}",
        "",
        "这一节是话术检查工具 kefu-lint 的规则说明，由规则表自动生成：工具报告的每个问题后面都有一个链接，"
        "点开就是这里对应的规则，说明它为什么存在、什么样的回复会被报告、应该怎么写。"
        "示例和工具测试用的是同一批话术。命令的用法见 [kefu-lint 命令行](../tools/cli.md)。",
    ]
    rules = list(rules)
    for slug, (title, description) in CATEGORIES.items():
        lines += ["", f"## [{title}]({slug}.md)", "", escape_markdown(description), "",
                  "| 代码 | 规则 | 默认级别 |", "| --- | --- | --- |"]
        lines += [
            f"| [{rule.code}]({slug}.md#{rule.anchor}) | {escape_markdown(rule.title)} "
            f"| {SEVERITY_NAMES[rule.severity]} |"
            for rule in rules if rule.category == slug
        ]
    return "\n".join(lines) + "\n"


def category_page(slug: str, rules: Iterable[Rule], titles: Mapping[str, str]) -> str:
    title, description = CATEGORIES[slug]
    sections = [as_markdown(rule, _handbook_link(rule, titles)) for rule in rules if rule.category == slug]
    return "\n".join([f"# {title}", "", escape_markdown(description), "", *sections])


def pages(rules: Iterable[Rule], titles: Mapping[str, str]) -> dict[str, str]:
    """Generated pages, ``src_uri -> Markdown``; ``titles`` maps handbook pages to their titles."""
    rules = list(rules)
    generated = {f"{STYLE_DIR}/index.md": index_page(rules)}
    for slug in CATEGORIES:
        generated[category_uri(slug)] = category_page(slug, rules, titles)
    return generated


def handbook_titles(rules: Iterable[Rule], files: Files) -> dict[str, str]:
    """The title of every handbook page the rules link to; a missing page fails the build."""
    titles = {}
    for rule in rules:
        page = handbook_page(rule)
        file = files.get_file_from_path(page)
        if file is None or not file.is_documentation_page():
            raise PluginError(f"{rule.code}: handbook page '{page}' (linter/rules.py) is not in docs/")
        titles[page] = page_title(file.content_string, page)
    return titles


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for uri, content in pages(RULES, handbook_titles(RULES, files)).items():
        if files.get_file_from_path(uri) is not None:
            raise PluginError(f"docs/{uri} is generated from linter/rules.py: delete the file")
        files.append(File.generated(config, uri, content=_SEARCH_FRONT_MATTER + content))
    return files
