"""Helpers for the media tests: real images made with Pillow, raw uploads, the media dir."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageDraw

from tests.helpers import UserClient
from tests.server import RunningServer, init_server

MEDIA1 = "/_matrix/client/v1/media"
MEDIA3 = "/_matrix/media/v3"


def image_bytes(width: int, height: int, fmt: str = "PNG", **save: Any) -> bytes:
    """A real image with detail: red grows left to right, green top to bottom, blue
    stripes every 8 pixels, so a thumbnail shows where its pixels came from."""
    red = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90)
    red = red.resize((width, height))
    green = Image.linear_gradient("L").resize((width, height))
    blue = Image.new("L", (width, height))
    draw = ImageDraw.Draw(blue)
    for x in range(0, width, 16):
        draw.rectangle((x + 8, 0, x + 15, height), fill=128)
    buffer = io.BytesIO()
    Image.merge("RGB", (red, green, blue)).save(buffer, fmt, **save)
    return buffer.getvalue()


def animated_gif(width: int, height: int, frames: int = 4) -> bytes:
    images = [Image.new("RGB", (width, height), (60 * i % 256, 255 - 40 * i, 90))
              for i in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], duration=80,
                   loop=0)
    return buffer.getvalue()


def upload(user: UserClient, data: bytes, content_type: str | None = "image/png",
           filename: str | None = None) -> httpx.Response:
    headers = {"Content-Type": content_type} if content_type else {}
    params = {"filename": filename} if filename else {}
    return user.http.post(f"{MEDIA3}/upload", content=data, headers=headers, params=params)


def upload_ok(user: UserClient, data: bytes, content_type: str | None = "image/png",
              filename: str | None = None) -> str:
    """Upload and return the media ID."""
    resp = upload(user, data, content_type, filename)
    assert resp.status_code == 200, resp.text
    uri = resp.json()["content_uri"]
    assert uri.startswith("mxc://localhost/")
    return uri.rsplit("/", 1)[1]


def download(user: UserClient, media_id: str, **params: Any) -> httpx.Response:
    return user.http.get(f"{MEDIA1}/download/localhost/{media_id}", params=params)


def thumbnail(user: UserClient, media_id: str, **params: Any) -> httpx.Response:
    return user.http.get(f"{MEDIA1}/thumbnail/localhost/{media_id}", params=params)


def media_files(data_dir: Path) -> list[Path]:
    """Every file under the media dir, temp files included."""
    root = data_dir / "media"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def decoded(resp: httpx.Response) -> Image.Image:
    image = Image.open(io.BytesIO(resp.content))
    image.load()
    return image


def private_server(**overrides: str) -> Any:
    """A module-scoped fixture: one server with these config overrides for a test module
    (starting a server costs seconds; the shared one must keep its default config)."""

    @pytest.fixture(scope="module")
    def fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
        running = init_server(tmp_path_factory.mktemp("media") / "data", **overrides)
        running.start()
        yield running
        running.stop()

    return fixture


def new_media_files(data_dir: Path, before: list[Path]) -> list[Path]:
    return sorted(set(media_files(data_dir)) - set(before))
