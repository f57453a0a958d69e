"""MkDocs hook: what staff type, fed into the search index as a field of its own.

Staff search with the customer's words (过了七天还能退吗, 快递一直不动, 收到的东西坏了), which
the page that answers them may never use. A page lists such phrases in its front matter:

```yaml
keywords:                    # for the page as a whole
  - 过了七天还能退吗
  - 超过七天
```

or, to send a phrase to one section of the page, a mapping from the section's anchor (its
heading id, as in ``page/#damaged``) to phrases; the key ``""`` means the page itself:

```yaml
keywords:
  damaged: [收到的东西坏了, 杯子碎了]
  wrong-item: [发错货了]
```

After Material's search plugin has indexed the page (``on_page_context``; hooks run after the
plugins), the phrases are cut with the plugin's own jieba segmentation and stored as the
``keywords`` field of the entry they name. ``plugins.search.fields.keywords.boost`` in
``mkdocs.yml`` weighs the field; the worker indexes every field of ``fields`` and the results
show only title and text, so the phrases rank a page without being displayed. A phrase that is
not a string, or an anchor that is not a section of the page, fails the build.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

FIELD = "keywords"
SEARCH_PLUGIN = "material/search"


def phrases_by_anchor(meta: Mapping, where: str) -> dict[str, list[str]]:
    """The ``keywords`` front matter as ``{anchor: [phrase, ...]}`` (``""``: the page itself)."""
    value = meta.get(FIELD)
    if value is None:
        return {}
    if isinstance(value, (list, tuple)):
        value = {"": value}
    if not isinstance(value, Mapping):
        raise PluginError(f"{where}: front matter '{FIELD}' must be a list of phrases or a mapping "
                          f"of section anchors to lists of phrases")
    result: dict[str, list[str]] = {}
    for anchor, phrases in value.items():
        anchor = "" if anchor is None else str(anchor).lstrip("#")
        if isinstance(phrases, str):
            phrases = [phrases]
        if not isinstance(phrases, (list, tuple)) or not all(
                isinstance(phrase, str) and phrase.strip() for phrase in phrases):
            raise PluginError(f"{where}: '{FIELD}' for '{anchor or 'the page'}' must be a list of "
                              "non-empty strings")
        result.setdefault(anchor, []).extend(phrase.strip() for phrase in phrases)
    return result


def _search_index(config: MkDocsConfig):
    plugin = config.plugins.get(SEARCH_PLUGIN)
    index = getattr(plugin, "search_index", None)
    if (index is None or not isinstance(getattr(index, "entries", None), list)
            or not callable(getattr(index, "_segment_chinese", None))):
        raise PluginError(f"hooks/search_keywords.py: Material's search plugin ({SEARCH_PLUGIN}) "
                          "is not enabled or no longer keeps its entries and segmentation; update this hook")
    return index


def _segment(index, text: str) -> str:
    """Cut Chinese as the plugin cut the page: jieba's words joined by U+200B, when jieba is there."""
    from material.plugins.search import plugin as material_search

    text = html.escape(text, quote=False)
    return index._segment_chinese(text) if material_search.jieba else text


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    fields = config.plugins[SEARCH_PLUGIN].config.fields if SEARCH_PLUGIN in config.plugins else {}
    if FIELD not in fields:
        raise PluginError(f"hooks/search_keywords.py: set plugins.search.fields.{FIELD}.boost "
                          "in mkdocs.yml, or the worker does not index the keywords")
    return config


def on_page_context(context, page: Page, config: MkDocsConfig, nav):
    wanted = phrases_by_anchor(page.meta, page.file.src_uri)
    if not wanted:
        return context
    index = _search_index(config)
    entries = {entry["location"]: entry for entry in index.entries
               if entry["location"].partition("#")[0] == page.url}
    for anchor, phrases in wanted.items():
        location = f"{page.url}#{anchor}" if anchor else page.url
        entry = entries.get(location)
        if entry is None:
            sections = ", ".join(sorted(loc.partition("#")[2] for loc in entries if "#" in loc))
            raise PluginError(f"{page.file.src_uri}: '{FIELD}' names section '{anchor}', which is not "
                              f"in the search index of the page (sections: {sections or 'none'})")
        text = " ".join(_segment(index, phrase) for phrase in phrases)
        entry[FIELD] = f"{entry[FIELD]} {text}" if entry.get(FIELD) else text
    return context
