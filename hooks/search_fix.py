"""MkDocs hook: make every word of a Chinese search query count (Material 9 search worker).

Material's search worker segments a run of Chinese characters in the query against the words
of the search index (``segment()`` in ``integrations/search/query/segment``), but its loops stop
one character short of the end of the run:

* ``for (let j = i + 1; j < query.length; j++)`` never looks up ``query.slice(i, query.length)``,
  so a word that ends the query is never found (七天无理由退货 → 七天无理由* 退);
* ``if (wordcuts[q] && q < query.length - 1)`` never continues at the last character.

The last word is silently dropped from the search. This hook rewrites the two bounds in the
worker shipped with the theme (``<=`` and ``< query.length``) as the site is built, so the file
keeps its name and nothing else changes. If Material's code changes, the build fails and says
so. ``KEFU_SEARCH_FIX=0`` builds with the theme's worker as shipped (the browser tests use it
to show the defect).
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

log = logging.getLogger(f"mkdocs.hooks.{__name__}")

WORKER = re.compile(r"assets/javascripts/workers/search\.[0-9a-f]+\.min\.js")

# (pattern in the minified worker, replacement): each must match exactly once.
PATCHES = (
    # for(let o=s+1;o<t.length;o++)t.slice(s,o)in e  ->  o<=t.length
    (re.compile(r"(for\(let (\w+)=(\w+)\+1;\2)<(\w+\.length;\2\+\+\)\w+\.slice\(\3,\2\)in )"), r"\1<=\4"),
    # n[a]&&a<t.length-1&&(i[s++]=a)  ->  a<t.length
    (re.compile(r"(\w+\[(\w+)\]&&\2<\w+\.length)-1(&&\(\w+\[\w+\+\+\]=\2\))"), r"\1\3"),
)


def theme_dir() -> Path:
    """Material's theme directory, where the worker ships."""
    import material

    return Path(material.__file__).parent / "templates"


def pristine_worker() -> Path:
    """The search worker as Material ships it (the tests compare the built site with it)."""
    [worker] = [path for path in theme_dir().glob("assets/javascripts/workers/search.*.min.js")
                if WORKER.fullmatch(path.relative_to(theme_dir()).as_posix())]
    return worker


def enabled() -> bool:
    return os.environ.get("KEFU_SEARCH_FIX", "1") != "0"


def patch(source: str) -> str:
    for pattern, replacement in PATCHES:
        source, count = pattern.subn(replacement, source)
        if count != 1:
            raise PluginError(
                f"hooks/search_fix.py: {count} matches for {pattern.pattern!r} in Material's search "
                "worker; the theme changed — check whether Chinese query segmentation still drops "
                "the last word, then update or remove this hook"
            )
    return source


def on_files(files: Files, config: MkDocsConfig) -> Files:
    if not enabled():
        log.info("KEFU_SEARCH_FIX=0: search worker left as shipped")
        return files
    workers = [file for file in files if WORKER.fullmatch(file.src_uri)]
    if len(workers) != 1:
        raise PluginError(f"hooks/search_fix.py: expected one search worker, found {len(workers)}")
    [worker] = workers
    files.remove(worker)
    files.append(File.generated(config, worker.src_uri, content=patch(worker.content_string)))
    return files
