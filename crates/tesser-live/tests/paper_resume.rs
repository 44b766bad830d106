//! Live paper trading against the loopback mock Bybit: a run stopped midway
//! and resumed from its SQLite state (missing bars fetched over REST) ends in
//! exactly the state of a run that never stopped.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on failure"
)]

mod common;

use std::path::Path;
use std::time::Duration;

use tesser_core::Decimal;
use tesser_state::{LiveSnapshot, StateStore};

const HISTORY: usize = 40;
const LIVE: u64 = 100;
const EVERY: Duration = Duration::from_millis(3);

fn saved(path: &Path) -> (LiveSnapshot, Vec<tesser_core::Fill>) {
    let store = StateStore::open(path).unwrap();
    let snap = store.load().unwrap().expect("a saved state");
    let fills = store.recent_fills(10_000).unwrap();
    (snap, fills)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_run_ends_where_an_uninterrupted_one_does() {
    let dir = tempfile::tempdir().unwrap();
    let total = HISTORY + LIVE as usize;

    let mock_a = common::mock(400, HISTORY).await;
    let whole = dir.path().join("whole.db");
    let settings = common::settings(&mock_a, "SmaCross", &whole, LIVE, true);
    let report = common::run_stepping(&mock_a, common::sma(), settings, total, EVERY).await;
    assert_eq!((report.bars, report.resumed), (LIVE, false));
    assert!(report.warm_up_bars >= HISTORY as u64);
    let (expected, expected_fills) = saved(&whole);
    assert!(
        expected_fills.len() >= 4,
        "the test needs trades: {}",
        expected_fills.len()
    );

    // Same market, but the process stops after 30 bars; 25 more bars pass
    // while it is down, then it resumes from its state file.
    let mock_b = common::mock(400, HISTORY).await;
    let split = dir.path().join("split.db");
    let settings = common::settings(&mock_b, "SmaCross", &split, 30, true);
    let first = common::run_stepping(&mock_b, common::sma(), settings, HISTORY + 30, EVERY).await;
    assert_eq!(first.bars, 30);
    for _ in 0..25 {
        mock_b.step();
    }
    let settings = common::settings(&mock_b, "SmaCross", &split, LIVE - 30, true);
    let second = common::run_stepping(&mock_b, common::sma(), settings, total, EVERY).await;
    assert!(second.resumed);
    assert_eq!(second.bars, LIVE - 30, "25 missed bars caught up, then live ones");
    let (got, got_fills) = saved(&split);

    assert_eq!(got.cash, expected.cash);
    assert_eq!(got.realized, expected.realized);
    assert_eq!(got.fees, expected.fees);
    assert_eq!(got.positions, expected.positions);
    assert_eq!(got.last_candles, expected.last_candles);
    assert_eq!(got.last_order_id, expected.last_order_id);
    assert_eq!(got.open_orders, expected.open_orders);
    assert_eq!(got_fills, expected_fills);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_book_strategy_subscribes_to_the_book_and_trades_on_it() {
    let mock = common::mock(400, HISTORY).await;
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("book.db");
    let strategy = common::strategy(
        "OrderBookImbalance",
        "symbol = 'BTCUSDT'\ndepth = 5\nthreshold = 0.01\nholding_ms = 90000\nallow_short = true",
    );
    let settings = common::settings(&mock, "OrderBookImbalance", &state, 30, true);
    let report =
        common::run_stepping(&mock, strategy, settings, HISTORY + 30, Duration::from_millis(5)).await;
    assert_eq!(report.bars, 30);
    // The mock's asks outweigh its bids slightly: the strategy goes short.
    assert!(report.fills >= 1, "book readings should trade: {report:?}");
    let (snap, fills) = saved(&state);
    assert_eq!(fills.len() as u64, report.fills);
    assert_eq!(snap.strategy, "OrderBookImbalance");
    assert!(
        snap.positions.iter().all(|p| p.net < Decimal::ZERO),
        "{:?}",
        snap.positions
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_state_file_of_another_setup_is_refused() {
    let mock = common::mock(200, HISTORY).await;
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("paper.db");
    let settings = common::settings(&mock, "SmaCross", &state, 5, true);
    common::run_stepping(&mock, common::sma(), settings, HISTORY + 5, EVERY).await;
    // A live-execution session must not adopt the paper session's orders...
    let live = common::settings(&mock, "SmaCross", &state, 5, false);
    let err = tesser_live::run(common::sma(), live, std::future::pending())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("paper.db") && err.contains("paper session"), "{err}");
    // ...nor another strategy its positions.
    let other = common::settings(&mock, "RsiReversion", &state, 5, true);
    let rsi = common::strategy("RsiReversion", "symbol = 'BTCUSDT'\nperiod = 14");
    let err = tesser_live::run(rsi, other, std::future::pending())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("strategy SmaCross"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_fills_trade_at_the_decision_bars_close() {
    let mock = common::mock(200, HISTORY).await;
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("close.db");
    let mut settings = common::settings(&mock, "SmaCross", &state, 40, true);
    settings.paper = Some(tesser_paper::PaperConfig {
        fill: tesser_paper::FillModel::Close,
        ..tesser_paper::PaperConfig::default()
    });
    let report = common::run_stepping(&mock, common::sma(), settings, HISTORY + 40, EVERY).await;
    let (_, fills) = saved(&state);
    assert!(report.fills >= 2 && fills.len() as u64 == report.fills);
    // Every fill is at the close of the bar that decided it.
    let closes: Vec<(i64, Decimal)> = mock.bars().bars.iter().map(|b| (b.start, b.close)).collect();
    for fill in &fills {
        let bar = closes.iter().find(|(t, _)| *t == fill.ts.as_millis());
        assert_eq!(bar.map(|(_, c)| *c), Some(fill.price.get()), "{fill:?}");
    }
}
