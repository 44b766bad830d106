//! `tesser-cli live run`: the live runtime on a Bybit profile, with paper or
//! real execution, SQLite state, JSON log, metrics and alerts.

use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context};
use tesser_core::{Cash, Decimal};
use tesser_engine::EngineConfig;
use tesser_live::LiveSettings;
use tesser_paper::PaperConfig;

use crate::cli::{ExecMode, LiveRunArgs};
use crate::config::AppConfig;

/// Runs the live session described by `args` until Ctrl-C or SIGTERM (or
/// `--max-bars`).
pub(crate) fn run(config_dir: &Path, env: &str, args: &LiveRunArgs) -> anyhow::Result<()> {
    let cfg = AppConfig::load(config_dir, env)?;
    let live = &cfg.live;
    let strategy = tesser_strategy::load_strategy_file(&args.strategy_config)?;
    let symbols = strategy.symbols().to_vec();
    if symbols.is_empty() {
        bail!("{}: the strategy names no symbol", args.strategy_config.display());
    }
    let exchange = crate::commands::data::profile(config_dir, env, &args.exchange)?;
    if args.exec == ExecMode::Live && !exchange.has_credentials() {
        bail!(
            "--exec live needs api_key and api_secret in [exchange.{}] (config/local.toml or \
             TESSER_EXCHANGE__{}__API_KEY / __API_SECRET)",
            args.exchange,
            args.exchange.to_uppercase()
        );
    }
    if args.exec == ExecMode::Live {
        eprintln!(
            "warning: --exec live sends real orders to [exchange.{}]; the portfolio P&L stays \
             simulated from fills",
            args.exchange
        );
    }
    let trade = crate::commands::sizing::trade(&args.trade, &cfg, None)?;
    let paper = (args.exec == ExecMode::Paper).then(|| PaperConfig {
        fill: trade.fill,
        fee_bps: trade.fee_bps,
        slippage_bps: trade.slippage_bps,
        ..PaperConfig::default()
    });
    let alerting = &live.alerting;
    let settings = LiveSettings {
        strategy_name: strategy.name().to_owned(),
        symbols,
        interval: args.interval,
        engine: EngineConfig {
            initial_equity: Cash::new(trade.initial),
            sizer: crate::commands::sizing::sizer(&args.trade.sizing, &cfg, trade.quantity)?,
            limits: cfg.risk_management.limits(),
            instruments: crate::commands::sizing::instruments(&cfg)?,
        },
        paper,
        exchange,
        state_path: args.state_path.clone().unwrap_or_else(|| live.state_path.clone()),
        metrics_addr: Some(
            args.metrics_addr
                .clone()
                .unwrap_or_else(|| live.metrics_addr.clone()),
        )
        .filter(|a| !a.is_empty()),
        alerts: tesser_telemetry::AlertConfig {
            webhook_url: args
                .webhook_url
                .clone()
                .unwrap_or_else(|| alerting.webhook_url.clone()),
            max_data_gap: Duration::from_secs(alerting.max_data_gap_secs),
            max_order_failures: alerting.max_order_failures,
            drawdown_limit: (alerting.max_drawdown > Decimal::ZERO)
                .then(|| tesser_core::decimal_to_f64(alerting.max_drawdown)),
        },
        warm_up_bars: args.warm_up_bars,
        max_bars: args.max_bars,
    };
    let log_path = args.log_path.clone().unwrap_or_else(|| live.log_path.clone());
    let _log = tesser_telemetry::init_json_log(&log_path, tracing::Level::INFO)
        .with_context(|| format!("opening the log file {}", log_path.display()))?;

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let state_path = settings.state_path.clone();
    let banner = format!(
        "ready: {} on {} ({} execution); state in {}",
        settings.strategy_name,
        args.exchange,
        if settings.paper.is_some() { "paper" } else { "LIVE" },
        state_path.display()
    );
    let report = rt.block_on(async move {
        let shutdown = stop_signal();
        tesser_live::run_observed(strategy, settings, shutdown, move |ready| {
            if let Some(addr) = ready.metrics_addr {
                println!("metrics: http://{addr}/metrics");
            }
            let resumed = if ready.resumed {
                ", resumed from saved state"
            } else {
                ""
            };
            println!(
                "{banner}; warmed up on {} bars, caught up {} missed{resumed}",
                ready.warm_up_bars, ready.caught_up_bars
            );
        })
        .await
    })?;
    println!(
        "live session ended: {} bars ({} warm-up), {} fills, equity {}{}; state in {}",
        report.bars,
        report.warm_up_bars,
        report.fills,
        report.equity,
        if report.resumed {
            ", resumed from saved state"
        } else {
            ""
        },
        state_path.display()
    );
    Ok(())
}

/// Resolves on Ctrl-C (SIGINT) or, on Unix, SIGTERM (what service managers
/// and `docker stop` send), so either stops the session cleanly.
async fn stop_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    () = interrupt => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => interrupt.await,
        }
    }
    #[cfg(not(unix))]
    interrupt.await;
}
