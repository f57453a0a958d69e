"""The word-boundary machinery agrees with jieba itself.

kefu-lint decides short hits without loading jieba (see linter/boundaries.py); these tests hold
it to jieba's own answers on real replies: the registry examples, the handbook's scripts, the
accuracy set and a generated corpus. The cache tests use a folder of their own.
"""

from __future__ import annotations

import logging
import marshal
import re
import sys
from pathlib import Path

import pytest

from kefu_lint.loaders import load
from kefu_lint.rules import RULES
from kefu_lint import boundaries
from kefu_lint.boundaries import Dictionary, user_dictionary

ROOT = Path(__file__).resolve().parent.parent
HAN = re.compile("[\u4e00-\u9fd5a-zA-Z0-9+#&._%\\-]+")  # jieba's re_han_default


@pytest.fixture(scope="module")
def jieba():
    import jieba as module

    module.setLogLevel(logging.WARNING)
    module.load_userdict(str(user_dictionary()))
    return module


@pytest.fixture(scope="module")
def texts() -> list[str]:
    replies = [e.reply for rule in RULES if not rule.conversation for e in rule.bad + rule.good]
    for page in sorted((ROOT / "docs").rglob("*.md")):
        replies += [t.reply for t in load(str(page), page.read_bytes())]
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from corpus import chat_lines, replies as generated
    finally:
        sys.path.pop(0)
    replies += generated(2000) + chat_lines(2000)
    import yaml

    for path in sorted((ROOT / "bench" / "accuracy").glob("*.yaml")):
        replies += [str(item["reply"]) for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    replies += ["迷你款你的包裹无法无天不可以貌取人没问题不客气T恤3D打印卡拉OK", "不行不行，真的没办法了"]
    return replies


def _sources() -> tuple[bytes, bytes]:
    return (boundaries._jieba_dir() / "dict.txt").read_bytes(), user_dictionary().read_bytes()


@pytest.fixture(scope="module")
def dictionary() -> Dictionary:
    return Dictionary.build(*_sources())


def test_cuts_like_jieba(jieba, texts, dictionary) -> None:
    blocks = {block for text in texts for block in HAN.findall(text)}
    assert len(blocks) > 1000
    different = [b for b in blocks if dictionary.tokens(b) != jieba.lcut(b, HMM=False)]
    assert different == []


def test_dictionary_matches_jiebas_totals(jieba, dictionary) -> None:
    assert dictionary.total == jieba.dt.total
    for word in ("七天无理由", "不行", "迷你", "没问题"):
        assert dictionary._bucket(word[0]).get(word) == jieba.dt.FREQ[word]


def test_boundary_answers_match_jieba(jieba, texts) -> None:
    shorts = ["不行", "无法", "你", "你好", "你的", "最好", "绝对", "顶级", "不", "没", "没有", "不是"]
    checked = 0
    for text in texts:
        bounds = set()
        position = 0
        for token in jieba.lcut(text, HMM=False):
            bounds.add(position)
            position += len(token)
        bounds.add(position)
        for short in shorts:
            for m in re.finditer(short, text):
                expected = m.start() in bounds and m.end() in bounds
                assert boundaries.on_boundary(text, m.start(), m.end()) is expected, (text, short)
                checked += 1
    assert checked > 300


# ---------------------------------------------------------------------------- the cache


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("KEFU_LINT_CACHE_DIR", str(folder))
    return folder


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_cache_is_written_once_and_reused(cache) -> None:
    first = Dictionary.load()
    assert first.tokens("这个不行哦") == ["这个", "不行", "哦"]
    [name] = _files(cache)
    assert name.startswith(f"dictionary-{boundaries._FORMAT}-0.42.1-") and name.endswith(".marshal")
    written = (cache / name).stat().st_mtime_ns
    second = Dictionary.load()
    assert second.tokens("这个不行哦") == ["这个", "不行", "哦"]
    assert _files(cache) == [name] and (cache / name).stat().st_mtime_ns == written


def test_cache_honours_xdg_cache_home(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("KEFU_LINT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert boundaries.cache_dir() == tmp_path / "kefu-lint"
    Dictionary.load()
    assert len(_files(tmp_path / "kefu-lint")) == 1


def test_other_environments_caches_are_kept(cache) -> None:
    cache.mkdir()
    other = cache / "dictionary-6-0.42.1-00000000-00000000.marshal"  # another venv's jieba
    other.write_bytes(b"other")
    Dictionary.load()
    assert other.exists() and len(_files(cache)) == 2


def test_old_and_surplus_caches_are_pruned(cache) -> None:
    import os
    import time

    cache.mkdir()
    now = time.time()
    for i in range(12):
        path = cache / f"dictionary-old-{i:02d}.marshal"
        path.write_bytes(b"x")
        age = 40 * 86400 if i == 0 else i * 60  # one unused for 40 days, the rest recent
        os.utime(path, (now - age, now - age))
    Dictionary.load()
    names = _files(cache)
    assert "dictionary-old-00.marshal" not in names  # too old
    assert len(names) == boundaries._KEEP  # the newest others and the current one
    assert "dictionary-old-01.marshal" in names and "dictionary-old-11.marshal" not in names


@pytest.mark.parametrize("content", [b"", b"not marshal", b"\xe3" * 10, b"\x00" * 100,
                                     marshal.dumps(({"不": b""}, {"不": 2}, 5)),  # format 8's layout
                                     marshal.dumps(("8", {"不": b""}, 2, 5))])  # another format's number
def test_corrupt_cache_is_rebuilt(cache, content) -> None:
    Dictionary.load()
    [name] = _files(cache)
    (cache / name).write_bytes(content)
    assert Dictionary.load().tokens("这个不行哦") == ["这个", "不行", "哦"]
    assert (cache / name).read_bytes() != content  # rewritten


def test_unwritable_cache_still_works(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("KEFU_LINT_CACHE_DIR", str(blocker / "kefu-lint"))
    assert Dictionary.load().tokens("这款迷你包") == ["这", "款", "迷你", "包"]


def test_concurrent_cold_runs_never_read_half_a_file(cache) -> None:
    """Several processes building the cache at once: every one of them succeeds, and the
    cache they leave is whole."""
    import subprocess
    import sys

    code = ("from kefu_lint.boundaries import Dictionary\n"
            "assert Dictionary.load().tokens('这个不行哦') == ['这个', '不行', '哦']\n")
    processes = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(4)]
    assert [p.wait() for p in processes] == [0, 0, 0, 0]
    [name] = [n for n in _files(cache) if not n.startswith(".tmp")]
    Dictionary.loads((cache / name).read_bytes())


def test_prebuilt_dictionary_file(tmp_path, monkeypatch, dictionary) -> None:
    """The handbook's checker has no jieba: it is served the arrays as one file."""
    path = tmp_path / "dictionary.marshal"
    path.write_bytes(dictionary.dumps())
    monkeypatch.setenv("KEFU_LINT_DICTIONARY", str(path))
    assert Dictionary.load().tokens("这款迷你包") == ["这", "款", "迷你", "包"]


def test_the_han_test_is_jiebas_class() -> None:
    text = "".join(map(chr, range(0x10000)))
    assert [i for i in range(len(text)) if boundaries.han(text, i)] == [
        i for i, char in enumerate(text) if HAN.fullmatch(char)]


def test_lines_of_other_shapes_are_read_as_jieba_reads_them() -> None:
    """jieba reads a line's first two fields: a line without a tag, or with more fields, still
    gives its word and count (the chunk is then parsed line by line, not split in one go)."""
    built = Dictionary.build("不行 5 v\n不可 3\n不是 7 v x\n 不错 2 a\n".encode(), "不好 4\n".encode())
    assert built._bucket("不") == {"不行": 5, "不可": 3, "不是": 7, "不错": 2, "不好": 4}
    assert built.total == 5 + 3 + 7 + 2 + 4


def test_only_the_second_field_is_a_count() -> None:
    """jieba counts a line's second field; digits in a later field are not a count."""
    assert Dictionary.build("不行 5 v 9\n".encode(), b"").total == 5
