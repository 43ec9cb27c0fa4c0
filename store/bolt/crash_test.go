package bolt

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/spar-dev/spar/store"
)

// The crash test runs the test binary again as a child (TestMain sees
// crashChildEnv) that writes with several goroutines and prints every
// acknowledged write; the parent SIGKILLs it at a random moment and checks
// the file.
const crashChildEnv = "SPAR_BOLT_CRASH_CHILD"

// crashCheckpointEnv makes the child checkpoint after nearly every batch,
// so that kills land inside checkpoints too.
const crashCheckpointEnv = "SPAR_BOLT_CRASH_CHECKPOINTS"

func crashChildOptions() *Options {
	if os.Getenv(crashCheckpointEnv) == "" {
		return nil
	}
	return &Options{CheckpointSize: 8 << 10, CheckpointInterval: time.Millisecond}
}

const (
	crashWriters = 8
	crashKeys    = 4 // per writer
)

// ack is one acknowledged write as printed by the child:
// "<revision> <create|update|delete> <key> <value>".
type ack struct {
	rev   int64
	op    string
	key   string
	value string
}

func crashKey(writer, k int) string { return fmt.Sprintf("/registry/crash/w%02d-k%02d", writer, k) }

// crashChild writes until it is killed (or for at most a minute).
func crashChild(path string) {
	ctx := context.Background()
	s, err := Open(path, crashChildOptions())
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(2)
	}
	var out sync.Mutex
	print := func(rev int64, op, key, value string) {
		line := fmt.Sprintf("%d %s %s %s\n", rev, op, key, value)
		out.Lock()
		_, err := os.Stdout.WriteString(line) // one write: atomic on a pipe
		out.Unlock()
		if err != nil {
			os.Exit(3)
		}
	}
	deadline := time.Now().Add(time.Minute)
	var wg sync.WaitGroup
	for w := range crashWriters {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(w)))
			for i := 0; time.Now().Before(deadline); i++ {
				key := crashKey(w, rng.IntN(crashKeys))
				val := fmt.Sprintf("w%d-%d-%d", w, os.Getpid(), i)
				cur, err := s.Get(ctx, key)
				switch {
				case errors.Is(err, store.ErrNotFound):
					kv, err := s.Create(ctx, key, []byte(val))
					if err != nil {
						fmt.Fprintln(os.Stderr, "create:", err)
						os.Exit(4)
					}
					print(kv.ModRevision, "create", key, val)
				case err != nil:
					fmt.Fprintln(os.Stderr, "get:", err)
					os.Exit(4)
				case rng.IntN(5) == 0:
					kv, err := s.Delete(ctx, key, cur.ModRevision)
					if err != nil {
						fmt.Fprintln(os.Stderr, "delete:", err)
						os.Exit(4)
					}
					print(kv.ModRevision, "delete", key, "-")
				default:
					kv, err := s.Update(ctx, key, []byte(val), cur.ModRevision)
					if err != nil {
						fmt.Fprintln(os.Stderr, "update:", err)
						os.Exit(4)
					}
					print(kv.ModRevision, "update", key, val)
				}
			}
		})
	}
	wg.Wait()
	_ = s.Close()
	os.Exit(0)
}

// TestCrash kills a writing child at random moments. Rounds alternate
// between the default options and a checkpoint after nearly every batch;
// some rounds kill the child at a random time instead, which can land while
// it is still recovering from the previous kill, and leave the file to the
// next child's recovery before the test checks it.
func TestCrash(t *testing.T) {
	const rounds = 24
	path := filepath.Join(t.TempDir(), "crash.db")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 42))
	startRev := int64(1)
	var acks []ack // since the last check
	for round := range rounds {
		checkpoints := round%2 == 1
		if round%4 == 2 {
			// Kill at a random moment, possibly before the first ack.
			acks = append(acks, runCrashChild(t, path, 0, time.Duration(rng.IntN(40_000))*time.Microsecond, checkpoints)...)
			continue
		}
		// Kill after a random number of acknowledged writes, so the kill
		// lands while writes are in flight.
		killAfter := 1 + rng.IntN(400)
		got := runCrashChild(t, path, killAfter, 0, checkpoints)
		if len(got) < killAfter {
			t.Fatalf("round %d: child printed %d acks before dying, want >= %d", round, len(got), killAfter)
		}
		acks = append(acks, got...)
		startRev = verifyCrash(t, path, startRev, acks)
		acks = nil
	}
}

