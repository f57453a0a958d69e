"""Reporters: findings out, written as they are produced, in the format the reader needs.

``text``    one line per finding and a summary, for people
``json``    the stable machine-readable shape documented in the README (compact)
``sarif``   SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps)
``github``  GitHub Actions workflow commands: pull-request annotations
``junit``   JUnit XML for GitLab and Jenkins test reports: a test case per template

Chat inspection (``kefu-lint chats``) has its own: ``reporters/chats.py`` (text, JSON, CSV)
and ``reporters/html.py`` (the static HTML report).

A reporter is told about each batch of findings as the engine produces it and writes it at
once (``batch``), then the summary (``finish``): nothing is collected for the whole run, so
memory stays flat however many findings a run has. Everything written per finding is built
from strings prepared once per rule, file or message.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable
from json.encoder import encode_basestring as js
from pathlib import Path
from typing import TextIO

from .. import __version__
from ..api import FileResult, Summary
from ..config import Settings
from ..model import SEVERITY_NAMES, Finding, Template
from ..rules import RULES, RULES_BY_CODE


def where(finding: Finding | Template) -> str:
    """The file of a finding or template as people read it: ``book.xlsx[Sheet1]`` for Excel."""
    return f"{finding.path}[{finding.sheet}]" if finding.sheet else finding.path


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


class Writer:
    """Writes fragments of output (strings, empty for nothing) to ``out`` in order, with
    ``separator`` between two of them. Processes checking parts of a file render fragments,
    and the main process writes them (``jobs.py``)."""

    separator = ""

    def __init__(self, out: TextIO | None) -> None:
        self.out = out
        self.first = True  # nothing written yet

    def write(self, fragments: Iterable[str]) -> None:
        self._write(fragments, self.out.write, self.separator)

    def write_encoded(self, fragments: Iterable[bytes]) -> None:
        """``write`` for fragments already encoded as UTF-8 (by worker processes): copied to
        the output's bytes when it is UTF-8 too."""
        buffer = getattr(self.out, "buffer", None)
        if buffer is None or codecs.lookup(getattr(self.out, "encoding", None) or "ascii").name != "utf-8":
            self.write(fragment.decode("utf-8") for fragment in fragments)
            return
        self.out.flush()
        self._write(fragments, buffer.write, self.separator.encode())
        buffer.flush()

    def _write(self, fragments, write, separator) -> None:
        """Many small fragments (a chat session's) are written a few hundred at a time, a large
        one (a batch of templates) at once: never more than about 1 MB held."""
        parts, size = [], 0
        for fragment in fragments:
            if fragment:
                parts.append(fragment)
                size += len(fragment)
                if len(parts) >= 512 or size >= 1 << 20:
                    write((separator[:0] if self.first else separator) + separator.join(parts))
                    self.first, parts, size = False, [], 0
        if parts:
            write((separator[:0] if self.first else separator) + separator.join(parts))
            self.first = False


class Reporter(Writer):
    """Writes one run's output to ``out``; subclasses override what they need. A reporter
    that renders each batch on its own (``render``) is ``splittable``: the batches of a large
    file may then be rendered in other processes."""

    splittable = True

    def __init__(self, out: TextIO, settings: Settings) -> None:
        super().__init__(out)
        self.settings = settings
        self.rules = [rule for rule in RULES if settings.enabled(rule.code)]

    def start(self) -> None:
        pass

    def batch(self, path: str, templates: list[Template], findings: list[Finding]) -> None:
        if findings:
            self.write((self.render(path, templates, findings),))

    def render(self, path: str, templates: list[Template], findings: list[Finding]) -> str:
        """The output for one batch of one file."""
        return ""

    def file_end(self, result: FileResult) -> None:
        pass

    def finish(self, summary: Summary) -> None:
        pass


# ---------------------------------------------------------------------------- text


