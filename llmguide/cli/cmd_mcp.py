"""``llmguide mcp``: serve llmguide to AI agents over the Model Context Protocol (stdio)."""

from __future__ import annotations

import typer


def mcp() -> None:
    """Serve recommend, fit, show, compare, deploy, hardware and explain to AI agents as MCP tools, over stdio.

    Each tool takes the options of its command (snake_case: --n-gpu-layers is n_gpu_layers) and
    returns the JSON the command prints with --json. Register 'llmguide mcp' in an MCP client
    (Claude Desktop, Claude Code, VS Code, Cursor): docs/mcp.md. Needs the MCP SDK, llmguide's
    optional extra named mcp (docs/mcp.md shows the pip command).
    """
    import sys

    from llmguide.cli.mcp_server import serve

    if sys.stdin is not None and sys.stdin.isatty():
        from llmguide.cli.console import note, write_notes

        note("llmguide mcp speaks the Model Context Protocol on stdin and stdout, for an MCP client to start "
             "(docs/mcp.md); Ctrl-C stops it.")
        write_notes()  # now: it serves until stopped
    serve()


def register(app: typer.Typer) -> None:
    app.command("mcp")(mcp)
