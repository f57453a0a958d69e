"""Markdown (``.md``): the handbook's 话术 blocks, so ``kefu-lint docs/`` lints its own scripts.

A script is a blockquote whose paragraphs open with **顾客**： or **客服**：. Each 客服 paragraph
is a reply; the 顾客 paragraph just before it is the message it answers. Front matter
``kefu-scene`` sets the scene of a page; a comment right before a blockquote,
``<!-- kefu: id=xxx scene=售后 noqa=KF204 -->``, sets id, scene or noqa. Fenced code blocks are
skipped. A bad comment is reported and the blockquote after it is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from ..model import Template
from . import InputError, check_noqa, check_scene

_LABEL = re.compile(r"\*\*(顾客|客服)\*\*[：:]\s*")
_DIRECTIVE = re.compile(r"<!--\s*kefu:(.*?)-->")
_QUOTE = re.compile(r"^(\s*>\s?)(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def read_markdown(path: str, stream: TextIO, columns=None) -> Iterator[Template | InputError]:
    lines = stream.read().splitlines()
    page_scene, body = _front_matter(path, lines)
    stem = Path(path).stem
    count = 0
    directive: dict[str, str] | None = {}  # None: a bad comment, skip the blockquote after it
    fence = None
    i = body
    while i < len(lines):
        line = lines[i]
        first = line.lstrip()[:1]  # what a line starts with decides what it can be
        if fence:
            fence = None if line.strip().startswith(fence) else fence
            i += 1
            continue
        if first in ("`", "~") and (m := _FENCE.match(line)):
            fence = m.group(1)
        elif first == "<" and (m := _DIRECTIVE.search(line)):
            try:
                directive = _directive(path, m.group(1), i + 1)
            except InputError as exc:
                yield exc
                directive = None
        elif first == ">":
            end = i + 1
            while end < len(lines) and lines[end].lstrip()[:1] == ">":
                end += 1
            if directive is not None:
                try:
                    found = _quote_templates(path, lines, i, end, directive, page_scene, stem, count)
                except InputError as exc:
                    yield exc
                else:
                    count += len(found)
                    yield from found
            directive = {}
            i = end
            continue
        elif line.strip():
            directive = {}
        i += 1


def _front_matter(path: str, lines: list[str]) -> tuple[str | None, int]:
    if not lines or lines[0].strip() != "---":
        return None, 0
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            import yaml  # only pages with front matter need it

            try:
                meta = yaml.safe_load("\n".join(lines[1:end])) or {}
            except yaml.YAMLError as exc:
                raise InputError(path, f"front matter 格式错误：{exc}", 1) from None
            scene = meta.get("kefu-scene") if isinstance(meta, dict) else None
            return check_scene(path, scene, 1), end + 1
    return None, 0


def _directive(path: str, body: str, line: int) -> dict[str, str]:
    values = {}
    for item in body.split():
        key, _, value = item.partition("=")
        if key not in ("id", "scene", "noqa") or not value:
            raise InputError(path, f"kefu 注释中无法识别「{item}」（可用：id= scene= noqa=）", line)
        values[key] = value
    return values


def _quote_templates(path, lines, start, end, directive, page_scene, stem, count) -> list[Template]:
    """Templates in the blockquote ``lines[start:end]``."""
    paragraphs: list[tuple[int, str, list[str]]] = []  # (first line index, its prefix, contents)
    for index in range(start, end):
        prefix, content = _QUOTE.match(lines[index]).groups()
        if not content or content.isspace():
            paragraphs.append((index + 1, "", []))
        elif paragraphs and paragraphs[-1][2]:
            paragraphs[-1][2].append(content)
        else:
            paragraphs.append((index, prefix, [content]))
    scene = check_scene(path, directive["scene"], start) if "scene" in directive else page_scene
    noqa = check_noqa(path, directive["noqa"], start) if "noqa" in directive else ()
    base = directive.get("id")
    templates: list[Template] = []
    customer = None
    for index, prefix, contents in paragraphs:
        if not contents:
            continue
        label = _LABEL.match(contents[0])
        if not label:
            customer = None
            continue
        text = "\n".join([contents[0][label.end():], *contents[1:]]).strip()
        if label.group(1) == "顾客":
            customer = text
            continue
        if base:
            template_id = f"{base}-{len(templates) + 1}" if templates else base
        else:
            template_id = f"{stem}-{count + len(templates) + 1}"
        first = contents[0][label.end():]
        column = len(prefix) + label.end() + 1 + (len(first) - len(first.lstrip()))
        raw = "\n".join(lines[index : index + len(contents)])[column - 1 :] if len(contents) > 1 else text
        templates.append(
            Template(path, text, index + 1, column, template_id, customer, scene, noqa,
                     raw=None if raw == text else raw)
        )
        customer = None
    return templates
