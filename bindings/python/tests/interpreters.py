"""Run the test suite against ONE built abi3 wheel on several CPythons.

Usage (``make test-interpreters``)::

    python tests/interpreters.py WHEEL [PYTEST_ARGS...]

The interpreter running this script (the default one, ``.venv``, where the
wheel is already installed) runs the suite in place. For every other wanted
minor version (``VOIPSIGN_PYTHONS``, default ``3.10 3.13``) the newest pyenv
build in ``$PYENV_ROOT/versions`` (``~/.pyenv/versions``) gets a virtualenv under
``target/venvs/`` with the same wheel, pytest and mypy installed, and runs the
suite. A version that is not installed is skipped with a printed note, never a
failure. The summary says which interpreters ran and how each ended; the exit
status is 1 if any run failed.

Not collected by pytest (no ``test_`` prefix); type-checked with the tests.
"""

import os
import platform
import re
import subprocess
import sys
from pathlib import Path
from typing import List, Optional, Tuple

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
VENVS = PROJECT / "target" / "venvs"
DEFAULT_WANTED = "3.10 3.13"


def version_key(path: Path) -> Tuple[int, ...]:
    """``3.10.13`` -> (3, 10, 13); non-numeric parts (``3.13.0t``) sort first."""
    return tuple(int(p) if p.isdigit() else -1 for p in path.name.split("."))


def find(minor: str) -> Optional[Path]:
    """The newest pyenv build of ``minor`` (e.g. ``3.10``), or None."""
    root = Path(os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))) / "versions"
    builds = [p for p in root.glob(f"{minor}.*") if re.fullmatch(rf"{re.escape(minor)}\.\d+", p.name)]
    for build in sorted(builds, key=version_key, reverse=True):
        exe = build / "bin" / f"python{minor}"
        if exe.is_file():
            return exe
    return None


def run(cmd: List[str], cwd: Optional[Path] = None) -> int:
    print("+", " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=False, cwd=cwd).returncode


def prepare(exe: Path, wheel: Path) -> Optional[Path]:
    """A virtualenv of ``exe`` with the wheel, pytest and mypy; its python."""
    out = subprocess.run(
        [str(exe), "-c", "import platform; print(platform.python_version())"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    venv = VENVS / out
    python = venv / "bin" / "python"
    if not python.is_file() and run([str(exe), "-m", "venv", str(venv)]) != 0:
        return None
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if run(pip + ["--force-reinstall", "--no-deps", str(wheel)]) != 0:
        return None
    if run(pip + ["pytest", "mypy"]) != 0:
        return None
    return python


def main() -> int:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    wheel = Path(sys.argv[1]).resolve()
    pytest_args = sys.argv[2:] or ["-q", "-p", "no:cacheprovider", "tests"]
    here = platform.python_version()
    results: List[Tuple[str, str]] = []

    print(f"\n=== CPython {here} (default, {sys.executable}) ===", flush=True)
    code = run([sys.executable, "-m", "pytest", *pytest_args], cwd=PROJECT)
    results.append((here, "passed" if code == 0 else f"FAILED (exit {code})"))

    wanted = os.environ.get("VOIPSIGN_PYTHONS", DEFAULT_WANTED).split()
    for minor in wanted:
        if here.startswith(minor + "."):
            continue
        exe = find(minor)
        if exe is None:
            print(f"\n=== CPython {minor}: not installed in ~/.pyenv/versions: skipped ===", flush=True)
            results.append((minor, "skipped (not installed)"))
            continue
        print(f"\n=== CPython {minor} ({exe}) ===", flush=True)
        python = prepare(exe, wheel)
        if python is None:
            results.append((minor, "FAILED (could not install the wheel)"))
            continue
        version = python.parent.parent.name
        code = run([str(python), "-m", "pytest", *pytest_args], cwd=PROJECT)
        results.append((version, "passed" if code == 0 else f"FAILED (exit {code})"))

    print(f"\nabi3 wheel {wheel.name} on:")
    for version, outcome in results:
        print(f"  CPython {version:<8} {outcome}")
    return 1 if any(outcome.startswith("FAILED") for _, outcome in results) else 0


if __name__ == "__main__":
    sys.exit(main())
