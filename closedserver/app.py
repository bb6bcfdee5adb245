"""create_app(hs): the Starlette application, its error handling and lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.middleware import ServeMiddleware
from closedserver.api.responses import json_response
from closedserver.api.routes import build_routes
from closedserver.errors import MatrixError, ServerError, Unrecognized
from closedserver.homeserver import HomeServer

log = logging.getLogger(__name__)


def _render(error: MatrixError) -> Response:
    return json_response(error.to_json(), status=error.status)


async def matrix_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MatrixError)
    return _render(exc)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 (no such route or method) become M_UNRECOGNIZED."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return _render(Unrecognized("Unrecognized request"))
    if exc.status_code == 405:
        return _render(Unrecognized("Method not allowed", status=405))
    return _render(MatrixError(str(exc.detail), status=exc.status_code))


async def unexpected_error(request: Request, exc: Exception) -> Response:
    """Anything else: 500 M_UNKNOWN; the middleware logs the traceback once."""
    return _render(ServerError())


def create_app(hs: HomeServer) -> ServeMiddleware:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await hs.start_background_tasks()
        log.info("serving %s on %s (federation %s)", hs.server_name, hs.config.base_url,
                 "on" if hs.config.federation.enabled else "off")
        yield
        await hs.stop_background_tasks()

    app = Starlette(routes=build_routes(hs.config), lifespan=lifespan,
                    exception_handlers={MatrixError: matrix_error, HTTPException: http_error,
                                        Exception: unexpected_error})
    app.router.redirect_slashes = False
    app.state.hs = hs
    return ServeMiddleware(app)
