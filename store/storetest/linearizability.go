package storetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/spar-dev/spar/store"
)

// RunLinearizability has concurrent clients do random Create, Get, Update
// and Delete calls (conditional and not) on a few keys, records each call's
// invocation and response times, and checks the history with porcupine
// against the sequential specification of one key: state (exists, value,
// CreateRevision, ModRevision). Keys are independent partitions; the one
// global revision is checked on top: successful writes have distinct
// revisions, ordered as the writes were in real time.
//
// On failure the porcupine visualization is written to an HTML file whose
// path is in the message (under os.TempDir, so it outlives the test).
func RunLinearizability(t *testing.T, f Factory) {
	s, _ := open(t, f)
	t.Run("OneKey", func(t *testing.T) { runLinearizability(t, s, "/registry/storetest-lin/one/", 1, 6, 50) })
	t.Run("ThreeKeys", func(t *testing.T) { runLinearizability(t, s, "/registry/storetest-lin/three/", 3, 6, 60) })
}

type linKind uint8

const (
	linGet linKind = iota
	linCreate
	linUpdate
	linDelete
)

func (k linKind) String() string {
	return [...]string{"get", "create", "update", "delete"}[k]
}

// linInput is the call of one operation.
type linInput struct {
	Kind     linKind
	Key      string
	Value    string // Create and Update
	Expected int64  // Update and Delete
}

type linResult uint8

const (
	resOK linResult = iota
	resNotFound
	resExists
	resConflict
)

func (r linResult) String() string {
	return [...]string{"ok", "not found", "exists", "conflict"}[r]
}

// linOutput is the response of one operation: the returned KV on success,
// ConflictError.Current on a conflict, nothing otherwise.
type linOutput struct {
	Result    linResult
	Value     string
	CreateRev int64
	ModRev    int64
}

// linState is the sequential state of one key. A deleted key keeps the
// revision of its delete: a later create must get a higher one.
type linState struct {
	Exists    bool
	Value     string
	CreateRev int64
	ModRev    int64
}

// linStep is the sequential specification of the store for one key.
func linStep(st linState, in linInput, out linOutput) (bool, linState) {
	current := out.Value == st.Value && out.CreateRev == st.CreateRev && out.ModRev == st.ModRev
	switch in.Kind {
	case linGet:
		if !st.Exists {
			return out.Result == resNotFound, st
		}
		return out.Result == resOK && current, st
	case linCreate:
		if st.Exists {
			return out.Result == resExists, st
		}
		ok := out.Result == resOK && out.ModRev > st.ModRev && out.CreateRev == out.ModRev && out.Value == in.Value
		return ok, linState{Exists: true, Value: in.Value, CreateRev: out.ModRev, ModRev: out.ModRev}
	case linUpdate, linDelete:
		if !st.Exists {
			return out.Result == resNotFound, st
		}
		if in.Expected > 0 && in.Expected != st.ModRev {
			return out.Result == resConflict && current, st
		}
		if out.Result != resOK || out.ModRev <= st.ModRev || out.CreateRev != st.CreateRev {
			return false, st
		}
		if in.Kind == linDelete {
			// Delete returns the last value.
			return out.Value == st.Value, linState{ModRev: out.ModRev}
		}
		return out.Value == in.Value, linState{Exists: true, Value: in.Value, CreateRev: st.CreateRev, ModRev: out.ModRev}
	}
	return false, st
}

// linModel is the porcupine model: one partition per key.
var linModel = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string][]porcupine.Operation{}
		var keys []string
		for _, op := range history {
			k := op.Input.(linInput).Key
			if _, ok := byKey[k]; !ok {
				keys = append(keys, k)
			}
			byKey[k] = append(byKey[k], op)
		}
		out := make([][]porcupine.Operation, 0, len(keys))
		for _, k := range keys {
			out = append(out, byKey[k])
		}
		return out
	},
	Init: func() any { return linState{} },
	Step: func(state, input, output any) (bool, any) {
		return linStep(state.(linState), input.(linInput), output.(linOutput))
	},
	DescribeOperation: func(input, output any) string {
		in, out := input.(linInput), output.(linOutput)
		call := fmt.Sprintf("%s(%s", in.Kind, in.Key)
		if in.Kind == linCreate || in.Kind == linUpdate {
			call += fmt.Sprintf(", %q", in.Value)
		}
		if in.Kind == linUpdate || in.Kind == linDelete {
			call += fmt.Sprintf(", expected %d", in.Expected)
		}
		ret := out.Result.String()
		if out.Result == resOK || out.Result == resConflict {
			ret += fmt.Sprintf(" %q create=%d mod=%d", out.Value, out.CreateRev, out.ModRev)
		}
		return call + ") → " + ret
	},
	DescribeState: func(state any) string {
		st := state.(linState)
		if !st.Exists {
			return fmt.Sprintf("absent (last revision %d)", st.ModRev)
		}
		return fmt.Sprintf("%q create=%d mod=%d", st.Value, st.CreateRev, st.ModRev)
	},
}

