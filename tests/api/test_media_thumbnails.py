"""Thumbnails (spec: GET /_matrix/client/v1/media/thumbnail/..., "Thumbnails")."""

import struct
import zlib

import pytest

from tests.api.media_helpers import (
    animated_gif,
    decoded,
    image_bytes,
    media_files,
    new_media_files,
    private_server,
    thumbnail,
    upload_ok,
)
from tests.helpers import assert_matrix_error, register

small_pixel_limit_server = private_server(media_max_thumbnail_pixels="250000")


@pytest.fixture
def photo(alice):
    """A 1200x900 JPEG photo (4:3) and a 900x1200 PNG (3:4), uploaded by alice."""
    return (upload_ok(alice, image_bytes(1200, 900, "JPEG", quality=90), "image/jpeg"),
            upload_ok(alice, image_bytes(900, 1200, "PNG"), "image/png"))


@pytest.mark.parametrize("width, height, expected", [
    (32, 32, (32, 32)),        # an advertised crop size
    (64, 40, (96, 96)),        # rounded up to the nearest advertised crop size
    (300, 100, (300, 100)),    # larger than every crop size: made at the requested size
])
def test_crop_fills_the_box_in_its_aspect_ratio(alice, photo, width, height, expected):
    for media_id in photo:
        resp = thumbnail(alice, media_id, width=width, height=height, method="crop")
        assert resp.status_code == 200, resp.text
        image = decoded(resp)
        assert image.size == expected
        assert resp.headers["content-type"] == f"image/{image.format.lower()}"
        assert resp.headers["content-disposition"].startswith("inline; filename=\"thumbnail.")


@pytest.mark.parametrize("width, height, box", [
    (320, 240, (320, 240)),    # advertised
    (500, 400, (640, 480)),    # nearest advertised size that is at least as large
])
def test_scale_keeps_the_aspect_ratio_inside_the_box(alice, photo, width, height, box):
    landscape, portrait = photo
    image = decoded(thumbnail(alice, landscape, width=width, height=height, method="scale"))
    assert image.size == box  # 4:3 fills a 4:3 box exactly
    image = decoded(thumbnail(alice, portrait, width=width, height=height, method="scale"))
    assert image.size == (round(box[1] * 3 / 4), box[1])
    assert image.format == "PNG"


def test_thumbnail_content_comes_from_the_image(alice):
    red_left = image_bytes(400, 200)
    media_id = upload_ok(alice, red_left)
    image = decoded(thumbnail(alice, media_id, width=96, height=96, method="crop"))
    left, right = image.getpixel((2, 48)), image.getpixel((93, 48))
    assert right[0] > left[0] + 50  # the source's red gradient runs left to right


def test_never_upscaled_small_originals_are_returned_as_they_are(alice):
    small = image_bytes(20, 10)
    media_id = upload_ok(alice, small)
    resp = thumbnail(alice, media_id, width=320, height=240, method="scale")
    assert resp.status_code == 200 and resp.content == small
    assert resp.headers["content-type"] == "image/png"
    assert decoded(thumbnail(alice, media_id, width=96, height=96, method="crop")).size[0] <= 20


def test_thumbnails_are_cached_once_per_size(server, alice):
    media_id = upload_ok(alice, image_bytes(600, 601))
    before = media_files(server.data_dir)
    first = thumbnail(alice, media_id, width=96, height=96, method="crop")
    again = thumbnail(alice, media_id, width=90, height=90, method="crop")
    assert first.content == again.content
    assert len(new_media_files(server.data_dir, before)) == 1


def test_animated_gif_keeps_animation_only_when_asked(alice):
    media_id = upload_ok(alice, animated_gif(400, 300, frames=5), "image/gif")
    resp = thumbnail(alice, media_id, width=96, height=96, method="crop", animated="true")
    image = decoded(resp)
    assert resp.headers["content-type"] == "image/webp"
    assert image.format == "WEBP" and image.n_frames == 5 and image.size == (96, 96)
    for animated in ("false", None):
        params = {"animated": animated} if animated else {}
        resp = thumbnail(alice, media_id, width=96, height=96, method="crop", **params)
        image = decoded(resp)
        assert not getattr(image, "is_animated", False)
        assert resp.headers["content-type"] in ("image/png", "image/jpeg")


def test_animated_request_for_a_still_image_gives_a_still(alice, photo):
    resp = thumbnail(alice, photo[0], width=96, height=96, method="crop", animated="true")
    assert resp.headers["content-type"] == "image/jpeg"


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge image (a decompression bomb's header)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


def test_decompression_bombs_are_refused_before_decoding(alice):
    for width, height in ((100_000, 100_000), (10_000, 5_000)):
        media_id = upload_ok(alice, png_claiming(width, height))
        resp = thumbnail(alice, media_id, width=32, height=32, method="crop")
        assert_matrix_error(resp, 413, "M_TOO_LARGE")


def test_the_pixel_limit_is_configurable(small_pixel_limit_server):
    user = register(small_pixel_limit_server.url)
    big = upload_ok(user, image_bytes(600, 600))
    assert_matrix_error(thumbnail(user, big, width=32, height=32), 413, "M_TOO_LARGE")
    fine = upload_ok(user, image_bytes(500, 500))
    assert thumbnail(user, fine, width=32, height=32).status_code == 200


def test_an_animation_over_the_pixel_limit_is_thumbnailed_as_a_still(small_pixel_limit_server):
    user = register(small_pixel_limit_server.url)
    media_id = upload_ok(user, animated_gif(200, 200, frames=10), "image/gif")  # 400k pixels
    resp = thumbnail(user, media_id, width=96, height=96, method="crop", animated="true")
    assert resp.status_code == 200 and resp.headers["content-type"] == "image/png"
    assert not getattr(decoded(resp), "is_animated", False)


def test_what_is_not_an_image_cannot_be_thumbnailed(alice):
    for data, content_type in ((b"%PDF-1.4 ...", "application/pdf"),
                               (b"not really a png", "image/png"),
                               (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml")):
        media_id = upload_ok(alice, data, content_type)
        resp = thumbnail(alice, media_id, width=32, height=32)
        assert_matrix_error(resp, 400, "M_UNKNOWN")


def test_bad_thumbnail_parameters(alice, photo):
    media_id = photo[0]
    assert_matrix_error(thumbnail(alice, media_id, height=32), 400, "M_MISSING_PARAM")
    assert_matrix_error(thumbnail(alice, media_id, width=-1, height=32), 400, "M_INVALID_PARAM")
    assert_matrix_error(thumbnail(alice, media_id, width="x", height=32), 400,
                        "M_INVALID_PARAM")
    assert_matrix_error(thumbnail(alice, media_id, width=32, height=32, method="stretch"),
                        400, "M_INVALID_PARAM")
