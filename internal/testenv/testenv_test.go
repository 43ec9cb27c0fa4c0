package testenv

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exe writes an executable stub at path.
func exe(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func TestFindKubectl(t *testing.T) {
	tests := []struct {
		name    string
		version string
		// setup lays out files under root; PATH is root/path.
		setup   func(t *testing.T, root string)
		want    string // relative to root; "" means not found
		wantErr string
	}{
		{
			name:    "default on PATH",
			version: "",
			setup: func(t *testing.T, root string) {
				exe(t, filepath.Join(root, "path/kubectl"))
				exe(t, filepath.Join(root, "bin/kubectl"))
			},
			want: "path/kubectl",
		},
		{
			name:    "default in bin, linked to the default version",
			version: "",
			setup: func(t *testing.T, root string) {
				exe(t, filepath.Join(root, "bin/kubectl.1.32"))
				symlink(t, "kubectl.1.32", filepath.Join(root, "bin/kubectl"))
			},
			want: "bin/kubectl",
		},
		{
			name:    "version on PATH wins over bin",
			version: "1.27",
			setup: func(t *testing.T, root string) {
				exe(t, filepath.Join(root, "path/kubectl.1.27"))
				exe(t, filepath.Join(root, "bin/kubectl.1.27"))
			},
			want: "path/kubectl.1.27",
		},
		{
			name:    "version beside the real kubectl",
			version: "1.28",
			setup: func(t *testing.T, root string) {
				exe(t, filepath.Join(root, "sdk/kubectl"))
				exe(t, filepath.Join(root, "sdk/kubectl.1.28"))
				symlink(t, filepath.Join(root, "sdk/kubectl"), filepath.Join(root, "path/kubectl"))
				exe(t, filepath.Join(root, "bin/kubectl.1.28"))
			},
			want: "sdk/kubectl.1.28",
		},
		{
			name:    "version in bin without any kubectl on PATH",
			version: "1.33",
			setup: func(t *testing.T, root string) {
				exe(t, filepath.Join(root, "bin/kubectl.1.33"))
			},
			want: "bin/kubectl.1.33",
		},
		{
			name:    "version in bin with another kubectl on PATH",
			version: "1.33",
			setup: func(t *testing.T, root string) {
				exe(t, filepath.Join(root, "path/kubectl"))
				exe(t, filepath.Join(root, "bin/kubectl.1.33"))
			},
			want: "bin/kubectl.1.33",
		},
		{
			name:    "not executable is not found",
			version: "1.27",
			setup: func(t *testing.T, root string) {
				if err := os.MkdirAll(filepath.Join(root, "bin"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(root, "bin/kubectl.1.27"), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			},
			wantErr: "kubectl.1.27 not found (looked on PATH, in ROOT/bin): run hack/kubectl.sh 1.27 (or make tools)",
		},
		{
			name:    "version missing names the build command",
			version: "1.27",
			setup: func(t *testing.T, root string) {
				exe(t, filepath.Join(root, "path/kubectl"))
			},
			wantErr: "kubectl.1.27 not found (looked on PATH, in ROOT/path, in ROOT/bin): run hack/kubectl.sh 1.27",
		},
		{
			name:    "default missing names the default version",
			version: "",
			setup:   func(t *testing.T, root string) {},
			wantErr: "kubectl not found (looked on PATH, in ROOT/bin): run hack/kubectl.sh " + DefaultKubectl,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, err := filepath.EvalSymlinks(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Join(root, "path"), 0o755); err != nil {
				t.Fatal(err)
			}
			t.Setenv("PATH", filepath.Join(root, "path"))
			tt.setup(t, root)

			got, err := FindKubectl(tt.version, filepath.Join(root, "bin"))
			if tt.wantErr != "" {
				want := strings.ReplaceAll(tt.wantErr, "ROOT", root)
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("FindKubectl(%q) = %q, %v; want error containing %q", tt.version, got, err, want)
				}
				return
			}
			if want := filepath.Join(root, tt.want); err != nil || got != want {
				t.Fatalf("FindKubectl(%q) = %q, %v; want %q", tt.version, got, err, want)
			}
		})
	}
}

func TestRepoRoot(t *testing.T) {
	root := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("repo/go.mod", "// spar\nmodule "+Module+"\n\ngo 1.26\n")
	write("repo/examples/go.mod", "module example.com/other\n")
	write("repo/examples/app/x.go", "package app\n")
	write("quoted/go.mod", "module \""+Module+"\"\n")
	write("outside/x.go", "package x\n")

	tests := []struct {
		dir     string
		want    string
		wantErr error
	}{
		{"repo", "repo", nil},
		{"repo/examples/app", "repo", nil}, // passes over the nested module
		{"quoted", "quoted", nil},
		{"outside", "", ErrNoRepo},
	}
	for _, tt := range tests {
		got, err := RepoRoot(filepath.Join(root, tt.dir))
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("RepoRoot(%s) = %q, %v; want %v", tt.dir, got, err, tt.wantErr)
			}
			continue
		}
		if want := filepath.Join(root, tt.want); err != nil || got != want {
			t.Errorf("RepoRoot(%s) = %q, %v; want %q", tt.dir, got, err, want)
		}
	}

	// The package's own directory is inside this repository.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	got, err := RepoRoot(wd)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Dir(filepath.Dir(wd)); got != want {
		t.Errorf("RepoRoot(%s) = %q; want %q", wd, got, want)
	}
}
