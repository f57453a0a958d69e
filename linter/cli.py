"""The ``kefu-lint`` command line: parse options, call the API, print, exit — nothing else.

``kefu-lint [OPTIONS] PATH...`` lints (the ``check`` command is the default), ``kefu-lint rules``
lists the rules, ``kefu-lint rule CODE`` explains one. Exit codes: 0 clean, 1 findings at or
above ``fail-on``, 2 usage or input errors (reported in one line each, never a traceback).
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

import click

from . import __version__
from .api import FileResult, Summary, check_file, linter_for
from .config import UsageError, check_codes, find_config, load_settings
from .explain import as_text as explain
from .fixes import fix_text
from .loaders import LEGACY, SUFFIXES, Columns, InputError, discover, file_suffix
from .model import SEVERITIES, SEVERITY_NAMES
from .reporters import FORMATS, Text
from .rules import CATEGORIES, RULES, RULES_BY_CODE


class _DefaultToCheck(click.Group):
    """Runs ``check`` when the first argument is not a subcommand (``kefu-lint docs/``)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kefu-lint")
def main() -> None:
    """kefu-lint：按《客服手册》的禁忌与语气规则检查话术模板。

    \b
    kefu-lint [选项] 路径...   检查文件或目录（check 命令可省略）
    kefu-lint rules            列出全部规则
    kefu-lint rule KF101       查看一条规则的说明和示例
    """


def console() -> None:
    """The ``kefu-lint`` console script. A short-lived process that builds many small objects
    and few reference cycles: the cyclic garbage collector runs less often here (only here,
    never when ``main`` is called from Python)."""
    import gc

    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    main()


def _codes(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...] | None:
    if not values:
        return None
    try:
        return check_codes([c for v in values for c in v.split(",")], f"--{param.name}")
    except UsageError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[1]) from None


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(sorted(FORMATS)), default="text",
              show_default=True, help="输出格式。")
@click.option("--select", multiple=True, callback=_codes, help="只启用这些规则（代码或前缀，如 KF1），逗号分隔。")
@click.option("--ignore", multiple=True, callback=_codes, help="关闭这些规则（代码或前缀），逗号分隔。")
@click.option("--fail-on", type=click.Choice(SEVERITIES), help="达到该级别的问题使退出码为 1（默认 error）。")
@click.option("--max-length", type=click.IntRange(min=1), help="单条回复的最大字数（KF502，默认 300）。")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="配置文件（默认从当前目录向上查找 kefu-lint.toml 或 pyproject.toml）。")
@click.option("--no-config", is_flag=True, help="不读取任何配置文件。")
@click.option("--base-url", help="规则链接指向的手册地址（默认 http://127.0.0.1:8000/）。")
@click.option("--reply-column", help="CSV / Excel：回复内容所在列的表头。")
@click.option("--customer-column", help="CSV / Excel：顾客消息所在列的表头。")
@click.option("--id-column", help="CSV / Excel：话术编号所在列的表头。")
@click.option("--scene-column", help="CSV / Excel：场景所在列的表头。")
@click.option("--stdin-filename", help="从标准输入（-）读取时报告用的文件名，其后缀决定格式（默认按 .txt）。")
@click.option("--fix", "fix", is_flag=True,
              help="就地改正可以安全修复的问题（KF205 你→您、KF503 半角标点、KF504 重复标点），再报告其余问题。"
                   "文件其余部分逐字节不变；Excel（.xlsx）文件不修复。")
@click.option("--diff", "diff", is_flag=True,
              help="只显示 --fix 会做的修改（unified diff），不改文件；有修改时退出码为 1。")
