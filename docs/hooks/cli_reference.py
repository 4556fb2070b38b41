"""MkDocs hook: the CLI reference, rendered from the typer app at build time, so it cannot drift
from the code. A page holding the line ``<!-- cli-reference -->`` gets one section per command."""

from __future__ import annotations

import os
from typing import Any

MARKER = "<!-- cli-reference -->"


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    if MARKER not in markdown:
        return markdown
    import warnings

    warnings.filterwarnings("ignore", category=DeprecationWarning)  # click 8.5 on typer 0.25 imports
    import click
    import typer
    import typer.core

    typer.core.HAS_RICH = False  # click's plain help: no box drawing, nothing printed to stdout

    from aceforge.cli import app

    os.environ.setdefault("COLUMNS", "100")
    root = typer.main.get_command(app)
    assert isinstance(root, click.Group)
    parts = []
    for name in root.list_commands(click.Context(root)):
        command = root.get_command(click.Context(root), name)
        assert command is not None
        ctx = click.Context(command, info_name=f"aceforge {name}", terminal_width=100, max_content_width=100)
        parts.append(f"## aceforge {name}\n\n```text\n{command.get_help(ctx).rstrip()}\n```\n")
    return markdown.replace(MARKER, "\n".join(parts))
