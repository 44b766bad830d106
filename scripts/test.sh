#!/usr/bin/env bash
# Runs Tesser's whole test suite: every Rust test of the workspace (unit,
# integration, CLI end-to-end, reference backtests, mock-exchange tests) and
# the Python research tests when research/ has any. Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v cargo-nextest >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
  cargo test --workspace --doc
else
  cargo test --workspace --no-fail-fast
fi

if [ -d research/tests ]; then
  command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
  uv=(uv)
  command -v uv >/dev/null 2>&1 || uv=(python3 -m uv) # pip's bin dir not on PATH
  # uv.lock pins every package (fetched from PyPI); use this machine's Python.
  (cd research && UV_PYTHON_DOWNLOADS=never "${uv[@]}" run --quiet --locked pytest -q tests)
fi
