"""Who the client is behind proxies, the sign-in buckets, and the settings that drive them."""

from ipaddress import ip_network

import pytest
from pydantic import ValidationError

from api.edge import client_address
from api.settings import ApiSettings
from api.throttle import TokenBuckets, Verdict

PROXIES = (ip_network("10.0.0.0/8"), ip_network("127.0.0.1/32"), ip_network("fd00::/8"))


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "client"),
    [
        # A peer that is no proxy of ours is the client, whatever it writes.
        ("203.0.113.5", ["198.51.100.1"], "203.0.113.5"),
        # Behind a trusted proxy: the right-most address that is not a trusted proxy.
        ("127.0.0.1", ["198.51.100.1"], "198.51.100.1"),
        ("127.0.0.1", ["6.6.6.6, 198.51.100.1"], "198.51.100.1"),
        ("127.0.0.1", ["6.6.6.6, 198.51.100.1, 10.2.3.4"], "198.51.100.1"),
        ("127.0.0.1", ["6.6.6.6", "198.51.100.1", "10.2.3.4"], "198.51.100.1"),  # split headers
        # Only proxies in the chain: the left-most of them.
        ("127.0.0.1", ["10.9.9.9, 10.2.3.4"], "10.9.9.9"),
        # A trusted proxy that names no one: the proxy itself.
        ("127.0.0.1", [], "127.0.0.1"),
        # Garbage ends the trust: nothing left of it is believed.
        ("127.0.0.1", ["198.51.100.1, not-an-ip, 10.2.3.4"], "10.2.3.4"),
        ("127.0.0.1", ["198.51.100.1:4000"], "127.0.0.1"),
        # IPv6 and IPv4 seen through a dual-stack socket.
        ("fd00::1", ["2001:db8::7"], "2001:db8::7"),
        ("::ffff:127.0.0.1", ["198.51.100.1"], "198.51.100.1"),
    ],
)
def test_client_address(peer: str, forwarded_for: list[str], client: str) -> None:
    assert client_address(peer, forwarded_for, PROXIES) == client


def test_nothing_is_trusted_by_default() -> None:
    assert client_address("127.0.0.1", ["198.51.100.1"], ()) == "127.0.0.1"


def test_a_bucket_gives_a_burst_then_the_rate() -> None:
    buckets = TokenBuckets(rate=1 / 3, burst=2)  # 20 a minute
    assert [buckets.take("a", now=0.0).wait for _ in range(2)] == [0.0, 0.0]
    assert buckets.take("a", now=0.0) == Verdict(3.0, first_refusal=True)
    # Hammering neither pushes the next token further off nor counts as a new refusal.
    assert buckets.take("a", now=1.5) == Verdict(1.5, first_refusal=False)
    assert buckets.take("b", now=1.5) == Verdict(0.0, first_refusal=False)
    assert buckets.take("a", now=3.0) == Verdict(0.0, first_refusal=False)
    assert buckets.take("a", now=3.0).first_refusal


def test_trusted_proxies_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIEMTRA_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.1/8,fd00::/8")
    assert ApiSettings().trusted_proxies == (
        ip_network("127.0.0.1"),
        ip_network("10.0.0.0/8"),
        ip_network("fd00::/8"),
    )
    monkeypatch.setenv("KIEMTRA_TRUSTED_PROXIES", "")
    assert ApiSettings().trusted_proxies == ()
    monkeypatch.setenv("KIEMTRA_TRUSTED_PROXIES", "proxy.internal")
    with pytest.raises(ValidationError):
        ApiSettings()