def summary_line(summary: Summary, scope: str | None = None) -> str:
    """The last line of the text output (``scope``: what was checked, default files and
    templates). After input errors it says so and never claims that nothing was found."""
    total = summary.findings
    detail = "，".join(f"{SEVERITY_NAMES[s]} {n}" for s, n in summary.counts().items())
    scope = scope or f"检查了 {summary.files} 个文件、{summary.templates} 条话术"
    if summary.errors:
        found = f"；其余部分发现 {total} 个问题（{detail}）" if total else ""
        return f"{summary.files_with_errors} 个文件有输入错误（见上），未能完整检查{found}；{scope}。"
    if total:
        return f"发现 {total} 个问题（{detail}）；{scope}。"
    return f"没有发现问题；{scope}。"


_COLOURS = {"error": "31", "warning": "33", "info": "36"}  # red, yellow, cyan


class Text(Reporter):
    def __init__(self, out: TextIO, settings: Settings, *, color: bool = False, quiet: bool = False,
                 statistics: bool = False) -> None:
        super().__init__(out, settings)
        self.quiet, self.statistics = quiet, statistics
        if color:
            bold, dim, reset = "\x1b[1m", "\x1b[2m", "\x1b[0m"
            self.tags = {s: f"\x1b[{_COLOURS[s]}m[{n}]{reset}" for s, n in SEVERITY_NAMES.items()}
            self.codes = {r.code: f"{bold}{r.code}{reset}" for r in self.rules}
            self.place = lambda text: f"{bold}{text}{reset}"  # noqa: E731
            self.dim = lambda text: f"{dim}{text}{reset}"  # noqa: E731
        else:
            self.tags = {s: f"[{n}]" for s, n in SEVERITY_NAMES.items()}
            self.codes = {r.code: r.code for r in self.rules}
            self.place = self.dim = lambda text: text  # noqa: E731

    def render(self, path, templates, findings) -> str:
        tags, codes, place = self.tags, self.codes, self.place
        name = place(where(findings[0]))
        names = {findings[0].sheet: name}
        lines = []
        for f in findings:
            shown = name if f.sheet == findings[0].sheet else names.setdefault(f.sheet, place(where(f)))
            line = f"{shown}:{f.line}:{f.column}: {codes[f.rule]} {tags[f.severity]} {f.message}"
            lines.append(f"{line} ({f.template})" if f.template else line)
        lines.append("")
        return "\n".join(lines)

    def finish(self, summary: Summary) -> None:
        lines = []
        if self.statistics and summary.by_rule:
            width = len(str(max(summary.by_rule.values())))
            for code, count in sorted(summary.by_rule.items(), key=lambda item: (-item[1], item[0])):
                rule = RULES_BY_CODE[code]
                lines.append(f"{count:>{width}}  {self.codes[code]}  {rule.title}")
        if not self.quiet:
            lines.append(summary_line(summary))
        if lines:
            self.out.write("\n".join(lines) + "\n")


# ---------------------------------------------------------------------------- JSON


class Fragments:
    """JSON pieces prepared once: per rule, per message, per file."""

    def __init__(self, settings: Settings, rules) -> None:
        self.rules = {
            r.code: (f'"rule":"{r.code}","name":{js(r.name)},"severity":"{settings.severity_of(r.code)}",', js(settings.url(r.code)))
            for r in rules
        }
        self._messages: dict[str, str] = {}

    def message(self, text: str) -> str:
        encoded = self._messages.get(text)
        if encoded is None:
            if len(self._messages) > 100_000:  # messages repeat; a bound keeps memory flat anyway
                self._messages.clear()
            encoded = self._messages[text] = js(text)
        return encoded


