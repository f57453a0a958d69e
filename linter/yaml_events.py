"""Template sets in any YAML layout, read from libyaml's events.

``loaders.load_yaml`` reads the common plain layout itself; every other file comes here. The
events are read directly: no node tree and no implicit-type resolution (everything a
template holds is text), several times faster than ``yaml.compose``. A scalar is kept as its
ScalarEvent (value, marks, style).
"""

from __future__ import annotations

from typing import Iterator

import yaml

from .engine import Template
from .loaders import _NULLS, _TEMPLATE_KEYS, InputError, NotATemplateSet, _noqa, _scene

try:  # libyaml is several times faster; PyYAML's wheels ship it
    from yaml import CSafeLoader as _YamlLoader
except ImportError:  # pragma: no cover - pure-Python PyYAML
    from yaml import SafeLoader as _YamlLoader


def read_set(path: str, text: str) -> list[Template]:
    try:
        return _read_set(path, text, iter(yaml.parse(text, Loader=_YamlLoader)))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "无法解析"
        raise InputError(path, f"YAML 格式错误：{problem}", mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise InputError(path, f"YAML 格式错误：{exc}") from None


def _is_null(event) -> bool:
    return isinstance(event, yaml.ScalarEvent) and not event.style and event.value in _NULLS


def _skip(events: Iterator, event) -> None:
    """Consume the rest of a collection that ``event`` opens."""
    depth = 1 if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)) else 0
    while depth:
        event = next(events)
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def _text(path: str, events: Iterator, event):
    """A scalar, or a list of scalars: ScalarEvent or list[ScalarEvent]."""
    if isinstance(event, yaml.ScalarEvent):
        return event
    if isinstance(event, yaml.SequenceStartEvent):
        items = []
        while not isinstance(item := next(events), yaml.SequenceEndEvent):
            if not isinstance(item, yaml.ScalarEvent):
                raise InputError(path, "此处应为文字，而不是列表或表", item.start_mark.line + 1)
            items.append(item)
        return items
    if isinstance(event, yaml.AliasEvent):
        raise InputError(path, "不支持锚点和别名（* &）", event.start_mark.line + 1)
    raise InputError(path, "此处应为文字，而不是列表或表", event.start_mark.line + 1)


def _read_set(path: str, text: str, events: Iterator) -> list[Template]:
    root = next(e for e in events if not isinstance(e, (yaml.StreamStartEvent, yaml.DocumentStartEvent)))
    if not isinstance(root, yaml.MappingStartEvent):
        _skip(events, root)
        raise NotATemplateSet(path, "不是话术集：顶层应有 templates 列表")
    templates: list[Template] | None = None
    placeholders: frozenset[str] = frozenset()
    unknown = None
    while not isinstance(key := next(events), yaml.MappingEndEvent):
        value = next(events)
        if isinstance(key, yaml.ScalarEvent) and key.value == "templates":
            if not isinstance(value, yaml.SequenceStartEvent):
                _skip(events, value)
                raise InputError(path, "templates 应为非空列表", value.start_mark.line + 1)
            templates = _read_templates(path, text, events, value)
        elif isinstance(key, yaml.ScalarEvent) and key.value == "placeholders":
            found = _text(path, events, value)
            placeholders = frozenset(e.value for e in (found if isinstance(found, list) else [found]))
        else:
            unknown = unknown or key
            _skip(events, value)
    for event in events:
        if isinstance(event, yaml.DocumentStartEvent):
            raise InputError(path, "一个文件只能有一个 YAML 文档", event.start_mark.line + 1)
    if templates is None:
        raise NotATemplateSet(path, "不是话术集：顶层应有 templates 列表")
    if unknown is not None:
        raise InputError(path, f"未知的键「{getattr(unknown, 'value', '?')}」（可用：templates / placeholders）",
                         unknown.start_mark.line + 1)
    if not templates:
        raise InputError(path, "templates 应为非空列表")
    for template in templates:  # the set's declaration may come after its templates
        template.placeholders = placeholders
    return templates


def _read_templates(path: str, text: str, events: Iterator, start) -> list[Template]:
    templates: list[Template] = []
    seen: dict[str, int] = {}
    while not isinstance(item := next(events), yaml.SequenceEndEvent):
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingStartEvent):
            raise InputError(path, "每条话术应为键值表（id / scene / customer / reply / noqa）", line)
        fields = {}
        while not isinstance(key := next(events), yaml.MappingEndEvent):
            if not isinstance(key, yaml.ScalarEvent) or key.value not in _TEMPLATE_KEYS:
                raise InputError(path, f"未知的键「{getattr(key, 'value', '?')}」（可用：{' / '.join(_TEMPLATE_KEYS)}）",
                                 key.start_mark.line + 1)
            fields[key.value] = _text(path, events, next(events))
        reply = fields.get("reply")
        if not isinstance(reply, yaml.ScalarEvent) or _is_null(reply) or not reply.value.strip():
            raise InputError(path, "话术缺少 reply（回复内容）", line)
        single = {k: _single(path, fields.get(k)) for k in ("id", "customer", "scene")}
        template_id = single["id"]
        if template_id is not None:
            if template_id in seen:
                raise InputError(path, f"话术 id「{template_id}」重复（第 {seen[template_id]} 行已使用）", line)
            seen[template_id] = line
        noqa = fields.get("noqa")
        raw = text[reply.start_mark.index : reply.end_mark.index]
        templates.append(
            Template(
                path=path,
                reply=reply.value,
                line=reply.start_mark.line + 1,
                column=reply.start_mark.column + 1,
                id=template_id,
                customer=single["customer"],
                scene=_scene(path, single["scene"], line),
                noqa=_noqa(path, [e.value for e in (noqa if isinstance(noqa, list) else [noqa])], line) if noqa else (),
                raw=None if raw == reply.value else raw,
            )
        )
    return templates


def _single(path: str, value) -> str | None:
    if value is None or _is_null(value):
        return None
    if isinstance(value, list):
        raise InputError(path, "此处应为文字，而不是列表", value[0].start_mark.line + 1 if value else None)
    return value.value
