"""The Dask recipe (examples/chats/dask_recipe.py) gives the agents table of ``kefu-lint chats``.

The dataset is partitioned three ways (three export files, sessions of one file interleaved),
and the recipe runs on Dask's distributed scheduler in this process (a local cluster without
worker processes, so that the test stays fast). Skipped only where dask is not installed;
``.[test]`` installs it.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kefu_lint.cli import main

pytest.importorskip("dask.bag")
distributed = pytest.importorskip("dask.distributed")

ROOT = Path(__file__).resolve().parent.parent


def _recipe():
    spec = importlib.util.spec_from_file_location("dask_recipe", ROOT / "examples" / "chats" / "dask_recipe.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def exports(tmp_path: Path) -> list[str]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from corpus import CHAT_HEADER, chat_export
    finally:
        sys.path.pop(0)
    rows = list(chat_export(3000))
    paths = []
    for part in range(3):  # a day's export cut in three by session
        path = tmp_path / f"part-{part}.csv"
        with open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(CHAT_HEADER)
            writer.writerows(row for row in rows if int(row[0][1:]) % 3 == part)
        paths.append(str(path))
    return paths


def test_the_recipe_gives_the_agents_table_of_the_cli(exports: list[str]) -> None:
    result = CliRunner().invoke(main, ["chats", "--no-config", "--format", "json", *exports])
    assert result.exit_code == 1, result.output
    expected = json.loads(result.stdout)["agents"]
    assert len(expected) > 5
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        table = _recipe().agents_table(exports)
    assert json.loads(json.dumps(table, ensure_ascii=False)) == expected


def test_the_recipe_is_the_one_the_docs_show() -> None:
    recipe = (ROOT / "examples" / "chats" / "dask_recipe.py").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "examples/chats/dask_recipe.py" in readme
    function = recipe[recipe.index("def agents_table"):recipe.index("\n\n\ndef main")]
    assert function in readme, "README shows the recipe's agents_table as it is in the file"
    page = (ROOT / "docs" / "tools" / "chats.md").read_text(encoding="utf-8")
    assert '--8<-- "examples/chats/dask_recipe.py"' in page
