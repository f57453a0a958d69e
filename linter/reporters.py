"""Reporters: findings out, in the format the reader needs.

Each reporter takes a ``Report`` and returns the whole output as one string.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from .engine import Finding
from .rules import SEVERITIES

SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one-line input errors
    files: int = 0
    templates: int = 0

    def counts(self) -> dict[str, int]:
        by_severity = Counter(f.severity for f in self.findings)
        return {severity: by_severity.get(severity, 0) for severity in SEVERITIES}


def text(report: Report) -> str:
    lines = [
        f"{f.path}:{f.line}:{f.column}: {f.rule.code} [{f.severity}] {f.message}"
        + (f" ({f.template})" if f.template else "")
        for f in report.findings
    ]
    counts = report.counts()
    if report.findings:
        detail = "，".join(f"{SEVERITY_NAMES[s]} {n}" for s, n in counts.items())
        summary = f"发现 {len(report.findings)} 个问题（{detail}）"
    else:
        summary = "没有发现问题"
    lines.append(f"{summary}；检查了 {report.files} 个文件、{report.templates} 条话术。")
    return "\n".join(lines) + "\n"


def to_json(report: Report) -> str:
    findings = [
        {
            "path": f.path,
            "line": f.line,
            "column": f.column,
            "end_line": f.end_line,
            "end_column": f.end_column,
            "rule": f.rule.code,
            "name": f.rule.name,
            "severity": f.severity,
            "message": f.message,
            "template": f.template,
            "url": f.url,
        }
        for f in report.findings
    ]
    summary = {
        "files": report.files,
        "templates": report.templates,
        "findings": len(report.findings),
        **report.counts(),
        "input_errors": report.errors,
    }
    return json.dumps({"findings": findings, "summary": summary}, ensure_ascii=False, indent=2) + "\n"


FORMATS = {"text": text, "json": to_json}
