"""Chat inspection with Dask: the agents table of ``kefu-lint chats``, computed on a cluster.

    pip install "kefu-lint[dask]"
    python examples/chats/dask_recipe.py exports/*.csv                         # a local cluster
    python examples/chats/dask_recipe.py --scheduler tcp://10.0.0.5:8786 exports/*.csv

Each export file is a partition. The lines are grouped by session (a shuffle, so a session may
span partitions), each session is scored by ``score_session`` — a pure function — and the
scored sessions are added up per partition (``Scorecard.of``) and merged (``Scorecard.merged``).
The table is the one ``kefu-lint chats --format json`` prints under ``agents``.
"""

from __future__ import annotations

import argparse
import json

import dask.bag as db

from kefu_lint.api import chat_lines, score_session
from kefu_lint.chats import Scorecard


def agents_table(paths: list[str], settings=None) -> list[dict]:
    """The agents table of the chat exports ``paths`` (``settings``: a ``Settings``, or None
    for the defaults), computed by the Dask scheduler in use."""
    lines = db.from_sequence(paths, npartitions=len(paths)).map(chat_lines).flatten()
    sessions = lines.groupby(lambda line: (line.path, line.sheet, line.session))
    scored = sessions.map(lambda group: score_session(group[1], settings))
    return scored.reduction(Scorecard.of, Scorecard.merged).compute().table()


def main() -> None:
    from dask.distributed import Client, LocalCluster

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", help="chat exports (.csv .xlsx .jsonl), one partition each")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler (default: a local cluster)")
    args = parser.parse_args()
    with (Client(args.scheduler) if args.scheduler else Client(LocalCluster(n_workers=2, threads_per_worker=1))):
        print(json.dumps(agents_table(args.paths), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
