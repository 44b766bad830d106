//! tesser-backtester.
