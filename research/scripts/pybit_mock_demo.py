#!/usr/bin/env python3
"""Drive the Tesser mock Bybit with the official `pybit` SDK (PyPI).

Starts `tesser-cli mock-exchange --port 0` (loopback only), then uses pybit's
unified-trading HTTP client for market data and one signed order, and its
WebSocket client for a few kline pushes. It checks that an independent
implementation of Bybit's signing and wire format is accepted by the mock.

    pip install pybit
    cargo build -p tesser-cli
    python3 research/scripts/pybit_mock_demo.py [path/to/tesser-cli]

Exit status 0 when every check passed.
"""

import subprocess
import sys
import time

from pybit.unified_trading import HTTP, WebSocket


class MockWebSocket(WebSocket):
    """pybit's public stream, forced onto the mock's loopback URL.

    pybit derives the URL from `testnet`/`domain` and connects inside
    `__init__`; overriding `_connect` keeps every connection on 127.0.0.1.
    """

    def __init__(self, url, **kwargs):
        self._mock_url = url
        super().__init__(**kwargs)

    def _connect(self, url):
        super()._connect(self._mock_url)

    def _process_subscription_message(self, message):
        # pybit records a subscribe's req_id only after sending it; on
        # loopback the ack can arrive first. Real Bybit is slower, so pybit
        # never notices; here an unknown req_id is that race, not an error.
        if message.get("req_id") and message["req_id"] not in self.subscriptions:
            return
        super()._process_subscription_message(message)


def start_mock(binary):
    proc = subprocess.Popen(
        [binary, "mock-exchange", "--port", "0", "--tick-ms", "200"],
        stdout=subprocess.PIPE,
        text=True,
    )
    urls = {}
    while len(urls) < 3:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("mock-exchange exited early")
        key, _, value = line.partition(" = ")
        if key in ("rest_url", "ws_public_url", "ws_private_url"):
            urls[key] = value.strip().strip('"')
    assert urls["rest_url"].startswith("http://127.0.0.1:"), urls
    return proc, urls


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/debug/tesser-cli"
    proc, urls = start_mock(binary)
    try:
        session = HTTP(api_key="mock-api-key", api_secret="mock-api-secret", max_retries=1)
        session.endpoint = urls["rest_url"]  # pybit builds https://api.bybit.com; point it at the mock
        print("server time:", session.get_server_time()["result"]["timeSecond"])
        kl = session.get_kline(category="linear", symbol="BTCUSDT", interval="1", limit=5)
        assert kl["retCode"] == 0 and len(kl["result"]["list"]) == 5, kl
        print("klines (newest first):", [row[0] for row in kl["result"]["list"]])
        book = session.get_orderbook(category="linear", symbol="BTCUSDT")
        print("best bid/ask:", book["result"]["b"][0], book["result"]["a"][0])
        order = session.place_order(
            category="linear", symbol="BTCUSDT", side="Buy", orderType="Market", qty="0.01", orderLinkId="pybit-1"
        )
        assert order["retCode"] == 0, order
        print("order ack:", order["result"])
        fills = session.get_executions(category="linear", symbol="BTCUSDT")
        assert fills["result"]["list"][0]["orderLinkId"] == "pybit-1", fills
        print("execution:", fills["result"]["list"][0]["execPrice"])
        pos = session.get_positions(category="linear", symbol="BTCUSDT")
        print("position:", pos["result"]["list"][0]["side"], pos["result"]["list"][0]["size"])

        got = []
        ws = MockWebSocket(urls["ws_public_url"], testnet=False, channel_type="linear")
        ws.kline_stream(interval=1, symbol="BTCUSDT", callback=got.append)
        deadline = time.time() + 10
        while len([m for m in got if m["data"][0]["confirm"]]) < 2 and time.time() < deadline:
            time.sleep(0.1)
        ws.exit()
        confirmed = [m["data"][0]["start"] for m in got if m["data"][0]["confirm"]]
        print("closed klines over WS:", confirmed[:3])
        assert len(confirmed) >= 2, got
        print("all pybit checks passed")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
