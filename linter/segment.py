"""Word boundaries for short hits: jieba's verdict, usually without loading jieba.

A short hit such as 不行 or 你 is a finding only when jieba would cut the reply on both of its
edges (迷你 is one word; 你 in 你的包裹 is another). jieba (without HMM) only ever joins
characters into a token when that token is a word of its dictionary. So if no dictionary word
*occurs* in the reply across one of the hit's edges, jieba must cut there — no need to load it.

``CrossingIndex`` lists, for each short word, the dictionary words that could cross its
edges, keyed by their offset and length relative to the hit. It is built once from jieba's
dictionary file and the shared user dictionary (about half a second) and cached on disk. Only
a hit that really has such a word around it asks jieba itself (about a second to load, once).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{CJK}]")
_CJK_WORD = re.compile(f"[{CJK}]+")

Crossing = dict[tuple[int, int], frozenset[str]]  # (offset from hit start, length) -> words


def is_cjk(text: str, index: int) -> bool:
    return 0 <= index < len(text) and _CJK_CHAR.match(text, index) is not None


def user_dictionary() -> Path:
    return Path(str(resources.files("kefu_lint").joinpath("data/jieba_user_dict.txt")))


def _jieba_dictionary() -> Path:
    spec = importlib.util.find_spec("jieba")  # locate without importing (import costs 0.2 s)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("jieba is not installed")
    return Path(spec.submodule_search_locations[0]) / "dict.txt"


def _dictionary_words(paths: Iterable[Path]) -> Iterable[str]:
    """Words jieba can emit as tokens: two or more characters, non-zero frequency."""
    for path in paths:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                parts = line.split()
                if len(parts) >= 2 and len(parts[0]) > 1 and parts[1] != "0":
                    yield parts[0]
                elif len(parts) == 1 and len(parts[0]) > 1:  # user dict lines may omit freq
                    yield parts[0]


def build_index(shorts: Iterable[str], words: Iterable[str]) -> dict[str, Crossing]:
    """For each short word, the dictionary words that overlap it and cross one of its edges."""
    shorts = sorted(set(shorts))
    positions: dict[str, list[tuple[str, int]]] = {}  # char -> (short word, index in it)
    for short in shorts:
        for i, char in enumerate(short):
            positions.setdefault(char, []).append((short, i))
    found: dict[str, dict[tuple[int, int], set[str]]] = {s: {} for s in shorts}
    for word in words:
        size = len(word)
        tried = set()
        for p, char in enumerate(word):
            for short, i in positions.get(char, ()):
                rel = i - p  # the word spans [rel, rel + size) around the hit [0, n)
                n = len(short)
                if (short, rel) in tried or not (rel < 0 < rel + size or rel < n < rel + size):
                    continue
                tried.add((short, rel))
                if all(word[j - rel] == short[j] for j in range(max(0, rel), min(n, rel + size))):
                    found[short].setdefault((rel, size), set()).add(word)
    return {s: {k: frozenset(v) for k, v in by.items()} for s, by in found.items()}


class Segmenter:
    """Word-boundary decisions with the shared user dictionary; jieba loaded only on demand."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self._cut: Callable[..., list[str]] | None = None
        self._index: dict[str, Crossing] = {}
        self._pending: set[str] = set()
        self._cache_dir = cache_dir
        self.boundaries = lru_cache(maxsize=4096)(self._boundaries)

    # -- jieba itself

    @property
    def loaded(self) -> bool:
        return self._cut is not None

    def tokens(self, text: str) -> list[str]:
        if self._cut is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            jieba.load_userdict(str(user_dictionary()))
            self._cut = jieba.lcut
        return self._cut(text, HMM=False)

    def _boundaries(self, text: str) -> frozenset[int]:
        offsets, position = {0}, 0
        for token in self.tokens(text):
            position += len(token)
            offsets.add(position)
        return frozenset(offsets)

    # -- the crossing index

    def register(self, shorts: Iterable[str]) -> None:
        """Short words to index; the index is loaded (or built) when a hit first needs it."""
        self._pending |= {s for s in shorts if _CJK_WORD.fullmatch(s)} - self._index.keys()

    def _load_index(self, shorts: list[str]) -> dict[str, Crossing]:
        sources = [_jieba_dictionary(), user_dictionary()]
        key = hashlib.sha1(json.dumps(shorts, ensure_ascii=False).encode())
        for source in sources:
            key.update(source.read_bytes() if source.stat().st_size < 1 << 16 else str(source.stat()).encode())
        cache = self._cache_path(key.hexdigest())
        try:
            data = json.loads(cache.read_text(encoding="utf-8"))
            return {s: {(rel, n): frozenset(ws) for rel, n, ws in rows} for s, rows in data.items()}
        except (OSError, ValueError, AttributeError):
            pass
        index = build_index(shorts, _dictionary_words(sources))
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            rows = {s: [[rel, n, sorted(ws)] for (rel, n), ws in c.items()] for s, c in index.items()}
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
            tmp.replace(cache)
        except OSError:
            pass  # an unwritable cache only costs the rebuild next time
        return index

    def _cache_path(self, key: str) -> Path:
        base = self._cache_dir or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kefu-lint"
        return base / f"crossing-{key[:16]}.json"

    # -- the question the engine asks

    def on_boundary(self, text: str, start: int, end: int) -> bool:
        """True when jieba would cut ``text`` at both ``start`` and ``end``."""
        if not (is_cjk(text, start - 1) and is_cjk(text, start)) and not (
            is_cjk(text, end - 1) and is_cjk(text, end)
        ):
            return True  # jieba glues only CJK to CJK: no CJK pair straddles either edge
        if self._pending:
            self._index.update(self._load_index(sorted(self._pending)))
            self._pending.clear()
        crossing = self._index.get(text[start:end])
        if crossing is not None and not any(
            text[start + rel : start + rel + size] in words
            for (rel, size), words in crossing.items()
            if start + rel >= 0 and start + rel + size <= len(text)
        ):
            return True
        bounds = self.boundaries(text)
        return start in bounds and end in bounds
