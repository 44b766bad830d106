//! `tesser-cli strategies`: lists every compiled strategy and its parameters.

use std::fmt::Write;

/// Prints the registry.
pub(crate) fn run() -> anyhow::Result<()> {
    let mut out = String::new();
    for info in tesser_strategy::registry() {
        writeln!(out, "{}  {}", info.name, info.summary)?;
        for p in info.params {
            let default = p
                .default
                .map_or_else(|| "required".to_owned(), |d| format!("default {d}"));
            writeln!(out, "    {:<22} {:<8} {:<22} {}", p.name, p.kind, default, p.doc)?;
        }
        writeln!(out)?;
    }
    print!("{out}");
    Ok(())
}