class Json(Reporter):
    separator = ","  # between the findings of two batches

    def start(self) -> None:
        self.parts = Fragments(self.settings, self.rules)
        self.first = True
        self.out.write('{"findings":[')

    def render(self, path, templates, findings) -> str:
        rules, message = self.parts.rules, self.parts.message
        head = {}
        items = []
        for f in findings:
            place = head.get(f.sheet)
            if place is None:
                place = head[f.sheet] = '{"path":' + js(f.path) + (f',"sheet":{js(f.sheet)}' if f.sheet else "")
            rule, url = rules[f.rule]
            template = "null" if f.template is None else js(f.template)
            items.append(f'{place},"line":{f.line},"column":{f.column},"end_line":{f.end_line},'
                         f'"end_column":{f.end_column},{rule}"message":{message(f.message)},'
                         f'"template":{template},"url":{url}}}')
        return ",".join(items)

    def finish(self, summary: Summary) -> None:
        import json

        data = {"files": summary.files, "templates": summary.templates, "findings": summary.findings,
                **summary.counts(), "input_errors": summary.errors}
        self.out.write('],"summary":' + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "}\n")


# ---------------------------------------------------------------------------- SARIF

SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    from urllib.parse import quote

    rel = relative(path)
    return Path(rel).as_uri() if Path(rel).is_absolute() else quote(rel)


class Sarif(Reporter):
    separator = ","

    def start(self) -> None:
        import json

        settings = self.settings
        self.index = {rule.code: i for i, rule in enumerate(self.rules)}
        self.messages = Fragments(settings, self.rules).message
        self.levels = {r.code: SARIF_LEVELS[settings.severity_of(r.code)] for r in self.rules}
        self.uris: dict[str, str] = {}
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
                    "defaultConfiguration": {"level": self.levels[rule.code]},
                    "properties": {"category": rule.category, "tags": [rule.category]},
                }
                for rule in self.rules
            ],
        }
        tool = json.dumps({"driver": driver}, ensure_ascii=False, separators=(",", ":"))
        self.out.write('{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0",'
                       f'"runs":[{{"tool":{tool},"columnKind":"unicodeCodePoints","results":[')

    def render(self, path, templates, findings) -> str:
        items = []
        for f in findings:
            uri = self.uris.get(f.path)
            if uri is None:
                uri = self.uris[f.path] = js(_uri(f.path))
            logical = f',"logicalLocations":[{{"name":{js(f.sheet)},"kind":"sheet"}}]' if f.sheet else ""
            properties = f',"properties":{{"template":{js(f.template)}}}' if f.template else ""
            items.append(
                f'{{"ruleId":"{f.rule}","ruleIndex":{self.index[f.rule]},"level":"{SARIF_LEVELS[f.severity]}",'
                f'"message":{{"text":{self.messages(f.message)}}},"locations":[{{"physicalLocation":'
                f'{{"artifactLocation":{{"uri":{uri}}},"region":{{"startLine":{f.line},'
                f'"startColumn":{f.column},"endLine":{f.end_line},"endColumn":{f.end_column}}}}}'
                f'{logical}}}]{properties}}}'
            )
        return ",".join(items)

    def finish(self, summary: Summary) -> None:
        import json

        invocation = {
            "executionSuccessful": not summary.errors,
            "toolExecutionNotifications": [{"level": "error", "message": {"text": e}} for e in summary.errors],
        }
        self.out.write('],"invocations":[' + json.dumps(invocation, ensure_ascii=False, separators=(",", ":"))
                       + "]}]}\n")


# ---------------------------------------------------------------------------- GitHub Actions

GITHUB_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


class Github(Reporter):
    """``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=KF101 no-refusal::message``"""

    def start(self) -> None:
        self.titles = {r.code: _escape_property(f"{r.code} {r.name}") for r in self.rules}
        self.urls = {r.code: self.settings.url(r.code) for r in self.rules}

    def render(self, path, templates, findings) -> str:
        lines = []
        for f in findings:
            message = (f"[{f.sheet}] " if f.sheet else "") + f.message
            message += (f" ({f.template})" if f.template else "") + f"\n{self.urls[f.rule]}"
            lines.append(f"::{GITHUB_COMMANDS[f.severity]} file={_escape_property(relative(f.path))},"
                         f"line={f.line},col={f.column},endLine={f.end_line},endColumn={f.end_column},"
                         f"title={self.titles[f.rule]}::{_escape_data(message)}\n")
        return "".join(lines)


