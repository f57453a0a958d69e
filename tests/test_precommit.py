"""The pre-commit hook, for real: ``pre-commit try-repo`` installs this repository into a fresh
environment (pip, from the package index this machine is configured with) and runs the hook in
another git repository. Slow-ish (about 15 s per run): it builds and installs the package."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BAD = "templates:\n  - id: refuse\n    reply: 这个不行哦\n"
GOOD = "templates:\n  - id: fabric\n    reply: 亲，这款连衣裙是棉麻混纺面料哦，透气又亲肤呢[微笑]\n"


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    return dict(env, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A git repository with a bad and a good template in ``templates/`` and a README.md."""
    repo = tmp_path_factory.mktemp("templates-repo")
    env = _env(tmp_path_factory.mktemp("pre-commit-home"))
    (repo / "templates").mkdir()
    (repo / "templates" / "bad.yaml").write_text(BAD, encoding="utf-8")
    (repo / "templates" / "good.yaml").write_text(GOOD, encoding="utf-8")
    for command in (
        ["git", "init", "-q"],
        ["git", "config", "user.name", "kefu-lint tests"],
        ["git", "config", "user.email", "tests@example.com"],
        ["git", "add", "."],
        ["git", "commit", "-q", "-m", "templates"],
    ):
        subprocess.run(command, cwd=repo, env=env, check=True, capture_output=True)
    return repo, env


def try_repo(template_repo: tuple[Path, dict[str, str]], *files: str) -> subprocess.CompletedProcess:
    repo, env = template_repo
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "kefu-lint", "--verbose", "--files", *files],
        cwd=repo, env=env, capture_output=True, text=True, timeout=900,
    )


def test_manifest_declares_the_hook() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (hook["id"], hook["entry"], hook["language"]) == ("kefu-lint", "kefu-lint", "python")


def test_bad_template_fails_the_hook(template_repo) -> None:
    result = try_repo(template_repo, "templates/bad.yaml")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "kefu-lint" in output and "Failed" in output
    assert "templates/bad.yaml:3:14: KF101 [错误] 避免拒绝用语「不行」" in output


def test_good_template_passes_the_hook(template_repo) -> None:
    result = try_repo(template_repo, "templates/good.yaml")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Passed" in output and "没有发现问题；检查了 1 个文件、1 条话术。" in output
