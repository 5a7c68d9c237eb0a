#!/usr/bin/env python3
"""Checks of the artifacts this machine cannot run (packaging/test-dist-all.sh).

    check-foreign.py static FILE...      each an ELF program with no interpreter and
                                         no shared library (readelf): fully static
    check-foreign.py dist DIST WORK      every macOS and Windows library in DIST (LIEF)

For each Mach-O / PE file in the C and CLI tarballs, the wheels, the npm packages,
the jar and the Composer zip: the architecture and minimum OS version its target
row promises (macOS 11.0 arm64, 10.12 x86_64; Windows x64), only system libraries
imported (/usr/lib and /System/Library/Frameworks; Windows system DLLs), no symbol
left to flat-namespace lookup (a Python extension: CPython's own), and its public
exported symbols (voipsign_*, Java_*/JNI_*, PyInit_*, napi_register_module_v1)
equal to those of the same artifact for Linux x86_64. Then the metadata that makes
each package manager select them: wheel tags, npm os/cpu, the Go module's cgo
lines and lib/ folders, the jar's native/ and the Composer zip's lib/ entries.
Prints one line per check; exits 1 on any failure.
"""
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile

PUBLIC = re.compile(r"^_?(voipsign_\w+|Java_\w+|JNI_\w+|PyInit_\w+|napi_register_module_v1)$")
MAC_LIBS = re.compile(r"^(/usr/lib/[^/]+\.dylib|/System/Library/Frameworks/[^/]+\.framework/.+)$")
WIN_DLLS = {"kernel32.dll", "ntdll.dll", "ws2_32.dll", "userenv.dll", "bcrypt.dll", "bcryptprimitives.dll",
            "advapi32.dll", "crypt32.dll", "ncrypt.dll", "secur32.dll", "msvcrt.dll", "ucrtbase.dll",
            "shell32.dll", "ole32.dll", "oleaut32.dll", "user32.dll"}
FAIL = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        FAIL.append(what)


def static(files):
    for f in files:
        hdr = subprocess.run(["readelf", "-lW", f], capture_output=True, text=True).stdout
        dyn = subprocess.run(["readelf", "-dW", f], capture_output=True, text=True).stdout
        check("INTERP" not in hdr and "(NEEDED)" not in dyn, f"{f}: static (no interpreter, no NEEDED)")


def members(path):
    """(name, bytes) of the native files inside an artifact."""
    native = re.compile(r"\.(so|node|dylib|dll|exe|a)$|\.so\.\d|/voipsign$")
    if path.endswith((".tar.gz", ".tgz")):
        with tarfile.open(path) as t:
            for m in t.getmembers():
                if m.isfile() and native.search(m.name):
                    yield m.name, t.extractfile(m).read()
    else:
        with zipfile.ZipFile(path) as z:
            for n in z.namelist():
                if native.search(n):
                    yield n, z.read(n)


def public(binary):
    import lief
    if isinstance(binary, lief.PE.Binary):
        names = [f.name for f in binary.exported_functions]
    else:
        names = [s.name for s in binary.exported_symbols]
    return {n.lstrip("_") if n.startswith("_") and isinstance(binary, lief.MachO.Binary) else n
            for n in names if PUBLIC.match(n)}


def parse(data):
    import lief
    lief.logging.disable()
    return lief.parse(list(data))


def macho(label, data, arch, minos, linux_public, python):
    import lief
    b = parse(data)
    check(isinstance(b, lief.MachO.Binary), f"{label}: Mach-O")
    if not isinstance(b, lief.MachO.Binary):
        return
    cpu = {"arm64": lief.MachO.Header.CPU_TYPE.ARM64, "x86_64": lief.MachO.Header.CPU_TYPE.X86_64}[arch]
    check(b.header.cpu_type == cpu, f"{label}: {arch}")
    got = list(b.build_version.minos) if b.has_build_version else (list(b.version_min.version) if b.has_version_min else None)
    check(got is not None and got[:2] == minos, f"{label}: minimum macOS {minos[0]}.{minos[1]} (found {got})")
    libs = [c.name for c in b.commands if isinstance(c, lief.MachO.DylibCommand)
            and c.command != lief.MachO.LoadCommand.TYPE.ID_DYLIB]
    check(all(MAC_LIBS.match(n) for n in libs), f"{label}: imports system libraries only {sorted(set(libs))}")
    # A Python extension and a Node addon take their host's API from the process
    # that loads them (-undefined dynamic_lookup): CPython's _Py*, Node's _napi_*.
    host = {"python": ("_Py", "__Py"), "node": ("_napi_",)}.get(python or "", ())
    flat = [s.name for s in b.imported_symbols if s.library_ordinal in (-2, 0, 254)
            and not (host and s.name.startswith(host))]
    check(not flat, f"{label}: no symbol left to dynamic lookup{' but the host API ' + str(host) if host else ''} ({flat[:5]})")
    if linux_public is not None:
        mine = public(b)
        check(mine == linux_public, f"{label}: public exports = Linux x86_64's ({len(mine)}: {sorted(mine ^ linux_public)[:5] or 'equal'})")


