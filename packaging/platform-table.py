#!/usr/bin/env python3
"""The table of `make test-dist-all`: target × artifact, how it was tested here, size.

    platform-table.py DIST LOGDIR

"run" = installed and run here (natively, or under qemu-user for arm64), by the
test named; "checked" = built, and its headers, imports, exports and package
metadata checked (packaging/check-foreign.py), not run; "-" = not shipped (the
README's Install section says why). A test that failed turns its cells into FAILED.
"""
import os
import re
import sys
import tarfile
import zipfile

ARTIFACTS = ["C", "CLI", "Python", "Node", "Go", "PHP", "Java"]
# target -> artifact -> (how, the test that shows it)
HOST = {a: ("run", "make test-dist") for a in ARTIFACTS}
HOST["CLI"] = ("run", "host-cli")
ARM64 = {a: ("run qemu", f"arm64-{a.lower()}") for a in ["C", "CLI", "Python", "Node", "Go", "PHP"]}
ARM64["Java"] = ("checked", "foreign")


def musl(t):
    return {"C": ("run static" + (" qemu" if t == "arm64" else ""), f"musl-{t}"),
            "CLI": ("run static" + (" qemu" if t == "arm64" else ""), f"musl-{t}"),
            "Python": ("checked", "musl-metadata"), "Node": ("checked", "musl-metadata"),
            "Go": ("checked", "foreign"), "PHP": ("checked", "foreign"), "Java": ("checked", "foreign")}


CHECKED = {a: ("checked", "foreign") for a in ARTIFACTS}
WINDOWS = dict(CHECKED, Python=("-", None), Node=("-", None))
ROWS = [
    ("linux-x64-gnu", "x86_64-linux-gnu", "linux_amd64", "linux-x86_64", HOST),
    ("linux-arm64-gnu", "aarch64-linux-gnu", "linux_arm64", "linux-aarch64", ARM64),
    ("linux-x64-musl", "x86_64-linux-musl", "linux_amd64_musl", "linux-x86_64-musl", musl("x64")),
    ("linux-arm64-musl", "aarch64-linux-musl", "linux_arm64_musl", "linux-aarch64-musl", musl("arm64")),
    ("darwin-arm64", "aarch64-macos", "darwin_arm64", "macos-aarch64", CHECKED),
    ("darwin-x64", "x86_64-macos", "darwin_amd64", "macos-x86_64", CHECKED),
    ("win32-x64", "x86_64-windows-gnu", "windows_amd64", "windows-x86_64", WINDOWS),
]
WHEEL = {"linux-x64-gnu": "manylinux2014_x86_64", "linux-arm64-gnu": "manylinux2014_aarch64",
         "linux-x64-musl": "musllinux_1_2_x86_64", "linux-arm64-musl": "musllinux_1_2_aarch64",
         "darwin-arm64": "macosx_11_0_arm64", "darwin-x64": "macosx_10_12_x86_64"}


def size(n):
    return f"{n / 1e6:.1f}MB"


def member_size(path, pattern):
    if not os.path.exists(path):
        return None
    with zipfile.ZipFile(path) as z:
        for i in z.infolist():
            if re.search(pattern, i.filename):
                return i.file_size
    return None


def main():
    dist, logs = sys.argv[1:3]
    names = os.listdir(dist)
    v = re.search(r"libvoipsign-([0-9][0-9.]*)-x86_64-linux-gnu\.tar\.gz", " ".join(names)).group(1)
    passed = {}
    for f in os.listdir(logs):
        if f.endswith(".log"):
            passed[f[:-4]] = True
    failed = {d.split(".")[0] for d in os.listdir(logs) if os.path.isdir(os.path.join(logs, d))}
    jar = next((os.path.join(r, f) for r, _, fs in os.walk(f"{dist}/maven") for f in fs if f.endswith(f"voipsign-{v}.jar")), None)
    gozip = f"{dist}/go/github.com/voipsign/voipsign/bindings/go/@v/v{v}.zip"
    comp = f"{dist}/composer/voipsign-voipsign-{v}.zip"
    width = 24
    print(f"{'target':<18}" + "".join(f"{a:<{width}}" for a in ARTIFACTS))
    for plat, zname, godir, ndir, how in ROWS:
        cells = []
        for a in ARTIFACTS:
            kind, test = how[a]
            n = None
            if a == "C":
                p = f"{dist}/libvoipsign-{v}-{zname}.tar.gz"
                n = os.path.getsize(p) if os.path.exists(p) else None
            elif a == "CLI":
                p = f"{dist}/cli/voipsign-{v}-{zname}.tar.gz"
                n = os.path.getsize(p) if os.path.exists(p) else None
            elif a == "Python" and plat in WHEEL:
                w = [f for f in names if f.endswith(".whl") and WHEEL[plat] in f]
                n = os.path.getsize(f"{dist}/{w[0]}") if w else None
            elif a == "Node":
                p = f"{dist}/npm/voipsign-{plat}-{v}.tgz"
                n = os.path.getsize(p) if os.path.exists(p) else None
            elif a == "Go":
                n = member_size(gozip, rf"/lib/{godir}/libvoipsign\.a$")
            elif a == "PHP":
                n = member_size(comp, rf"^lib/{ndir}/[^/]+$")
            elif a == "Java" and jar:
                n = member_size(jar, rf"^native/{ndir}/[^/]+$")
            if kind == "-":
                cell = "- (not shipped)"
            elif n is None:
                cell = "MISSING"
            elif test in failed or (test not in passed and test != "make test-dist"):
                cell = f"FAILED {size(n)}" if test in failed else f"{kind}? {size(n)}"
            else:
                cell = f"{kind} {size(n)}"
            cells.append(cell)
        print(f"{plat:<18}" + "".join(f"{c:<{width}}" for c in cells))
    print("run: installed and run here (qemu: under qemu-user; static: a static program);"
          " checked: built, headers/imports/exports/metadata checked, not run; sizes: the"
          " artifact (C, CLI: tarball; Python: wheel; Node: platform package) or the library"
          " inside it (Go, PHP, Java)")


if __name__ == "__main__":
    main()
