#![allow(
    clippy::result_large_err,
    reason = "figment::Jail closures return figment::Error"
)]

use super::*;

#[test]
fn compiled_default_loads_and_documents_every_key() {
    figment::Jail::expect_with(|jail| {
        let cfg = AppConfig::load(&jail.directory().join("none"), "default").unwrap();
        assert_eq!(cfg.backtest.fill, FillModel::NextOpen);
        assert_eq!(cfg.risk_management.limits(), RiskLimits::default());
        Ok(())
    });
}

#[test]
fn layers_and_env_override() {
    figment::Jail::expect_with(|jail| {
        jail.create_file("paper.toml", "[backtest]\nfee_bps = 7.5\n")?;
        jail.create_file("local.toml", "[backtest]\nseed = 9\n")?;
        jail.set_env("TESSER_BACKTEST__SLIPPAGE_BPS", "2");
        jail.set_env("TESSER_RISK_MANAGEMENT__MAX_DRAWDOWN", "0.03");
        let cfg = AppConfig::load(jail.directory(), "paper").unwrap();
        assert_eq!(cfg.backtest.fee_bps.to_string(), "7.5");
        assert_eq!(cfg.backtest.seed, 9);
        assert_eq!(cfg.backtest.slippage_bps, Decimal::from(2));
        assert_eq!(cfg.risk_management.max_drawdown.to_string(), "0.03");
        Ok(())
    });
}

#[test]
fn unknown_keys_wrong_types_and_missing_env_are_named() {
    figment::Jail::expect_with(|jail| {
        jail.create_file("local.toml", "[backtest]\nfee_bsp = 1\n")?;
        let err = format!("{:#}", AppConfig::load(jail.directory(), "default").unwrap_err());
        assert!(err.contains("fee_bsp"), "{err}");
        jail.create_file("local.toml", "[backtest]\ncandles = 'many'\n")?;
        let err = format!("{:#}", AppConfig::load(jail.directory(), "default").unwrap_err());
        assert!(err.contains("candles"), "{err}");
        let err = format!("{:#}", AppConfig::load(jail.directory(), "prod").unwrap_err());
        assert!(err.contains("prod.toml"), "{err}");
        Ok(())
    });
}