def pe(label, data, linux_public):
    import lief
    b = parse(data)
    check(isinstance(b, lief.PE.Binary), f"{label}: PE")
    if not isinstance(b, lief.PE.Binary):
        return
    check(b.header.machine == lief.PE.Header.MACHINE_TYPES.AMD64, f"{label}: x86-64 (AMD64)")
    dlls = {i.name.lower() for i in b.imports}
    bad = sorted(d for d in dlls if d not in WIN_DLLS and not d.startswith("api-ms-win-"))
    check(not bad, f"{label}: imports Windows system DLLs only ({sorted(dlls)}; others: {bad})")
    osv = (b.optional_header.major_operating_system_version, b.optional_header.minor_operating_system_version)
    print(f"info  {label}: subsystem version {b.optional_header.major_subsystem_version}.{b.optional_header.minor_subsystem_version}, OS version field {osv[0]}.{osv[1]}")
    if linux_public is not None:
        mine = public(b)
        check(mine == linux_public, f"{label}: public exports = Linux x86_64's ({len(mine)}: {sorted(mine ^ linux_public)[:5] or 'equal'})")


def linux_public_of(path, pattern):
    for n, data in members(path):
        if re.search(pattern, n):
            return public(parse(data))
    return None


def main_dist(dist, work):
    v = re.search(r"libvoipsign-([0-9][0-9.]*)-x86_64-linux-gnu\.tar\.gz", " ".join(os.listdir(dist))).group(1)
    host = {
        "c": linux_public_of(f"{dist}/libvoipsign-{v}-x86_64-linux-gnu.tar.gz", r"\.so\.\d+\.\d+\.\d+$"),
        "python": linux_public_of(next(f"{dist}/{f}" for f in os.listdir(dist) if f.endswith("manylinux_2_17_x86_64.manylinux2014_x86_64.whl") or ("x86_64" in f and "manylinux" in f and f.endswith(".whl"))), r"_native"),
        "node": linux_public_of(f"{dist}/npm/voipsign-linux-x64-gnu-{v}.tgz", r"\.node$"),
    }
    jar = next((os.path.join(r, f) for r, _, fs in os.walk(f"{dist}/maven") for f in fs if f.endswith(f"voipsign-{v}.jar")), None)
    host["java"] = linux_public_of(jar, r"native/linux-x86_64/") if jar else None
    for mac, arch, minos, zname, npm, jdir in (("aarch64-apple-darwin", "arm64", [11, 0], "aarch64-macos", "darwin-arm64", "macos-aarch64"),
                                               ("x86_64-apple-darwin", "x86_64", [10, 12], "x86_64-macos", "darwin-x64", "macos-x86_64")):
        for n, data in members(f"{dist}/libvoipsign-{v}-{zname}.tar.gz"):
            if n.endswith(".dylib") and not os.path.islink(n):
                macho(f"C {zname} {n.split('/', 1)[1]}", data, arch, minos, host["c"], False)
                break
        for n, data in members(f"{dist}/cli/voipsign-{v}-{zname}.tar.gz"):
            macho(f"CLI {zname}", data, arch, minos, None, False)
        tag = "macosx_11_0_arm64" if arch == "arm64" else "macosx_10_12_x86_64"
        whl = [f for f in os.listdir(dist) if f.endswith(f"{tag}.whl")]
        check(len(whl) == 1, f"wheel tagged {tag}: {whl}")
        for w in whl:
            with zipfile.ZipFile(f"{dist}/{w}") as z:
                wheel = z.read(f"voipsign-{v}.dist-info/WHEEL").decode()
            check(f"Tag: cp310-abi3-{tag}" in wheel, f"{w}: WHEEL says Tag: cp310-abi3-{tag}")
            for n, data in members(f"{dist}/{w}"):
                macho(f"Python {tag}", data, arch, minos, host["python"], "python")
        npm_pkg(dist, v, npm, "darwin", "arm64" if arch == "arm64" else "x64", None, lambda d: macho(f"Node {npm}", d, arch, minos, host["node"], "node"))
        if jar:
            found = [(n, d) for n, d in members(jar) if n.startswith(f"native/{jdir}/")]
            check([n for n, _ in found] == [f"native/{jdir}/libvoipsign_jni.dylib"], f"jar carries native/{jdir}/libvoipsign_jni.dylib")
            for n, d in found:
                macho(f"Java {jdir}", d, arch, minos, host["java"], False)
        composer(dist, v, f"lib/{jdir}/libvoipsign.dylib", lambda d: macho(f"PHP {jdir}", d, arch, minos, host["c"], False))
    # Windows
    for n, data in members(f"{dist}/libvoipsign-{v}-x86_64-windows-gnu.tar.gz"):
        if n.endswith(".dll"):
            pe(f"C windows {n.split('/', 1)[1]}", data, host["c"])
    names = [n for n, _ in members(f"{dist}/libvoipsign-{v}-x86_64-windows-gnu.tar.gz")]
    check(any(n.endswith("lib/libvoipsign.a") for n in names) and any(n.endswith(".dll.a") for n in names),
          f"C windows tarball has the static library and the DLL's import library")
    for n, data in members(f"{dist}/cli/voipsign-{v}-x86_64-windows-gnu.tar.gz"):
        pe("CLI windows voipsign.exe", data, None)
    if jar:
        found = [(n, d) for n, d in members(jar) if n.startswith("native/windows-x86_64/")]
        check([n for n, _ in found] == ["native/windows-x86_64/voipsign_jni.dll"], "jar carries native/windows-x86_64/voipsign_jni.dll")
        for n, d in found:
            pe("Java windows-x86_64", d, host["java"])
    composer(dist, v, "lib/windows-x86_64/voipsign.dll", lambda d: pe("PHP windows-x86_64", d, host["c"]))
    # The Linux targets' entries (their ELF files are run by the other tests).
    for jdir, elf in (("linux-aarch64", 183), ("linux-x86_64-musl", 62), ("linux-aarch64-musl", 183)):
        if jar:
            found = [(n, d) for n, d in members(jar) if n.startswith(f"native/{jdir}/")]
            check([n for n, _ in found] == [f"native/{jdir}/libvoipsign_jni.so"]
                  and int.from_bytes(found[0][1][18:20], "little") == elf, f"jar carries native/{jdir}/libvoipsign_jni.so (ELF machine {elf})")
        composer(dist, v, f"lib/{jdir}/libvoipsign.so",
                 lambda d, elf=elf, jdir=jdir: check(int.from_bytes(d[18:20], "little") == elf, f"PHP {jdir}: ELF machine {elf}"))
    for plat, cpu in (("linux-arm64-gnu", "arm64"), ("linux-x64-musl", "x64"), ("linux-arm64-musl", "arm64")):
        npm_pkg(dist, v, plat, "linux", cpu, ["musl"] if "musl" in plat else ["glibc"], lambda d: None)
    go_module(dist, v, work)


