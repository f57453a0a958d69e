"""The engine's contracts: prefilters never change findings, the API, no global side effects,
streaming output, and findings that do not depend on where a reply sits in a batch."""

from __future__ import annotations

import gc
import io
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import kefu_lint
from kefu_lint.api import check_paths, lint_paths, lint_text
from kefu_lint.cli import main
from kefu_lint.config import Settings
from kefu_lint.engine import Linter
from kefu_lint.model import Template
from kefu_lint.reporters import Json
from kefu_lint.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from corpus import chat_lines, replies  # noqa: E402

sys.path.pop(0)


def _examples() -> list[Template]:
    templates = []
    for rule in RULES:
        if rule.conversation:  # chats: tests/test_registry.py
            continue
        for n, example in enumerate(rule.bad + rule.good):
            templates.append(Template(f"{rule.code}.yaml", example.reply, line=n + 1, id=f"{rule.code}-{n}",
                                      customer=example.customer, scene=example.scene,
                                      placeholders=frozenset(example.placeholders)))
    return templates


def _corpus() -> list[Template]:
    texts = replies(3000) + chat_lines(3000) + [
        "您好～～～～～～～～不是的，这款是正品哦",  # an address longer than any fixed look-ahead
        "亲\n不是的，这款是正品哦",  # a line break inside the address
        "亲，[微笑][微笑][微笑][微笑][微笑][微笑]好",
        "{订单号 [产品名称] }",
        "亲，" + "这款面料柔软透气，" * 40,
    ]
    scenes = (None, "售后", "问候", "告别")
    return [Template("corpus.txt", text, line=i + 1, customer=texts[i - 1] if i % 3 == 0 else None,
                     scene=scenes[i % 4]) for i, text in enumerate(texts)]


def _shape(findings) -> list[tuple]:
    return [(f.line, f.column, f.end_line, f.end_column, f.rule, f.message, f.start, f.end, f.fix) for f in findings]


@pytest.mark.parametrize("templates", [_examples(), _corpus()], ids=["registry-examples", "generated-corpus"])
def test_prefilters_never_change_findings(templates: list[Template], monkeypatch: pytest.MonkeyPatch) -> None:
    """Every kind, with prefilters and batch checks on (existence rules spelt out, however
    small the batch), and template by template with none (existence rules as written)."""
    monkeypatch.setattr("kefu_lint.checks.SPELT_FROM", 0)
    fast = Linter(Settings()).lint(templates)
    slow = Linter(Settings(), prefilters=False).lint(templates)
    assert len(fast) > len(templates) // 2
    assert _shape(fast) == _shape(slow)


def test_findings_do_not_depend_on_batching() -> None:
    templates = _corpus()
    linter = Linter(Settings())
    whole = linter.lint(templates)
    # Small batches: by a linter that has had no large batch yet (existence rules as written) and
    # by one that has (spelt out).
    for session in (Linter(Settings()).session(), linter.session()):
        pieces = [f for i in range(0, len(templates), 777) for f in session.lint(templates[i:i + 777])]
        assert _shape(pieces) == _shape(whole)


def test_the_address_before_a_negation_has_no_length_limit() -> None:
    for reply in ("您好～不是的，这款是正品哦", "您好～～～～～～～～不是的，这款是正品哦"):
        assert "KF103" in {f.rule for f in lint_text(reply)}


# ---------------------------------------------------------------------------- the API


def test_lint_text_gives_offsets_in_the_reply() -> None:
    [finding] = [f for f in lint_text("亲，这个真的不行") if f.rule == "KF101"]
    assert (finding.start, finding.end, finding.severity) == (6, 8, "error")
    assert (finding.line, finding.column, finding.end_column) == (1, 7, 9)
    assert finding.url.endswith("style/redlines/#kf101") and "不行" in finding.message


def test_lint_text_takes_the_customer_and_the_scene() -> None:
    assert "KF203" in {f.rule for f in lint_text("有的亲[微笑]", customer="这款连衣裙有没有M码的现货？")}
    assert "KF302" in {f.rule for f in lint_text("亲，请提供一下照片哦[微笑]", customer="杯子碎了")}
    assert "KF302" in {f.rule for f in lint_text("亲，杯子破损了，请提供一下照片哦[微笑]", scene="售后")}
    assert "KF302" not in {f.rule for f in lint_text("亲，您的退款已经到账了哦[微笑]", scene="售后")}
    quiet = Settings(select=("KF1",))
    assert {f.rule for f in lint_text("这个不行", settings=quiet)} == {"KF101"}


def test_lint_paths_returns_the_report(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("这个不行\n亲，在的呢，请问有什么可以帮您的吗[微笑]\n", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("templates: [\n", encoding="utf-8")
    report = lint_paths([str(tmp_path)])
    assert {f.rule for f in report.findings} >= {"KF101"}
    assert report.summary.files == 2 and report.summary.templates == 2
    assert len(report.errors) == 1 and "bad.yaml" in report.errors[0]


def test_the_api_changes_no_global_state() -> None:
    assert gc.isenabled()
    thresholds = gc.get_threshold()
    lint_text("这个不行")
    CliRunner().invoke(main, ["--no-config", "-"], input="这个不行\n")
    assert gc.isenabled() and gc.get_threshold() == thresholds
    assert kefu_lint.lint_text is lint_text


def test_check_paths_streams_findings_file_by_file(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("这个不行\n" * 10_000, encoding="utf-8")
    [result] = check_paths([str(path)])
    sizes = [len(templates) for templates, _ in result.batches]
    assert len(sizes) > 1 and sum(sizes) == result.templates == 10_000


def test_json_is_written_as_findings_arrive() -> None:
    out = io.StringIO()
    reporter = Json(out, Settings())
    reporter.start()
    findings = lint_text("这个不行")
    reporter.batch("<text>", [], findings)
    assert '"rule":"KF101"' in out.getvalue()  # before the run is over
    from kefu_lint.api import Summary

    summary = Summary()
    summary.add_findings(findings)
    reporter.finish(summary)
    data = json.loads(out.getvalue())
    assert len(data["findings"]) == len(findings) and data["summary"]["findings"] == len(findings)
