"""MkDocs hook: make a Chinese search query match the index the way it was built (Material 9).

At build time Material's search plugin cuts every run of Han characters with jieba and wraps
the run in U+200B, which the search separator (``search.config.separator`` for ``zh``) splits
on: so the index holds ``168`` and ``小时`` as two terms for 168小时, ``扣``, ``3``, ``分`` for 扣3分,
``最高``, ``30``, ``元`` for 最高30元, whether or not the page puts a space between them. The search
worker only rewrites the Han runs of a query (``search()`` in ``integrations/search/_``, with
``segment()`` from ``integrations/search/query/segment``) and leaves a Han run glued to the
digits or letters next to it, so 168小时 is looked up as the single term ``168小时*``, which
is in no page: figures written against Chinese found nothing, while 168 小时 with a space did.

This hook patches the worker shipped with the theme as the site is built (the file keeps its
name and nothing else changes):

* before the Han runs are segmented, a space is put wherever a Han character meets a character
  that is neither Han, white space nor a query operator (``* + - : ^ ~ "``), so the query is cut
  where the index was cut (168小时 → ``168* 小时*``; ``title:退货`` and ``退货^2`` keep working);
* ``segment()``'s loops stop one character short of the end of the run:
  ``for (let j = i + 1; j < query.length; j++)`` never looks up ``query.slice(i, query.length)``
  and ``if (wordcuts[q] && q < query.length - 1)`` never continues at the last character, so the
  last word of a query was silently dropped (七天无理由退货 → 七天无理由* 退); both bounds are
  corrected (``<=`` and ``< query.length``);
* lunr's ``TokenSet.prototype.toString``, the key under which the index's word graph merges
  equal nodes, writes each edge as its label and the child's id with nothing between them, so a
  node with the edges ``1``→23 and ``4``→5 has the same key (``012345``) as one with the single
  edge ``1``→2345. Pages with many figures make such keys meet: two different nodes are merged,
  the graph then holds words that no page has, and a query that expands to them fails in the
  worker (``TypeError … '_index'``, logged as ``Invalid query``) and finds nothing — every query
  starting with 1 (1, 19, 1元, 最低1元; 2 or 7天 still worked), once the performance page listed a
  few more timings. A space after each id makes the key unambiguous (no term holds white space:
  it is a separator).

Each patch must match Material's minified code exactly once; if the theme changes, the build
fails and says so. ``KEFU_SEARCH_FIX=0`` builds with the theme's worker as shipped (the browser
tests use it to show both defects).
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

# A Han character next to a character that is neither Han, white space nor a query operator
# gets a space between them: the query is cut where the index is (U+200B around each Han run).
# The regular expression is the source of a JavaScript string for new RegExp, as Material writes
# its own \p{sc=Han}, so a browser without Unicode property escapes fails the search at run time
# rather than the parsing of the whole worker.
_HAN = r"\\p{sc=Han}"
_OTHER = r"[^" + _HAN + r"\\s*+\\-:^~\"]"
SCRIPT_BOUNDARY = rf'new RegExp("({_HAN})(?={_OTHER})|({_OTHER})(?={_HAN})","gu")'


def _cut_scripts(match: re.Match[str]) -> str:
    query = match[2]
    return f'{match[1]}{query}={query}.replace({SCRIPT_BOUNDARY},"$1$2 "),{match[3]}'


# (pattern in the minified worker, replacement): each must match exactly once.
PATCHES = (
    # for(let o=s+1;o<t.length;o++)t.slice(s,o)in e  ->  o<=t.length
    (re.compile(r"(for\(let (\w+)=(\w+)\+1;\2)<(\w+\.length;\2\+\+\)\w+\.slice\(\3,\2\)in )"), r"\1<=\4"),
    # n[a]&&a<t.length-1&&(i[s++]=a)  ->  a<t.length
    (re.compile(r"(\w+\[(\w+)\]&&\2<\w+\.length)-1(&&\(\w+\[\w+\+\+\]=\2\))"), r"\1\3"),
    # search(e){if(e=e.replace(new RegExp("\\p{sc=Han}+","gu"),...  ->  cut Han from its neighbours first
    (re.compile(r'(search\((\w+)\)\{if\()(\2=\2\.replace\(new RegExp\("\\\\p\{sc=Han\}\+","gu"\),)'),
     _cut_scripts),
    # TokenSet.prototype.toString: ...;e=e+s+o.id}return e}  ->  e=e+s+o.id+" "
    (re.compile(r'(\b(\w+)=\2\+\w+\+\w+\.id)(\}return \2\})'), r'\1+" "\3'),
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
                "worker; the theme changed — check whether the defect this pattern mends (the module "
                "docstring) is still there, then update or remove the patch"
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
