"""MkDocs hook: the option tables of ``tools/cli.md`` generated from the click commands.

The page marks the place with ``<!-- cli:commands -->``; each command of ``kefu_lint.cli.main``
becomes a section with its usage line and a table of its options (the same help texts that
``kefu-lint COMMAND --help`` prints), so the handbook and the command cannot drift apart. A table
rather than click's wide text block: it wraps on a phone.
"""

from __future__ import annotations

import click
from mkdocs.exceptions import PluginError

from kefu_lint.cli import main
from kefu_lint.explain import escape_markdown

PAGE = "tools/cli.md"
MARKER = "<!-- cli:commands -->"


def _option(param: click.Parameter, ctx: click.Context) -> tuple[str, str]:
    names = " / ".join(f"`{opt}`" for opt in (*param.opts, *param.secondary_opts))
    if isinstance(param, click.Option) and not param.is_flag:
        metavar = param.make_metavar(ctx)
        names += f" `{metavar}`"
    return names, escape_markdown(getattr(param, "help", "") or "")


def commands_markdown() -> str:
    parts = []
    root = click.Context(main, info_name="kefu-lint")
    for name, command in main.commands.items():
        ctx = click.Context(command, info_name=name, parent=root)
        usage = " ".join(command.collect_usage_pieces(ctx))
        rows = [_option(p, ctx) for p in command.get_params(ctx) if isinstance(p, click.Option)]
        parts += [
            f"### kefu-lint {name} {{#{name}}}",
            "",
            escape_markdown(command.help.splitlines()[0] if command.help else ""),
            "",
            "```text",
            f"kefu-lint {name} {usage}",
            "```",
            "",
            "| 选项 | 说明 |",
            "| --- | --- |",
            *(f"| {option} | {text} |" for option, text in rows),
            "",
        ]
    return "\n".join(parts)


def on_page_markdown(markdown: str, page, config, files) -> str:
    if page.file.src_uri != PAGE:
        return markdown
    if MARKER not in markdown:
        raise PluginError(f"docs/{PAGE} has no {MARKER} for the generated command reference")
    return markdown.replace(MARKER, commands_markdown())
