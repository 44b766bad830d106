//! Order size, cash and frictions of `backtest run` and `live run`: the sizer from `--sizer` and `[sizing]`, and the
//! instrument specs from `[instruments.SYMBOL]`.

use anyhow::{bail, Context};
use tesser_core::{Cash, Decimal, InstrumentSpec, Quantity, Symbol, SymbolMap};
use tesser_execution::Sizer;

use crate::cli::{SizingArgs, TradeArgs};
use crate::config::{AppConfig, SizerKind};
use tesser_paper::FillModel;

/// The validated [`TradeArgs`] over the `[backtest]` defaults.
pub(crate) struct Trade {
    /// Fixed order size (`--quantity`), greater than zero.
    pub(crate) quantity: Quantity,
    /// Starting cash, greater than zero.
    pub(crate) initial: Decimal,
    /// Fill model of the simulated venue.
    pub(crate) fill: FillModel,
    /// Fee in basis points, not negative.
    pub(crate) fee_bps: Decimal,
    /// Slippage in basis points, not negative.
    pub(crate) slippage_bps: Decimal,
}

/// Reads `args` over the config defaults; `fee_override` (a taker fee)
/// replaces `--fee-bps` when given.
pub(crate) fn trade(
    args: &TradeArgs,
    cfg: &AppConfig,
    fee_override: Option<Decimal>,
) -> anyhow::Result<Trade> {
    let d = &cfg.backtest;
    let quantity = match args.quantity {
        Some(q) => q,
        None => Quantity::new(d.quantity).context("[backtest] quantity")?,
    };
    if quantity.is_zero() {
        bail!("--quantity must be greater than zero");
    }
    let initial = args.initial_equity.unwrap_or(d.initial_equity);
    if initial <= Decimal::ZERO {
        bail!("--initial-equity must be greater than zero, got {initial}");
    }
    let fee_bps = fee_override.or(args.fee_bps).unwrap_or(d.fee_bps);
    let slippage_bps = args.slippage_bps.unwrap_or(d.slippage_bps);
    if fee_bps < Decimal::ZERO || slippage_bps < Decimal::ZERO {
        bail!("--fee-bps and --slippage-bps must not be negative");
    }
    Ok(Trade {
        quantity,
        initial,
        fill: args.fill.unwrap_or(d.fill),
        fee_bps,
        slippage_bps,
    })
}

/// The sizer `args` ask for, over the config defaults; `quantity` is the
/// already checked fixed size.
pub(crate) fn sizer(args: &SizingArgs, cfg: &AppConfig, quantity: Quantity) -> anyhow::Result<Sizer> {
    let d = &cfg.sizing;
    let positive = |flag: &str, key: &str, value: Decimal| {
        if value > Decimal::ZERO {
            Ok(value)
        } else {
            bail!("--{flag} ([sizing] {key}) must be greater than zero, got {value}")
        }
    };
    Ok(match args.sizer.unwrap_or(d.sizer) {
        SizerKind::Fixed => Sizer::FixedQuantity(quantity),
        SizerKind::Notional => Sizer::FixedNotional(Cash::new(positive(
            "notional",
            "notional",
            args.notional.unwrap_or(d.notional),
        )?)),
        SizerKind::Percent => Sizer::EquityFraction(positive(
            "equity-fraction",
            "equity_fraction",
            args.equity_fraction.unwrap_or(d.equity_fraction),
        )?),
        SizerKind::VolTarget => {
            let lookback = args.vol_lookback.unwrap_or(d.vol_lookback);
            if lookback < 2 {
                bail!("--vol-lookback ([sizing] vol_lookback) must be at least 2, got {lookback}");
            }
            Sizer::VolTarget {
                target: positive(
                    "vol-target",
                    "vol_target",
                    args.vol_target.unwrap_or(d.vol_target),
                )?,
                lookback,
            }
        }
    })
}

/// The `[instruments.SYMBOL]` tables as specs.
pub(crate) fn instruments(cfg: &AppConfig) -> anyhow::Result<SymbolMap<InstrumentSpec>> {
    cfg.instruments
        .iter()
        .map(|(name, i)| {
            let spec = InstrumentSpec::new(i.tick_size, i.lot_size, i.min_qty, i.min_notional)
                .with_context(|| format!("[instruments.{name}]"))?;
            Ok((Symbol::new(name), spec))
        })
        .collect()
}
