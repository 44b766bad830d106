//! `tesser-cli state inspect`: prints the live state database read-only.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use tesser_core::{Fill, OrderKind};
use tesser_state::{LiveSnapshot, StateStore};

use crate::cli::StateInspectArgs;
use crate::config::AppConfig;

/// Fills listed by the summary.
const RECENT_FILLS: usize = 10;

/// Opens the database (`--path`, else `[live] state_path`) read-only and
/// prints a summary, or with `--raw` the stored JSON payload.
pub(crate) fn inspect(config_dir: &Path, env: &str, args: &StateInspectArgs) -> anyhow::Result<()> {
    let path: PathBuf = match &args.path {
        Some(path) => path.clone(),
        None => AppConfig::load(config_dir, env)?.live.state_path,
    };
    let store = StateStore::open_read_only(&path)?;
    let text = if args.raw {
        let Some(payload) = store.load_raw()? else {
            bail!("state database {}: no snapshot saved yet", path.display());
        };
        serde_json::from_str::<serde::de::IgnoredAny>(&payload)
            .with_context(|| format!("state database {}: corrupt snapshot payload", path.display()))?;
        let mut text = pretty_json(&payload);
        text.push('\n');
        text
    } else {
        summary(&store)?
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        // `state inspect | head` closing the pipe early is not an error.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).context("writing to stdout"),
        _ => Ok(()),
    }
}

/// The human-readable report.
fn summary(store: &StateStore) -> anyhow::Result<String> {
    let mut out = String::new();
    let path = store.path().display();
    let fill_count = store.fill_count()?;
    let Some(snap) = store.load()? else {
        let _ = writeln!(out, "state database {path}: no snapshot saved yet");
        let _ = writeln!(out, "fills journaled {fill_count}");
        return Ok(out);
    };
    write_header(&mut out, &path.to_string(), &snap);
    write_positions(&mut out, &snap);
    write_orders(&mut out, &snap);
    let recent = store.recent_fills(RECENT_FILLS)?;
    let _ = writeln!(
        out,
        "\nfills: {fill_count} journaled{}",
        if recent.is_empty() {
            String::new()
        } else {
            format!("; the {} most recent, newest first", recent.len())
        }
    );
    write_fills(&mut out, &recent);
    Ok(out)
}

fn write_header(out: &mut String, path: &str, snap: &LiveSnapshot) {
    let symbols: Vec<&str> = snap.symbols.iter().map(|s| s.as_str()).collect();
    let kill = if snap.liquidate_only {
        "TRIPPED (liquidate-only: only position-reducing orders)"
    } else {
        "off"
    };
    let rows = [
        ("state database", path.to_owned()),
        (
            "saved at",
            format!("{} (time of the last event processed)", snap.saved_at),
        ),
        ("strategy", format!("{} on {}", snap.strategy, symbols.join(", "))),
        (
            "execution",
            if snap.execution.is_empty() {
                "unknown".to_owned()
            } else {
                snap.execution.clone()
            },
        ),
        ("equity", snap.equity().to_string()),
        ("initial equity", snap.initial_equity.to_string()),
        ("peak equity", snap.peak_equity.to_string()),
        ("cash", snap.cash.to_string()),
        ("realized PnL", snap.realized.to_string()),
        ("fees", snap.fees.to_string()),
        ("funding", snap.funding.to_string()),
        ("kill switch", kill.to_owned()),
        ("last order id", snap.last_order_id.to_string()),
    ];
    for (label, value) in rows {
        let _ = writeln!(out, "{label:<15} {value}");
    }
}

fn write_positions(out: &mut String, snap: &LiveSnapshot) {
    let _ = writeln!(out, "\npositions: {}", snap.positions.len());
    let rows = snap
        .positions
        .iter()
        .map(|p| {
            let mark = snap.mark_of(p.symbol);
            vec![
                p.symbol.to_string(),
                p.net.normalize().to_string(),
                p.avg_entry.to_string(),
                mark.map_or_else(|| "-".to_owned(), |m| m.to_string()),
                p.unrealized(mark.unwrap_or(p.avg_entry)).to_string(),
                p.open_fees.to_string(),
                p.opened.to_string(),
            ]
        })
        .collect();
    table(
        out,
        &[
            "symbol",
            "net",
            "avg entry",
            "mark",
            "unrealized",
            "open fees",
            "opened",
        ],
        rows,
    );
    let _ = writeln!(out, "\nmarks: {}", snap.marks.len());
    let rows = snap
        .marks
        .iter()
        .map(|m| vec![m.symbol.to_string(), m.price.to_string()])
        .collect();
    table(out, &["symbol", "price"], rows);
    let _ = writeln!(out, "\nlast candles: {}", snap.last_candles.len());
    let rows = snap
        .last_candles
        .iter()
        .map(|c| vec![c.symbol.to_string(), c.open_time.to_string()])
        .collect();
    table(out, &["symbol", "open time"], rows);
}

