// Package testenv finds the external components tests need (kubectl,
// containerd, nftables) and applies the project's rule for missing ones:
// under CI (CI=true) a missing component fails the test, elsewhere it skips
// the test with a message saying exactly what is missing. It also has what
// benchmarks across packages share (CPUTime).
package testenv

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Module is the module path that marks the repository root.
const Module = "github.com/spar-dev/spar"

// DefaultKubectl is the kubectl minor version that hack/kubectl.sh builds as
// the default kubectl (.bin/kubectl).
const DefaultKubectl = "1.32"

// InCI reports whether the tests run in CI, where every component the
// repository's scripts install must be present.
func InCI() bool { return os.Getenv("CI") == "true" }

// Missing fails the test in CI and skips it elsewhere, with msg.
func Missing(t testing.TB, msg string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s (CI=true: required)", msg)
	}
	t.Skip(msg)
}

// LookPath returns the path of the named binary, or fails/skips the test.
func LookPath(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name+" is not on PATH: "+err.Error())
	}
	return p
}

// Kubectl returns the path of kubectl for version ("" for the default, or
// "1.27" … "1.33"), or fails/skips the test. See FindKubectl for where it
// looks; the repository's .bin is the one hack/kubectl.sh fills.
func Kubectl(t testing.TB, version string) string {
	t.Helper()
	bin := ""
	if wd, err := os.Getwd(); err == nil {
		if root, err := RepoRoot(wd); err == nil {
			bin = filepath.Join(root, ".bin")
		}
	}
	p, err := FindKubectl(version, bin)
	if err != nil {
		Missing(t, err.Error())
	}
	return p
}

// FindKubectl returns the path of kubectl for version. The default ("") is
// kubectl on PATH, else binDir/kubectl. Version v is kubectl.<v> on PATH,
// else beside the real kubectl that PATH's kubectl links to (where packages
// that ship several versions put them), else binDir/kubectl.<v>. PATH comes
// first so that installed binaries win over built ones. An empty binDir is
// not searched.
func FindKubectl(version, binDir string) (string, error) {
	name := "kubectl"
	if version != "" {
		name += "." + version
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	where := "on PATH"
	if version != "" {
		if def, err := exec.LookPath("kubectl"); err == nil {
			if real, err := filepath.EvalSymlinks(def); err == nil {
				dir := filepath.Dir(real)
				if p, err := exec.LookPath(filepath.Join(dir, name)); err == nil {
					return p, nil
				}
				where += ", in " + dir
			}
		}
	}
	if binDir != "" {
		if p, err := exec.LookPath(filepath.Join(binDir, name)); err == nil {
			return p, nil
		}
		where += ", in " + binDir
	}
	build := version
	if build == "" {
		build = DefaultKubectl
	}
	return "", fmt.Errorf("%s not found (looked %s): run hack/kubectl.sh %s (or make tools) to build it", name, where, build)
}

// ErrNoRepo is returned by RepoRoot outside the repository.
var ErrNoRepo = errors.New("testenv: not inside the " + Module + " repository")

// RepoRoot returns the repository root: the nearest directory at or above
// dir whose go.mod declares Module. Other modules on the way (examples,
// throwaway build modules) are passed over.
func RepoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if modulePath(filepath.Join(dir, "go.mod")) == Module {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ErrNoRepo
		}
		dir = parent
	}
}

// modulePath returns the module path a go.mod declares, or "" if the file
// is missing or declares none.
func modulePath(gomod string) string {
	f, err := os.Open(gomod)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`+"`")
		}
	}
	return ""
}
