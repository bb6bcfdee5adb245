"""matrix-nio with real Olm keys (vodozemac): its uploads are stored and served intact.

The encrypted-room exchange between two nio clients needs rooms and /sync; this checks
the key endpoints a real crypto client uses on its own: the device keys and one-time keys
nio generates and signs come back from /keys/query and /keys/claim with signatures that
verify against the device's ed25519 key.
"""

import httpx
import nio

from tests.api.e2ee_keys import verifies
from tests.helpers import C3, PASSWORD, register


async def test_nio_uploads_olm_keys_that_query_and_claim_serve_verifiably(server, tmp_path):
    alice = register(server.url)
    bob = register(server.url)
    client = nio.AsyncClient(server.url, alice.user_id, store_path=str(tmp_path))
    try:
        login = await client.login(PASSWORD, device_name="nio e2ee")
        assert isinstance(login, nio.LoginResponse), login
        assert client.should_upload_keys
        upload = await client.keys_upload()
        assert isinstance(upload, nio.KeysUploadResponse), upload
        assert upload.signed_curve25519_count > 0
        assert not client.should_upload_keys
        device_id, nio_token = client.device_id, client.access_token
    finally:
        await client.close()

    shown = bob.post("/keys/query", {"device_keys": {alice.user_id: []}}).json()
    device = shown["device_keys"][alice.user_id][device_id]
    ed25519 = device["keys"][f"ed25519:{device_id}"]
    assert ed25519 == client.olm.account.identity_keys["ed25519"]
    assert verifies(device, alice.user_id, f"ed25519:{device_id}", ed25519)
    assert device["unsigned"] == {"device_display_name": "nio e2ee"}

    claimed = bob.post("/keys/claim", {"one_time_keys": {
        alice.user_id: {device_id: "signed_curve25519"}}}).json()
    [(key_id, key)] = claimed["one_time_keys"][alice.user_id][device_id].items()
    assert key_id.startswith("signed_curve25519:")
    assert verifies(key, alice.user_id, f"ed25519:{device_id}", ed25519)
    counts = httpx.post(f"{server.url}{C3}/keys/upload", json={}, headers={
        "Authorization": f"Bearer {nio_token}"}).json()["one_time_key_counts"]
    assert counts["signed_curve25519"] == upload.signed_curve25519_count - 1
