"""Shared fixtures: repository paths, the `tesser-cli` binary and a runner.

The binary is the repository's default debug build, `target/debug/tesser-cli`
(built with `cargo build -p tesser-cli` when missing; `RESEARCH_TESSER_BIN`
overrides). The CLI runs without `TESSER_*` variables, which would change its
configuration.
Nothing here talks to any address outside 127.0.0.0/8.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

RESEARCH = Path(__file__).resolve().parents[1]
REPO = RESEARCH.parent
SCRIPTS = RESEARCH / "scripts"
SAMPLE = REPO / "data" / "samples" / "btcusd_bitstamp_1d.csv"

sys.path.insert(0, str(SCRIPTS))


@pytest.fixture(scope="session")
def cli() -> Path:
    override = os.environ.get("RESEARCH_TESSER_BIN")
    if override:
        return Path(override)
    binary = REPO / "target" / "debug" / "tesser-cli"
    if not binary.exists():
        env = {k: v for k, v in os.environ.items() if k != "CARGO_TARGET_DIR"}
        subprocess.run(["cargo", "build", "-q", "-p", "tesser-cli"], cwd=REPO, env=env, check=True)
    return binary


def cli_env() -> dict:
    """This environment without `TESSER_*` configuration overrides."""
    return {k: v for k, v in os.environ.items() if not k.startswith("TESSER_")}


def run_script(name: str, *args: str) -> subprocess.CompletedProcess:
    """Runs `scripts/<name>` with this interpreter; fails the test on error."""
    proc = subprocess.run(
        [sys.executable, str(SCRIPTS / name), *args], cwd=RESEARCH, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, f"{name} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def backtest(cli: Path, strategy: Path, out: Path, *extra: str) -> dict:
    """`tesser-cli backtest run` on the sample data; returns summary.json."""
    proc = subprocess.run(
        [
            str(cli),
            "backtest",
            "run",
            "--strategy-config",
            str(strategy),
            "--data",
            str(SAMPLE),
            "--output-dir",
            str(out),
            *extra,
        ],
        cwd=REPO,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"tesser-cli rejected {strategy}:\n{proc.stdout}\n{proc.stderr}"
    return json.loads((out / "summary.json").read_text())
