"""Shared fixtures for the handbook tests (and the browser tests that reuse them)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """kefu-lint's dictionary cache in a temporary folder, never the real ~/.cache (the
    variables are inherited by the CLI and MkDocs processes the tests start)."""
    os.environ["KEFU_LINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("kefu-lint-cache"))
    # The checker's build cache (Pyodide from npm, hooks/checker.py): a session folder unless
    # one is configured (.ci/run keeps one between runs).
    os.environ.setdefault("KEFU_LINT_BUILD_CACHE", str(tmp_path_factory.mktemp("kefu-lint-build")))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the handbook once per session with ``mkdocs build --strict``; return the site dir."""
    site = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = _ANSI.sub("", proc.stdout + "\n" + proc.stderr)
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{output}"
    bad = [line for line in output.splitlines() if line.lstrip().startswith(("WARNING", "ERROR"))]
    assert not bad, "mkdocs build printed warnings/errors:\n" + "\n".join(bad)
    assert (site / "index.html").is_file()
    return site
