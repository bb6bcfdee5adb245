"""The `closedserver` admin command: one typer app, one command group per file."""

from __future__ import annotations

import typer

from cli import db, media, reports, rooms, server, server_cmds, tokens, users

app = typer.Typer(
    name="closedserver",
    help="Run and administer a closedserver Matrix homeserver. Every command works whether "
         "or not the server is running, and takes effect on it at once.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("init")(server.init)
app.command("run")(server.run)
app.add_typer(users.app, name="user")
app.add_typer(tokens.app, name="token")
app.add_typer(db.app, name="db")
app.add_typer(media.app, name="media")
app.add_typer(rooms.app, name="room")
app.add_typer(reports.app, name="report")
app.add_typer(server_cmds.app, name="server")

if __name__ == "__main__":
    app()
