#!/usr/bin/env bash
# Builds the real kubectl binaries the tests run, from the Go module proxy,
# into <repo>/.bin (found there by internal/testenv.Kubectl).
#
#   hack/kubectl.sh [--if-missing] [--force] VERSION...
#
# VERSION is a minor version (1.27) or an exact release (1.27.3); a minor
# version builds the newest patch release of k8s.io/kubectl v0.<minor> that
# the module proxy serves. Each build lands in .bin/kubectl.<minor>; the
# default version (1.32) is also linked as .bin/kubectl. A binary already in
# .bin is kept unless --force is given.
#
# --if-missing skips every version the tests can already find: kubectl.<minor>
# on PATH or beside the real kubectl that PATH's kubectl links to (for the
# default version: any kubectl on PATH), the same search as testenv.Kubectl.
# `make tools` runs it that way, so a machine with kubectl installed builds
# nothing.
#
# Each version is built in a throwaway module under
# ${XDG_CACHE_HOME:-$HOME/.cache}/spar/kubectl-src/<minor>, outside the spar
# module, so spar's go.mod never sees kubectl's dependencies. It needs only
# Go and the module proxy. Environment: GO (default go).
set -euo pipefail

readonly default_minor=1.32

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$repo/.bin"
src_root="${XDG_CACHE_HOME:-$HOME/.cache}/spar/kubectl-src"
GO="${GO:-go}"

if_missing=false
force=false
versions=()
for arg in "$@"; do
	case "$arg" in
	--if-missing) if_missing=true ;;
	--force) force=true ;;
	-h | --help)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	1.[0-9]* | v1.[0-9]*) versions+=("${arg#v}") ;;
	*)
		echo "kubectl.sh: unknown argument $arg (want a version such as 1.27 or 1.27.3)" >&2
		exit 2
		;;
	esac
