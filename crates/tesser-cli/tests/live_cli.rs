//! `tesser-cli live run` end to end against the loopback mock Bybit: the
//! metrics endpoint answers, a data gap reaches the webhook, `kill -9` loses
//! nothing, and a restart catches up on the bars it missed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on failure"
)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use tesser_core::{Interval, Timestamp};
use tesser_mock_bybit::{MockBybit, MockConfig, MockData, WebhookSink};
use tesser_state::StateStore;

const START: i64 = 1_704_067_200_000;

/// Starts `live run` and returns it with a channel of its stdout lines.
fn spawn(mock: &MockBybit, dir: &Path, hook: &str, extra: &[&str]) -> (Child, mpsc::Receiver<String>) {
    let mut cmd = common::command();
    cmd.env("TESSER_EXCHANGE__BYBIT_MOCK__REST_URL", mock.rest_url())
        .env("TESSER_EXCHANGE__BYBIT_MOCK__WS_PUBLIC_URL", mock.ws_public_url())
        .env(
            "TESSER_EXCHANGE__BYBIT_MOCK__WS_PRIVATE_URL",
            mock.ws_private_url(),
        )
        .env("TESSER_LIVE__ALERTING__MAX_DATA_GAP_SECS", "1")
        .args(["live", "run", "--exchange", "bybit_mock", "--quantity", "0.01"])
        .arg("--strategy-config")
        .arg(dir.join("sma.toml"))
        .arg("--state-path")
        .arg(dir.join("live.db"))
        .arg("--log-path")
        .arg(dir.join("live.json"))
        .args(["--metrics-addr", "127.0.0.1:0", "--webhook-url", hook])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().expect("spawn tesser-cli");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// Lines up to and including the first one containing `needle`.
fn wait_for(rx: &mpsc::Receiver<String>, needle: &str) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no `{needle}` in {seen:?}"));
        let done = line.contains(needle);
        seen.push(line);
        if done {
            return seen;
        }
    }
}

fn last_candle(db: &Path) -> Option<i64> {
    let store = StateStore::open_read_only(db).ok()?;
    let snap = store.load().ok()??;
    snap.last_candles.first().map(|c| c.open_time.as_millis())
}

/// Waits until the saved state has processed the bar at index `bar`.
fn wait_for_bar(db: &Path, bar: i64) {
    let want = START + bar * 60_000;
    for _ in 0..1500 {
        if last_candle(db) == Some(want) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("state stuck at {:?}, want {want}", last_candle(db));
}

fn step(mock: &MockBybit, n: usize) {
    for _ in 0..n {
        mock.step();
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn http_get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut body = String::new();
    s.read_to_string(&mut body).unwrap();
    body
}

/// A live-replay mock of `count` one-minute bars with `history` pushed,
/// served from its own runtime (returned: it must outlive the test), and a
/// folder holding `sma.toml` (SmaCross 3/8 on BTCUSDT).
fn market(count: usize, history: usize) -> (tokio::runtime::Runtime, MockBybit, tempfile::TempDir) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mock = rt
        .block_on(MockBybit::start(MockConfig {
            data: MockData::Synthetic {
                start: Timestamp::from_millis(START),
                interval: Interval::M1,
                count,
            },
            live: true,
            ..MockConfig::default()
        }))
        .unwrap();
    step(&mock, history);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sma.toml"),
        "strategy_name = 'SmaCross'\n[params]\nsymbol = 'BTCUSDT'\nfast_period = 3\nslow_period = 8\n",
    )
    .unwrap();
    (rt, mock, dir)
}

