"""Regular expressions spelt out for speed: what the engine does so that rule data can be
written plainly.

Python's regex engine skips straight to the positions where a match can start only when the
pattern starts with a literal character, a class, or an alternation whose every branch starts
with a literal character; otherwise it tries every position of the text, which over a whole
batch of replies is several times slower. ``alternation`` joins words (literal) and patterns
(regex) into one expression spelt out that way; ``scans`` gives the expressions that together
find the same, for scanning a whole batch (``checks.Batch``). ``tests/test_registry.py`` checks
that a spelt-out pattern finds exactly the spans of the pattern as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def alternation(words: Iterable[str] = (), patterns: Iterable[str] = ()) -> str:
    """One regular expression for literal ``words`` and regex ``patterns``.

    Python's regex engine skips straight to candidate positions only when every alternative
    of an alternation starts with a literal character; an alternative that starts with a
    group or a class makes it try every position (five times slower over a batch). So words
    match ASCII letters in either case by spelling out one alternative per case of a leading
    letter, and a pattern that starts with a group of plain alternatives or a class of plain
    characters (``(?:好评|五星)…``, ``[:：]\\)``) is spelt out as one alternative per head.
    Words are tried longest first (最低价 wins over a shorter overlapping word).
    """
    return _by_first_character(alternatives(words, patterns))


def written(words: Iterable[str] = (), patterns: Iterable[str] = ()) -> str:
    """What ``alternation`` finds, with the patterns as written: several times cheaper to
    compile (spelling a leading group out repeats what follows it once per head), and slower
    to scan, since the regex engine tries every position. For a few replies, where compiling
    is most of the work."""
    return "|".join([*dict.fromkeys(patterns), *_words(words)])


def scans(words: Iterable[str] = (), patterns: Iterable[str] = ()) -> list[re.Pattern]:
    """Regular expressions that together find what ``alternation`` finds, for scanning a whole
    batch: one for every alternative that starts with a literal character, and one for each
    that does not (a single such alternative in the big one would make it try every position)."""
    spelt = alternatives(words, patterns)
    literal = [a for a in spelt if _head(a)]
    return [re.compile(p) for p in ([_by_first_character(literal)] if literal else [])
            + [a for a in spelt if not _head(a)]]


def alternatives(words: Iterable[str], patterns: Iterable[str]) -> list[str]:
    """The alternatives of ``alternation`` before they are grouped by first character."""
    patterns = list(dict.fromkeys(patterns))
    if not words and len(patterns) == 1 and _class_first(patterns[0]):
        # Alone, a pattern that starts with a class is scanned fast as it is (the class is the
        # engine's prefix), and spelling it out would multiply the cost of compiling it.
        return patterns
    return [a for pattern in patterns for a in _literal_first(pattern)] + _words(words)


def _words(words: Iterable[str]) -> list[str]:
    """Literal ``words``, longest first, ASCII letters in either case, one alternative per case
    of a leading letter."""
    spelt = []
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        rest = "".join(f"[{c.lower()}{c.upper()}]" if c.isascii() and c.isalpha() else re.escape(c)
                       for c in word[1:])
        first = word[0]
        cases = {first.lower(), first.upper()} if first.isascii() and first.isalpha() else {first}
        spelt += [re.escape(c) + rest for c in sorted(cases)]
    return spelt


def first_characters(alternatives: list[str]) -> str | None:
    """A class body of every character the alternatives can start with, or None if that
    cannot be read off one of them (only literal heads and plain leading classes can)."""
    firsts = []
    for alternative in alternatives:
        head = _head(alternative)
        if head:
            firsts.append(head)
        elif m := re.match(r"\[([^\]^][^\]]*)\]", alternative):
            firsts.append(m.group(1))
        else:
            return None
    return "".join(firsts)


def _head(alternative: str) -> str:
    """The literal character an alternative starts with (as written: ``a`` or ``\\.``), or ""."""
    size = 2 if alternative.startswith("\\") else 1
    head = alternative[:size]
    if not alternative or head in ("(", "[", "^", "$", ".", "|") or alternative[size:size + 1] in ("?", "*", "+", "{"):
        return ""
    return head


def _by_first_character(alternatives: list[str]) -> str:
    """``a(?:x|y)|b…`` for ``ax|ay|b…``: at a candidate position the regex engine then tries one
    alternative per first character, not every alternative (ten times faster for a long word
    list over a batch). Alternatives with different first characters never match at the same
    position, so only their order within a group matters, and that is kept."""
    groups: dict[str, list[str]] = {}
    for alternative in alternatives:
        head = _head(alternative)
        if not head:
            groups.setdefault(alternative, []).append("")  # not literal-first: as it is
            continue
        groups.setdefault(head, []).append(alternative[len(head):])
    parts = []
    for head, rests in groups.items():
        if rests == [""]:
            parts.append(head)
        else:
            parts.append(f"{head}(?:{'|'.join(rests)})")
    return "|".join(parts)


_PLAIN = r"[^\\()\[\]{}|.*+?^$]"  # a character that means itself in a pattern
_HEAD_GROUP = re.compile(rf"\(\?:((?:{_PLAIN}+\|)*{_PLAIN}+)\)")
_HEAD_CLASS = re.compile(r"\[([^\\\]\-^][^\\\]\-]*)\]")
_HEAD_LOOKBEHIND = re.compile(r"\(\?<([!=])((?:[^()\\]|\\.)+)\)([^\\()\[\]{}|.*+?^$])(?![?*+{])")


def _literal_first(pattern: str) -> list[str]:
    """Alternatives that match what ``pattern`` matches, in the same order, each starting with
    a literal character where that can be read off the pattern: its top-level alternatives
    one by one; a leading group of plain alternatives or class of plain characters, optional
    or not, spelt out (``(?:a|b)?x`` is ``ax|bx|x``); a leading fixed-width look-behind moved
    after the character it looks from (``(?<!a)b`` is ``b(?<!ab)``). Anything else stays as
    it is."""
    branches = _top_level_branches(pattern)
    if len(branches) > 1:
        return [a for branch in branches for a in _literal_first(branch)]
    if m := _HEAD_LOOKBEHIND.match(pattern):
        kind, look, char = m.groups()
        return [f"{char}(?<{kind}{look}{char}){pattern[m.end():]}"]
    m = _HEAD_GROUP.match(pattern) or _HEAD_CLASS.match(pattern)
    if not m:
        return [pattern]
    rest = pattern[m.end():]
    optional = rest[:1] == "?" and rest[1:2] not in ("?", "+")
    if optional:
        rest = rest[1:]
    elif rest[:1] in ("?", "*", "+", "{"):
        return [pattern]
    heads = m.group(1).split("|") if m.re is _HEAD_GROUP else list(dict.fromkeys(m.group(1)))
    spelt = [re.escape(head) + rest for head in heads]
    return spelt + (_literal_first(rest) if optional and rest else [])


def _class_first(pattern: str) -> bool:
    """Whether every match of ``pattern`` starts with a character of one leading class."""
    m = _HEAD_CLASS.match(pattern)
    return bool(m) and pattern[m.end():m.end() + 1] not in ("?", "*", "{") and len(_top_level_branches(pattern)) == 1


def _top_level_branches(pattern: str) -> list[str]:
    """``pattern`` split at the ``|`` that are not inside a group or a class."""
    branches, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    return branches + [pattern[start:]]
