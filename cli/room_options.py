"""Arguments and options shared by the room commands."""

from __future__ import annotations

from typing import Annotated

import typer

RoomArg = Annotated[str, typer.Argument(help="Room ID (!...) or alias (#name:server).",
                                        metavar="ROOM")]
AsUser = Annotated[str | None, typer.Option(
    "--as", help="Act as this server admin instead of the service user @closedserver:SERVER.",
    metavar="USER")]
