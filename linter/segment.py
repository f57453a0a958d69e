"""Word boundaries for short hits, decided the way jieba decides them, at a fraction of the cost.

A short hit such as 不行 or 你 is a finding only when jieba would cut the reply on both of its
edges (迷你 is one word; 你 in 你的包裹 is another). Loading jieba costs about a second per
process, more than linting ten thousand replies, so the engine asks in three steps:

1. No neighbour jieba could glue to the hit (jieba only joins characters of its "han" class:
   CJK, letters, digits, ``+#&._%-``): the edges are boundaries.
2. The *crossing index*: for each short word, the dictionary words that overlap it and cross
   one of its edges, by offset and length. jieba (HMM off) only joins characters into a token
   that is a word of its dictionary, so if none of those words occurs around the hit, jieba
   must cut at both edges. This settles almost every hit without any dictionary loaded.
3. Otherwise cut the hit's block (jieba cuts each run of han characters on its own) with
   ``Dictionary.boundaries``: jieba's own algorithm for ``jieba.lcut(text, HMM=False)`` — the
   DAG of dictionary words, the maximum-probability route, single letters and digits
   grouped — over jieba's dictionary plus the shared user dictionary, kept as two sorted
   arrays that load in a few hundredths of a second. ``tests/test_segment.py`` checks the
   result against jieba itself.

Both the dictionary arrays and the crossing index are built once (about a second each) and
cached on disk, like jieba's own cache, under ``$XDG_CACHE_HOME/kefu-lint``.
"""

from __future__ import annotations

import importlib.util
import marshal
import os
import re
import zlib
from array import array
from bisect import bisect_left
from functools import lru_cache
from math import log
from pathlib import Path
from typing import Iterable

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_WORD = re.compile(f"[{CJK}]+")
_HAN = re.compile("[\u4e00-\u9fd5a-zA-Z0-9+#&._%\\-]")  # jieba's re_han_default, one character
_ENG = re.compile("[a-zA-Z0-9]")  # jieba's re_eng
_USER_LINE = re.compile("^(.+?)( [0-9]+)?( [a-z]+)?$")  # jieba's re_userdict
_FORMAT = "3"  # bump when the cache layout changes

# For one short word: its neighbour ("L" + the character before the hit, or "R" + the one
# after it) -> (offset from the hit's start, length, dictionary words) of the words that cross
# that edge. Most neighbours have no entry at all, which settles the hit with two lookups.
Crossing = dict[str, tuple[tuple[int, int, frozenset[str]], ...]]


def user_dictionary() -> Path:
    """The domain user dictionary shared by the linter and the handbook's search index."""
    return Path(__file__).resolve().parent / "data" / "jieba_user_dict.txt"


def jieba_dictionary() -> Path:
    spec = importlib.util.find_spec("jieba")  # locate it without importing (import costs 0.2 s)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("jieba is not installed")
    return Path(spec.submodule_search_locations[0]) / "dict.txt"


def cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kefu-lint"


def _dictionary_key() -> str:
    """Names the dictionaries a cache was built from: jieba's (by path, size, time) and the
    user dictionary (by content)."""
    main, user = jieba_dictionary(), user_dictionary()
    stat = main.stat()
    return f"{_FORMAT}{_digest(f'{main}:{stat.st_size}:{stat.st_mtime_ns}'.encode())}{_digest(user.read_bytes())}"


def _digest(data: bytes) -> str:
    return f"{zlib.crc32(data):08x}"


