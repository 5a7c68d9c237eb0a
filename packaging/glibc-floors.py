#!/usr/bin/env python3
"""The GLIBC floor of every native library in dist/ (mk/dist.mk: `make dist-check`).

    python3 packaging/glibc-floors.py DIST ZIGDIR [--max 2.17]

Opens each artifact (tar.gz, wheel, npm .tgz, Composer zip, Go module zip, jar),
finds its ELF shared objects and static archives, and prints, for each, the
highest GLIBC_x.y symbol version it needs:

- a shared object (.so, .node): the highest GLIBC_ entry of its version needs
  (readelf -V);
- a static archive (.a): it carries no symbol versions, so it is linked alone,
  whole, into a shared object against glibc's 2.17 stubs with zig (ZIGDIR/TRIPLE/zigcc,
  the wrapper packaging/with-zig.sh writes, for the archive's machine: x86_64 or
  aarch64) with -z defs: a symbol glibc 2.17 lacks fails the link; the result's
  highest GLIBC_ version is printed.

The libraries of the musl, macOS and Windows targets (`make dist-all`) have no
GLIBC floor: packaging/check-foreign.py checks them.

Exits 1 when any library needs more than --max (default 2.17) or cannot be checked.
"""
import hashlib
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile

MAX = (2, 17)
# rustc --print native-static-libs for x86_64-unknown-linux-gnu (voipsign.pc's Libs.private);
# zig links its own libunwind for -lgcc_s.
STATIC_LIBS = ["-lgcc_s", "-lutil", "-lrt", "-lpthread", "-lm", "-ldl", "-lc"]


def vkey(v):
    return tuple(int(x) for x in v.split("."))


def shared_floor(path):
    out = subprocess.run(["readelf", "-V", "-W", path], check=True, capture_output=True, text=True).stdout
    versions = set(re.findall(r"Name: GLIBC_([0-9.]+)", out))
    return max(versions, key=vkey) if versions else None


def static_floor(path, zigcc, libs):
    with tempfile.TemporaryDirectory() as tmp:
        so = os.path.join(tmp, "whole.so")
        cmd = [zigcc, "-shared", "-o", so, "-Wl,--whole-archive", path, "-Wl,--no-whole-archive",
               "-Wl,-z,defs"] + libs
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("linking it alone against glibc 2.17 failed:\n" + r.stderr[-3000:])
        return shared_floor(so)


def members(path):
    """(name, bytes) of every ELF object or archive inside an artifact."""
    def wanted(name):
        base = name.rsplit("/", 1)[-1]
        return base.endswith((".so", ".node", ".a")) or re.search(r"\.so(\.[0-9]+)+$", base)

    if path.endswith((".tar.gz", ".tgz")):
        with tarfile.open(path) as t:
            for m in t.getmembers():
                if m.isfile() and wanted(m.name):
                    yield m.name, t.extractfile(m).read()
    elif path.endswith((".whl", ".zip", ".jar")):
        with zipfile.ZipFile(path) as z:
            for n in z.namelist():
                if wanted(n):
                    yield n, z.read(n)
                elif n.endswith(".jar"):  # a jar inside a zip: not expected, but look
                    yield from ((f"{n}!{a}", b) for a, b in members_of_bytes(z.read(n), ".jar"))


def members_of_bytes(data, suffix):
    with tempfile.NamedTemporaryFile(suffix=suffix) as f:
        f.write(data)
        f.flush()
        yield from members(f.name)


# ELF e_machine -> the Rust triple whose zig wrapper links it.
MACHINES = {62: "x86_64-unknown-linux-gnu", 183: "aarch64-unknown-linux-gnu"}
FOREIGN = re.compile(r"musl|macos|darwin|windows|win32")


def machine(data):
    """The Rust triple of an ELF object, or of the first ELF member of an archive."""
    at = data.find(b"\x7fELF")
    if at < 0:
        raise RuntimeError("no ELF object inside")
    m = int.from_bytes(data[at + 18:at + 20], "little")
    if m not in MACHINES:
        raise RuntimeError(f"unexpected ELF machine {m}")
    return MACHINES[m]


def main():
    args = sys.argv[1:]
    global MAX
    if "--max" in args:
        i = args.index("--max")
        MAX = vkey(args[i + 1])
        del args[i:i + 2]
    dist, zigdir = args
    rows, bad, seen = [], 0, {}
    for root, dirs, files in sorted(os.walk(dist)):
        dirs.sort()
        for f in sorted(files):
            art = os.path.join(root, f)
            if not f.endswith((".tar.gz", ".tgz", ".whl", ".zip", ".jar")):
                continue
            if f.endswith(".tar.gz") and f.startswith("voipsign-") and not f.startswith("voipsign-linux"):
                continue  # the Python sdist: sources only
            for name, data in members(art):
                if not data.startswith((b"\x7fELF", b"!<arch>\n")):
                    continue
                if FOREIGN.search(os.path.relpath(art, dist) + "!" + name):
                    continue
                with tempfile.NamedTemporaryFile(suffix=os.path.splitext(name)[1]) as tmp:
                    tmp.write(data)
                    tmp.flush()
                    try:
                        if data.startswith(b"!<arch>\n"):
                            key = hashlib.sha256(data).hexdigest()  # the same .a in the tarball and the Go zip
                            if key not in seen:
                                zigcc = os.path.join(zigdir, machine(data), "zigcc")
                                seen[key] = static_floor(tmp.name, zigcc, STATIC_LIBS)
                            floor = seen[key]
                        else:
                            floor = shared_floor(tmp.name)
                    except Exception as e:  # noqa: BLE001 - reported, and the check fails
                        floor, bad = f"ERROR: {e}", bad + 1
                ok = floor is not None and not floor.startswith("ERROR") and vkey(floor) <= MAX
                if floor is not None and not floor.startswith("ERROR") and not ok:
                    bad += 1
                rows.append((os.path.relpath(art, dist), name, len(data),
                             ("GLIBC_" + floor) if floor and not floor.startswith("ERROR") else (floor or "none")))
    if not rows:
        print("glibc-floors: no native library found in", dist, file=sys.stderr)
        return 1
    w1 = max(len(r[0]) for r in rows)
    w2 = max(len(r[1]) for r in rows)
    print(f"{'artifact':<{w1}}  {'library':<{w2}}  {'size':>9}  highest GLIBC symbol version")
    for art, name, size, floor in rows:
        print(f"{art:<{w1}}  {name:<{w2}}  {size / 1e6:>7.1f}MB  {floor}")
    limit = ".".join(map(str, MAX))
    if bad:
        print(f"glibc-floors: {bad} librar{'y' if bad == 1 else 'ies'} need more than GLIBC_{limit} or could not be checked")
        return 1
    print(f"glibc-floors: every native library runs on glibc {limit} or newer")
    return 0


if __name__ == "__main__":
    sys.exit(main())
