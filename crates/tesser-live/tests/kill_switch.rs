//! The drawdown kill switch in a live session: it trips on a loss, alerts
//! the webhook, stays on across a restart, and from then on only orders that
//! reduce exposure go out.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on failure"
)]

mod common;

use std::time::Duration;

use tesser_core::{Decimal, Side};
use tesser_mock_bybit::WebhookSink;
use tesser_state::StateStore;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tripped_kill_switch_alerts_persists_and_only_reduces() {
    let mock = common::mock(400, 40).await;
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("kill.db");
    let sink = WebhookSink::start().unwrap();
    let limited = |max_bars| {
        let mut s = common::settings(&mock, "SmaCross", &state, max_bars, true);
        // Any loss at all trips it: 0.000001 of the peak.
        s.engine.limits.max_drawdown = Some(Decimal::new(1, 6));
        s.alerts.webhook_url = sink.url().to_owned();
        s
    };
    let first = common::run_stepping(&mock, common::sma(), limited(80), 120, Duration::from_millis(3)).await;
    let snap = StateStore::open(&state).unwrap().load().unwrap().unwrap();
    assert!(snap.liquidate_only, "the run lost money at some point: {first:?}");
    let alert = std::iter::from_fn(|| sink.next(Duration::from_secs(5)))
        .find(|body| body.contains("\"kind\":\"kill_switch\""))
        .expect("a kill-switch alert at the webhook");
    assert!(alert.contains("\"severity\":\"critical\""), "{alert}");
    let fills_before = StateStore::open(&state).unwrap().fill_count().unwrap();

    // After a restart it is still on: no new long is opened.
    let second = common::run_stepping(&mock, common::sma(), limited(60), 180, Duration::from_millis(3)).await;
    assert!(second.resumed);
    let store = StateStore::open(&state).unwrap();
    let snap = store.load().unwrap().unwrap();
    assert!(snap.liquidate_only);
    let new_fills = store.fill_count().unwrap() - fills_before;
    let fills = store.recent_fills(new_fills as usize).unwrap();
    assert!(
        fills.iter().all(|f| f.side == Side::Sell),
        "long-only SmaCross may only sell (close) once liquidate-only: {fills:?}"
    );
}
