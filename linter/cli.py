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
from .config import DEFAULT_BASE_URL, UsageError, check_codes, did_you_mean, find_config, find_site_url, load_settings
from .explain import as_text as explain
from .fixes import fix_text
from .jobs import check_file_in_parts, default_jobs, inspect_file
from .loaders import SUFFIXES, Columns, InputError, discover, file_suffix
from .model import SEVERITIES, SEVERITY_NAMES, display_width
from .reporters import FORMATS, Text
from .rules import CATEGORIES, RULES, RULES_BY_CODE


# ---------------------------------------------------------------------------- click, in Chinese
#
# click writes its own headings, usage line and error messages in English. The commands below
# write theirs in Chinese: the help layout through these classes, errors through ``_usage_error``.


class _Formatter(click.HelpFormatter):
    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")


class _Context(click.Context):
    formatter_class = _Formatter


class _Chinese:
    """Help pages in Chinese: 用法 / 选项 / 命令."""

    context_class = _Context

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法：")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [row for param in self.get_params(ctx)
                if not isinstance(param, click.Argument) and (row := param.get_help_record(ctx))]
        if rows:
            with formatter.section("选项"):
                formatter.write_dl(rows)

    def get_help_option(self, ctx: click.Context):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示本帮助并退出。"
        return option


class _Command(_Chinese, click.Command):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


class _DefaultToCheck(_Chinese, click.Group):
    """Runs ``check`` when the first argument is not a subcommand (``kefu-lint docs/``)."""

    command_class = _Command

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, command.get_short_help_str(60)) for name in self.list_commands(ctx)
                if (command := self.get_command(ctx, name)) is not None and not command.hidden]
        if rows:
            with formatter.section("命令"):
                formatter.write_dl(rows)

    def main(self, *args, **kwargs):
        """click's ``main``, with usage errors reported in Chinese (one line, exit 2)."""
        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("kefu-lint: 已取消", err=True)
            sys.exit(1)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "kefu-lint"
            click.echo(f"kefu-lint: {_usage_error(exc)}（用 {command} --help 查看用法）", err=True)
            sys.exit(2)


def _usage_error(exc: click.UsageError) -> str:
    if isinstance(exc, click.exceptions.NoSuchOption):
        hint = f"；您是不是要用 {' / '.join(exc.possibilities)}" if exc.possibilities else ""
        return f"没有选项 {exc.option_name}{hint}"
    if isinstance(exc, click.exceptions.BadOptionUsage):
        if "requires" in exc.message:
            return f"选项 {exc.option_name} 后面要跟一个值"
        return f"选项 {exc.option_name} 的用法不对"
    if isinstance(exc, click.exceptions.MissingParameter):
        return f"缺少{_param_name(exc.param)}"
    if isinstance(exc, click.BadParameter):
        return f"{_param_name(exc.param)} 的值不对：{exc.message}"
    return exc.message


def _param_name(param: click.Parameter | None) -> str:
    if param is None:
        return "参数"
    if isinstance(param, click.Argument):
        return f"参数 {param.make_metavar(click.Context(click.Command('x')))}".rstrip(".")
    return f"选项 {param.opts[0]}"


class Choice(click.Choice):
    """A choice whose error names the choices in Chinese, with the closest one."""

    def convert(self, value, param, ctx):
        if value in self.choices:
            return value
        from difflib import get_close_matches

        close = get_close_matches(str(value), list(self.choices), n=1)
        hint = f"；您是不是要写 {close[0]}" if close else ""
        self.fail(f"「{value}」不是可选的值（可选：{' / '.join(self.choices)}）{hint}", param, ctx)


class PositiveInt(click.ParamType):
    name = "正整数"

    def convert(self, value, param, ctx):
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if number < 1:
            self.fail(f"「{value}」不是正整数", param, ctx)
        return number


@click.group("kefu-lint", cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="kefu-lint", message="%(prog)s %(version)s",
                      help="显示版本号并退出。")
