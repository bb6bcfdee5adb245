"""URL previews (spec: GET /_matrix/client/v1/media/preview_url): off by default; when an
admin enables them, pages are fetched but private and loopback addresses are refused."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.api.media_helpers import (
    MEDIA1,
    MEDIA3,
    decoded,
    download,
    image_bytes,
    private_server,
)
from tests.helpers import assert_matrix_error, register

# Previews enabled, and allowed to reach 127.0.0.1 (only) so that tests can serve pages.
preview_server = private_server(media_url_preview_enabled="true",
                                media_url_preview_allowed_networks="127.0.0.1/32")

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<title>Ignored when og:title exists</title>
<meta property="og:title" content="Caf\u00e9 &amp; Co">
<meta property="og:description" content="A page about coffee">
<meta property="og:image" content="/logo.png">
<meta name="description" content="fallback">
</head><body><p>Hello</p></body></html>"""
LOGO = image_bytes(60, 40)


class Site(BaseHTTPRequestHandler):
    """A tiny web site on the loopback interface."""

    redirect_to = ""

    def do_GET(self) -> None:
        routes = {"/": ("text/html; charset=utf-8", PAGE.encode()),
                  "/logo.png": ("image/png", LOGO),
                  "/plain": ("text/html", b"<title> Just  a title </title>")}
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", self.redirect_to)
            self.end_headers()
            return
        if self.path not in routes:
            self.send_error(404)
            return
        content_type, body = routes[self.path]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def preview(user, url):
    return user.get(f"{MEDIA1}/preview_url", params={"url": url})


def test_previews_are_disabled_by_default(alice, site):
    assert_matrix_error(preview(alice, site + "/"), 404, "M_UNRECOGNIZED")
    resp = alice.get(f"{MEDIA3}/preview_url", params={"url": "https://matrix.org"})
    assert_matrix_error(resp, 404, "M_UNRECOGNIZED")


def test_enabled_previews_refuse_private_and_loopback_addresses(preview_server, site):
    user = register(preview_server.url)
    port = site.rsplit(":", 1)[1]
    for url in (f"http://127.0.0.2:{port}/", f"http://127.1.2.3:{port}/",
                f"http://[::1]:{port}/", f"http://[::ffff:127.0.0.2]:{port}/", "http://10.1.2.3/", "http://192.168.0.1/",
                "http://169.254.169.254/latest", "http://[::ffff:10.0.0.1]/", "http://0.0.0.0/",
                "http://100.64.0.1/", "http://[fe80::1]/"):
        assert_matrix_error(preview(user, url), 403, "M_FORBIDDEN")
    for url in ("ftp://example.org/", "file:///etc/passwd", "not a url"):
        assert_matrix_error(preview(user, url), 400, "M_INVALID_PARAM")
    assert_matrix_error(user.get(f"{MEDIA1}/preview_url"), 400, "M_MISSING_PARAM")


def test_enabled_previews_return_opengraph_data_and_store_the_image(preview_server, site):
    user = register(preview_server.url)
    resp = preview(user, site + "/")
    assert resp.status_code == 200, resp.text
    data = resp.json()
    assert data["og:title"] == "Caf\u00e9 & Co"
    assert data["og:description"] == "A page about coffee"
    assert data["og:image"].startswith("mxc://localhost/")
    assert data["og:image:type"] == "image/png"
    assert (data["og:image:width"], data["og:image:height"]) == (60, 40)
    assert data["matrix:image:size"] == len(LOGO)
    image = download(user, data["og:image"].rsplit("/", 1)[1])
    assert image.content == LOGO and decoded(image).size == (60, 40)
    plain = preview(user, site + "/plain").json()
    assert plain == {"og:title": "Just a title"}
    assert_matrix_error(preview(user, site + "/missing"), 502, "M_UNKNOWN")


def test_a_redirect_to_a_refused_address_is_refused(preview_server, site):
    user = register(preview_server.url)
    Site.redirect_to = site.replace("127.0.0.1", "127.0.0.2") + "/"
    try:
        assert_matrix_error(preview(user, site + "/redirect"), 403, "M_FORBIDDEN")
        Site.redirect_to = "/"
        assert preview(user, site + "/redirect").json()["og:title"] == "Caf\u00e9 & Co"
    finally:
        Site.redirect_to = ""