def _write_cache(path: Path, data: bytes, stale: str) -> None:
    """Write ``path`` atomically and remove the caches it replaces (files matching ``stale``
    built from other dictionaries)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        current = _dictionary_key()
        for old in path.parent.glob(stale):
            if old != path and current not in old.name:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # an unwritable cache only costs a rebuild next time


class Dictionary:
    """jieba's prefix dictionary (``Tokenizer.FREQ`` and ``total``) as sorted arrays, one per
    first character, unpacked on first use: cutting a few blocks touches a few dozen of them."""

    def __init__(self, buckets: dict[str, tuple[str, bytes]], total: int) -> None:
        self._packed = buckets  # first character -> ("\n"-joined sorted words, their counts)
        self._buckets: dict[str, tuple[list[str], array]] = {}
        self.total, self.logtotal = total, log(total)
        self.boundaries = lru_cache(maxsize=8192)(self._boundaries)

    @classmethod
    def build(cls) -> Dictionary:
        """As ``jieba.initialize()`` then ``jieba.load_userdict(user_dictionary())`` build it."""
        freq: dict[str, int] = {}
        total = 0
        with jieba_dictionary().open(encoding="utf-8") as lines:
            for line in lines:
                word, count = line.strip().split(" ")[:2]
                freq[word] = int(count)
                total += int(count)
        with user_dictionary().open(encoding="utf-8") as lines:
            for line in lines:
                match = _USER_LINE.match(line.strip())
                if not match:
                    continue
                word, count, _ = match.groups()
                if count is None:  # jieba would guess a frequency by cutting; we need one
                    raise ValueError(f"{user_dictionary()}: 「{word}」 has no frequency")
                freq[word] = int(count)
                total += int(count)
        grouped: dict[str, list[str]] = {}
        for word in sorted(freq):
            grouped.setdefault(word[0], []).append(word)
        buckets = {
            char: ("\n".join(words), array("q", (freq[w] for w in words)).tobytes())
            for char, words in grouped.items()
        }
        return cls(buckets, total)

    @classmethod
    def load(cls) -> Dictionary:
        path = cache_dir() / f"dictionary-{_dictionary_key()}.marshal"
        try:
            return cls(*marshal.loads(path.read_bytes()))
        except (OSError, ValueError, EOFError, TypeError):
            pass
        built = cls.build()
        _write_cache(path, marshal.dumps((built._packed, built.total)), "dictionary-*")
        return built

    def _bucket(self, char: str) -> tuple[list[str], array]:
        bucket = self._buckets.get(char)
        if bucket is None:
            words, counts = self._packed.get(char, ("", b""))
            freqs = array("q")
            freqs.frombytes(counts)
            bucket = self._buckets[char] = (words.split("\n") if words else [], freqs)
        return bucket

    def _freq(self, fragment: str) -> int | None:
        """``FREQ.get(fragment)``: the word's count, 0 for a mere prefix, None if neither."""
        words, freqs = self._bucket(fragment[0])
        i = bisect_left(words, fragment)
        if i == len(words) or not words[i].startswith(fragment):
            return None
        return freqs[i] if words[i] == fragment else 0

    def tokens(self, block: str) -> list[str]:
        """``jieba.lcut(block, HMM=False)`` for one run of han characters."""
        n = len(block)
        dag = []
        for k in range(n):
            ends, i = [], k
            while i < n:
                count = self._freq(block[k : i + 1])
                if count is None:
                    break
                if count:
                    ends.append(i)
                i += 1
            dag.append(ends or [k])
        route: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)
        for idx in range(n - 1, -1, -1):
            route[idx] = max(
                (log(self._freq(block[idx : x + 1]) or 1) - self.logtotal + route[x + 1][0], x)
                for x in dag[idx]
            )
        tokens, buffer, x = [], "", 0
        while x < n:
            y = route[x][1] + 1
            word = block[x:y]
            if len(word) == 1 and _ENG.match(word):
                buffer += word
            else:
                if buffer:
                    tokens.append(buffer)
                    buffer = ""
                tokens.append(word)
            x = y
        if buffer:
            tokens.append(buffer)
        return tokens

    def _boundaries(self, block: str) -> frozenset[int]:
        offsets, position = {0}, 0
        for token in self.tokens(block):
            position += len(token)
            offsets.add(position)
        return frozenset(offsets)

    def token_words(self) -> Iterable[str]:
        """Words jieba can emit as tokens that join characters: two or more, count above 0."""
        for char in self._packed:
            words, freqs = self._bucket(char)
            yield from (w for w, count in zip(words, freqs) if count and len(w) > 1)


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
    index: dict[str, Crossing] = {}
    for short, by_span in found.items():
        n = len(short)
        sides: dict[str, dict[tuple[int, int], set[str]]] = {}
        for (rel, size), crossing in by_span.items():
            for word in crossing:
                if rel < 0:  # covers the character before the hit
                    sides.setdefault("L" + word[-1 - rel], {}).setdefault((rel, size), set()).add(word)
                if rel + size > n:  # covers the character after it
                    sides.setdefault("R" + word[n - rel], {}).setdefault((rel, size), set()).add(word)
        index[short] = {
            side: tuple((rel, size, frozenset(words)) for (rel, size), words in sorted(spans.items()))
            for side, spans in sides.items()
        }
    return index


class Segmenter:
    """Answers the engine's one question: would jieba cut a reply around this hit?"""

    def __init__(self) -> None:
        self._dictionary: Dictionary | None = None
        self._index: dict[str, Crossing] = {}
        self._pending: set[str] = set()

    @property
    def dictionary(self) -> Dictionary:
        if self._dictionary is None:
            self._dictionary = Dictionary.load()
        return self._dictionary

    @property
    def loaded(self) -> bool:
        return self._dictionary is not None

    def register(self, shorts: Iterable[str]) -> None:
        """Short words to index; the index is loaded (or built) when a hit first needs it."""
        self._pending |= {s for s in shorts if _CJK_WORD.fullmatch(s)} - self._index.keys()

    def _load_index(self, shorts: list[str]) -> dict[str, Crossing]:
        words = _digest("\n".join(shorts).encode())
        path = cache_dir() / f"crossing-{_dictionary_key()}-{words}.marshal"
        try:
            return marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            pass
        index = build_index(shorts, self.dictionary.token_words())
        _write_cache(path, marshal.dumps(index), "crossing-*")
        return index

    def on_boundary(self, text: str, start: int, end: int) -> bool:
        """True when ``jieba.lcut(text, HMM=False)`` cuts at both ``start`` and ``end``."""
        joins = lambda i: _HAN.match(text, i - 1) and _HAN.match(text, i)  # noqa: E731
        if not (start > 0 and joins(start)) and not (end < len(text) and joins(end)):
            return True
        if self._pending:
            self._index.update(self._load_index(sorted(self._pending)))
            self._pending.clear()
        crossing = self._index.get(text[start:end])
        if crossing is not None:
            candidates = (crossing.get("L" + text[start - 1], ()) if start else ()) + (
                crossing.get("R" + text[end], ()) if end < len(text) else ()
            )
            for rel, size, words in candidates:
                if start + rel >= 0 and text[start + rel : start + rel + size] in words:
                    break  # a dictionary word around the hit: jieba has to decide
            else:
                return True
        # Cut the hit's block: jieba cuts each run of han characters on its own.
        first, last = start, end
        while first > 0 and _HAN.match(text, first - 1):
            first -= 1
        while last < len(text) and _HAN.match(text, last):
            last += 1
        bounds = self.dictionary.boundaries(text[first:last])
        return start - first in bounds and end - first in bounds
