//! Trading rules (tick, lot, minimum size) from the venue, so live orders are
//! rounded the way the exchange accepts them.

use tesser_bybit::BybitHttpClient;
use tesser_core::{InstrumentSpec, Symbol, SymbolMap};

/// Adds the venue's rules for every symbol in `symbols` that `configured`
/// does not already have (`[instruments.SYMBOL]` in the config wins). A
/// symbol the venue does not list, or a failed request, is logged and left
/// unrounded; with `required` (real orders) it is an error instead.
///
/// # Errors
/// The request failure or the missing symbol, when `required`.
pub(crate) async fn complete(
    client: &BybitHttpClient,
    symbols: &[Symbol],
    configured: &mut SymbolMap<InstrumentSpec>,
    required: bool,
) -> Result<(), String> {
    for &symbol in symbols {
        if configured.contains_key(&symbol) {
            continue;
        }
        let found = match client.instruments(Some(symbol)).await {
            Ok(list) => list.into_iter().find(|i| i.symbol == symbol),
            Err(e) if required => return Err(format!("instrument rules of {symbol}: {e}")),
            Err(e) => {
                tracing::warn!(%symbol, error = %e, "no instrument rules from the venue; orders go out unrounded");
                continue;
            }
        };
        let spec = found.and_then(|i| {
            InstrumentSpec::new(i.tick_size.get(), i.qty_step.get(), i.min_qty.get(), None).ok()
        });
        match spec {
            Some(spec) => {
                tracing::info!(%symbol, ?spec, "instrument rules from the venue");
                configured.insert(symbol, spec);
            }
            None if required => return Err(format!("the venue lists no usable rules for {symbol}")),
            None => tracing::warn!(%symbol, "the venue lists no usable rules; orders go out unrounded"),
        }
    }
    Ok(())
}