# ---------------------------------------------------------------------------- JUnit


def _owners(templates: list[Template], findings: list[Finding]) -> list[list[Finding]]:
    """The findings of each template of one batch: a finding belongs to the last template of
    its sheet that starts at or before it (loaders return templates in file order)."""
    from bisect import bisect_right

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


def _spool():
    import tempfile

    return tempfile.SpooledTemporaryFile(max_size=8 << 20, mode="w+", encoding="utf-8")


class Junit(Reporter):
    """A test suite per file and a test case per template. Suites and the root carry their
    counts before their children, so each is written to a spool file (in memory up to 8 MB,
    then on disk) and copied out when its counts are known; the batches of a file are not
    rendered apart."""

    splittable = False

    def start(self) -> None:
        from xml.sax.saxutils import escape, quoteattr

        self.escape, self.attr = escape, quoteattr
        self.body = _spool()
        self.suite = None
        self.tests = self.failures = 0

    def batch(self, path, templates, findings) -> None:
        attr, escape = self.attr, self.escape
        if self.suite is None:
            self.suite, self.suite_tests, self.suite_failures = _spool(), 0, 0
        parts = []
        for template, owned in zip(templates, _owners(templates, findings)):
            name = template.id or f"line {template.line}"
            name = f"{template.sheet} {name}" if template.sheet else name
            parts.append(f"    <testcase name={attr(name)} classname={attr(where(template))} "
                         f"file={attr(path)} line=\"{template.line}\"")
            if not owned:
                parts.append(" />\n")
                continue
            parts.append(">\n")
            for f in owned:
                text = escape(f"{where(f)}:{f.line}:{f.column}: {f.rule} [{SEVERITY_NAMES[f.severity]}] "
                              f"{f.message}" + (f" ({f.template})" if f.template else "") + f"\n{f.url}")
                parts.append(f"      <failure message={attr(f'{f.rule} {f.message}')} type=\"{f.rule}\">"
                             f"{text}</failure>\n")
            parts.append("    </testcase>\n")
        self.suite.write("".join(parts))
        self.suite_tests += len(templates)
        self.suite_failures += len(findings)

    def file_end(self, result: FileResult) -> None:
        if self.suite is None:
            return
        self.body.write(f"  <testsuite name={self.attr(result.path)} tests=\"{self.suite_tests}\" "
                        f"failures=\"{self.suite_failures}\" errors=\"0\" skipped=\"0\">\n")
        _copy(self.suite, self.body)
        self.body.write("  </testsuite>\n")
        self.tests += self.suite_tests
        self.failures += self.suite_failures
        self.suite = None

    def finish(self, summary: Summary) -> None:
        attr = self.attr
        errors = summary.errors
        if errors:
            self.body.write(f"  <testsuite name=\"kefu-lint\" tests=\"{len(errors)}\" failures=\"0\" "
                            f"errors=\"{len(errors)}\" skipped=\"0\">\n")
            for error in errors:
                self.body.write(f"    <testcase name={attr(error)} classname=\"kefu-lint\">\n"
                                f"      <error message={attr(error)} type=\"input-error\" />\n    </testcase>\n")
            self.body.write("  </testsuite>\n")
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                       f'<testsuites name="kefu-lint" tests="{self.tests + len(errors)}" '
                       f'failures="{self.failures}" errors="{len(errors)}">\n')
        _copy(self.body, self.out)
        self.out.write("</testsuites>\n")


def _copy(spool, out: TextIO) -> None:
    spool.seek(0)
    while chunk := spool.read(1 << 20):
        out.write(chunk)
    spool.close()


FORMATS: dict[str, type[Reporter]] = {"text": Text, "json": Json, "sarif": Sarif, "github": Github, "junit": Junit}
