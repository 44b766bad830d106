//! Start-up reconciliation of orders restored from the state file with what
//! the venue did while the process was down (live execution only).

use tesser_bybit::{BybitError, BybitHttpClient};
use tesser_core::{ClientOrderId, Event, OrderStatus, OrderUpdate, Timestamp};

use crate::session::Session;

/// Looks back this far before the oldest restored order, for clock skew.
const MARGIN_MS: i64 = 60_000;

/// Books the venue's executions of restored working orders (a fill already
/// in the journal is recognised and skipped), then ends, as cancelled, every
/// restored order the venue no longer has open. Returns how many fills were
/// booked and how many orders ended.
///
/// # Errors
/// A failed REST request (the session must not trade on stale orders).
pub(crate) async fn restored_orders(
    client: &BybitHttpClient,
    session: &mut Session,
    now: Timestamp,
) -> Result<(usize, usize), BybitError> {
    let restored = session.engine().orders().working_with_remaining();
    let Some(oldest) = restored.iter().map(|(r, _)| r.created).min() else {
        return Ok((0, 0));
    };
    let since = oldest.plus_millis(-MARGIN_MS);
    let ours = |id: Option<ClientOrderId>| id.is_some_and(|id| restored.iter().any(|(r, _)| r.id == id));
    let mut executions = client.executions(None, Some(since)).await?;
    executions.sort_by_key(|e| e.ts);
    let mut booked = 0;
    for fill in executions
        .iter()
        .filter(|e| ours(e.client_id))
        .filter_map(|e| e.to_fill())
    {
        booked += usize::from(session.on_venue_event(&Event::Fill(fill)));
    }
    let open = client.open_orders(None).await?;
    let still_working = session.engine().orders().working_with_remaining();
    let mut ended = 0;
    for (request, _) in still_working {
        if open.iter().any(|o| o.client_id == Some(request.id)) {
            continue;
        }
        let update = OrderUpdate {
            id: request.id,
            symbol: request.symbol,
            status: OrderStatus::Canceled,
            ts: now,
            reason: Some("not open at the venue after a restart".into()),
        };
        session.on_venue_event(&Event::OrderUpdate(update));
        ended += 1;
    }
    Ok((booked, ended))
}

/// Symbols whose venue position differs from the portfolio's, as
/// `(symbol, ours, venue's)`.
///
/// # Errors
/// A failed REST request.
pub(crate) async fn position_mismatches(
    client: &BybitHttpClient,
    session: &Session,
    symbols: &[tesser_core::Symbol],
) -> Result<Vec<(tesser_core::Symbol, tesser_core::Decimal, tesser_core::Decimal)>, BybitError> {
    let venue = client.positions(None).await?;
    let portfolio = session.engine().portfolio();
    let mut out = Vec::new();
    for &symbol in symbols {
        let theirs: tesser_core::Decimal = venue
            .iter()
            .filter(|p| p.symbol == symbol)
            .map(|p| match p.side {
                Some(tesser_core::Side::Buy) => p.size.get(),
                Some(tesser_core::Side::Sell) => -p.size.get(),
                None => tesser_core::Decimal::ZERO,
            })
            .sum();
        let ours = portfolio.net_position(symbol);
        if ours != theirs {
            out.push((symbol, ours, theirs));
        }
    }
    Ok(out)
}
