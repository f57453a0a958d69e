"""hooks/search_keywords.py: front matter ``keywords:`` fed into the search index."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("hooks_search_keywords", ROOT / "hooks/search_keywords.py")
hook = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hook)


def test_a_list_is_for_the_page():
    assert hook.phrases_by_anchor({"keywords": ["过了七天还能退吗", " 超过七天 "]}, "p.md") == {
        "": ["过了七天还能退吗", "超过七天"]}


def test_a_mapping_names_sections():
    meta = {"keywords": {"damaged": ["东西坏了"], "#wrong-item": "发错了", "": ["售后"]}}
    assert hook.phrases_by_anchor(meta, "p.md") == {"damaged": ["东西坏了"], "wrong-item": ["发错了"], "": ["售后"]}


def test_no_keywords():
    assert hook.phrases_by_anchor({}, "p.md") == {}


@pytest.mark.parametrize("value", ["过了七天", 7, [""], ["ok", 3], {"damaged": [None]}])
def test_bad_keywords_fail(value):
    with pytest.raises(PluginError, match="p.md"):
        hook.phrases_by_anchor({"keywords": value}, "p.md")


class _Index:
    def __init__(self, entries):
        self.entries = entries

    def _segment_chinese(self, text):  # what Material does, for two words
        return text.replace("东西坏了", "\u200b东西\u200b坏\u200b了\u200b").strip("\u200b")


def _run(meta, entries):
    index = _Index(entries)
    config = SimpleNamespace(plugins={hook.SEARCH_PLUGIN: SimpleNamespace(search_index=index)})
    page = SimpleNamespace(meta=meta, url="scripts/aftersale/", file=SimpleNamespace(src_uri="scripts/aftersale.md"))
    hook.on_page_context({}, page=page, config=config, nav=None)
    return entries


def test_keywords_go_into_the_entries_they_name():
    entries = [{"location": "scripts/", "title": "t", "text": ""},
               {"location": "scripts/aftersale/", "title": "售后", "text": ""},
               {"location": "scripts/aftersale/#damaged", "title": "破损", "text": ""}]
    _run({"keywords": {"": ["售后<怎么办>"], "damaged": ["东西坏了", "碎了"]}}, entries)
    assert "keywords" not in entries[0]
    assert entries[1]["keywords"] == "售后&lt;怎么办&gt;"  # escaped like the page text
    assert entries[2]["keywords"] == "东西\u200b坏\u200b了 碎了"  # cut as the page text is


def test_an_unknown_section_fails_the_build():
    entries = [{"location": "scripts/aftersale/", "title": "售后", "text": ""},
               {"location": "scripts/aftersale/#damaged", "title": "破损", "text": ""}]
    with pytest.raises(PluginError, match=r"'wrong'.*sections: damaged"):
        _run({"keywords": {"wrong": ["发错了"]}}, entries)


def test_built_index_has_the_keywords_field(built_site: Path):
    index = json.loads((built_site / "search/search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["fields"]["keywords"]["boost"] > index["config"]["fields"]["text"]["boost"]
    docs = {doc["location"]: doc for doc in index["docs"]}
    assert "\u200b" in docs["rules/aftersale-tree/"]["keywords"]  # segmented by jieba


def test_tool_pages_rank_below_staff_pages(built_site: Path):
    index = json.loads((built_site / "search/search_index.json").read_text(encoding="utf-8"))
    tool = [doc.get("boost", 1) for doc in index["docs"] if doc["location"].startswith(("tools/", "style/"))]
    staff = [doc.get("boost", 1) for doc in index["docs"] if not doc["location"].startswith(("tools/", "style/"))]
    assert tool and staff and max(tool) < min(staff)
