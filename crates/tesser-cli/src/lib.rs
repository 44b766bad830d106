//! The wiring behind `tesser-cli`: argument parsing, layered configuration and
//! one thin module per command. Trading logic lives in the library crates.

mod cli;
mod commands;
mod config;

pub use cli::{Cli, Command};
pub use config::AppConfig;

/// Runs a parsed command line.
///
/// # Errors
/// Any failure of the command, with context for the user.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    commands::dispatch(cli)
}
