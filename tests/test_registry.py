"""The registry's examples are the rules' tests (like textlint-tester's valid/invalid lists).

A reply rule's example is linted as a template; a conversation rule's example (``Chat``) is
written as a JSON Lines export, read by the chat loader and inspected as ``kefu-lint chats``
inspects a session.
"""

from __future__ import annotations

import io
import json
import re

import pytest

from kefu_lint.api import score_session
from kefu_lint.config import Settings
from kefu_lint.engine import Linter
from kefu_lint.loaders.chats import read_chat
from kefu_lint.model import SCENES, SEVERITIES, Template
from kefu_lint.rules import CATEGORIES, RULES, RULES_BY_CODE, Chat, Example, Rule

LINTER = Linter(Settings())


def chat_lines(chat: Chat) -> list:
    """The example as the chat loader reads it from an export."""
    rows = []
    for speaker, role, time, text in chat.parsed():
        row = {"会话ID": "example", "角色": speaker, "内容": text}
        if time:
            row["时间"] = f"2026-11-20 {time}"
        if role == "agent":
            row["客服"] = "小美"
        rows.append(json.dumps(row, ensure_ascii=False))
    lines = list(read_chat("example.jsonl", io.BytesIO("\n".join(rows).encode())))
    assert all(not isinstance(line, Exception) for line in lines), lines
    return lines


def lint_example(example: Example | Chat) -> list:
    if isinstance(example, Chat):
        return score_session(chat_lines(example)).findings
    templates = [Template(path="example.yaml", reply=s, id=f"sibling-{i}") for i, s in enumerate(example.siblings)]
    templates.append(
        Template(path="example.yaml", reply=example.reply, id="example", customer=example.customer,
                 scene=example.scene, placeholders=frozenset(example.placeholders))
    )
    return [f for f in LINTER.lint(templates) if f.template == "example"]


def cases(kind: str) -> list:
    return [
        pytest.param(rule, example, id=f"{rule.code}-{kind}{number}")
        for rule in RULES
        for number, example in enumerate(getattr(rule, kind), start=1)
    ]


@pytest.mark.parametrize("rule, example", cases("bad"))
def test_bad_example_fires_its_rule(rule: Rule, example: Example) -> None:
    assert rule.code in {f.rule for f in lint_example(example)}


@pytest.mark.parametrize("rule, example", cases("good"))
def test_good_example_is_clean(rule: Rule, example: Example) -> None:
    # A good example is a house example: it passes every rule, not only its own.
    assert [(f.rule, f.message) for f in lint_example(example)] == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_is_complete(rule: Rule) -> None:
    assert re.fullmatch(r"KF[1-6]\d\d", rule.code)
    assert rule.conversation == rule.code.startswith("KF6") == (rule.category == "conversation")
    assert rule.category in CATEGORIES and rule.severity in SEVERITIES
    assert rule.bad and rule.good, "every rule documents itself with bad and good examples"
    assert rule.message and rule.rationale and rule.source and rule.title
    assert all(getattr(e, "scene", None) in (None, *SCENES) for e in rule.bad + rule.good)


def test_codes_and_names_are_unique() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)


def test_fixed_codes_exist() -> None:
    expected = {
        "KF101": "no-refusal", "KF102": "no-single-char", "KF103": "no-bare-negation",
        "KF104": "no-arguing", "KF105": "duplicate-reply", "KF201": "polite-words",
        "KF202": "modal-particle", "KF203": "longer-than-customer", "KF204": "emoji",
        "KF205": "honorific", "KF301": "greeting", "KF302": "apology-first", "KF303": "farewell",
        "KF401": "ad-law-absolute", "KF402": "review-inducement", "KF403": "off-platform",
        "KF501": "placeholder", "KF502": "too-long",
    }
    assert {code: r.name for r in RULES if (code := r.code) in expected} == expected


def test_word_alternatives_start_with_a_literal_character() -> None:
    """The engine scans whole batches with one alternation per rule; Python's regex engine skips
    straight to candidates only when every alternative starts with a literal character. Words
    are written as plain text; the engine spells out the cases of a leading ASCII letter."""
    from kefu_lint.patterns import alternation

    assert alternation(["vx", "QQ群", "不行", "不"]) == "Q(?:[qQ]群)|q(?:[qQ]群)|V(?:[xX])|v(?:[xX])|不(?:行|)"
    assert re.fullmatch(alternation(["vx"]), "VX") and not re.search(alternation(["不行"]), "不 行")


