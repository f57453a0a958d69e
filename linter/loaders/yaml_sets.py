"""YAML template sets, read from libyaml's events.

The events are read directly: no node tree and no implicit-type resolution (everything a
template holds is text), several times faster than ``yaml.compose``. A scalar is kept as its
ScalarEvent (value, marks, style), so each reply knows where it starts and what its source
text is. Malformed YAML stops the file; a bad template (no reply, unknown key, duplicate id,
unknown scene or noqa code) is reported and the other templates are still read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

import yaml

from ..model import Template
from . import InputError, NotATemplateSet, check_noqa, check_scene

try:  # libyaml is several times faster; PyYAML's wheels ship it
    from yaml import CSafeLoader as _YamlLoader
except ImportError:  # pragma: no cover - pure-Python PyYAML
    from yaml import SafeLoader as _YamlLoader

TEMPLATE_KEYS = ("id", "scene", "customer", "reply", "noqa")
_NULLS = ("", "~", "null", "Null", "NULL")  # plain scalars YAML reads as null
_OPEN = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def read_yaml(path: str, stream: TextIO, columns=None) -> Iterator[Template | InputError]:
    text = stream.read()
    try:
        items = _read_set(path, text, iter(yaml.parse(text, Loader=_YamlLoader)))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "无法解析"
        raise InputError(path, f"YAML 格式错误：{problem}", mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise InputError(path, f"YAML 格式错误：{exc}") from None
    yield from items


def _line(event) -> int:
    return event.start_mark.line + 1


def _is_null(event) -> bool:
    return isinstance(event, yaml.ScalarEvent) and not event.style and event.value in _NULLS


def _skip(events: Iterator, event) -> None:
    """Consume the rest of a collection that ``event`` opens."""
    depth = 1 if isinstance(event, _OPEN) else 0
    while depth:
        event = next(events)
        if isinstance(event, _OPEN):
            depth += 1
        elif isinstance(event, _CLOSE):
            depth -= 1


def _text(path: str, events: Iterator, event):
    """A scalar or a list of scalars (ScalarEvent or list[ScalarEvent]); anything else is an
    InputError (returned, with its value consumed)."""
    if isinstance(event, yaml.ScalarEvent):
        return event
    if isinstance(event, yaml.SequenceStartEvent):
        items = []
        while not isinstance(item := next(events), yaml.SequenceEndEvent):
            if not isinstance(item, yaml.ScalarEvent):
                _skip(events, item)
                _skip(events, event)
                return InputError(path, "此处应为文字，而不是列表或表", _line(item))
            items.append(item)
        return items
    _skip(events, event)
    if isinstance(event, yaml.AliasEvent):
        return InputError(path, "不支持锚点和别名（* &）", _line(event))
    return InputError(path, "此处应为文字，而不是列表或表", _line(event))


def _read_set(path: str, text: str, events: Iterator) -> list[Template | InputError]:
    root = next(e for e in events if not isinstance(e, (yaml.StreamStartEvent, yaml.DocumentStartEvent)))
    if not isinstance(root, yaml.MappingStartEvent):
        _skip(events, root)
        raise NotATemplateSet(path, "不是话术集：顶层应有 templates 列表")
    items: list[Template | InputError] | None = None
    problems: list[InputError] = []
    placeholders: frozenset[str] = frozenset()
    while not isinstance(key := next(events), yaml.MappingEndEvent):
        value = next(events)
        name = key.value if isinstance(key, yaml.ScalarEvent) else None
        if name == "templates":
            if not isinstance(value, yaml.SequenceStartEvent):
                _skip(events, value)
                raise InputError(path, "templates 应为非空列表", _line(value))
            items = _read_templates(path, text, events)
        elif name == "placeholders":
            found = _text(path, events, value)
            if isinstance(found, InputError):
                problems.append(found)
            else:
                placeholders = frozenset(e.value for e in (found if isinstance(found, list) else [found]))
        else:
            _skip(events, value)
            problems.append(InputError(path, f"未知的键「{name or '?'}」（可用：templates / placeholders）", _line(key)))
    for event in events:
        if isinstance(event, yaml.DocumentStartEvent):
            problems.append(InputError(path, "一个文件只能有一个 YAML 文档", _line(event)))
            break
    if items is None:
        raise NotATemplateSet(path, "不是话术集：顶层应有 templates 列表")
    if not items:
        raise InputError(path, "templates 应为非空列表")
    for item in items:  # the set's declaration may come after its templates
        if isinstance(item, Template):
            item.placeholders = placeholders
    return problems + items


def _read_templates(path: str, text: str, events: Iterator) -> list[Template | InputError]:
    items: list[Template | InputError] = []
    seen: dict[str, int] = {}
    while not isinstance(item := next(events), yaml.SequenceEndEvent):
        line = _line(item)
        if not isinstance(item, yaml.MappingStartEvent):
            _skip(events, item)
            items.append(InputError(path, "每条话术应为键值表（id / scene / customer / reply / noqa）", line))
            continue
        fields, problems = {}, []
        while not isinstance(key := next(events), yaml.MappingEndEvent):
            value = next(events)
            if not isinstance(key, yaml.ScalarEvent) or key.value not in TEMPLATE_KEYS:
                _skip(events, value)
                problems.append(InputError(
                    path, f"未知的键「{getattr(key, 'value', '?')}」（可用：{' / '.join(TEMPLATE_KEYS)}）", _line(key)))
                continue
            found = _text(path, events, value)
            if isinstance(found, InputError):
                problems.append(found)
            else:
                fields[key.value] = found
        template = _template(path, text, fields, line, seen, problems)
        items.extend(problems or [template])
    return items


def _template(path: str, text: str, fields: dict, line: int, seen: dict[str, int],
              problems: list[InputError]) -> Template | None:
    """The template of one item's fields; each problem found is added to ``problems``."""

    def checked(check, *args):
        try:
            return check(*args)
        except InputError as exc:
            problems.append(exc)
            return None

    reply = fields.get("reply")
    if (not isinstance(reply, yaml.ScalarEvent) or _is_null(reply) or not reply.value.strip()) and (
            "reply" in fields or not problems):  # a misspelt key is the one problem to report
        problems.append(InputError(path, "话术缺少 reply（回复内容）", line))
    single = {k: checked(_single, path, fields.get(k)) for k in ("id", "customer", "scene")}
    template_id = single["id"]
    if template_id is not None:
        if template_id in seen:
            problems.append(InputError(path, f"话术 id「{template_id}」重复（第 {seen[template_id]} 行已使用）", line))
        else:
            seen[template_id] = line
    scene = checked(check_scene, path, single["scene"], line)
    noqa = fields.get("noqa")
    codes = checked(check_noqa, path, [e.value for e in (noqa if isinstance(noqa, list) else [noqa])], line) if noqa else ()
    if problems:
        return None
    raw = text[reply.start_mark.index : reply.end_mark.index]
    return Template(
        path=path, reply=reply.value, line=reply.start_mark.line + 1, column=reply.start_mark.column + 1,
        id=template_id, customer=single["customer"], scene=scene, noqa=codes,
        raw=None if raw == reply.value else raw,
    )


def _single(path: str, value) -> str | None:
    if value is None or _is_null(value):
        return None
    if isinstance(value, list):
        raise InputError(path, "此处应为文字，而不是列表", _line(value[0]) if value else None)
    return value.value