def npm_pkg(dist, v, platform, os_, cpu, libc, each):
    path = f"{dist}/npm/voipsign-{platform}-{v}.tgz"
    check(os.path.exists(path), f"npm package voipsign-{platform}")
    if not os.path.exists(path):
        return
    with tarfile.open(path) as t:
        p = json.load(t.extractfile("package/package.json"))
    check(p.get("os") == [os_] and p.get("cpu") == [cpu] and p.get("libc") == libc,
          f"voipsign-{platform}: os {p.get('os')} cpu {p.get('cpu')} libc {p.get('libc')}")
    for n, d in members(path):
        each(d)
    with tarfile.open(f"{dist}/npm/voipsign-{v}.tgz") as t:
        main = json.load(t.extractfile("package/package.json"))
    check(f"voipsign-{platform}" in main.get("optionalDependencies", {}), f"voipsign lists voipsign-{platform} as an optional dependency")


def composer(dist, v, entry, each):
    with zipfile.ZipFile(f"{dist}/composer/voipsign-voipsign-{v}.zip") as z:
        names = z.namelist()
        check(entry in names, f"Composer zip carries {entry}")
        if entry in names:
            each(z.read(entry))


def go_module(dist, v, work):
    z = f"{dist}/go/github.com/voipsign/voipsign/bindings/go/@v/v{v}.zip"
    with zipfile.ZipFile(z) as zf:
        names = zf.namelist()
        cgo = zf.read(f"github.com/voipsign/voipsign/bindings/go@v{v}/cgo_dist.go").decode()
    for d, cons in (("linux_amd64", "linux,amd64,!voipsign_musl"), ("linux_arm64", "linux,arm64,!voipsign_musl"),
                    ("linux_amd64_musl", "linux,amd64,voipsign_musl"), ("linux_arm64_musl", "linux,arm64,voipsign_musl"),
                    ("darwin_arm64", "darwin,arm64"), ("darwin_amd64", "darwin,amd64"), ("windows_amd64", "windows,amd64")):
        check(any(n.endswith(f"/lib/{d}/libvoipsign.a") for n in names) and f"#cgo {cons} LDFLAGS: ${{SRCDIR}}/lib/{d}/libvoipsign.a" in cgo,
              f"Go module: lib/{d}/libvoipsign.a and its cgo line ({cons})")


def main():
    if sys.argv[1] == "static":
        static(sys.argv[2:])
    else:
        main_dist(sys.argv[2], sys.argv[3])
    if FAIL:
        print(f"check-foreign: {len(FAIL)} failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
