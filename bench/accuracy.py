"""Score kefu-lint's judgement rules against the hand-labelled accuracy sets.

    python bench/accuracy.py                 # per-rule precision and recall
    python bench/accuracy.py --misses KF101  # the items a rule gets wrong
    python bench/accuracy.py --write-docs    # the table into docs/tools/accuracy.md

The sets (``bench/accuracy/*.yaml``, development; ``bench/accuracy/holdout/*.yaml``, held out:
written by someone else and not read while the rules were tuned) were labelled by hand from
``bench/accuracy/GUIDE.md`` before the linter was run on them. Each item lists every judged
rule that must report it; a rule is scored on the items where it is judged (KF203 needs a
customer message, KF302 a customer message or the 售后 scene).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PAGE = ROOT / "docs" / "tools" / "accuracy.md"
START, END = "<!-- accuracy:start -->", "<!-- accuracy:end -->"
JUDGED = ("KF101", "KF102", "KF103", "KF104", "KF202", "KF203", "KF204", "KF302", "KF401", "KF402", "KF403")
# The targets of the rules that need judgement (issue 10): precision and recall.
TARGETS = {code: (0.90, 0.85) for code in ("KF101", "KF102", "KF103", "KF104", "KF302", "KF401", "KF402", "KF403")}


@dataclass(frozen=True)
class Item:
    source: str
    reply: str
    customer: str | None
    scene: str | None
    expect: frozenset[str]

    def judged(self, code: str) -> bool:
        if code == "KF203":
            return self.customer is not None
        if code == "KF302":
            return self.customer is not None or self.scene == "售后"
        return True


def load(folder: Path) -> list[Item]:
    items = []
    for path in sorted(folder.glob("*.yaml")):
        for number, entry in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")), start=1):
            unknown = set(entry["expect"]) - set(JUDGED)
            if unknown:
                raise SystemExit(f"{path.name} #{number}: not judged rules {sorted(unknown)}")
            items.append(Item(f"{path.name}#{number}", str(entry["reply"]), entry.get("customer"),
                              entry.get("scene"), frozenset(entry["expect"])))
    return items


def found(item: Item) -> frozenset[str]:
    from kefu_lint import lint_text

    return frozenset(f.rule for f in lint_text(item.reply, customer=item.customer, scene=item.scene))


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score(items: list[Item]) -> tuple[dict[str, Score], list[tuple[str, str, Item, frozenset[str]]]]:
    """Per-rule counts, and every wrong verdict as (code, "FP"/"FN", item, found)."""
    scores = {code: Score() for code in JUDGED}
    wrong = []
    for item in items:
        codes = found(item)
        for code in JUDGED:
            if not item.judged(code):
                continue
            expected, got = code in item.expect, code in codes
            if expected and got:
                scores[code].tp += 1
            elif got:
                scores[code].fp += 1
                wrong.append((code, "FP", item, codes))
            elif expected:
                scores[code].fn += 1
                wrong.append((code, "FN", item, codes))
    return scores, wrong


def table(scores: dict[str, Score]) -> list[str]:
    from kefu_lint.rules import RULES_BY_CODE

    lines = ["| 规则 | 名称 | 应报告 | 报告对 | 误报 | 漏报 | 精确率 | 召回率 |", "|---|---|---:|---:|---:|---:|---:|---:|"]
    for code, s in scores.items():
        mark = ""
        if code in TARGETS:
            p, r = TARGETS[code]
            mark = " ✓" if s.precision >= p and s.recall >= r else " ✗"
        lines.append(f"| {code}{mark} | {RULES_BY_CODE[code].title} | {s.tp + s.fn} | {s.tp} | {s.fp} | {s.fn} "
                     f"| {s.precision:.2f} | {s.recall:.2f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--misses", metavar="CODE", help="print the items this rule gets wrong (development sets)")
    parser.add_argument("--write-docs", action="store_true", help="write the tables into docs/tools/accuracy.md")
    args = parser.parse_args()
    sets = {"开发集": load(HERE / "accuracy"), "保留集": load(HERE / "accuracy" / "holdout")}
    tables = {}
    for name, items in sets.items():
        if not items:
            continue
        scores, wrong = score(items)
        tables[name] = (len(items), table(scores))
        print(f"\n{name}（{len(items)} 条）\n" + "\n".join(tables[name][1]))
        if args.misses and name == "开发集":
            for code, kind, item, codes in wrong:
                if code == args.misses.upper():
                    context = f"  ← 顾客：{item.customer!r}" if item.customer else ""
                    print(f"{kind} {item.source}: {item.reply!r}{context} [{item.scene or ''}] 报告了 {sorted(codes)}")
    if args.write_docs:
        write_docs(tables)


def write_docs(tables) -> None:
    page = PAGE.read_text(encoding="utf-8")
    head, rest = page.split(START, 1)
    _, tail = rest.split(END, 1)
    body = "".join(f"\n**{name}**（{n} 条）\n\n" + "\n".join(lines) + "\n" for name, (n, lines) in tables.items())
    PAGE.write_text(f"{head}{START}\n{body}{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