def main() -> None:
    """kefu-lint：按《客服手册》的禁忌与语气规则检查话术模板。

    \b
    kefu-lint [选项] 路径...   检查文件或目录（check 命令可省略）
    kefu-lint chats 路径...    质检导出的聊天记录，给每位客服打分
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


def _rule_options(command):
    """The options every linting command shares: rules, the severity gate, configuration, links."""
    for option in reversed((
        click.option("--select", multiple=True, callback=_codes, metavar="CODES",
                     help="只启用这些规则（代码或前缀，如 KF1），逗号分隔。"),
        click.option("--ignore", multiple=True, callback=_codes, metavar="CODES", help="关闭这些规则（代码或前缀），逗号分隔。"),
        click.option("--fail-on", type=Choice(SEVERITIES), help="达到该级别的问题使退出码为 1（默认 error）。"),
        click.option("--max-length", type=PositiveInt(), metavar="N", help="单条回复的最大字数（KF502，默认 300）。"),
        click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
                     help="配置文件（默认从当前目录向上查找 kefu-lint.toml 或 pyproject.toml）。"),
        click.option("--no-config", is_flag=True, help="不读取任何配置文件。"),
        click.option("--base-url", metavar="URL",
                     help="规则链接指向的手册地址（默认：配置的 base-url；在手册目录里是 mkdocs.yml 的 site_url；"
                          "否则 http://127.0.0.1:8000/）。"),
    )):
        command = option(command)
    return command


def _settings(config_path: Path | None, no_config: bool, **overrides):
    """The configuration file's settings with the command line's options on top."""
    try:
        settings = load_settings(None if no_config else config_path or find_config(Path.cwd()))
    except UsageError as exc:
        _fail(str(exc))
    settings = replace(settings, **{k: v for k, v in overrides.items() if v is not None})
    if not no_config and settings.base_url == DEFAULT_BASE_URL and (site := find_site_url(Path.cwd())):
        settings = replace(settings, base_url=site)  # in a checkout of the handbook: its address
    return settings


_jobs_option = click.option(
    "--jobs", "-j", type=PositiveInt(), metavar="N",
    help="同时检查一个大文件的进程数（默认：本机的 CPU 核数）；1 表示只用一个进程。结果与进程数无关。")


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="路径...")
@click.option("--format", "output_format", type=Choice(sorted(FORMATS)), default="text",
              help="输出格式（默认 text）。")
@_rule_options
@click.option("--reply-column", metavar="NAME", help="CSV / Excel：回复内容所在列的表头。")
@click.option("--customer-column", metavar="NAME", help="CSV / Excel：顾客消息所在列的表头。")
@click.option("--id-column", metavar="NAME", help="CSV / Excel：话术编号所在列的表头。")
@click.option("--scene-column", metavar="NAME", help="CSV / Excel：场景所在列的表头。")
@click.option("--stdin-filename", metavar="NAME", help="从标准输入（-）读取时报告用的文件名，其后缀决定格式（默认按 .txt）。")
@click.option("--fix", "fix", is_flag=True,
              help="就地改正可以安全修复的问题（KF205 你→您、KF503 半角标点、KF504 重复标点），再报告其余问题。"
                   "文件其余部分逐字节不变；Excel（.xlsx）文件不修复。")
@click.option("--diff", "diff", is_flag=True,
              help="只显示 --fix 会做的修改（unified diff），不改文件；有修改时退出码为 1。")
@click.option("--statistics", is_flag=True, help="最后按规则列出问题数（从多到少）。")
@click.option("-q", "--quiet", is_flag=True, help="只输出问题，不输出最后的汇总行。")
@click.option("--color", type=Choice(["auto", "always", "never"]), default="auto",
              help="文本输出是否带颜色（默认 auto：输出到终端且未设置 NO_COLOR 时）。")
@_jobs_option
def check(paths, output_format, select, ignore, fail_on, max_length, config_path, no_config,
          base_url, reply_column, customer_column, id_column, scene_column, stdin_filename,
          fix, diff, statistics, quiet, color, jobs) -> None:
    """检查话术文件（.yaml .txt .csv .md .xlsx）或目录；- 表示标准输入。"""
    if fix and not diff and "-" in paths:
        _fail("--fix 不能用于标准输入（-）；可用 --diff 查看修改")
    settings = _settings(config_path, no_config, select=select, ignore=ignore, fail_on=fail_on,
                         max_length=max_length, base_url=base_url)
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
            result, counts = check_file_in_parts(linter, path, columns, reporter, jobs or default_jobs(),
                                                 named=named, stdin_filename=stdin_filename)
            summary.merge(counts)
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


CHAT_FORMAT_NAMES = ("csv", "json", "text")  # reporters.chats.CHAT_FORMATS, imported when it is used


@main.command("chats")
@click.argument("paths", nargs=-1, required=True, metavar="路径...")
@click.option("--format", "output_format", type=Choice(CHAT_FORMAT_NAMES), default="text",
              help="输出格式（默认 text：按会话列出问题；json：sessions 和 agents；csv：每个问题一行）。")
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="把 HTML 质检报告写到这个目录：index.html 是总览，每位客服一页，不联网也能直接打开。")
@_rule_options
@click.option("--first-response", type=PositiveInt(), metavar="SECONDS", help="首次响应的上限秒数（KF601，默认 30）。")
@click.option("--slow-reply", type=PositiveInt(), metavar="SECONDS", help="对话中回复的上限秒数（KF602，默认 120）。")
@click.option("--session-column", metavar="NAME", help="会话ID 所在列的表头（JSON Lines：键名，下同）。")
@click.option("--time-column", metavar="NAME", help="发送时间所在列的表头。")
@click.option("--role-column", metavar="NAME", help="角色（顾客 / 客服 / 系统）所在列的表头。")
@click.option("--agent-column", metavar="NAME", help="客服昵称所在列的表头。")
@click.option("--text-column", metavar="NAME", help="消息内容所在列的表头。")
@click.option("--type-column", metavar="NAME", help="消息类型（文本 / 图片 / 商品卡片 …）所在列的表头。")
@click.option("-q", "--quiet", is_flag=True, help="只输出问题，不输出客服汇总表和最后的汇总行。")
@_jobs_option
def chats_command(paths, output_format, report_dir, select, ignore, fail_on, max_length, config_path, no_config,
                  base_url, first_response, slow_reply, session_column, time_column, role_column, agent_column,
                  text_column, type_column, quiet, jobs) -> None:
    """质检导出的聊天记录（.csv .xlsx .jsonl）或目录：每条客服回复按话术规则检查，再看整段会话，给每位客服打分。"""
    from .api import ChatSummary, inspector_for
    from .chats import Scorecard
    from .loaders.chats import SUFFIXES as CHAT_SUFFIXES, ChatColumns
    from .reporters.chats import CHAT_FORMATS

    if "-" in paths:
        _fail("chats 不读标准输入（-）：请给出导出的聊天记录文件或目录")
    settings = _settings(config_path, no_config, select=select, ignore=ignore, fail_on=fail_on,
                         max_length=max_length, base_url=base_url, first_response=first_response,
                         slow_reply=slow_reply)
    columns = ChatColumns(session_column, time_column, role_column, agent_column, text_column, type_column)
    inspector = inspector_for(settings)
    files = discover(list(paths), settings.exclude, CHAT_SUFFIXES)
    if not files:
        _fail(f"在 {' '.join(paths)} 中没有找到聊天记录文件（支持 {' '.join(CHAT_SUFFIXES)}）")
    reporter = CHAT_FORMATS[output_format](sys.stdout, settings, quiet=quiet)
    summary, cards = ChatSummary(), []
    reporter.start()
    for path, _ in files:
        found, card, _ = inspect_file(path, inspector.settings, columns, reporter, output_format,
                                      jobs or default_jobs())
        summary.merge(found, whole=True)
        cards.append(card)
        for error in found.errors:
            click.echo(f"kefu-lint: {error}", err=True)
    card = Scorecard.merged(cards)
    reporter.finish(summary, card)
    if report_dir is not None:
        from .reporters.html import write_report

        try:
            index = write_report(report_dir, card, summary, inspector.settings)
        except OSError as exc:
            _fail(f"{report_dir}: 无法写入报告（{exc.strerror}）")
        click.echo(f"kefu-lint: 报告已写入 {index}", err=True)
    if summary.errors:
        sys.exit(2)
    sys.exit(1 if summary.failing(settings.fail_on) else 0)


@main.command("rules")
def list_rules() -> None:
    """列出全部规则：代码、名称、级别、类别、标题。"""
    rows = [(r.code, r.name, SEVERITY_NAMES[r.severity], CATEGORIES[r.category][0], r.title) for r in RULES]
    widths = [max(_width(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        cells = [cell + " " * (width - _width(cell)) for cell, width in zip(row, widths)]
        click.echo("  ".join([*cells, row[4]]))


_width = display_width


@main.command("rule")
@click.argument("code")
@click.option("--base-url", metavar="URL", help="手册地址（默认 http://127.0.0.1:8000/）。")
def show_rule(code: str, base_url: str | None) -> None:
    """查看一条规则的说明、示例和手册链接。"""
    rule = RULES_BY_CODE.get(code.upper())
    if rule is None:
        _fail(f"未知的规则代码「{code}」{did_you_mean(code.upper(), RULES_BY_CODE) or '（用 kefu-lint rules 查看全部规则）'}")
    base_url = base_url or find_site_url(Path.cwd())
    settings = replace(load_settings(None), base_url=base_url) if base_url else load_settings(None)
    click.echo(explain(rule, settings.url(rule.code)))


if __name__ == "__main__":  # pragma: no cover
    console()
