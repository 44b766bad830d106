//! One module per command; each parses nothing and wires library types.

mod backtest;
mod backtest_html;
mod backtest_print;
mod batch;
mod convert;
mod data;
mod feeds;
mod live;
mod mock_exchange;
mod progress;
mod sizing;
mod state;
mod strategies;

use crate::cli::{BacktestCommand, Cli, Command, LiveCommand, StateCommand};

/// Runs the chosen command.
pub(crate) fn dispatch(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Backtest(BacktestCommand::Run(args)) => backtest::run(&cli.config_dir, &cli.env, &args),
        Command::Backtest(BacktestCommand::Batch(args)) => batch::run(&args),
        Command::Strategies => strategies::run(),
        Command::Data(cmd) => data::run(&cli.config_dir, &cli.env, &cmd),
        Command::MockExchange(args) => mock_exchange::run(&args),
        Command::Live(LiveCommand::Run(args)) => live::run(&cli.config_dir, &cli.env, &args),
        Command::State(StateCommand::Inspect(args)) => state::inspect(&cli.config_dir, &cli.env, &args),
    }
}
