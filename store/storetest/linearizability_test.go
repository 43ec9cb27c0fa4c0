package storetest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
)

// op builds one operation of a hand-made history.
func op(client int, call, ret int64, in linInput, out linOutput) porcupine.Operation {
	return porcupine.Operation{ClientId: client, Input: in, Call: call, Output: out, Return: ret}
}

// The helpers below build inputs and outputs on one key.
const hKey = "/registry/k"

var hGet = linInput{Kind: linGet, Key: hKey}

func hCreate(v string) linInput { return linInput{Kind: linCreate, Key: hKey, Value: v} }
func hUpdate(v string, exp int64) linInput {
	return linInput{Kind: linUpdate, Key: hKey, Value: v, Expected: exp}
}
func hDelete(exp int64) linInput { return linInput{Kind: linDelete, Key: hKey, Expected: exp} }
func hOK(v string, c, m int64) linOutput {
	return linOutput{Result: resOK, Value: v, CreateRev: c, ModRev: m}
}
func hConflict(v string, c, m int64) linOutput {
	return linOutput{Result: resConflict, Value: v, CreateRev: c, ModRev: m}
}
func hFail(r linResult) linOutput { return linOutput{Result: r} }

// TestCheckHistory feeds the checker hand-made histories, so that the
// linearizability check cannot silently accept everything (or nothing).
func TestCheckHistory(t *testing.T) {
	cases := []struct {
		name    string
		history []porcupine.Operation
		wantOK  bool
		// viaOrder: rejected by the global revision-order check, not
		// by porcupine (which writes a visualization).
		viaOrder bool
	}{
		{"sequential create get update delete", []porcupine.Operation{
			op(0, 0, 10, hCreate("a"), hOK("a", 5, 5)),
			op(1, 20, 30, hGet, hOK("a", 5, 5)),
			op(0, 40, 50, hUpdate("b", 5), hOK("b", 5, 6)),
			op(1, 60, 70, hUpdate("c", 5), hConflict("b", 5, 6)),
			op(0, 80, 90, hDelete(6), hOK("b", 5, 7)),
			op(1, 100, 110, hGet, hFail(resNotFound)),
			op(0, 120, 130, hCreate("d"), hOK("d", 8, 8)),
		}, true, false},
		{"a read concurrent with an update may see either value", []porcupine.Operation{
			op(0, 0, 10, hCreate("a"), hOK("a", 5, 5)),
			op(0, 20, 50, hUpdate("b", 0), hOK("b", 5, 6)),
			op(1, 25, 30, hGet, hOK("a", 5, 5)),
			op(2, 26, 60, hGet, hOK("b", 5, 6)),
		}, true, false},
		{"a read after a completed create misses it", []porcupine.Operation{
			op(0, 0, 10, hCreate("a"), hOK("a", 5, 5)),
			op(1, 20, 30, hGet, hFail(resNotFound)),
		}, false, false},
		{"stale read after a completed update", []porcupine.Operation{
			op(0, 0, 10, hCreate("a"), hOK("a", 5, 5)),
			op(0, 20, 30, hUpdate("b", 5), hOK("b", 5, 6)),
			op(1, 40, 50, hGet, hOK("a", 5, 5)),
		}, false, false},
		{"two updates with one expected revision both succeed", []porcupine.Operation{
			op(0, 0, 10, hCreate("a"), hOK("a", 5, 5)),
			op(1, 20, 40, hUpdate("b", 5), hOK("b", 5, 6)),
			op(2, 21, 41, hUpdate("c", 5), hOK("c", 5, 7)),
		}, false, false},
		{"create of an existing key succeeds", []porcupine.Operation{
			op(0, 0, 10, hCreate("a"), hOK("a", 5, 5)),
			op(1, 20, 30, hCreate("b"), hOK("b", 6, 6)),
		}, false, false},
		{"re-create reuses an old revision", []porcupine.Operation{
			op(0, 0, 10, hCreate("a"), hOK("a", 5, 5)),
			op(0, 20, 30, hDelete(0), hOK("a", 5, 6)),
			op(0, 40, 50, hCreate("b"), hOK("b", 4, 4)),
		}, false, true},
		{"conflict reports a state that never existed", []porcupine.Operation{
			op(0, 0, 10, hCreate("a"), hOK("a", 5, 5)),
			op(1, 20, 30, hUpdate("b", 3), hConflict("z", 5, 5)),
		}, false, false},
		{"delete returns a value that was not the last", []porcupine.Operation{
			op(0, 0, 10, hCreate("a"), hOK("a", 5, 5)),
			op(0, 20, 30, hUpdate("b", 0), hOK("b", 5, 6)),
			op(0, 40, 50, hDelete(0), hOK("a", 5, 7)),
		}, false, false},
		{"two writes share a revision across keys", []porcupine.Operation{
			op(0, 0, 10, hCreate("a"), hOK("a", 5, 5)),
			op(1, 0, 10, linInput{Kind: linCreate, Key: "/registry/other", Value: "x"}, hOK("x", 5, 5)),
		}, false, true},
		{"revisions out of real-time order across keys", []porcupine.Operation{
			op(0, 0, 10, hCreate("a"), hOK("a", 6, 6)),
			op(1, 20, 30, linInput{Kind: linCreate, Key: "/registry/other", Value: "x"}, hOK("x", 5, 5)),
		}, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := checkHistory(tc.history, 10*time.Second)
			if gotOK := err == nil; gotOK != tc.wantOK {
				t.Errorf("checkHistory: err = %v, want linearizable %v", err, tc.wantOK)
			}
			var nl *nonLinearizableError
			if got := errors.As(err, &nl); got != (!tc.wantOK && !tc.viaOrder) {
				t.Errorf("checkHistory: err = %v; rejected by porcupine: %v, want %v", err, got, !tc.wantOK && !tc.viaOrder)
			}
			if nl != nil {
				// The visualization of a rejected history was written.
				if fi, serr := os.Stat(nl.visualization); serr != nil || fi.Size() == 0 {
					t.Errorf("visualization %q: %v (%v)", nl.visualization, serr, nl.visualizationErr)
				}
				os.RemoveAll(filepath.Dir(nl.visualization))
			}
		})
	}
}
