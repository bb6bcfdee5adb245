"""Asynchronous uploads (spec: POST /_matrix/media/v1/create, PUT /_matrix/media/v3/upload/
{serverName}/{mediaId}) and downloads that wait for them (`timeout_ms`)."""

import time
from concurrent.futures import ThreadPoolExecutor

from tests.api.media_helpers import MEDIA3, download, image_bytes, private_server
from tests.helpers import assert_matrix_error, register

pending_server = private_server(media_max_pending_uploads="2", media_unused_expiry="3s")


def create(user):
    resp = user.post("/_matrix/media/v1/create")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["content_uri"].startswith("mxc://localhost/")
    return body["content_uri"].rsplit("/", 1)[1], body["unused_expires_at"]


def put(user, media_id, data, content_type="image/png", **params):
    return user.http.put(f"{MEDIA3}/upload/localhost/{media_id}", content=data,
                         headers={"Content-Type": content_type}, params=params)


def test_create_reports_an_expiry_about_a_day_ahead(alice):
    _, expires_at = create(alice)
    assert abs(expires_at - (time.time() * 1000 + 24 * 3600 * 1000)) < 60_000


def test_content_can_be_put_once_by_its_creator_only(alice, bob):
    media_id, _ = create(alice)
    data = image_bytes(10, 10)
    assert_matrix_error(put(bob, media_id, data), 403, "M_FORBIDDEN")
    resp = put(alice, media_id, data, filename="late.png")
    assert resp.status_code == 200 and resp.json() == {}
    assert_matrix_error(put(alice, media_id, b"other"), 409, "M_CANNOT_OVERWRITE_MEDIA")
    resp = download(bob, media_id)
    assert resp.content == data
    assert resp.headers["content-disposition"] == 'inline; filename="late.png"'


def test_put_to_an_id_never_created_is_not_found(alice):
    assert_matrix_error(put(alice, "NeverCreated123", b"x"), 404, "M_NOT_FOUND")
    resp = alice.http.put(f"{MEDIA3}/upload/elsewhere.org/abc", content=b"x")
    assert_matrix_error(resp, 404, "M_NOT_FOUND")


def test_a_waiting_download_is_served_as_soon_as_the_upload_lands(alice, bob):
    media_id, _ = create(alice)
    data = image_bytes(50, 50)
    with ThreadPoolExecutor(2) as pool:
        waiting = pool.submit(download, bob, media_id, timeout_ms=15_000)
        time.sleep(1.0)  # time for the download to reach the server and park
        assert not waiting.done()
        uploaded_at = time.monotonic()
        assert put(alice, media_id, data).status_code == 200
        resp = waiting.result(timeout=15)
        served_after = time.monotonic() - uploaded_at
    assert resp.status_code == 200 and resp.content == data
    assert served_after < 5.0, served_after  # woken by the upload, not by the 15 s timeout


def test_a_download_that_times_out_gets_not_yet_uploaded(alice):
    media_id, _ = create(alice)
    started = time.monotonic()
    resp = download(alice, media_id, timeout_ms=300)
    assert_matrix_error(resp, 504, "M_NOT_YET_UPLOADED")
    assert 0.25 < time.monotonic() - started < 5
    assert_matrix_error(download(alice, media_id, timeout_ms=0), 504, "M_NOT_YET_UPLOADED")


def test_too_many_pending_ids_are_rate_limited(pending_server):
    user = register(pending_server.url)
    create(user)
    create(user)
    body = assert_matrix_error(user.post("/_matrix/media/v1/create"), 429, "M_LIMIT_EXCEEDED")
    assert 0 < body["retry_after_ms"] <= 3000
    create(register(pending_server.url))  # the limit is per user


def test_unused_ids_expire_and_stop_counting(pending_server):
    user = register(pending_server.url)
    media_id, expires_at = create(user)
    create(user)
    assert expires_at - time.time() * 1000 <= 3000
    time.sleep(max(0.0, expires_at / 1000 - time.time()) + 0.1)
    assert_matrix_error(put(user, media_id, b"late"), 404, "M_NOT_FOUND")
    assert_matrix_error(download(user, media_id, timeout_ms=0), 404, "M_NOT_FOUND")
    create(user)  # the expired IDs no longer count as pending
    create(user)
