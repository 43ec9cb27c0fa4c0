// Package testenv finds the external components tests need (kubectl,
// containerd, nftables) and applies the project's rule for missing ones:
// under CI (CI=true) a missing component fails the test, elsewhere it skips
// the test with a message saying exactly what is missing.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

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

// Kubectl returns the path of kubectl for version ("" for the default on
// PATH, or "1.27" … "1.33"). Versioned binaries are named kubectl.<version>
// and live beside the real kubectl that the one on PATH links to.
func Kubectl(t testing.TB, version string) string {
	t.Helper()
	def := LookPath(t, "kubectl")
	if version == "" {
		return def
	}
	name := "kubectl." + version
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	real, err := filepath.EvalSymlinks(def)
	if err == nil {
		p := filepath.Join(filepath.Dir(real), name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	Missing(t, name+" is neither on PATH nor beside "+def)
	return ""
}
