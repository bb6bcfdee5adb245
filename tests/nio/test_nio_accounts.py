"""Accounts through matrix-nio, a real Matrix client library."""

import nio

from tests.helpers import PASSWORD, register


async def test_nio_login_whoami_logout(server):
    user = register(server.url)
    client = nio.AsyncClient(server.url, user.user_id)
    try:
        resp = await client.login(PASSWORD, device_name="nio test")
        assert isinstance(resp, nio.LoginResponse), resp
        assert resp.user_id == user.user_id
        who = await client.whoami()
        assert isinstance(who, nio.WhoamiResponse) and who.user_id == user.user_id
        assert who.device_id == resp.device_id
        devices = await client.devices()
        assert resp.device_id in [d.id for d in devices.devices]
        assert isinstance(await client.logout(), nio.LogoutResponse)
        after = await client.whoami()
        assert isinstance(after, nio.WhoamiError) and after.status_code == "M_UNKNOWN_TOKEN"
    finally:
        await client.close()


async def test_nio_wrong_password_and_registration(server):
    client = nio.AsyncClient(server.url, "@nobody:localhost")
    try:
        resp = await client.login("wrong password")
        assert isinstance(resp, nio.LoginError) and resp.status_code == "M_FORBIDDEN"
        reg = await client.register("niouser", PASSWORD, "nio device")
        assert isinstance(reg, nio.RegisterResponse), reg
        assert reg.user_id == "@niouser:localhost"
    finally:
        await client.close()


async def test_nio_profile(server):
    user = register(server.url)
    client = nio.AsyncClient(server.url, user.user_id)
    try:
        await client.login(PASSWORD)
        resp = await client.set_displayname("Nio Name")
        assert isinstance(resp, nio.ProfileSetDisplayNameResponse)
        profile = await client.get_profile(user.user_id)
        assert profile.displayname == "Nio Name"
    finally:
        await client.close()
