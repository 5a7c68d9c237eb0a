// Command modproxy writes one version of a Go module as a module proxy serves it
// (the GOPROXY protocol on disk, usable as GOPROXY=file:///path):
//
//	<out>/<escaped module path>/@v/list          the versions, one a line
//	<out>/<escaped module path>/@v/<v>.info      {"Version":"<v>","Time":"..."}
//	<out>/<escaped module path>/@v/<v>.mod       the go.mod
//	<out>/<escaped module path>/@v/<v>.zip       the module zip (golang.org/x/mod/zip)
//
// Usage: modproxy -dir MODULE_DIR -module PATH -version vX.Y.Z -out PROXY_DIR [-time RFC3339]
//
// The zip is made by golang.org/x/mod/zip, the code the go command verifies zips
// with, so its file set, prefixes and size limits are those `go get` expects.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	modzip "golang.org/x/mod/zip"
)

func main() {
	dir := flag.String("dir", "", "the module's root directory (holds go.mod)")
	path := flag.String("module", "", "the module path")
	version := flag.String("version", "", "the version, vX.Y.Z")
	out := flag.String("out", "", "the proxy directory to write into")
	when := flag.String("time", "", "the version's time (RFC 3339; default: now)")
	flag.Parse()
	if *dir == "" || *path == "" || *version == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*dir, *path, *version, *out, *when); err != nil {
		fmt.Fprintln(os.Stderr, "modproxy:", err)
		os.Exit(1)
	}
}

func run(dir, path, version, out, when string) error {
	mv := module.Version{Path: path, Version: version}
	if err := module.Check(path, version); err != nil {
		return err
	}
	if semver.Canonical(version) != version {
		return fmt.Errorf("version %s is not canonical semver", version)
	}
	t := time.Now().UTC()
	if when != "" {
		var err error
		if t, err = time.Parse(time.RFC3339, when); err != nil {
			return err
		}
	}
	esc, err := module.EscapePath(path)
	if err != nil {
		return err
	}
	vdir := filepath.Join(out, filepath.FromSlash(esc), "@v")
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		return err
	}
	escv, err := module.EscapeVersion(version)
	if err != nil {
		return err
	}

	// The zip first: CheckDir reports the files x/mod/zip would leave out or refuse.
	check, err := modzip.CheckDir(dir)
	if err != nil {
		return fmt.Errorf("%s: %v", dir, err)
	}
	for _, f := range check.Omitted {
		fmt.Fprintf(os.Stderr, "modproxy: omitted %s (%v)\n", f.Path, f.Err)
	}
	zf, err := os.Create(filepath.Join(vdir, escv+".zip"))
	if err != nil {
		return err
	}
	if err := modzip.CreateFromDir(zf, mv, dir); err != nil {
		zf.Close()
		return err
	}
	if err := zf.Close(); err != nil {
		return err
	}

	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(vdir, escv+".mod"), gomod, 0o644); err != nil {
		return err
	}
	info, err := json.Marshal(struct {
		Version string
		Time    string
	}{version, t.Format(time.RFC3339)})
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(vdir, escv+".info"), append(info, '\n'), 0o644); err != nil {
		return err
	}

	// @v/list: every version with a .info file, in semver order.
	entries, err := os.ReadDir(vdir)
	if err != nil {
		return err
	}
	var versions []string
	for _, e := range entries {
		if v, ok := strings.CutSuffix(e.Name(), ".info"); ok {
			versions = append(versions, v)
		}
	}
	sort.Slice(versions, func(i, j int) bool { return semver.Compare(versions[i], versions[j]) < 0 })
	return os.WriteFile(filepath.Join(vdir, "list"), []byte(strings.Join(versions, "\n")+"\n"), 0o644)
}
