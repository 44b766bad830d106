//! tesser-execution.
