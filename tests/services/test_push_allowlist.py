"""The push gateway allow-list and the gateway check (services/push/allowlist.py,
gateway.py), with a DNS stand-in so that every kind of address can be tried; and the
`[push]` config section that feeds them."""

from pathlib import Path

import pytest

from closedserver.config import ConfigError, config_from_dict
from closedserver.services.push.allowlist import Allowlist, GatewayRefused, parse_entry
from closedserver.services.push.gateway import GatewayPolicy

PATH = "/_matrix/push/v1/notify"


def policy(*entries: str, dns: dict[str, list[str]] | None = None) -> GatewayPolicy:
    async def resolve(host: str, port: int) -> list[str]:
        if dns is None or host not in dns:
            raise OSError(f"no such host {host}")
        return dns[host]

    return GatewayPolicy(Allowlist(entries), resolver=resolve)


async def refused(gateway_policy: GatewayPolicy, url: str) -> str:
    with pytest.raises(GatewayRefused) as caught:
        await gateway_policy.check(url)
    return str(caught.value)


async def test_an_empty_list_allows_nothing():
    message = await refused(policy(), f"https://push.example.org{PATH}")
    assert "gateway_allowlist" in message and "admin" in message


async def test_a_hostname_entry_allows_https_on_any_port_to_public_addresses():
    gateways = policy("push.example.org", dns={"push.example.org": ["93.184.215.14"]})
    checked = await gateways.check(f"https://PUSH.example.org:8443{PATH}")
    assert checked.address == "93.184.215.14"
    assert "http gateways must be listed by URL" in await refused(
        gateways, f"http://push.example.org{PATH}")
    assert "not allowed" in await refused(gateways, f"https://other.example.org{PATH}")


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "192.168.0.9", "172.16.0.1",
                                     "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1",
                                     "fe80::1", "fd00::1", "::ffff:127.0.0.1", "224.0.0.1"])
async def test_non_public_addresses_are_refused_even_for_an_allowed_name(address):
    gateways = policy("push.example.org", dns={"push.example.org": [address]})
    message = await refused(gateways, f"https://push.example.org{PATH}")
    assert "resolves to" in message and "must list that address" in message


async def test_every_resolved_address_is_checked():
    gateways = policy("push.example.org",
                      dns={"push.example.org": ["93.184.215.14", "10.0.0.5"]})
    assert "10.0.0.5" in await refused(gateways, f"https://push.example.org{PATH}")


async def test_private_addresses_can_be_listed_explicitly():
    gateways = policy("push.internal", "10.0.0.0/8", dns={"push.internal": ["10.0.0.5"]})
    assert (await gateways.check(f"https://push.internal{PATH}")).address == "10.0.0.5"
    assert (await gateways.check(f"https://10.9.9.9{PATH}")).address == "10.9.9.9"
    assert "not allowed" in await refused(gateways, f"http://10.9.9.9{PATH}")


async def test_a_url_entry_allows_its_own_scheme_host_port_and_path():
    gateways = policy("http://127.0.0.1:5000", "https://gw.example.org/tenant",
                      dns={"gw.example.org": ["93.184.215.14"], "localhost": ["127.0.0.1"]})
    assert (await gateways.check(f"http://127.0.0.1:5000{PATH}")).address == "127.0.0.1"
    assert "not allowed" in await refused(gateways, f"http://127.0.0.1:5001{PATH}")
    assert "not allowed" in await refused(gateways, f"https://127.0.0.1:5000{PATH}")
    assert "not allowed" in await refused(gateways, f"https://gw.example.org{PATH}")
    # Listing 127.0.0.1 in a URL entry does not open it to other names or ports.
    assert "not allowed" in await refused(gateways, f"http://localhost:5000{PATH}")


async def test_url_shape():
    gateways = policy("push.example.org", dns={"push.example.org": ["93.184.215.14"]})
    assert PATH in await refused(gateways, "https://push.example.org/notify")
    assert "password" in await refused(gateways, f"https://u:p@push.example.org{PATH}")
    assert "https" in await refused(gateways, f"gopher://push.example.org{PATH}")
    assert "port" in await refused(gateways, f"https://push.example.org:99999{PATH}")


async def test_unresolvable_hosts_are_refused():
    gateways = policy("push.example.org", dns={})
    assert "cannot be resolved" in await refused(gateways, f"https://push.example.org{PATH}")


async def test_requests_go_to_the_checked_address_with_the_name_kept():
    gateways = policy("push.example.org", "http://[::1]:8080",
                      dns={"push.example.org": ["93.184.215.14"]})
    checked = await gateways.check(f"https://push.example.org{PATH}")
    assert checked.request_target() == (f"https://93.184.215.14:443{PATH}",
                                        {"Host": "push.example.org"},
                                        {"sni_hostname": "push.example.org"})
    checked = await gateways.check(f"http://[::1]:8080{PATH}")
    assert checked.request_target() == (f"http://[::1]:8080{PATH}", {"Host": "[::1]:8080"},
                                        {})


@pytest.mark.parametrize("entry", ["", "ftp://x", "https://", "not a host", "10.0.0.0/33",
                                   "http://h:99999"])
def test_bad_entries(entry):
    with pytest.raises(ValueError):
        parse_entry(entry)


def test_config_section_and_env_lists():
    def build(raw, env=None):
        return config_from_dict(Path("/tmp/cfg"), raw, env or {})

    assert build({}).push.gateway_allowlist == []
    assert build({"push": {"gateway_allowlist": ["push.example.org"]}}).push \
        .gateway_allowlist == ["push.example.org"]
    env = {"CLOSEDSERVER_PUSH_GATEWAY_ALLOWLIST": "push.example.org, http://127.0.0.1:5000"}
    assert build({}, env).push.gateway_allowlist == ["push.example.org",
                                                     "http://127.0.0.1:5000"]
    env = {"CLOSEDSERVER_PUSH_GATEWAY_ALLOWLIST": '["a.example.org"]'}
    assert build({}, env).push.gateway_allowlist == ["a.example.org"]
    with pytest.raises(ConfigError, match=r"push\.gateway_allowlist"):
        build({"push": {"gateway_allowlist": ["ftp://nope"]}})
    with pytest.raises(ConfigError, match=r"push\.gateway_allowlist"):
        build({"push": {"gateway_allowlist": "push.example.org"}})
    with pytest.raises(ConfigError, match=r"push\.give_up_after"):
        build({"push": {"give_up_after": "off"}})
