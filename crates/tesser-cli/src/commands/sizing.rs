//! Sizing of `backtest run` and `live run`: the sizer from `--sizer` and `[sizing]`, and the
//! instrument specs from `[instruments.SYMBOL]`.

use anyhow::{bail, Context};
use tesser_core::{Cash, Decimal, InstrumentSpec, Quantity, Symbol, SymbolMap};
use tesser_execution::Sizer;

use crate::cli::SizingArgs;
use crate::config::{AppConfig, SizerKind};

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
