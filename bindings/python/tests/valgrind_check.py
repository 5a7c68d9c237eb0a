"""Judge a valgrind memcheck run of the test suite (``make test-valgrind``) on the
native part only, without suppression files.

Usage: valgrind_check.py VALGRIND_XML [NATIVE_OBJECT_SUBSTRING]

Reads the XML report (``--xml=yes --track-origins=yes``) and fails when any
error has a frame in the native module (an object whose path contains
``_native``, the default substring):

- a leak of kind definitely or indirectly lost allocated from it;
- an invalid read, write or free, a mismatched free, an overlap;
- a use of an uninitialised value whose *origin* (the allocation that left it
  uninitialised) is in the native module, or unknown.

A use of an uninitialised value that only passes *through* the native module,
with an origin entirely inside CPython, is listed but not counted: CPython 3.11
itself leaves such values (e.g. ``PyLong_FromString("0")`` reads the digit of a
zero-size int in ``maybe_small_long``; the value is right, the V bits are not),
and the binding cannot cause or fix it.

Prints the errors and "N passed, M failed" last; exits 1 on any failure.
"""

import sys
import xml.etree.ElementTree as ET
from collections import Counter
from typing import List, Optional, Tuple

LEAKS = {"Leak_DefinitelyLost", "Leak_IndirectlyLost"}
UNINIT = {"UninitValue", "UninitCondition", "SyscallParam", "ClientCheck"}


def frames(stack: Optional[ET.Element]) -> List[Tuple[str, str]]:
    if stack is None:
        return []
    return [(f.findtext("fn") or "?", f.findtext("obj") or "?") for f in stack.findall("frame")]


def describe(error: ET.Element) -> str:
    what = error.findtext("what") or error.findtext("xwhat/text") or ""
    lines = [f"{error.findtext('kind')}: {what}"]
    stacks = error.findall("stack")
    for label, stack in zip(["at", "origin"], stacks):
        lines.append(f"  {label}:")
        for fn, obj in frames(stack)[:14]:
            lines.append(f"    {fn}  ({obj.rsplit('/', 1)[-1]})")
    return "\n".join(lines)


def main(argv: List[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    native = argv[2] if len(argv) > 2 else "_native"
    root = ET.parse(argv[1]).getroot()
    errors = root.findall("error")
    kinds = Counter(e.findtext("kind") or "?" for e in errors)
    failed: List[ET.Element] = []
    through: List[ET.Element] = []
    for e in errors:
        kind = e.findtext("kind") or "?"
        stacks = e.findall("stack")
        at = frames(stacks[0] if stacks else None)
        if not any(native in obj for _, obj in at):
            continue  # CPython's or another extension's own business
        if kind in UNINIT:
            origin = frames(stacks[1] if len(stacks) > 1 else None)
            if origin and not any(native in obj for _, obj in origin):
                through.append(e)
                continue
        if kind.startswith("Leak_") and kind not in LEAKS:
            continue  # still reachable / possibly lost: not leaks of ours
        failed.append(e)

    print(f"valgrind: {len(errors)} error records in all: {dict(kinds)}")
    if through:
        print(
            f"not counted: {len(through)} uses of uninitialised values made by CPython that only "
            f"pass through {native}; the first:"
        )
        print(describe(through[0]))
    for e in failed:
        print(f"FAIL ({native}):")
        print(describe(e))
    print(f"{0 if failed else 1} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