// linOutcome turns a store call's result into an output, or returns the
// error if it is none of the contract's outcomes.
func linOutcome(kv store.KV, err error) (linOutput, error) {
	var ce *store.ConflictError
	switch {
	case err == nil:
		return linOutput{Result: resOK, Value: string(kv.Value), CreateRev: kv.CreateRevision, ModRev: kv.ModRevision}, nil
	case errors.As(err, &ce):
		c := ce.Current
		return linOutput{Result: resConflict, Value: string(c.Value), CreateRev: c.CreateRevision, ModRev: c.ModRevision}, nil
	case errors.Is(err, store.ErrConflict):
		return linOutput{}, fmt.Errorf("%w (ErrConflict without a *store.ConflictError)", err)
	case errors.Is(err, store.ErrNotFound):
		return linOutput{Result: resNotFound}, nil
	case errors.Is(err, store.ErrExists):
		return linOutput{Result: resExists}, nil
	}
	return linOutput{}, err
}

func runLinearizability(t *testing.T, s store.Store, base string, nkeys, clients, opsEach int) {
	ctx := t.Context()
	keys := make([]string, nkeys)
	for i := range keys {
		keys[i] = fmt.Sprintf("%sk%d", base, i)
	}
	start := time.Now()
	var (
		mu  sync.Mutex
		ops []porcupine.Operation
		wg  sync.WaitGroup
	)
	for c := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), uint64(nkeys)))
			seen := map[string]int64{} // the last ModRevision this client saw per key
			for i := range opsEach {
				key := keys[rng.IntN(len(keys))]
				in := linInput{Key: key, Value: fmt.Sprintf("c%d-%d", c, i)}
				// Mostly the revision this client saw last, sometimes
				// unconditional, sometimes surely stale.
				switch r := rng.IntN(10); {
				case r < 6:
					in.Expected = seen[key]
				case r < 8:
					in.Expected = 0
				default:
					in.Expected = max(seen[key]-1, 1)
				}
				var kv store.KV
				var err error
				call := time.Since(start).Nanoseconds()
				switch r := rng.IntN(10); {
				case r < 2:
					in.Kind = linCreate
					kv, err = s.Create(ctx, key, []byte(in.Value))
				case r < 4:
					in.Kind = linGet
					kv, err = s.Get(ctx, key)
				case r < 8:
					in.Kind = linUpdate
					kv, err = s.Update(ctx, key, []byte(in.Value), in.Expected)
				default:
					in.Kind = linDelete
					kv, err = s.Delete(ctx, key, in.Expected)
				}
				ret := time.Since(start).Nanoseconds()
				out, err := linOutcome(kv, err)
				if err != nil {
					t.Errorf("client %d: %s(%q): %v", c, in.Kind, key, err)
					return
				}
				if out.Result == resOK || out.Result == resConflict {
					seen[key] = out.ModRev
				}
				mu.Lock()
				ops = append(ops, porcupine.Operation{ClientId: c, Input: in, Call: call, Output: out, Return: ret})
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return // an operation with an unknown outcome makes the history meaningless
	}
	if err := checkHistory(ops, time.Minute); err != nil {
		t.Error(err)
	}
}

// checkHistory checks a history of operations: per key with porcupine, and
// the global revision order of the writes.
func checkHistory(ops []porcupine.Operation, timeout time.Duration) error {
	if err := checkRevisionOrder(ops); err != nil {
		return err
	}
	res, info := porcupine.CheckOperationsVerbose(linModel, ops, timeout)
	switch res {
	case porcupine.Ok:
		return nil
	case porcupine.Unknown:
		return fmt.Errorf("the linearizability check of %d operations did not finish within %v", len(ops), timeout)
	}
	e := &nonLinearizableError{ops: len(ops)}
	dir, err := os.MkdirTemp("", "storetest-linearizability-")
	if err == nil {
		e.visualization = filepath.Join(dir, "history.html")
		err = porcupine.VisualizePath(linModel, info, e.visualization)
	}
	e.visualizationErr = err
	return e
}

// nonLinearizableError is checkHistory's error for a history porcupine
// rejects. It names the HTML file that shows the history and the longest
// partial linearizations found.
type nonLinearizableError struct {
	ops              int
	visualization    string
	visualizationErr error
}

func (e *nonLinearizableError) Error() string {
	msg := fmt.Sprintf("the history of %d operations is not linearizable", e.ops)
	if e.visualizationErr != nil {
		return fmt.Sprintf("%s (writing the visualization failed: %v)", msg, e.visualizationErr)
	}
	return fmt.Sprintf("%s; open %s to see it", msg, e.visualization)
}

// checkRevisionOrder checks the one global revision across keys: every
// successful write has its own revision, and a write that returned before
// another one was called has the lower revision.
func checkRevisionOrder(ops []porcupine.Operation) error {
	var writes []porcupine.Operation
	byRev := map[int64]porcupine.Operation{}
	for _, op := range ops {
		in, out := op.Input.(linInput), op.Output.(linOutput)
		if in.Kind == linGet || out.Result != resOK {
			continue
		}
		if prev, dup := byRev[out.ModRev]; dup {
			return fmt.Errorf("two writes got revision %d: %s and %s", out.ModRev,
				linModel.DescribeOperation(prev.Input, prev.Output), linModel.DescribeOperation(op.Input, op.Output))
		}
		byRev[out.ModRev] = op
		writes = append(writes, op)
	}
	for _, a := range writes {
		for _, b := range writes {
			ra, rb := a.Output.(linOutput).ModRev, b.Output.(linOutput).ModRev
			if a.Return < b.Call && ra > rb {
				return fmt.Errorf("%s returned before %s was called, but got the higher revision",
					linModel.DescribeOperation(a.Input, a.Output), linModel.DescribeOperation(b.Input, b.Output))
			}
		}
	}
	return nil
}
