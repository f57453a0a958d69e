"""Word boundaries for short hits, decided the way jieba decides them, without importing jieba.

A short hit such as 不行 or 你 is a finding only when jieba would cut the reply on both of its
edges (迷你 is one word; 你 in 你的包裹 is another). Importing jieba and loading its dictionary
costs about a second per process, more than linting ten thousand replies, so:

1. A hit with no neighbour jieba could glue to it (jieba only joins characters of its "han"
   class: CJK, letters, digits, ``+#&._%-``) stands on boundaries: nothing to load.
2. Otherwise the hit's block (jieba cuts each run of han characters on its own) is cut with
   ``Dictionary.tokens``: jieba's own algorithm for ``jieba.lcut(text, HMM=False)`` — the DAG of
   dictionary words, the maximum-probability route, single letters and digits grouped — over
   jieba's dictionary plus the shared user dictionary. ``tests/test_boundaries.py`` checks the
   result against jieba itself.

Before cutting, a cheaper exact test: jieba keeps an edge uncut only if a dictionary word
covers both of its sides, so a hit with no such word around it stands on boundaries too.

The dictionary is jieba's lines split by first character, each part parsed on first use; it
is built once from jieba's ``dict.txt`` (a split and a sort: 0.3–0.4 s) and cached on disk:
``$KEFU_LINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/kefu-lint``, else ``~/.cache/kefu-lint``. A
cache file is named by what it was built from (the cache format, jieba's version, the content
of both dictionaries), so two environments never fight over it; it is written atomically, old
ones are pruned by age and count, and an unreadable, corrupt or unwritable cache only means a
rebuild — never an error.
``$KEFU_LINT_DICTIONARY`` names a prebuilt dictionary file (``Dictionary.dumps``) to use
instead: the handbook's in-browser checker, which has no jieba, is served one.
"""

from __future__ import annotations

import importlib.util
import marshal
import os
import re
import time
import zlib
from functools import lru_cache
from itertools import groupby
from math import log
from operator import itemgetter
from pathlib import Path

# jieba's re_han_default, one character: [\u4e00-\u9fd5a-zA-Z0-9+#&._%\-]. A test, not a regex:
# compiling a class of 20,000 characters takes longer than a pre-commit run's linting.
_HAN_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+#&._%-")


def han(text: str, index: int) -> bool:
    char = text[index]
    return "\u4e00" <= char <= "\u9fd5" or char in _HAN_ASCII


_ENG = re.compile("[a-zA-Z0-9]")  # jieba's re_eng
_USER_LINE = re.compile("^(.+?)( [0-9]+)?( [a-z]+)?$")  # jieba's re_userdict
# A line of jieba's dict.txt: word, count, tag. Not anchored at line starts (the regex engine
# would try every position): a match takes the whole line.
_MAIN_LINE = re.compile(r"(\S+) ([0-9]+)[^\n]*")
# The count of each line of dict.txt (searched after a line break: the second field only).
_COUNT = re.compile(r"\n[ \t]*\S+ ([0-9]+)")
_FIRST, _SECOND, _TWO = itemgetter(0), itemgetter(1), itemgetter(slice(0, 2))
_FORMAT = "10"  # bump when the cache layout changes
_KEEP = 8  # cache files kept at most
_MAX_AGE = 30 * 86400  # seconds an unused cache file is kept


def user_dictionary() -> Path:
    """The domain user dictionary shared by the linter and the handbook's search index."""
    return Path(__file__).resolve().parent / "data" / "jieba_user_dict.txt"


def _jieba_dir() -> Path:
    spec = importlib.util.find_spec("jieba")  # locate it without importing (import costs 0.2 s)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("jieba is not installed")
    return Path(spec.submodule_search_locations[0])


