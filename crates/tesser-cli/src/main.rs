//! `tesser-cli`: the command-line entry point of Tesser.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    match tesser_cli::run(tesser_cli::Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
