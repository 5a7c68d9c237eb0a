#!/usr/bin/env python3
"""Link stubs (.tbd) of Apple's CoreFoundation and Security frameworks, for the
macOS builds made here with zig (packaging/with-zig.sh passes -F packaging/macos/Frameworks).

    packaging/macos/stubs.py DYLIB... > /dev/null   (rewrites packaging/macos/Frameworks/)

A .tbd is what Apple's SDK itself ships for each system library: its install name
and the symbols it exports, so that a linker can bind to it without the library.
No SDK can be installed here, so these two list exactly the symbols voipsign's
dependencies refer to (security-framework and core-foundation, through
rustls-native-certs, which finds the Keychain's CA roots for `rediss://`). The
result binds each of those symbols to /System/Library/Frameworks/... by two-level
namespace, as a build on a Mac does; every Mac has both frameworks.

To regenerate (after those crates change, when a macOS link names an undefined
symbol): link a dylib with `-undefined dynamic_lookup` (VOIPSIGN_MACOS_STUBS=0
packaging/with-zig.sh ...), then run this on it; its flat-namespace imports are the
symbols the stubs must list (CF-prefixed ones: CoreFoundation; the rest: Security).
"""
import os
import re
import sys

import lief

HERE = os.path.dirname(os.path.abspath(__file__))
FRAMEWORKS = {
    "CoreFoundation": "/System/Library/Frameworks/CoreFoundation.framework/Versions/A/CoreFoundation",
    "Security": "/System/Library/Frameworks/Security.framework/Versions/A/Security",
}


def flat_imports(path):
    b = lief.parse(path)
    return {s.name for s in b.imported_symbols if s.library_ordinal == 0}


def main():
    names = set()
    for p in sys.argv[1:]:
        names |= flat_imports(p)
    split = {"CoreFoundation": sorted(n for n in names if re.match(r"_+k?CF", n))}
    split["Security"] = sorted(names - set(split["CoreFoundation"]))
    for fw, syms in split.items():
        d = os.path.join(HERE, "Frameworks", f"{fw}.framework")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"{fw}.tbd"), "w") as f:
            f.write("--- !tapi-tbd\ntbd-version:     4\n")
            f.write("targets:         [ x86_64-macos, arm64-macos ]\n")
            f.write(f"install-name:    '{FRAMEWORKS[fw]}'\n")
            f.write("current-version: 1\ncompatibility-version: 1\n")
            f.write("exports:\n  - targets:         [ x86_64-macos, arm64-macos ]\n    symbols:\n")
            for s in syms:
                f.write(f"      - '{s}'\n")
            f.write("...\n")
        print(f"{fw}: {len(syms)} symbols")


if __name__ == "__main__":
    main()
