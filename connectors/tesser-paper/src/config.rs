//! Frictions and timing of the paper exchange.

use serde::{Deserialize, Serialize};
use tesser_core::Decimal;

/// When market orders decided on a bar get filled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FillModel {
    /// At the next bar's open (or the next book update).
    #[default]
    NextOpen,
    /// At the signal bar's close (or against the current book).
    Close,
}

/// Frictions and timing of the paper exchange.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperConfig {
    /// Fill timing.
    pub fill: FillModel,
    /// Taker fee in basis points of notional (market, stop and marketable
    /// limit fills); also the maker fee unless `maker_fee_bps` is set.
    pub fee_bps: Decimal,
    /// Maker fee in basis points for resting limit fills (negative = rebate).
    pub maker_fee_bps: Option<Decimal>,
    /// Adverse slippage in basis points on market and stop fills on candles.
    pub slippage_bps: Decimal,
    /// Delay between a decision and the moment its order is active.
    pub latency_ms: u64,
    /// Largest share of a bar's volume one bar may fill (all orders of the
    /// symbol together); `None` = unlimited.
    pub max_volume_fraction: Option<Decimal>,
}

/// Who provided the liquidity of a fill, which decides its fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// The order rested and was hit.
    Maker,
    /// The order crossed on arrival.
    Taker,
}
