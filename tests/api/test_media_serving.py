"""Serving media safely (spec: content repository, "Serving inline content", CSP, CORP) and
the freeze of the unauthenticated /_matrix/media/v3 downloads."""

import httpx

from tests.api.media_helpers import MEDIA1, MEDIA3, download, image_bytes, upload_ok
from tests.helpers import assert_matrix_error, register

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def assert_safe_headers(resp: httpx.Response) -> None:
    csp = resp.headers["content-security-policy"]
    assert csp.startswith("sandbox;") and "default-src 'none'" in csp
    assert "script-src 'none'" in csp
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["cross-origin-resource-policy"] == "cross-origin"


def test_html_is_served_as_an_attachment_in_a_sandbox(alice):
    media_id = upload_ok(alice, HTML, "text/html", "page.html")
    resp = download(alice, media_id)
    assert resp.status_code == 200 and resp.content == HTML
    assert resp.headers["content-type"] == "text/html"
    assert resp.headers["content-disposition"] == 'attachment; filename="page.html"'
    assert_safe_headers(resp)


def test_types_a_browser_could_run_are_attachments_safe_types_inline(alice):
    cases = {"image/svg+xml": "attachment", "application/javascript": "attachment",
             "text/xml": "attachment", "application/xhtml+xml": "attachment",
             "application/pdf": "attachment", "text/html; charset=utf-8": "attachment",
             "image/png": "inline", "video/mp4": "inline", "audio/ogg": "inline",
             "text/plain": "inline", "IMAGE/JPEG": "inline"}
    for content_type, disposition in cases.items():
        media_id = upload_ok(alice, b"<svg onload=alert(1)>", content_type)
        resp = download(alice, media_id)
        assert resp.headers["content-disposition"] == disposition, content_type
        assert resp.headers["content-type"] == content_type
        assert_safe_headers(resp)


def test_a_malformed_content_type_is_served_as_octet_stream(alice):
    media_id = upload_ok(alice, HTML, "text/html\"; x=<y>")
    resp = download(alice, media_id)
    assert resp.headers["content-type"] == "application/octet-stream"
    assert resp.headers["content-disposition"] == "attachment"


def test_range_requests_and_head(alice):
    data = bytes(range(256)) * 40
    media_id = upload_ok(alice, data, "application/octet-stream")
    resp = alice.get(f"{MEDIA1}/download/localhost/{media_id}",
                     headers={"Range": "bytes=100-199"})
    assert resp.status_code == 206 and resp.content == data[100:200]
    head = alice.http.head(f"{MEDIA1}/download/localhost/{media_id}")
    assert head.status_code == 200 and head.headers["content-length"] == str(len(data))


def test_trailing_slash_download_means_no_file_name_override(alice):
    media_id = upload_ok(alice, b"abc", "text/plain", "orig.txt")
    resp = alice.get(f"{MEDIA1}/download/localhost/{media_id}/")
    assert resp.status_code == 200 and resp.content == b"abc"
    assert resp.headers["content-disposition"] == 'inline; filename="orig.txt"'


def test_legacy_endpoints_are_frozen_for_new_media(server, alice):
    media_id = upload_ok(alice, image_bytes(40, 40))
    for path in (f"{MEDIA3}/download/localhost/{media_id}",
                 f"{MEDIA3}/download/localhost/{media_id}/name.png",
                 f"{MEDIA3}/thumbnail/localhost/{media_id}?width=32&height=32"):
        assert_matrix_error(httpx.get(server.url + path), 404, "M_NOT_FOUND")
        assert_matrix_error(alice.get(path), 404, "M_NOT_FOUND")
    assert download(alice, media_id).status_code == 200


def test_media_uploaded_before_the_freeze_stays_on_the_legacy_endpoints(make_server):
    server = make_server(media_freeze_unauthenticated="false")
    user = register(server.url)
    old = upload_ok(user, image_bytes(40, 40), "image/png", "old.png")
    resp = httpx.get(f"{server.url}{MEDIA3}/download/localhost/{old}")
    assert resp.status_code == 200 and resp.headers["content-disposition"].endswith('"old.png"')
    assert_safe_headers(resp)
    resp = httpx.get(f"{server.url}{MEDIA3}/thumbnail/localhost/{old}?width=32&height=32")
    assert resp.status_code == 200 and resp.headers["content-type"] == "image/png"

    server.env["CLOSEDSERVER_MEDIA_FREEZE_UNAUTHENTICATED"] = "true"
    server.restart()
    user = register(server.url)
    new = upload_ok(user, image_bytes(40, 40, "JPEG"), "image/jpeg")
    assert httpx.get(f"{server.url}{MEDIA3}/download/localhost/{old}").status_code == 200
    resp = httpx.get(f"{server.url}{MEDIA3}/download/localhost/{new}")
    assert_matrix_error(resp, 404, "M_NOT_FOUND")
    assert download(user, new).status_code == 200
