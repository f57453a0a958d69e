"""The word-boundary machinery agrees with jieba itself.

kefu-lint decides short hits without loading jieba (see linter/segment.py); these tests hold it
to jieba's own answers on real replies: the registry examples, the handbook's scripts, the
precision traps and a generated corpus.
"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

import pytest

from kefu_lint.loaders import load
from kefu_lint.rules import RULES
from kefu_lint.segment import Dictionary, Segmenter, build_index, user_dictionary

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
    replies = [e.reply for rule in RULES for e in rule.bad + rule.good]
    for page in sorted((ROOT / "docs").rglob("*.md")):
        replies += [t.reply for t in load(str(page), page.read_bytes())]
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from run import corpus
    finally:
        sys.path.pop(0)
    replies += corpus(2000)
    replies += ["迷你款你的包裹无法无天不可以貌取人没问题不客气T恤3D打印卡拉OK", "不行不行，真的没办法了"]
    return replies


@pytest.fixture(scope="module")
def dictionary(tmp_path_factory) -> Dictionary:
    return Dictionary.build()


def test_cuts_like_jieba(jieba, texts, dictionary) -> None:
    blocks = {block for text in texts for block in HAN.findall(text)}
    assert len(blocks) > 1000
    different = [b for b in blocks if dictionary.tokens(b) != jieba.lcut(b, HMM=False)]
    assert different == []


def test_dictionary_matches_jiebas_totals(jieba, dictionary) -> None:
    assert dictionary.total == jieba.dt.total
    for word in ("七天无理由", "不行", "迷你", "没问题"):
        assert dictionary._freq(word) == jieba.dt.FREQ[word]


def test_boundary_answers_match_jieba(jieba, texts, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    shorts = ["不行", "无法", "你", "你好", "你的", "最好", "绝对", "顶级", "不", "没", "没有", "不是"]
    segmenter = Segmenter()
    segmenter.register(shorts)
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
                assert segmenter.on_boundary(text, m.start(), m.end()) is expected, (text, short)
                checked += 1
    assert checked > 300


def test_crossing_index() -> None:
    index = build_index(["你"], ["迷你", "你好", "你们好", "好的"])
    assert index["你"] == {
        "L迷": ((-1, 2, frozenset({"迷你"})),),
        "R好": ((0, 2, frozenset({"你好"})),),
        "R们": ((0, 3, frozenset({"你们好"})),),
    }


def test_caches_are_written_once_and_reused(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = Segmenter()
    first.register(["不行"])
    assert first.on_boundary("这个不行哦", 2, 4)  # builds and caches the index
    assert first.dictionary.tokens("这个不行哦") == ["这个", "不行", "哦"]
    files = sorted(p.name for p in (tmp_path / "kefu-lint").iterdir())
    assert [f.split("-")[0] for f in files] == ["crossing", "dictionary"]
    second = Segmenter()
    second.register(["不行"])
    assert second.on_boundary("这个不行哦", 2, 4)
    assert sorted(p.name for p in (tmp_path / "kefu-lint").iterdir()) == files


def test_unwritable_cache_still_works(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    segmenter = Segmenter()
    segmenter.register(["你"])
    assert not segmenter.on_boundary("这款迷你包", 3, 4)
    assert segmenter.on_boundary("你的包裹", 0, 1)


def test_caches_of_other_dictionaries_are_removed(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = tmp_path / "kefu-lint"
    folder.mkdir()
    (folder / "dictionary-0000000000000000.marshal").write_bytes(b"old")
    (folder / "crossing-0000000000000000-00000000.marshal").write_bytes(b"old")
    segmenter = Segmenter()
    segmenter.register(["不行"])
    segmenter.on_boundary("这个不行哦", 2, 4)
    segmenter.dictionary
    assert not any(p.name.startswith(("dictionary-0000", "crossing-0000")) for p in folder.iterdir())
    assert len(list(folder.iterdir())) == 2