def test_a_field_its_kind_does_not_read_is_an_error_naming_the_rule() -> None:
    from dataclasses import replace

    with pytest.raises(ValueError, match="KF101: check kind 'existence' does not read 'groups'"):
        replace(RULES[0], groups=(("x", ("y",)),))
    with pytest.raises(ValueError, match="KF301: check kind 'scene' needs 'scene'"):
        replace(next(r for r in RULES if r.code == "KF301"), scene=None)
    with pytest.raises(ValueError, match="unknown check kind 'words'"):
        replace(RULES[0], check="words")
    with pytest.raises(ValueError, match="KF102: the curt kind's patterns must be literal characters"):
        replace(next(r for r in RULES if r.code == "KF102"), patterns=(r"\d+",))


def _bench(module: str):
    """A module of ``bench/`` (the generated corpus, the accuracy sets)."""
    import importlib
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    try:
        return importlib.import_module(module)
    finally:
        sys.path.pop(0)


def test_spelt_out_patterns_match_what_the_rule_wrote() -> None:
    """The engine rewrites patterns to start with a literal character; over real replies the
    rewritten alternation finds exactly the spans the pattern as written finds."""
    from kefu_lint.patterns import alternation

    corpus = _bench("corpus")
    texts = corpus.replies(2000) + corpus.chat_lines(2000) + [e.reply for r in RULES if not r.conversation
                                                              for e in r.bad + r.good]
    from kefu_lint.context import PROBLEMS

    for code, pattern in [(r.code, p) for r in RULES for p in r.patterns + r.allow] + [("complaint", PROBLEMS)]:
        written, spelt = re.compile(pattern), re.compile(alternation(patterns=[pattern]))
        for text in texts:
            assert [m.span() for m in written.finditer(text)] == [m.span() for m in spelt.finditer(text)], (
                code, pattern, text)


def test_an_existence_rule_finds_the_same_as_written_and_spelt_out() -> None:
    """A few replies are checked with a rule's patterns as written, a large batch with them
    spelt out (``checks.Existence``): both find the same spans, in the same order."""
    from kefu_lint.patterns import alternation, written

    corpus, accuracy = _bench("corpus"), _bench("accuracy")
    labelled = [item.reply for folder in (accuracy.HERE / "accuracy", accuracy.HERE / "accuracy" / "holdout")
                for item in accuracy.load(folder)]
    texts = corpus.replies(1000) + corpus.chat_lines(1000) + labelled + [e.reply for r in RULES if not r.conversation
                                                                         for e in r.bad]
    for rule in RULES:
        if rule.check != "existence":
            continue
        plain, spelt = re.compile(written(rule.words, rule.patterns)), re.compile(alternation(rule.words, rule.patterns))
        for text in texts:
            assert [m.span() for m in plain.finditer(text)] == [m.span() for m in spelt.finditer(text)], (rule.code, text)


def test_examples_are_of_the_rules_kind() -> None:
    from dataclasses import replace

    kf101, kf601 = RULES[0], next(r for r in RULES if r.code == "KF601")
    with pytest.raises(ValueError, match="KF101: examples of a reply rule are Example values"):
        replace(kf101, bad=kf601.bad)
    with pytest.raises(ValueError, match="KF601: examples of a conversation rule are Chat values"):
        replace(kf601, good=kf101.good)
    with pytest.raises(ValueError, match="starts with 顾客, 客服 or 系统"):
        Chat(("买家 10:00:00 在吗",))


def test_conversation_rules_are_not_reply_rules() -> None:
    """The engine lints replies with KF1–KF5 only; KF6xx are run on whole chats."""
    assert {rule.code[:3] for rule in LINTER.rules} == {"KF1", "KF2", "KF3", "KF4", "KF5"}


def test_long_pattern_lists_scan_from_a_literal_character() -> None:
    # An alternative without a literal first character (a look-behind or a class in front) is
    # scanned on its own at every position: one such in KF104 cost chats 17% more instructions.
    from kefu_lint import context, patterns


    lists = {code: (RULES_BY_CODE[code].words, RULES_BY_CODE[code].patterns)
             for code in ("KF101", "KF104", "KF401", "KF402", "KF403")}
    lists["PROBLEMS"] = ((), [context.PROBLEMS])
    for name, (words, found) in lists.items():
        assert [a for a in patterns.alternatives(words, found) if not patterns._head(a)] == [], name
