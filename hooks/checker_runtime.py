"""The Python side of the handbook's 话术自检 page (``checker/``), run in the browser by Pyodide.

``hooks/checker.py`` packs this module (as ``kefu_checker``) with the parts of ``kefu_lint``
that ``lint_text`` needs; the page's worker (``docs/javascripts/checker-worker.js``) calls
``check`` on every (debounced) change and ``fix`` for the fix button. Both are the CLI's own
code: ``lint_text`` with the default settings, and ``fix_reply`` round after round as
``kefu-lint --fix`` fixes a file. Nothing here decides anything about the rules.

Offsets in the results are in UTF-16 code units, as JavaScript strings count them (an emoji
outside the Basic Multilingual Plane is one character in Python and two in JavaScript).
The tests import this module in CPython and compare it with ``lint_text``.
"""

from __future__ import annotations

import json

from kefu_lint import lint_text
from kefu_lint.api import linter_for
from kefu_lint.config import Settings
from kefu_lint.fixes import fix_reply
from kefu_lint.model import SEVERITY_NAMES, Finding
from kefu_lint.rules import RULES_BY_CODE

_MAX_ROUNDS = 50  # each round of fixing removes something; a bound all the same


def _settings(base: str) -> Settings:
    # Rule links relative to the page: ``base`` is the way from the page to the site's root.
    return Settings(base_url=base or ".")


def _findings(reply: str, customer: str, scene: str, settings: Settings) -> list[Finding]:
    return lint_text(reply, customer=customer or None, scene=scene or None, settings=settings)


def _utf16(text: str):
    """Python offset -> JavaScript offset in ``text`` (identity when no astral character)."""
    if all(ord(char) < 0x10000 for char in text):
        return lambda offset: offset
    units, total = [0], 0
    for char in text:
        total += 2 if ord(char) > 0xFFFF else 1
        units.append(total)
    return units.__getitem__


def check(reply: str, customer: str = "", scene: str = "", base: str = ".") -> str:
    """The findings for one reply, as JSON: ``{"findings": [...], "fixable": bool}``. Each
    finding has its code, rule title, severity (and its Chinese name), message, span, whether
    it covers the whole reply, the link to its rule and whether the fix button changes it."""
    findings = _findings(reply, customer, scene, _settings(base))
    unfixable = [f for f in findings if not f.fix]
    to_js = _utf16(reply)
    items = []
    for f in findings:
        rule = RULES_BY_CODE[f.rule]
        fixable = bool(f.fix) and fix_reply(reply, [f, *unfixable]) != reply
        items.append({
            "rule": f.rule, "title": rule.title, "severity": f.severity,
            "severityName": SEVERITY_NAMES[f.severity], "message": f.message,
            "start": to_js(f.start), "end": to_js(f.end),
            "whole": f.start == 0 and f.end == len(reply),
            "url": f.url, "fix": list(f.fix) if fixable else None,
        })
    return json.dumps({"findings": items, "fixable": fix_reply(reply, findings) != reply},
                      ensure_ascii=False)


def fix(reply: str, customer: str = "", scene: str = "", base: str = ".") -> str:
    """``reply`` as ``kefu-lint --fix`` would write it: fix, lint again, until nothing changes."""
    settings = _settings(base)  # the page's settings: its linter is compiled already
    for _ in range(_MAX_ROUNDS):
        fixed = fix_reply(reply, _findings(reply, customer, scene, settings))
        if fixed == reply:
            break
        reply = fixed
    return reply


def prepare(base: str = ".") -> None:
    """Compile the rules for the page's settings (the build-time snapshot is taken after this)."""
    linter_for(_settings(base))


WARM_UP = (  # replies that run every kind of check, fixes included
    ("亲，这个价格不行哦[微笑]", "这个能便宜点吗", "售前"),
    ("你好,你自己看详情页吧!!!全网最低价，加微信返现", "", "售后"),
)


def warm_up(base: str = ".") -> None:
    """Load the word-boundary dictionary and run each kind of check once before the first real
    check, so that it finds everything loaded and compiled."""
    for reply, customer, scene in WARM_UP:
        check(reply, customer, scene, base)
        fix(reply, customer, scene, base)
