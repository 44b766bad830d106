//! tesser-strategy.