done
if [[ ${#versions[@]} -eq 0 ]]; then
	echo "usage: hack/kubectl.sh [--if-missing] [--force] VERSION..." >&2
	exit 2
fi

# found reports whether the tests already find kubectl <minor> outside .bin.
found() {
	local minor=$1 def real
	def="$(command -v kubectl || true)"
	if [[ $minor == "$default_minor" && -n $def ]]; then
		return 0
	fi
	if command -v "kubectl.$minor" >/dev/null; then
		return 0
	fi
	if [[ -n $def ]]; then
		real="$(readlink -f "$def")"
		[[ -e "$(dirname "$real")/kubectl.$minor" ]] && return 0
	fi
	return 1
}

# resolve prints the module version (v0.<minor>.<patch>) for a version
# argument: the newest patch release the proxy serves, or the exact one asked.
resolve() {
	local want=$1 minor v
	if [[ $want =~ ^1\.([0-9]+)\.([0-9]+)$ ]]; then
		echo "v0.${BASH_REMATCH[1]}.${BASH_REMATCH[2]}"
		return
	fi
	minor="${want#1.}"
	mkdir -p "$src_root"
	# Asked outside any module, so that spar's go.mod plays no part.
	v="$(cd "$src_root" && GOWORK=off GOFLAGS=-buildvcs=false "$GO" list -m -versions k8s.io/kubectl |
		tr ' ' '\n' | grep -E "^v0\.${minor}\.[0-9]+$" | sort -V | tail -n 1 || true)"
	if [[ -z $v ]]; then
		echo "kubectl.sh: the module proxy serves no release of k8s.io/kubectl v0.$minor" >&2
		return 1
	fi
	echo "$v"
}

build() {
	local want=$1 minor modver release dir out start
	if [[ ! $want =~ ^1\.[0-9]+(\.[0-9]+)?$ ]]; then
		echo "kubectl.sh: bad version $want" >&2
		return 2
	fi
	minor="$(echo "$want" | cut -d. -f1,2)"
	out="$bin/kubectl.$minor"
	if $if_missing && found "$minor"; then
		echo "kubectl $minor: found outside .bin, not building"
		return
	fi
	if [[ -x $out ]] && ! $force; then
		echo "kubectl $minor: $out exists"
		link_default "$minor"
		return
	fi

	start=$SECONDS
	modver="$(resolve "$want")"
	release="v1.${modver#v0.}" # v1.<minor>.<patch>
	dir="$src_root/$minor"
	echo "kubectl $minor: building $release (k8s.io/kubectl $modver) in $dir"
	mkdir -p "$dir" "$bin"

	(
		cd "$dir"
		# One build per version at a time (make -j, two checkouts).
		if command -v flock >/dev/null; then
			exec 9>"$dir/.lock"
			flock 9
		fi
		# GOFLAGS is reset so that a caller's flags (-race, -tags, -mod) do
		# not leak into kubectl's build.
		export GOWORK=off GOFLAGS=-buildvcs=false GOTOOLCHAIN=local
		# The module is regenerated every time so that it always matches the
		# version asked for; go.sum is kept to save look-ups.
		rm -f go.mod main.go
		printf 'module spar.invalid/kubectl\n\ngo 1.22\n' >go.mod
		"$GO" get "k8s.io/kubectl@$modver"

		# From 1.34 kubectl's main sets the klog verbosity before building the
		# command tree (so that klog works while reading kuberc); releases that
		# have cmd.GetLogVerbosity get the same start.
		local pkgdir verbosity=""
		pkgdir="$("$GO" list -m -f '{{.Dir}}' k8s.io/kubectl)/pkg/cmd"
		if grep -qs '^func GetLogVerbosity(' "$pkgdir"/*.go; then
			verbosity=1
		fi
		write_main "$verbosity" >main.go
		"$GO" mod tidy
		echo "kubectl $minor: module ready after $((SECONDS - start))s, compiling"

		# The version variables upstream's hack/lib/version.sh sets: kubectl
		# version prints them and client-go builds the User-Agent
		# (kubectl/v1.x.y) from them. The commit is unknown here: empty.
		local ldflags="-s -w" pkg
		for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
			ldflags+=" -X $pkg.gitVersion=$release"
			ldflags+=" -X $pkg.gitMajor=1"
			ldflags+=" -X $pkg.gitMinor=${minor#1.}"
			ldflags+=" -X $pkg.gitCommit="
			ldflags+=" -X $pkg.gitTreeState=archive"
		done
		CGO_ENABLED=0 "$GO" build -trimpath -ldflags "$ldflags" -o "$out.tmp" .
	)
	mv -f "$out.tmp" "$out"
	echo "kubectl $minor: built $out ($release) in $((SECONDS - start))s"
	link_default "$minor"
}

# link_default makes .bin/kubectl point at the default version's binary.
link_default() {
	if [[ $1 == "$default_minor" ]]; then
		ln -sfn "kubectl.$1" "$bin/kubectl"
	fi
}

# write_main prints the main package: kubectl's root command run the way
# k8s.io/kubernetes/cmd/kubectl does, with the client auth plugins linked in.
write_main() {
	cat <<'EOF'
// Code generated by hack/kubectl.sh. DO NOT EDIT.

// Command kubectl is the upstream kubectl, built from its Go module.
package main

import (
EOF
	if [[ -n $1 ]]; then
		printf '\t"os"\n\n\t"k8s.io/component-base/logs"\n'
	fi
	cat <<'EOF'
	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
	"k8s.io/kubectl/pkg/cmd/util"

	// Registers the exec, OIDC and cloud auth providers kubeconfigs name.
	_ "k8s.io/client-go/plugin/pkg/client/auth"
)

func main() {
EOF
	if [[ -n $1 ]]; then
		printf '\t// klog is used while the command tree is built, before flags are parsed.\n'
		printf '\tlogs.GlogSetter(cmd.GetLogVerbosity(os.Args)) //nolint:errcheck\n'
	fi
	cat <<'EOF'
	if err := cli.RunNoErrOutput(cmd.NewDefaultKubectlCommand()); err != nil {
		util.CheckErr(err)
	}
}
EOF
}

for v in "${versions[@]}"; do
	build "$v"
done
