//! Helpers shared by the CLI end-to-end tests: run the real binary from the
//! repository root with no `TESSER_` variables leaking in from the caller.
#![allow(dead_code, reason = "each test file uses a different subset")]
#![allow(clippy::expect_used, reason = "test code panics on failure")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `tesser-cli` run from the repository root, without inherited `TESSER_*`
/// configuration variables.
pub fn command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tesser-cli"));
    cmd.current_dir(repo());
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("TESSER_") {
            cmd.env_remove(key);
        }
    }
    cmd
}

/// Runs `tesser-cli args...` and returns its output, whatever the exit code.
pub fn cli(args: &[&str]) -> Output {
    command().args(args).output().expect("run tesser-cli")
}

/// The process's standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
