"""Tests of mk/run_suites.py, the runner of `make test` and `make check`.

Run by `make test-runner` (a suite of `make test`): python3 -m unittest mk/test_run_suites.py.
The suites here are a fake `make` (a shell script) whose targets sleep, print and
exit with the status their name asks for, so each test runs in well under a second.
"""

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

RUNNER = Path(__file__).resolve().parent / "run_suites.py"

FAKE_MAKE = textwrap.dedent("""\
    #!/bin/sh
    # fake make: $1 is --no-print-directory, $2 the target: NAME[-fail][-slow]
    echo "output of $2"
    echo "$2" >> "$ORDER_FILE"
    case "$2" in *-slow*) sleep 0.3 ;; esac
    case "$2" in *-fail*) echo "$2 went wrong"; exit 3 ;; esac
    exit 0
    """)


class RunSuitesTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="run-suites-test-"))
        self.make = self.tmp / "make"
        self.make.write_text(FAKE_MAKE)
        self.make.chmod(self.make.stat().st_mode | stat.S_IEXEC)
        self.order = self.tmp / "order"
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def run_suites(self, *specs: str, jobs: int = 2, only: str = "") -> subprocess.CompletedProcess:
        cmd = [sys.executable, str(RUNNER), "--make", str(self.make), "--jobs", str(jobs),
               "--times", str(self.tmp / "times.txt"), "--logs", str(self.tmp / "logs")]
        if only:
            cmd += ["--only", only]
        env = dict(os.environ, ORDER_FILE=str(self.order))
        return subprocess.run(cmd + list(specs), capture_output=True, text=True, env=env, check=False)

    def started(self) -> list:
        return self.order.read_text().split() if self.order.exists() else []

    def test_all_pass_prints_each_log_in_one_piece_and_the_table(self) -> None:
        r = self.run_suites("a:ta::5", "b:tb:a:1", "c:tc::2")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for name, target in (("a", "ta"), ("b", "tb"), ("c", "tc")):
            block = r.stdout.split(f"== {name} (make {target}): passed")[1].split(f"== end of {name}")[0]
            self.assertIn(f"output of {target}", block)
        self.assertIn("run_suites: all 3 suites passed", r.stdout)
        table = (self.tmp / "times.txt").read_text()
        self.assertEqual([line.split()[0] for line in table.splitlines()[1:4]], ["a", "c", "b"])
        self.assertIn("sum of the suites", table)
        self.assertEqual((self.tmp / "logs" / "b.log").read_text(), "output of tb\n")

    def test_needs_are_waited_for(self) -> None:
        r = self.run_suites("late:late-slow:early", "early:early-slow", jobs=4)
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertEqual(self.started(), ["early-slow", "late-slow"])

    def test_the_longest_chain_starts_first(self) -> None:
        r = self.run_suites("short:s1::1", "head:h1::10", "tail:t1:head:50", jobs=1)
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertEqual(self.started(), ["h1", "t1", "s1"])

    def test_a_failure_skips_what_needs_it_and_is_named(self) -> None:
        r = self.run_suites("bad:x-fail", "after:y:bad", "other:z")
        self.assertEqual(r.returncode, 1)
        self.assertNotIn("y", self.started())
        self.assertIn("z", self.started())
        self.assertIn("FAILED: bad (make x-fail, exit status 3)", r.stdout)
        self.assertIn("not run: after (needs bad)", r.stdout)
        self.assertIn("run_suites: FAILED after", r.stdout)
        self.assertIn("x-fail went wrong", r.stdout)
        after_table = r.stdout.split("where the time went")[1]
        self.assertIn("last lines of bad's log", after_table)
        self.assertIn("   x-fail went wrong", after_table)
        self.assertNotIn("output of z", after_table)

    def test_only_runs_the_named_suites_and_what_they_need(self) -> None:
        r = self.run_suites("a:ta", "b:tb:a", "c:tc", only="b")
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertEqual(sorted(self.started()), ["ta", "tb"])

    def test_bad_specs_are_refused(self) -> None:
        for specs, message in ((["a:ta:nosuch"], "needs 'nosuch'"), (["a:ta:b", "b:tb:a"], "cycle"),
                               (["a"], "bad suite spec"), (["a:ta", "a:tb"], "given twice")):
            r = self.run_suites(*specs)
            self.assertNotEqual(r.returncode, 0, specs)
            self.assertIn(message, r.stderr, specs)


if __name__ == "__main__":
    unittest.main()