// runCrashChild runs one child on path, SIGKILLs it after killAfter acks or
// after killAt (whichever is set), and returns every ack it printed.
func runCrashChild(t *testing.T, path string, killAfter int, killAt time.Duration, checkpoints bool) []ack {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	if checkpoints {
		cmd.Env = append(cmd.Env, crashCheckpointEnv+"=1")
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	killed := false
	kill := func() {
		mu.Lock()
		defer mu.Unlock()
		if !killed {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Error(err)
			}
			killed = true
		}
	}
	if killAt > 0 {
		timer := time.AfterFunc(killAt, kill)
		defer timer.Stop()
	}
	var acks []ack
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 4 {
			t.Fatalf("bad line from child: %q", sc.Text())
		}
		rev, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			t.Fatalf("bad line from child: %q", sc.Text())
		}
		acks = append(acks, ack{rev, f[1], f[2], f[3]})
		if killAfter > 0 && len(acks) >= killAfter {
			kill()
		}
	}
	err = cmd.Wait()
	mu.Lock()
	defer mu.Unlock()
	if !killed {
		t.Fatalf("child ended before the kill: %v\n%s", err, stderr.String())
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child: %v, want killed\n%s", err, stderr.String())
	}
	return acks
}

// verifyCrash reopens the file after a kill and checks the acknowledged
// writes since startRev. It returns the revision the next round starts at.
func verifyCrash(t *testing.T, path string, startRev int64, acks []ack) int64 {
	t.Helper()
	ctx := context.Background()
	checkFile(t, path) // the file exactly as the kill left it
	s, err := Open(path, nil)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	head, _ := s.Revision(ctx)

	// Every change since the last round, in order and without holes.
	w, err := s.Watch(ctx, "/registry/", startRev)
	if err != nil {
		t.Fatal(err)
	}
	events := map[int64]store.Event{}
	if head > startRev {
		for i, ev := range receive(t, w, int(head-startRev)) {
			if want := startRev + 1 + int64(i); ev.KV.ModRevision != want {
				t.Fatalf("event %d at revision %d, want %d: hole in the revision sequence", i, ev.KV.ModRevision, want)
			}
			events[ev.KV.ModRevision] = ev
		}
	}
	w.Stop()

	wantType := map[string]store.EventType{"create": store.Added, "update": store.Modified, "delete": store.Deleted}
	for _, a := range acks {
		if a.rev > head {
			t.Fatalf("acknowledged revision %d of %s is above the reopened store's revision %d", a.rev, a.key, head)
		}
		ev, ok := events[a.rev]
		if !ok {
			t.Fatalf("acknowledged %s of %s at %d is not in the history", a.op, a.key, a.rev)
		}
		if ev.Type != wantType[a.op] || ev.KV.Key != a.key || (a.op != "delete" && string(ev.KV.Value) != a.value) {
			t.Fatalf("revision %d holds %v %s=%q, want the acknowledged %s %s=%q", a.rev, ev.Type, ev.KV.Key, ev.KV.Value, a.op, a.key, a.value)
		}
		// The write is also what a list at its revision shows.
		res, err := s.List(ctx, a.key, store.ListOptions{Revision: a.rev})
		if err != nil {
			t.Fatal(err)
		}
		if a.op == "delete" {
			if len(res.Items) != 0 {
				t.Fatalf("list of deleted %s at %d: %+v", a.key, a.rev, res.Items)
			}
		} else if len(res.Items) != 1 || res.Items[0].ModRevision != a.rev || string(res.Items[0].Value) != a.value {
			t.Fatalf("list of %s at %d = %+v, want %q", a.key, a.rev, res.Items, a.value)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	checkFile(t, path)
	return head
}
