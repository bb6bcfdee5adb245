"""The media repository's pure parts: size choice, headers, IDs, address checks, HTML."""

import asyncio
import ipaddress
import os
from pathlib import Path

import pytest

from closedserver.config import ConfigError, config_from_dict, parse_size_bytes
from closedserver.services.media.admin import MediaAdmin
from closedserver.services.media.blobs import BlobStore
from closedserver.services.media.ids import is_valid_media_id, parse_mxc
from closedserver.services.media.policy import (
    content_disposition,
    content_type_allowed,
    normalise_content_type,
    parse_type_patterns,
)
from closedserver.services.media.preview_fetch import RefusedAddress, SafeFetcher, address_allowed
from closedserver.services.media.preview_html import decode_html, opengraph
from closedserver.services.media.thumbnail_sizes import choose_size
from closedserver.services.media.thumbnails import target_dimensions
from closedserver.services.media.waiters import UploadWaiters
from closedserver.storage.database import Database
from closedserver.storage.media import MediaStore
from closedserver.storage.migrations import migrate

SIZES = [(32, 32, "crop"), (96, 96, "crop"), (320, 240, "scale"), (640, 480, "scale"),
         (800, 600, "scale")]


@pytest.mark.parametrize("request_, chosen", [
    ((1, 1, "crop"), (32, 32, "crop")),
    ((32, 32, "crop"), (32, 32, "crop")),
    ((33, 20, "crop"), (96, 96, "crop")),
    ((97, 97, "crop"), (97, 97, "crop")),
    ((100, 100, "scale"), (320, 240, "scale")),
    ((321, 100, "scale"), (640, 480, "scale")),
    ((800, 600, "scale"), (800, 600, "scale")),
    ((1024, 768, "scale"), (1024, 768, "scale")),
])
def test_the_nearest_size_at_least_as_large_is_chosen(request_, chosen):
    assert choose_size(SIZES, *request_) == chosen


def test_scale_fits_inside_the_box_and_never_upscales():
    assert target_dimensions((1600, 1200), 320, 240, "scale")[0] == (320, 240)
    assert target_dimensions((1200, 1600), 320, 240, "scale")[0] == (180, 240)
    assert target_dimensions((100, 50), 320, 240, "scale")[0] == (100, 50)


def test_crop_takes_the_centre_in_the_requested_aspect_ratio():
    size, box = target_dimensions((1600, 1200), 96, 96, "crop")
    assert size == (96, 96) and box == (200.0, 0.0, 1400.0, 1200.0)
    size, box = target_dimensions((1000, 1000), 300, 100, "crop")
    assert size == (300, 100) and box[1] == pytest.approx(1000 / 3)
    assert target_dimensions((50, 40), 96, 96, "crop")[0] == (40, 40)  # no upscaling


@pytest.mark.parametrize("content_type, filename, expected", [
    ("image/png", "a.png", 'inline; filename="a.png"'),
    ("image/png", None, "inline"),
    ("text/html", "x.html", 'attachment; filename="x.html"'),
    ("image/svg+xml", "x.svg", 'attachment; filename="x.svg"'),
    ("Text/Plain; charset=utf-8", "n.txt", 'inline; filename="n.txt"'),
    ("application/octet-stream", 'a"b.bin', "attachment; filename*=utf-8''a%22b.bin"),
    ("image/jpeg", "\u65e5\u672c.jpg", "inline; filename*=utf-8''%E6%97%A5%E6%9C%AC.jpg"),
    ("image/jpeg", "a\r\nSet-Cookie: x", "inline; filename*=utf-8''a%0D%0ASet-Cookie%3A%20x"),
])
def test_content_disposition(content_type, filename, expected):
    assert content_disposition(content_type, filename) == expected


def test_content_types_are_kept_unless_malformed():
    assert normalise_content_type("image/png") == "image/png"
    assert normalise_content_type("text/plain; charset=utf-8") == "text/plain; charset=utf-8"
    assert normalise_content_type(None) == "application/octet-stream"
    assert normalise_content_type("not a type") == "application/octet-stream"
    assert normalise_content_type("text/html\r\nX: y") == "application/octet-stream"


def test_allowed_and_refused_type_patterns():
    refused = parse_type_patterns("text/html, application/x-*")
    assert not content_type_allowed("Text/HTML; charset=utf-8", [], refused)
    assert not content_type_allowed("application/x-sh", [], refused)
    assert content_type_allowed("image/png", [], refused)
    assert not content_type_allowed("video/mp4", parse_type_patterns("image/*"), [])


def test_media_ids_and_mxc_uris():
    assert is_valid_media_id("AbC_09-x")
    for bad in ("", "..", "a/b", "a.b", "a%2e", "\u00e9", "a b", "x" * 256):
        assert not is_valid_media_id(bad)
    assert parse_mxc("mxc://example.org/abc") == ("example.org", "abc")
    assert parse_mxc("mxc://example.org/../x") is None
    assert parse_mxc("https://example.org/abc") is None


@pytest.mark.parametrize("address, allowed", [
    ("93.184.216.34", True), ("2606:2800:220:1::1", True),
    ("127.0.0.1", False), ("10.0.0.1", False), ("172.16.5.4", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False),
    ("224.0.0.1", False), ("::1", False), ("fe80::1", False), ("fc00::1", False),
    ("::ffff:127.0.0.1", False), ("::ffff:10.0.0.1", False),
])
def test_preview_addresses(address, allowed):
    assert address_allowed(ipaddress.ip_address(address), []) is allowed


