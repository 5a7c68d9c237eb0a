"""The stubs: `mypy --strict` accepts typed usage (and the tests), and stubtest
finds no difference between voipsign/_native.pyi (the one place the native
signatures are written) and the built module, nor in the Python modules."""

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

pytest.importorskip("mypy", reason="mypy is installed by `make test`")


def run(*args: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_mypy_strict_accepts_typed_usage_and_tests() -> None:
    # The tests themselves are typed too; typing_usage.py exercises the stubs
    # (including `type: ignore`s that must each hide a real error).
    proc = run("mypy", "--strict", "--warn-unused-ignores", "--no-incremental", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_stubtest_matches_the_built_module() -> None:
    proc = run(
        "mypy.stubtest", "voipsign", "--concise", "--allowlist", "stubtest-allowlist.txt"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
