//! tesser-bybit.