def test_admin_allowed_networks_open_private_ranges():
    networks = [ipaddress.ip_network("10.1.0.0/16")]
    assert address_allowed(ipaddress.ip_address("10.1.2.3"), networks)
    assert not address_allowed(ipaddress.ip_address("10.2.0.1"), networks)


def test_opengraph_with_fallbacks_and_charsets():
    page = ('<html><head><title>T</title><meta name="description" content="D">'
            '<meta property="og:url" content="https://x"></head>'
            '<body><meta property="og:title" content="late"></body></html>')
    assert opengraph(page) == {"og:url": "https://x", "og:title": "T", "og:description": "D"}
    latin = '<meta charset="iso-8859-1"><title>Caf\u00e9</title>'.encode("latin-1")
    assert opengraph(decode_html(latin, "text/html"))["og:title"] == "Caf\u00e9"
    assert decode_html("\u00e9".encode(), "text/html; charset=utf-8") == "\u00e9"


def test_sizes():
    assert parse_size_bytes("50M") == 50 * 1024 ** 2
    assert parse_size_bytes("1G") == 1024 ** 3
    assert parse_size_bytes("500KiB") == 500 * 1024
    assert parse_size_bytes("1234") == 1234
    assert parse_size_bytes("off") is None
    with pytest.raises(ValueError):
        parse_size_bytes("lots")


def test_blob_store_keeps_one_file_per_content(tmp_path):
    blobs = BlobStore(tmp_path)
    first, sha = blobs.write_bytes(b"same bytes")
    second, sha2 = blobs.write_bytes(b"same bytes")
    assert sha == sha2
    blobs.commit(first, sha)
    blobs.commit(second, sha)
    assert blobs.path_of(sha).read_bytes() == b"same bytes"
    assert list(blobs.temp_dir.iterdir()) == []
    with pytest.raises(ValueError):
        blobs.path_of("../../etc/passwd")


async def test_upload_waiters_wake_every_parked_download():
    waiters = UploadWaiters()
    parked = [asyncio.ensure_future(waiters.wait("m", 5)) for _ in range(3)]
    await asyncio.sleep(0.01)
    assert waiters.parked_count == 3
    waiters.wake("m")
    assert await asyncio.gather(*parked) == [True, True, True]
    assert waiters.parked_count == 0
    assert await waiters.wait("m", 0.01) is False
    assert waiters.parked_count == 0


async def test_host_names_are_resolved_and_vetted_before_connecting():
    fetcher = SafeFetcher([])
    for url in ("http://localhost:1/", "http://127.0.0.1:1/", "https://[::1]:1/"):
        with pytest.raises(RefusedAddress):
            await fetcher.fetch(url, 1000)
    with pytest.raises(RefusedAddress):
        await fetcher.fetch("http://user:pw@example.org/", 1000)


@pytest.mark.parametrize("media, key", [
    ({"max_upload_size": "huge"}, "media.max_upload_size"),
    ({"max_upload_size": "0"}, "media.max_upload_size"),
    ({"max_bytes_per_user": "1 ton"}, "media.max_bytes_per_user"),
    ({"unused_expiry": "tomorrow"}, "media.unused_expiry"),
    ({"thumbnail_sizes": "32x32-stretch"}, "media.thumbnail_sizes"),
    ({"url_preview_allowed_networks": "10.0.0.0/8, nonsense"},
     "media.url_preview_allowed_networks"),
    ({"max_pending_uploads": 0}, "media.max_pending_uploads"),
])
def test_bad_media_config_names_the_key(media, key):
    with pytest.raises(ConfigError, match=key):
        config_from_dict(Path("/tmp/cfg"), {"media": media}, {})


def test_media_config_defaults_and_env_overrides():
    config = config_from_dict(Path("/tmp/cfg"), {}, {
        "CLOSEDSERVER_MEDIA_MAX_UPLOAD_SIZE": "10M",
        "CLOSEDSERVER_MEDIA_FREEZE_UNAUTHENTICATED": "false"})
    assert config.media.max_upload_bytes == 10 * 1024 * 1024
    assert config.media.freeze_unauthenticated is False
    assert config.media.quota_bytes is None and config.media.url_preview_enabled is False
    assert config.media.unused_expiry_ms == 24 * 3600 * 1000
    assert config.media.thumbnail_size_list()[0] == (32, 32, "crop")


async def test_housekeeping_drops_expired_ids_and_stale_temp_files(tmp_path):
    db = Database(tmp_path / "db.sqlite")
    migrate(db)
    blobs = BlobStore(tmp_path / "media")
    admin = MediaAdmin(db, "localhost", blobs)
    store = MediaStore(db)
    with db.transaction():
        store.insert_pending("expired", "@a:localhost", 1, 2)
        store.insert_pending("waiting", "@a:localhost", 1, 2 ** 50)
    blobs.temp_dir.mkdir(parents=True)
    stale, fresh = blobs.temp_dir / "upload-stale", blobs.temp_dir / "upload-fresh"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"y")
    os.utime(stale, (1, 1))
    await admin.clean_up()
    assert store.get_media("expired") is None and store.get_media("waiting") is not None
    assert not stale.exists() and fresh.exists()
    db.close()
