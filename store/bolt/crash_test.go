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
	s, err := Open(path, nil)
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

func TestCrash(t *testing.T) {
	const rounds = 20
	path := filepath.Join(t.TempDir(), "crash.db")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 42))
	startRev := int64(1)
	for round := range rounds {
		// Kill after a random number of acknowledged writes, so the kill
		// lands while writes are in flight.
		killAfter := 1 + rng.IntN(400)
		acks := runCrashChild(t, path, killAfter)
		if len(acks) < killAfter {
			t.Fatalf("round %d: child printed %d acks before dying, want >= %d", round, len(acks), killAfter)
		}
		startRev = verifyCrash(t, path, startRev, acks)
	}
}

// runCrashChild runs one child on path, SIGKILLs it after killAfter acks and
// returns every ack it printed.
func runCrashChild(t *testing.T, path string, killAfter int) []ack {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acks []ack
	sc := bufio.NewScanner(stdout)
	killed := false
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
		if !killed && len(acks) >= killAfter {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
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
