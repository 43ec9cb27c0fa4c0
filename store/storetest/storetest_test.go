package storetest_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/spar-dev/spar/store/storetest"
)

// TestMemStore runs the whole suite against the in-memory fixture: the
// suite must pass on a correct store.
func TestMemStore(t *testing.T) {
	storetest.RunAll(t, memFactory(""))
}

func BenchmarkMemStore(b *testing.B) {
	storetest.RunBenchmarks(b, memFactory(""))
}

// runs names the suite's entry points for TestBuggyMemStore.
var runs = map[string]func(*testing.T, storetest.Factory){
	"CRUD":            storetest.RunCRUD,
	"List":            storetest.RunList,
	"Watch":           storetest.RunWatch,
	"Compaction":      storetest.RunCompaction,
	"Restart":         storetest.RunRestart,
	"BadInput":        storetest.RunBadInput,
	"Linearizability": storetest.RunLinearizability,
}

// TestSuiteCatchesBugs injects one bug at a time into the fixture and
// checks that the suite fails, in the subtest meant to catch it. The suite
// runs in a child process (this test binary, running TestBuggyMemStore),
// because a failing *testing.T cannot be contained in-process.
func TestSuiteCatchesBugs(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite once per injected bug; skipped with -short")
	}
	cases := []struct {
		bug, run string
		failing  string // a subtest that must fail
	}{
		{"create-overwrites", "CRUD", "CreateExisting"},
		{"ignore-expected", "CRUD", "Update/stale_revision"},
		{"double-bump", "CRUD", "RevisionSequence"},
		{"shared-values", "CRUD", "ValuesCopied"},
		{"list-ignores-revision", "List", "OlderRevisions"},
		{"wrong-remaining", "List", "Paging"},
		{"continue-reads-current", "List", "PagingDuringWrites"},
		{"continue-any-prefix", "List", "InvalidContinue"},
		{"watch-drops", "Watch", "ConcurrentWatchers"},
		{"watch-duplicates", "Watch", "Backlog"},
		{"watch-no-prev", "Watch", "FromEveryRevision"},
		{"close-without-error", "Watch", "StoreClose"},
		{"progress-ignored", "Watch", "RequestProgress"},
		{"progress-lies", "Watch", "FromNow"},
		{"compact-noop", "Compaction", "Boundaries/ListBelow"},
		{"forget-history-on-reopen", "Restart", "HistoryPreserved"},
		{"no-size-limit", "BadInput", "ValueTooLarge"},
		{"stale-read", "Linearizability", "OneKey"},
	}
	for _, tc := range cases {
		t.Run(tc.bug, func(t *testing.T) {
			t.Parallel()
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestBuggyMemStore$", "-test.count=1", "-test.timeout=5m")
			// TMPDIR keeps the child's linearizability visualizations in a
			// directory that is removed afterwards.
			cmd.Env = append(os.Environ(), "STORETEST_BUG="+tc.bug, "STORETEST_RUN="+tc.run, "TMPDIR="+t.TempDir())
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			switch {
			case err == nil:
				t.Fatalf("Run%s passed against a store with the bug %q", tc.run, tc.bug)
			case !errors.As(err, &exit):
				t.Fatalf("running the child: %v", err)
			case bytes.Contains(out, []byte("panic:")):
				t.Fatalf("the suite panicked on the bug %q instead of failing cleanly:\n%s", tc.bug, out)
			case !bytes.Contains(out, []byte("--- FAIL: TestBuggyMemStore/"+tc.failing)):
				t.Fatalf("Run%s failed on the bug %q, but not in %s:\n%s", tc.run, tc.bug, tc.failing, out)
			}
		})
	}
}

// TestBuggyMemStore is the child of TestSuiteCatchesBugs.
func TestBuggyMemStore(t *testing.T) {
	bug, run := os.Getenv("STORETEST_BUG"), os.Getenv("STORETEST_RUN")
	if bug == "" {
		t.Skip("run by TestSuiteCatchesBugs with STORETEST_BUG set")
	}
	defer storetest.SetWaitTimeout(2 * time.Second)()
	runs[run](t, memFactory(bug))
}
