"""pybit, Bybit's official SDK (an independent implementation of the signing
and the wire format), against `tesser-cli mock-exchange` on 127.0.0.1.

Every socket the test process opens is checked: a connect or a name lookup
for anything outside 127.0.0.0/8 fails the test instead of leaving the box.
"""

from __future__ import annotations

import ipaddress
import socket
import subprocess
import time

import pytest
from conftest import REPO, SAMPLE, cli_env


def _loopback(host) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(str(host).strip("[]")).is_loopback
    except ValueError:
        return False


@pytest.fixture
def loopback_only(monkeypatch):
    """Refuse connections and lookups of any non-loopback address."""
    real_connect, real_connect_ex, real_getaddrinfo = (
        socket.socket.connect,
        socket.socket.connect_ex,
        socket.getaddrinfo,
    )

    def check(address):
        host = address[0] if isinstance(address, tuple) else address
        if not _loopback(host):
            raise AssertionError(f"test tried to reach non-loopback {address!r}")

    def connect(self, address):
        check(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        check(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        check((host,))
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def mock_exchange(cli):
    proc = subprocess.Popen(
        [str(cli), "mock-exchange", "--data", str(SAMPLE), "--port", "0", "--tick-ms", "100"],
        cwd=REPO,
        env=cli_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        urls = {}
        while len(urls) < 3:
            line = proc.stdout.readline()
            if not line:
                raise AssertionError("mock-exchange exited before printing its URLs")
            key, _, value = line.partition(" = ")
            if key in ("rest_url", "ws_public_url", "ws_private_url"):
                urls[key] = value.strip().strip('"')
        for url in urls.values():
            assert url.split("://", 1)[1].startswith("127.0.0.1:"), urls
        yield urls
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_pybit_market_data_and_signed_order(loopback_only, mock_exchange):
    from pybit.unified_trading import HTTP

    session = HTTP(api_key="mock-api-key", api_secret="mock-api-secret", max_retries=1)
    session.endpoint = mock_exchange["rest_url"]  # pybit defaults to the real host; never used
    assert int(session.get_server_time()["result"]["timeSecond"]) > 1_600_000_000

    kl = session.get_kline(category="linear", symbol="BTCUSDT", interval="D", limit=5)
    rows = kl["result"]["list"]
    assert kl["retCode"] == 0 and len(rows) == 5
    starts = [int(r[0]) for r in rows]
    assert starts == sorted(starts, reverse=True), "newest first"
    assert all(b - a == 86_400_000 for a, b in zip(starts[1:], starts[:-1]))

    book = session.get_orderbook(category="linear", symbol="BTCUSDT")
    assert float(book["result"]["b"][0][0]) < float(book["result"]["a"][0][0])

    order = session.place_order(
        category="linear", symbol="BTCUSDT", side="Buy", orderType="Market", qty="0.01", orderLinkId="pytest-1"
    )
    assert order["retCode"] == 0 and order["result"]["orderLinkId"] == "pytest-1"
    fills = session.get_executions(category="linear", symbol="BTCUSDT")["result"]["list"]
    assert fills[0]["orderLinkId"] == "pytest-1" and fills[0]["execQty"] == "0.01"
    pos = session.get_positions(category="linear", symbol="BTCUSDT")["result"]["list"][0]
    assert (pos["side"], pos["size"]) == ("Buy", "0.01")

    bad = HTTP(api_key="mock-api-key", api_secret="wrong-secret", max_retries=1)
    bad.endpoint = mock_exchange["rest_url"]
    with pytest.raises(Exception, match="10004"):
        bad.get_positions(category="linear", symbol="BTCUSDT")


def test_pybit_websocket_klines(loopback_only, mock_exchange):
    from pybit_mock_demo import MockWebSocket

    got = []
    ws = MockWebSocket(mock_exchange["ws_public_url"], testnet=False, channel_type="linear")
    try:
        ws.kline_stream(interval="D", symbol="BTCUSDT", callback=got.append)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            closed = [m["data"][0]["start"] for m in got if m["data"][0]["confirm"]]
            if len(closed) >= 2:
                break
            time.sleep(0.05)
    finally:
        ws.exit()
    assert len(closed) >= 2, got
    assert closed[1] - closed[0] == 86_400_000


def test_the_guard_refuses_other_addresses(loopback_only):
    with socket.socket() as s, pytest.raises(AssertionError, match="non-loopback"):
        s.connect(("192.0.2.1", 80))  # TEST-NET-1; refused before any packet
    with pytest.raises(AssertionError, match="non-loopback"):
        socket.getaddrinfo("api.bybit.com", 443)
