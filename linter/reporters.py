"""Reporters: findings out, in the format the reader needs.

Each reporter takes a ``Report`` and returns the whole output as one string:

``text``    one line per finding and a summary, for people
``json``    the stable machine-readable shape documented in the README
``sarif``   SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps)
``github``  GitHub Actions workflow commands: pull-request annotations
``junit``   JUnit XML for GitLab and Jenkins test reports: a test case per template
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .config import Settings
from .engine import Finding, Template
from .rules import RULES, SEVERITIES

SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one-line input errors
    files: int = 0
    templates: int = 0
    settings: Settings = field(default_factory=Settings)  # the enabled rules and their links
    # The templates of each linted file, for reporters that list passing templates (JUnit).
    inputs: dict[str, list[Template]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        by_severity = Counter(f.severity for f in self.findings)
        return {severity: by_severity.get(severity, 0) for severity in SEVERITIES}

    def add(self, path: str, templates: list[Template], findings: list[Finding]) -> None:
        self.files += 1
        self.templates += len(templates)
        self.inputs[path] = templates
        self.findings.extend(findings)


def where(finding: Finding | Template) -> str:
    """The file of a finding or template as people read it: ``book.xlsx[Sheet1]`` for Excel."""
    return f"{finding.path}[{finding.sheet}]" if finding.sheet else finding.path


def _line(f: Finding) -> str:
    return (f"{where(f)}:{f.line}:{f.column}: {f.rule.code} [{f.severity}] {f.message}"
            + (f" ({f.template})" if f.template else ""))


def text(report: Report) -> str:
    lines = [_line(f) for f in report.findings]
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
            **({"sheet": f.sheet} if f.sheet else {}),
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
    import json

    return json.dumps({"findings": findings, "summary": summary}, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------- SARIF

SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def relative(path: str) -> str:
    """``path`` relative to the working directory (where CI checks the repository out), in
    forward slashes; a path outside it stays absolute."""
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.relative_to(Path.cwd())
        except ValueError:
            return p.as_posix()
    return p.as_posix()


def _uri(path: str) -> str:
    from urllib.parse import quote

    rel = relative(path)
    return Path(rel).as_uri() if Path(rel).is_absolute() else quote(rel)


def sarif(report: Report) -> str:
    settings = report.settings
    rules = [rule for rule in RULES if settings.enabled(rule.code)]
    index = {rule.code: i for i, rule in enumerate(rules)}
    driver = {
        "name": "kefu-lint",
        "version": __version__,
        "informationUri": settings.base_url,  # the handbook
        "rules": [
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.title},
                "fullDescription": {"text": rule.rationale},
                "help": {"text": f"{rule.rationale}\n出处：{rule.source}"},
                "helpUri": settings.url(rule.code),
                "defaultConfiguration": {"level": SARIF_LEVELS[settings.severity_of(rule.code)]},
                "properties": {"category": rule.category, "tags": [rule.category]},
            }
            for rule in rules
        ],
    }
    results = []
    for f in report.findings:
        result = {
            "ruleId": f.rule.code,
            "ruleIndex": index[f.rule.code],
            "level": SARIF_LEVELS[f.severity],
            "message": {"text": f.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(f.path)},
                    "region": {"startLine": f.line, "startColumn": f.column,
                               "endLine": f.end_line, "endColumn": f.end_column},
                },
                **({"logicalLocations": [{"name": f.sheet, "kind": "sheet"}]} if f.sheet else {}),
            }],
        }
        if f.template:
            result["properties"] = {"template": f.template}
        results.append(result)
    run = {
        "tool": {"driver": driver},
        "columnKind": "unicodeCodePoints",
        "invocations": [{
            "executionSuccessful": not report.errors,
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": error}} for error in report.errors
            ],
        }],
        "results": results,
    }
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
    import json

    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------- GitHub Actions

GITHUB_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(report: Report) -> str:
    """``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=KF101 no-refusal::message``"""
    lines = []
    for f in report.findings:
        properties = {
            "file": relative(f.path), "line": f.line, "col": f.column,
            "endLine": f.end_line, "endColumn": f.end_column, "title": f"{f.rule.code} {f.rule.name}",
        }
        message = (f"[{f.sheet}] " if f.sheet else "") + f.message
        message += (f" ({f.template})" if f.template else "") + f"\n{f.url}"
        props = ",".join(f"{key}={_escape_property(str(value))}" for key, value in properties.items())
        lines.append(f"::{GITHUB_COMMANDS[f.severity]} {props}::{_escape_data(message)}")
    return "".join(line + "\n" for line in lines)


# ---------------------------------------------------------------------------- JUnit


def _owners(templates: list[Template], findings: list[Finding]) -> list[list[Finding]]:
    """The findings of each template of one file: a finding belongs to the last template of its
    sheet that starts at or before it (loaders return templates in file order)."""
    owned: list[list[Finding]] = [[] for _ in templates]
    starts: dict[str | None, tuple[list[tuple[int, int]], list[int]]] = {}
    for i, t in enumerate(templates):
        positions, indexes = starts.setdefault(t.sheet, ([], []))
        positions.append((t.line, t.column))
        indexes.append(i)
    for f in findings:
        positions, indexes = starts.get(f.sheet, ([], []))
        k = bisect_right(positions, (f.line, f.column)) - 1
        owned[indexes[max(k, 0)] if indexes else 0].append(f)
    return owned


def junit(report: Report) -> str:
    from xml.etree import ElementTree as ET  # each output format imports what it needs

    by_file: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_file.setdefault(f.path, []).append(f)
    root = ET.Element("testsuites", name="kefu-lint", tests=str(report.templates + len(report.errors)),
                      failures=str(len(report.findings)), errors=str(len(report.errors)))
    for path, templates in report.inputs.items():
        findings = by_file.get(path, [])
        suite = ET.SubElement(root, "testsuite", name=path, tests=str(len(templates)),
                              failures=str(len(findings)), errors="0", skipped="0")
        for template, owned in zip(templates, _owners(templates, findings)):
            name = template.id or f"line {template.line}"
            case = ET.SubElement(suite, "testcase", name=f"{template.sheet} {name}" if template.sheet else name,
                                 classname=where(template), file=path, line=str(template.line))
            for f in owned:
                failure = ET.SubElement(case, "failure", message=f"{f.rule.code} {f.message}", type=f.rule.code)
                failure.text = f"{_line(f)}\n{f.url}"
    if report.errors:
        suite = ET.SubElement(root, "testsuite", name="kefu-lint", tests=str(len(report.errors)),
                              failures="0", errors=str(len(report.errors)), skipped="0")
        for error in report.errors:
            case = ET.SubElement(suite, "testcase", name=error, classname="kefu-lint")
            ET.SubElement(case, "error", message=error, type="input-error")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


FORMATS = {"text": text, "json": to_json, "sarif": sarif, "github": github, "junit": junit}