def cache_dir() -> Path:
    explicit = os.environ.get("KEFU_LINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kefu-lint"


def _cache_key(jieba_dir: Path, main: bytes, user: bytes) -> str:
    init = (jieba_dir / "__init__.py").read_text(encoding="utf-8", errors="replace")
    version = re.search(r"__version__\s*=\s*['\"]([^'\"]+)", init)
    return "-".join((_FORMAT, version.group(1) if version else "unknown",
                     f"{zlib.crc32(main):08x}", f"{zlib.crc32(user):08x}"))


class Dictionary:
    """jieba's dictionary: each word's count and the ``total``. It is kept as jieba's own
    lines (``word count tag``), one chunk per first character, and a chunk is parsed on first
    use (cutting a few blocks touches a few dozen of them; a run of 100k replies, about 30).
    Building it is then a split and a sort of the file, with no work per word: a cold build
    is all of a first run's extra time. jieba's ``FREQ`` also holds every prefix of every
    word, with count 0, and extends a candidate word only while it is one; looking up every
    length up to the chunk's longest word (at most) finds the same words. Only the two-character
    prefixes are added (count 0 unless a word): one lookup then rules out most starts
    (``crossed``)."""

    def __init__(self, chunks: dict[str, bytes], reach: dict[str, int], total: int) -> None:
        self._chunks = chunks  # first character -> jieba's lines of the words it starts
        # First character -> at least the characters of its longest word (read off the
        # lengths of its lines, so that a chunk is parsed only where a word could reach).
        self._reach = reach
        self.longest = max(reach.values(), default=1)
        self._buckets: dict[str, dict[str, int]] = {}
        self.total, self.logtotal = total, log(total)
        self.boundaries = lru_cache(maxsize=8192)(self._boundaries)

    @classmethod
    def build(cls, main: bytes, user: bytes) -> Dictionary:
        """As ``jieba.initialize()`` then ``jieba.load_userdict(user_dictionary())`` build it."""
        text = main.decode("utf-8")
        lines = text.split("\n")
        total = sum(map(int, _COUNT.findall("\n" + text)))  # every line counts, as in jieba
        for line in user.decode("utf-8").splitlines():
            match = _USER_LINE.match(line.strip())
            if not match:
                continue
            word, count, tag = match.groups()
            if count is None:  # jieba would guess a frequency by cutting; we need one
                raise ValueError(f"{user_dictionary()}: 「{word}」 has no frequency")
            total += int(count)
            if not any(map(str.isspace, word)):  # a word with a space is never in a han block
                # After jieba's lines (a later line wins), with a tag if it has none: three fields.
                lines.append(f"{word} {int(count)} {tag.strip() if tag else 'x'}")
        lines = list(filter(None, map(str.strip, lines)))  # jieba strips each line too
        lines.sort(key=_FIRST)  # stable: each character's lines stay in file order
        chunks, reach = {}, {}
        for char, group in groupby(lines, _FIRST):
            group = list(group)
            # UTF-8, which loading the cache copies as it is (text would be decoded whole).
            chunks[char] = "\n".join(group).encode("utf-8")
            reach[char] = max(map(len, group)) - 2  # a line is at least its word, a space, a digit
        return cls(chunks, reach, total)

    def dumps(self) -> bytes:
        return marshal.dumps((_FORMAT, self._chunks, self._reach, self.total))

    @classmethod
    def loads(cls, data: bytes) -> Dictionary:
        loaded = marshal.loads(data)
        if not (isinstance(loaded, tuple) and len(loaded) == 4 and loaded[0] == _FORMAT):
            raise ValueError("not a dictionary file of this version")
        _, chunks, reach, total = loaded
        if not (isinstance(chunks, dict) and isinstance(reach, dict) and isinstance(total, int) and total > 0):
            raise ValueError("not a dictionary file")
        return cls(chunks, reach, total)

    @classmethod
    def load(cls) -> Dictionary:
        """The prebuilt file ``$KEFU_LINT_DICTIONARY``, else the cache, else a build."""
        prebuilt = os.environ.get("KEFU_LINT_DICTIONARY")
        if prebuilt:
            return cls.loads(Path(prebuilt).read_bytes())
        jieba_dir = _jieba_dir()
        main, user = (jieba_dir / "dict.txt").read_bytes(), user_dictionary().read_bytes()
        directory = cache_dir()
        path = directory / f"dictionary-{_cache_key(jieba_dir, main, user)}.marshal"
        try:
            dictionary = cls.loads(path.read_bytes())
        except Exception:  # missing, unreadable or corrupt: rebuild
            dictionary = cls.build(main, user)
            _store(path, dictionary.dumps())
        else:
            _touch(path)
        return dictionary

    def _bucket(self, char: str) -> dict[str, int]:
        """The words that start with ``char`` and their counts (0: only a prefix)."""
        bucket = self._buckets.get(char)
        if bucket is None:
            words, counts = _parse(char, self._chunks.get(char, b"").decode("utf-8"))
            bucket = self._buckets[char] = dict.fromkeys(map(_TWO, words), 0)
            bucket.update(zip(words, counts))  # a later line wins
            self._reach[char] = max(map(len, words), default=0)  # exact, now that it is known
        return bucket

    def tokens(self, block: str) -> list[str]:
        """``jieba.lcut(block, HMM=False)`` for one run of han characters: the DAG of dictionary
        words, then the route of maximum probability from the end (ties to the longer word)."""
        n = len(block)
        dag: list[list[tuple[int, float]]] = []
        for k in range(n):
            char = block[k]
            get = self._bucket(char).get
            ends = [(k, log(count))] if (count := get(char)) else []
            # Longer words only if one starts with these two characters.
            end = min(n, k + self._reach.get(char, 1)) if get(block[k:k + 2]) is not None else k + 1
            for i in range(k + 2, end + 1):
                count = get(block[k:i])
                if count:  # a word of count 0 is only a prefix to jieba
                    ends.append((i - 1, log(count)))
            dag.append(ends or [(k, 0.0)])  # an unknown character: count 1
        logtotal = self.logtotal
        scores, nexts = [0.0] * (n + 1), [0] * (n + 1)
        for idx in range(n - 1, -1, -1):
            best, to = float("-inf"), 0
            for x, weight in dag[idx]:
                score = weight - logtotal + scores[x + 1]
                if score > best or (score == best and x > to):
                    best, to = score, x
            scores[idx], nexts[idx] = best, to
        tokens, buffer, x = [], "", 0
        while x < n:
            y = nexts[x] + 1
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

    def crossed(self, text: str, first: int, position: int, last: int) -> bool:
        """Whether a dictionary word in ``text[first:last]`` (one run of han characters)
        covers the characters on both sides of ``position``. If none does, jieba cuts there:
        it joins characters only into dictionary words (and runs of single letters and
        digits, which the caller rules out)."""
        for a in range(position - 1, max(first, position - self.longest) - 1, -1):
            char = text[a]
            end = min(last, a + self._reach.get(char, 0))
            if end <= position:  # no word from ``a`` is long enough to reach past ``position``
                continue
            get = self._bucket(char).get
            if get(text[a:a + 2]) is None:  # nor does one start with these two characters
                continue
            for b in range(position + 1, end + 1):
                if get(text[a:b]):
                    return True
        return False

    def _boundaries(self, block: str) -> frozenset[int]:
        offsets, position = {0}, 0
        for token in self.tokens(block):
            position += len(token)
            offsets.add(position)
        return frozenset(offsets)


def _parse(char: str, chunk: str) -> tuple[list[str], list[int]]:
    """The words and counts of a chunk's lines, which all start with ``char``. jieba's lines
    are ``word count tag``: split in one go, unless that does not line up (another shape of
    line), and then line by line with jieba's pattern."""
    tokens = chunk.split()
    words = tokens[0::3]
    if len(tokens) == 3 * (chunk.count("\n") + 1) and set(map(_FIRST, words)) <= {char}:
        try:
            return words, list(map(int, tokens[1::3]))
        except ValueError:
            pass
    pairs = _MAIN_LINE.findall(chunk)
    return list(map(_FIRST, pairs)), list(map(int, map(_SECOND, pairs)))


def _store(path: Path, data: bytes) -> None:
    """Write a cache file atomically (a concurrent run reads the old file or the new one, never
    half of one), then prune the directory. Any failure only means no cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        import tempfile

        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".marshal")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        _prune(path)
    except OSError:
        pass


def _touch(path: Path) -> None:
    """Mark a cache file as used (at most once a day), so pruning keeps it."""
    try:
        if time.time() - path.stat().st_mtime > 86400:
            os.utime(path)
    except OSError:
        pass


def _prune(keep: Path) -> None:
    """Remove cache files unused for ``_MAX_AGE``, and the oldest beyond ``_KEEP``; never
    ``keep``. Other environments' caches live on until they age out."""
    now = time.time()
    others = []
    for old in keep.parent.glob("dictionary-*.marshal"):
        if old != keep:
            try:
                others.append((old.stat().st_mtime, old))
            except OSError:
                continue
    others.sort(reverse=True)
    for index, (mtime, old) in enumerate(others):
        if now - mtime > _MAX_AGE or index >= _KEEP - 1:
            old.unlink(missing_ok=True)


@lru_cache(maxsize=1)
def dictionary() -> Dictionary:
    """The dictionary, loaded once per process on first need (it never changes in a run)."""
    return Dictionary.load()


def on_boundary(text: str, start: int, end: int) -> bool:
    """True when ``jieba.lcut(text, HMM=False)`` cuts at both ``start`` and ``end`` (the edges
    of a hit of CJK characters)."""
    match = han
    left = start > 0 and match(text, start - 1) and match(text, start)
    right = end < len(text) and match(text, end - 1) and match(text, end)
    if not (left or right):
        return True
    first, last = start, end
    while first > 0 and match(text, first - 1):
        first -= 1
    while last < len(text) and match(text, last):
        last += 1
    words = dictionary()
    if not (left and words.crossed(text, first, start, last)) and not (right and words.crossed(text, first, end, last)):
        return True
    bounds = words.boundaries(text[first:last])
    return start - first in bounds and end - first in bounds


def loaded() -> bool:
    """Whether this process has loaded the dictionary (tests: it is loaded only on need)."""
    return dictionary.cache_info().currsize > 0