#[test]
fn live_paper_run_survives_kill_9_and_catches_up() {
    let (_rt, mock, dir) = market(400, 40);
    let db = dir.path().join("live.db");
    let sink = WebhookSink::start().unwrap();
    let hook = sink.url().to_owned();

    // First run: ready after warming up on the 40 bars, then trades 30 live ones.
    let (mut child, lines) = spawn(&mock, dir.path(), &hook, &[]);
    let start = wait_for(&lines, "ready:");
    let metrics = start
        .iter()
        .find_map(|l| l.strip_prefix("metrics: http://"))
        .and_then(|l| l.strip_suffix("/metrics"))
        .expect("metrics address printed")
        .to_owned();
    assert!(
        start.last().unwrap().contains("warmed up on 40 bars"),
        "{start:?}"
    );
    step(&mock, 30);
    wait_for_bar(&db, 69);
    let scrape = http_get(&metrics, "/metrics");
    assert!(
        scrape.contains("tesser_events_total{kind=\"candle\"} 30"),
        "{scrape}"
    );
    assert!(scrape.contains("tesser_equity "), "{scrape}");
    assert!(!scrape.contains("mock-api-secret"));

    // No bars for over a second: the data-gap alert is POSTed to the webhook.
    let alert = sink.next(Duration::from_secs(10)).expect("a data-gap alert");
    assert!(alert.contains("\"kind\":\"data_gap\""), "{alert}");
    assert!(alert.contains("\"text\":"), "{alert}");

    // kill -9, and the market moves on while the process is down.
    let before = StateStore::open_read_only(&db).unwrap().fill_count().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    step(&mock, 20);

    // Restart: resumes, catches up on the 20 missed bars, trades 10 more, stops.
    let (mut child, lines) = spawn(&mock, dir.path(), &hook, &["--max-bars", "30"]);
    let ready = wait_for(&lines, "ready:");
    assert!(
        ready
            .last()
            .unwrap()
            .contains("caught up 20 missed, resumed from saved state"),
        "{ready:?}"
    );
    step(&mock, 10);
    let end = wait_for(&lines, "live session ended");
    assert!(child.wait().unwrap().success(), "{end:?}");
    wait_for_bar(&db, 99);

    // A third start is stopped by SIGTERM (what service managers send): it
    // exits cleanly, saying so.
    let (child, lines) = spawn(&mock, dir.path(), &hook, &[]);
    wait_for(&lines, "ready:");
    let term = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    wait_for(&lines, "live session ended");
    assert!(child.wait_with_output().unwrap().status.success());

    let store = StateStore::open_read_only(&db).unwrap();
    let fills = store.recent_fills(1000).unwrap();
    assert!(fills.len() as u64 >= before && !fills.is_empty());
    let mut keys: Vec<_> = fills.iter().map(|f| (f.order_id, f.ts)).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), fills.len(), "no fill booked twice");

    // The JSON log holds both sessions, one JSON object per line.
    let log = std::fs::read_to_string(dir.path().join("live.json")).unwrap();
    let mut started = 0;
    for line in log.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        started += usize::from(v["message"] == "live session started");
        assert!(!line.contains("mock-api-secret"));
    }
    assert_eq!(started, 3, "{log}");
}

#[test]
fn live_run_input_errors_name_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let strategy = dir.path().join("sma.toml");
    std::fs::write(
        &strategy,
        "strategy_name = 'SmaCross'\n[params]\nsymbol = 'BTCUSDT'\nfast_period = 3\nslow_period = 8\n",
    )
    .unwrap();
    let strategy = strategy.to_str().unwrap();
    // Real orders without credentials: refused before anything connects.
    let out = common::cli(&[
        "live",
        "run",
        "--strategy-config",
        strategy,
        "--exchange",
        "bybit_testnet",
        "--exec",
        "live",
    ]);
    assert!(!out.status.success());
    let err = common::stderr(&out);
    assert!(
        err.contains("--exec live needs api_key and api_secret in [exchange.bybit_testnet]"),
        "{err}"
    );
    // An exchange profile the config does not have.
    let out = common::cli(&[
        "live",
        "run",
        "--strategy-config",
        strategy,
        "--exchange",
        "nowhere",
    ]);
    assert!(!out.status.success());
    assert!(
        common::stderr(&out).contains("nowhere"),
        "{}",
        common::stderr(&out)
    );
    // A strategy file that does not exist.
    let out = common::cli(&[
        "live",
        "run",
        "--strategy-config",
        "missing.toml",
        "--exchange",
        "bybit_mock",
    ]);
    assert!(!out.status.success());
    assert!(
        common::stderr(&out).contains("missing.toml"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn live_execution_sends_orders_to_the_venue_and_journals_its_fills() {
    let (_rt, mock, dir) = market(200, 20);
    let sink = WebhookSink::start().unwrap();
    let (mut child, lines) = spawn(
        &mock,
        dir.path(),
        sink.url(),
        &["--exec", "live", "--max-bars", "40"],
    );
    let ready = wait_for(&lines, "ready:");
    assert!(ready.last().unwrap().contains("(LIVE execution)"), "{ready:?}");
    step(&mock, 40);
    let end = wait_for(&lines, "live session ended");
    assert!(child.wait().unwrap().success(), "{end:?}");
    let store = StateStore::open_read_only(&dir.path().join("live.db")).unwrap();
    let snap = store.load().unwrap().unwrap();
    assert_eq!(snap.execution, "live");
    assert!(store.fill_count().unwrap() >= 2, "orders filled at the venue");
    assert!(snap.open_orders.is_empty(), "{:?}", snap.open_orders);
}
