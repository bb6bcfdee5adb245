"""Media through matrix-nio, a real Matrix client library: upload, download, thumbnail."""

import io

import nio
from PIL import Image

from tests.api.media_helpers import image_bytes
from tests.helpers import PASSWORD, register


async def logged_in(server) -> nio.AsyncClient:
    user = register(server.url)
    client = nio.AsyncClient(server.url, user.user_id)
    resp = await client.login(PASSWORD)
    assert isinstance(resp, nio.LoginResponse), resp
    return client


async def test_nio_upload_then_download_is_byte_identical(server):
    png = image_bytes(120, 80)
    client = await logged_in(server)
    try:
        uploaded, _ = await client.upload(io.BytesIO(png), content_type="image/png",
                                          filename="diagram.png", filesize=len(png))
        assert isinstance(uploaded, nio.UploadResponse), uploaded
        assert uploaded.content_uri.startswith("mxc://localhost/")
        downloaded = await client.download(mxc=uploaded.content_uri)
        assert isinstance(downloaded, nio.DownloadResponse), downloaded
        assert downloaded.body == png
        assert downloaded.content_type == "image/png"
        assert downloaded.filename == "diagram.png"
        renamed = await client.download(mxc=uploaded.content_uri, filename="r\u00e9name.png")
        assert renamed.body == png and renamed.filename == "r\u00e9name.png"
    finally:
        await client.close()


async def test_nio_thumbnail(server):
    client = await logged_in(server)
    try:
        png = image_bytes(800, 600)
        uploaded, _ = await client.upload(io.BytesIO(png), content_type="image/png",
                                          filesize=len(png))
        media_id = uploaded.content_uri.rsplit("/", 1)[1]
        thumb = await client.thumbnail("localhost", media_id, 320, 240,
                                       nio.ResizingMethod.scale)
        assert isinstance(thumb, nio.ThumbnailResponse), thumb
        assert Image.open(io.BytesIO(thumb.body)).size == (320, 240)
        missing = await client.download(mxc="mxc://localhost/doesNotExist")
        assert isinstance(missing, nio.DownloadError) and missing.status_code == "M_NOT_FOUND"
    finally:
        await client.close()
