//! Session state to and from the persisted [`LiveSnapshot`].

use std::path::Path;

use tesser_core::{Decimal, Quantity, Symbol, Timestamp};
use tesser_engine::{Engine, EngineConfig};
use tesser_portfolio::Portfolio;
use tesser_state::{LastCandle, LiveSnapshot, Mark, OpenOrder};
use tesser_strategy::Strategy;

use crate::session::Session;
use crate::{LiveError, LiveSettings};

/// Journal fills remembered at start-up to recognise executions the venue
/// reports again (far more than a reconnect can repeat).
pub(crate) const REMEMBERED_FILLS: usize = 10_000;

/// The session's state after the step that ended at `ts`.
pub(crate) fn take(session: &Session, settings: &LiveSettings, ts: Timestamp) -> LiveSnapshot {
    let engine = session.engine();
    let portfolio = engine.portfolio();
    let orders = engine.orders();
    LiveSnapshot {
        saved_at: ts,
        strategy: settings.strategy_name.clone(),
        symbols: settings.symbols.clone(),
        initial_equity: portfolio.initial(),
        cash: portfolio.cash(),
        fees: portfolio.fees(),
        realized: portfolio.realized(),
        funding: portfolio.funding(),
        positions: portfolio.open_positions(),
        marks: portfolio
            .marks()
            .into_iter()
            .map(|(symbol, price)| Mark { symbol, price })
            .collect(),
        open_orders: orders
            .working_with_remaining()
            .into_iter()
            .map(|(request, remaining)| OpenOrder {
                request,
                remaining: Quantity::new(remaining).unwrap_or(Quantity::ZERO),
            })
            .collect(),
        last_order_id: orders.last_id(),
        first_order_id: orders.first_id(),
        last_candles: session
            .last_candles()
            .into_iter()
            .map(|(symbol, open_time)| LastCandle { symbol, open_time })
            .collect(),
        peak_equity: engine.peak_equity(),
        liquidate_only: orders.is_liquidate_only(),
        execution: execution(settings).to_owned(),
    }
}

fn execution(settings: &LiveSettings) -> &'static str {
    if settings.paper.is_some() {
        "paper"
    } else {
        "live"
    }
}

/// Refuses a state saved by another strategy, for other symbols or by the
/// other execution mode.
pub(crate) fn check_matches(
    saved: &LiveSnapshot,
    settings: &LiveSettings,
    path: &Path,
) -> Result<(), LiveError> {
    let mismatch = |problem: String| LiveError::Mismatch {
        path: path.display().to_string(),
        problem,
    };
    if !saved.execution.is_empty() && saved.execution != execution(settings) {
        return Err(mismatch(format!("holds a {} session's state", saved.execution)));
    }
    if saved.strategy != settings.strategy_name {
        return Err(mismatch(format!("was written by strategy {}", saved.strategy)));
    }
    let names = |v: &[Symbol]| {
        let mut n: Vec<&str> = v.iter().map(Symbol::as_str).collect();
        n.sort_unstable();
        n.join(",")
    };
    if names(&saved.symbols) != names(&settings.symbols) {
        return Err(mismatch(format!("trades {}", names(&saved.symbols))));
    }
    Ok(())
}

/// An engine resuming from `saved`: portfolio, order counter, working
/// orders, equity peak and kill switch.
pub(crate) fn engine_from(strategy: Box<dyn Strategy>, config: EngineConfig, saved: &LiveSnapshot) -> Engine {
    let marks: Vec<(Symbol, tesser_core::Price)> = saved.marks.iter().map(|m| (m.symbol, m.price)).collect();
    let portfolio = Portfolio::from_parts(
        saved.initial_equity,
        saved.cash,
        saved.fees,
        saved.realized,
        saved.positions.clone(),
    )
    .with_funding_and_marks(saved.funding, &marks);
    let mut engine = Engine::with_state(strategy, config, portfolio, saved.last_order_id);
    for order in &saved.open_orders {
        engine.restore_order(order.request, order.remaining.get());
    }
    engine.restore_risk(saved.peak_equity, saved.liquidate_only);
    engine.restore_first_order_id(saved.first_order_id);
    engine
}

/// Restores what the session keeps beside the engine: last candles and, in
/// paper mode, the venue's positions and resting orders.
pub(crate) fn restore_session(session: &mut Session, saved: &LiveSnapshot) {
    for last in &saved.last_candles {
        session.set_last_candle(last.symbol, last.open_time);
    }
    if let Some(paper) = session.paper_mut() {
        let positions: Vec<(Symbol, Decimal)> = saved.positions.iter().map(|p| (p.symbol, p.net)).collect();
        let resting = saved.open_orders.iter().map(|o| tesser_core::OrderRequest {
            qty: o.remaining,
            ..o.request
        });
        paper.restore(positions, resting);
    }
}