fn write_orders(out: &mut String, snap: &LiveSnapshot) {
    let _ = writeln!(out, "\nopen orders: {}", snap.open_orders.len());
    let rows = snap
        .open_orders
        .iter()
        .map(|o| {
            let r = &o.request;
            let (kind, price, post_only) = match r.kind {
                OrderKind::Market => ("market", "-".to_owned(), false),
                OrderKind::Limit { price, post_only } => ("limit", price.to_string(), post_only),
                OrderKind::StopMarket { trigger } => ("stop-market", trigger.to_string(), false),
            };
            let flags: Vec<&str> = [(post_only, "post-only"), (r.reduce_only, "reduce-only")]
                .into_iter()
                .filter_map(|(on, name)| on.then_some(name))
                .collect();
            vec![
                r.id.to_string(),
                r.symbol.to_string(),
                r.side.to_string(),
                kind.to_owned(),
                price,
                r.qty.to_string(),
                o.remaining.to_string(),
                format!("{:?}", r.tif).to_lowercase(),
                if flags.is_empty() {
                    "-".to_owned()
                } else {
                    flags.join(",")
                },
                r.created.to_string(),
            ]
        })
        .collect();
    table(
        out,
        &[
            "id",
            "symbol",
            "side",
            "type",
            "price",
            "qty",
            "remaining",
            "tif",
            "flags",
            "created",
        ],
        rows,
    );
}

fn write_fills(out: &mut String, fills: &[Fill]) {
    let rows = fills
        .iter()
        .map(|f| {
            vec![
                f.ts.to_string(),
                f.order_id.to_string(),
                f.symbol.to_string(),
                f.side.to_string(),
                f.qty.to_string(),
                f.price.to_string(),
                f.fee.to_string(),
            ]
        })
        .collect();
    table(
        out,
        &["time", "order", "symbol", "side", "qty", "price", "fee"],
        rows,
    );
}

/// Appends a table indented by two spaces, columns left-aligned two spaces
/// apart; nothing when there are no rows.
fn table(out: &mut String, header: &[&str], rows: Vec<Vec<String>>) {
    if rows.is_empty() {
        return;
    }
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::from(" ");
        for (w, cell) in widths.iter().zip(row) {
            let _ = write!(line, " {cell:<w$} ");
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

/// Re-indents JSON text (two spaces, like `serde_json`'s pretty printer)
/// without parsing it: keys, their order and every number and string stay
/// exactly as stored.
fn pretty_json(text: &str) -> String {
    fn newline(out: &mut String, depth: usize) {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    }
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    chars.next();
                    out.push(close);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_json_matches_serde_json_and_keeps_text() {
        let compact = r#"{"b":"1.50","a":[],"c":{},"d":[1,{"e":"x\"y,{[:"},-2.0e3],"f":{"g":null}}"#;
        let pretty = pretty_json(compact);
        let value: serde_json::Value = serde_json::from_str(compact).unwrap();
        assert_eq!(pretty.replace(['\n', ' '], ""), compact.replace(' ', ""));
        assert_eq!(serde_json::from_str::<serde_json::Value>(&pretty).unwrap(), value);
        assert!(
            pretty.starts_with("{\n  \"b\": \"1.50\",\n  \"a\": [],\n  \"c\": {},\n"),
            "{pretty}"
        );
        // Same layout as serde_json for a struct (which keeps field order).
        let snap = LiveSnapshot::default();
        assert_eq!(
            pretty_json(&serde_json::to_string(&snap).unwrap()),
            serde_json::to_string_pretty(&snap).unwrap()
        );
    }
}