@click.option("--statistics", is_flag=True, help="最后按规则列出问题数（从多到少）。")
@click.option("-q", "--quiet", is_flag=True, help="只输出问题，不输出最后的汇总行。")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="文本输出是否带颜色（auto：输出到终端且未设置 NO_COLOR 时）。")
def check(paths, output_format, select, ignore, fail_on, max_length, config_path, no_config,
          base_url, reply_column, customer_column, id_column, scene_column, stdin_filename,
          fix, diff, statistics, quiet, color) -> None:
    """检查话术文件（.yaml .txt .csv .md .xlsx）或目录；- 表示标准输入。"""
    if fix and not diff and "-" in paths:
        _fail("--fix 不能用于标准输入（-）；可用 --diff 查看修改")
    try:
        settings = load_settings(None if no_config else config_path or find_config(Path.cwd()))
    except UsageError as exc:
        _fail(str(exc))
    overrides = {
        "select": select, "ignore": ignore, "fail_on": fail_on, "max_length": max_length,
        "base_url": base_url,
    }
    settings = replace(settings, **{k: v for k, v in overrides.items() if v is not None})
    linter = linter_for(settings)
    columns = Columns(reply_column, customer_column, id_column, scene_column)
    files = discover(list(paths), settings.exclude)
    if not files:  # a mistyped folder must not pass a CI gate silently
        _fail(f"在 {' '.join(paths)} 中没有找到可检查的文件（支持 {' '.join(SUFFIXES)}）")

    out = sys.stdout
    if output_format == "text":
        reporter = Text(out, settings, color=_use_color(color, out), quiet=quiet, statistics=statistics)
    else:
        reporter = FORMATS[output_format](out, settings)
    summary = Summary()
    diffs = fixes = fixed_files = 0
    if not diff:
        reporter.start()
    for path, named in files:
        if fix or diff:
            result, changes = _fix(linter, path, named, columns, stdin_filename, write=not diff)
            if diff:
                out.write(changes)
                diffs += bool(changes)
            elif changes:
                fixes, fixed_files = fixes + changes, fixed_files + 1
        else:
            result = check_file(linter, path, named=named, columns=columns, stdin_filename=stdin_filename)
        for templates, findings in result.batches:
            summary.add_findings(findings)
            if not diff:
                reporter.batch(result.path, templates, findings)
        summary.add_file(result)
        if not diff:
            reporter.file_end(result)
        for error in result.errors:
            click.echo(f"kefu-lint: {error}", err=True)
    if diff:
        sys.exit(2 if summary.errors else 1 if diffs else 0)
    if fixes:
        click.echo(f"kefu-lint: 已修复 {fixed_files} 个文件中的 {fixes} 处问题。", err=True)
    reporter.finish(summary)
    if summary.errors:
        sys.exit(2)
    sys.exit(1 if summary.failing(settings.fail_on) else 0)


def _use_color(choice: str, out) -> bool:
    if choice != "auto":
        return choice == "always"
    return not os.environ.get("NO_COLOR") and hasattr(out, "isatty") and out.isatty()


def _fix(linter, path: str, named: bool, columns: Columns, stdin_filename: str | None,
         write: bool) -> tuple[FileResult, int | str]:
    """Fix one file (``--fix``: write it; ``--diff``: return the diff). Returns the file's
    result (what remains to report) and the number of fixes written or the diff."""
    if path == "-":
        path = stdin_filename or "<stdin>"
        data, suffix = sys.stdin.buffer.read(), Path(path).suffix or ".txt"
    else:
        data, suffix = None, None
    try:
        suffix = file_suffix(path, suffix)
        if suffix == ".xlsx":  # never rewritten: lint as usual
            return check_file(linter, path, named=named, columns=columns, data=data), 0 if write else ""
        data = _read(path) if data is None else data
        fixed = fix_text(path, data, columns, linter, suffix)
    except InputError as exc:
        from .loaders import NotATemplateSet

        result = FileResult(path, iter(()))
        if isinstance(exc, NotATemplateSet) and not named:
            result.skipped = True
        else:
            result.errors.append(exc)
        return result, 0 if write else ""
    result = FileResult(path, iter([(fixed.templates, fixed.findings)]), len(fixed.templates), fixed.errors)
    if not write:
        return result, fixed.diff()
    if fixed.changed:
        try:
            Path(path).write_bytes(fixed.data)
        except OSError as exc:
            result.errors.append(InputError(path, f"无法写入修复结果（{exc.strerror}）"))
            return result, 0
    return result, fixed.fixes if fixed.changed else 0


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(path, "文件不存在") from None
    except OSError as exc:
        raise InputError(path, f"无法读取（{exc.strerror}）") from None


def _fail(message: str) -> None:
    click.echo(f"kefu-lint: {message}", err=True)
    sys.exit(2)


@main.command("rules")
def list_rules() -> None:
    """列出全部规则：代码、名称、类别、默认级别。"""
    for rule in RULES:
        category = CATEGORIES[rule.category][0]
        click.echo(f"{rule.code}  {rule.name:<22} {SEVERITY_NAMES[rule.severity]}  {category}  {rule.title}")


@main.command("rule")
@click.argument("code")
@click.option("--base-url", help="手册地址（默认 http://127.0.0.1:8000/）。")
def show_rule(code: str, base_url: str | None) -> None:
    """查看一条规则的说明、示例和手册链接。"""
    rule = RULES_BY_CODE.get(code.upper())
    if rule is None:
        _fail(f"未知的规则代码「{code}」（用 kefu-lint rules 查看全部规则）")
    settings = load_settings(None)
    if base_url:
        settings = replace(settings, base_url=base_url)
    click.echo(explain(rule, settings.url(rule.code)))


if __name__ == "__main__":  # pragma: no cover
    console()
