package deployment_test

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/controller/controllertest"
	"github.com/spar-dev/spar/controller/deployment"
	"github.com/spar-dev/spar/internal/testenv"
)

// kubectl runs the real kubectl against env's server.
func kubectl(t *testing.T, env *controllertest.Env, args ...string) (string, error) {
	t.Helper()
	path := testenv.LookPath(t, "kubectl")
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, append([]string{"--kubeconfig", env.Server.Kubeconfig, "-n", ns}, args...)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func mustKubectl(t *testing.T, env *controllertest.Env, want string, args ...string) string {
	t.Helper()
	out, err := kubectl(t, env, args...)
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	if !strings.Contains(out, want) {
		t.Fatalf("kubectl %s printed %q, want it to contain %q", strings.Join(args, " "), out, want)
	}
	return out
}

// rolloutStatus runs `kubectl rollout status`, which returns when the
// rollout is complete by kubectl's own reading of the status.
func rolloutStatus(t *testing.T, env *controllertest.Env) {
	t.Helper()
	mustKubectl(t, env, `deployment "web" successfully rolled out`, "rollout", "status", "deployment/web", "--timeout=60s")
}

func podImages(t *testing.T, env *controllertest.Env) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, p := range activePods(t, env) {
		out[image(&p)]++
	}
	return out
}

func activePods(t *testing.T, env *controllertest.Env) []core.Pod {
	t.Helper()
	l, err := podAPI(env.Client).List(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []core.Pod
	for _, p := range l.Items {
		if p.DeletionTimestamp == nil && p.Labels["app"] == "web" {
			out = append(out, p)
		}
	}
	return out
}

// waitImages waits until the Deployment's pods all run img.
func waitImages(t *testing.T, env *controllertest.Env, n int, img string) {
	t.Helper()
	controllertest.Eventually(t, 30*time.Second, func() error {
		if got := podImages(t, env); len(got) != 1 || got[img] != n {
			return fmt.Errorf("pod images %v, want %d of %s", got, n, img)
		}
		return nil
	})
}

// kubectl's rollout commands against the controllers: status, set image,
// history, undo, pause/resume and restart.
func TestKubectlRollout(t *testing.T) {
	env := start(t)
	testenv.LookPath(t, "kubectl")
	nodeAgent(t, env.Client, "app=web")
	d := newDeployment("web", 3, "app:v1")
	d.Annotations = map[string]string{deployment.ChangeCauseAnnotation: "first release"}
	create(t, env.Client, d)

	rolloutStatus(t, env)
	waitImages(t, env, 3, "app:v1")

	mustKubectl(t, env, "deployment.apps/web image updated", "set", "image", "deployment/web", "app=app:v2")
	rolloutStatus(t, env)
	waitImages(t, env, 3, "app:v2")

	out := mustKubectl(t, env, "REVISION", "rollout", "history", "deployment/web")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[2], "1") || !strings.Contains(lines[2], "first release") || !strings.HasPrefix(lines[3], "2") {
		t.Errorf("rollout history:\n%s\nwant revisions 1 (with its change cause) and 2", out)
	}
	mustKubectl(t, env, "app:v1", "rollout", "history", "deployment/web", "--revision=1")

	mustKubectl(t, env, "deployment.apps/web rolled back", "rollout", "undo", "deployment/web")
	rolloutStatus(t, env)
	waitImages(t, env, 3, "app:v1")
	out = mustKubectl(t, env, "REVISION", "rollout", "history", "deployment/web")
	if fields := strings.Fields(out); !strings.Contains(out, "3") || strings.Contains(strings.Join(fields, " "), " 1 first release") {
		t.Errorf("history after undo:\n%s\nwant revisions 2 and 3 (revision 1 became 3)", out)
	}

	mustKubectl(t, env, "deployment.apps/web paused", "rollout", "pause", "deployment/web")
	mustKubectl(t, env, "image updated", "set", "image", "deployment/web", "app=app:v3")
	dd := waitDeployment(t, env.Client, "web", func(d *apps.Deployment) error {
		if d.Status.ObservedGeneration != d.Generation {
			return fmt.Errorf("generation %d not observed (%d)", d.Generation, d.Status.ObservedGeneration)
		}
		return nil
	})
	if got := podImages(t, env); got["app:v3"] != 0 {
		t.Errorf("paused, but pods %v run the new image", got)
	}
	// kubectl refuses to undo a paused Deployment.
	if out, err := kubectl(t, env, "rollout", "undo", "deployment/web"); err == nil || !strings.Contains(out, "paused") {
		t.Errorf("undo of a paused deployment: %v\n%s", err, out)
	}
	mustKubectl(t, env, "deployment.apps/web resumed", "rollout", "resume", "deployment/web")
	rolloutStatus(t, env)
	waitImages(t, env, 3, "app:v3")

	before := len(replicaSets(t, env.Client, dd))
	mustKubectl(t, env, "deployment.apps/web restarted", "rollout", "restart", "deployment/web")
	rolloutStatus(t, env)
	dd = waitComplete(t, env.Client, "web")
	if _, ok := dd.Spec.Template.Annotations[deployment.RestartedAtAnnotation]; !ok {
		t.Errorf("template annotations %v, want %s", dd.Spec.Template.Annotations, deployment.RestartedAtAnnotation)
	}
	rss := replicaSets(t, env.Client, dd)
	if len(rss) != before+1 {
		t.Errorf("ReplicaSets after restart %v, want one more than %d", rsSummary(rss), before)
	}
	newest := rss[len(rss)-1]
	if _, ok := newest.Spec.Template.Annotations[deployment.RestartedAtAnnotation]; !ok || *newest.Spec.Replicas != 3 {
		t.Errorf("newest ReplicaSet %v template annotations %v", rsSummary(rss[len(rss)-1:]), newest.Spec.Template.Annotations)
	}
	for _, p := range activePods(t, env) {
		if _, ok := p.Annotations[deployment.RestartedAtAnnotation]; !ok {
			t.Errorf("pod %s not restarted (annotations %v)", p.Name, p.Annotations)
		}
	}
}

// `kubectl rollout status` fails when the progress deadline passes.
func TestKubectlRolloutStatusDeadline(t *testing.T) {
	env := start(t)
	testenv.LookPath(t, "kubectl")
	d := newDeployment("web", 1, "app:v1")
	d.Spec.ProgressDeadlineSeconds = ptr[int32](2)
	create(t, env.Client, d)
	out, err := kubectl(t, env, "rollout", "status", "deployment/web", "--timeout=60s")
	if err == nil || !strings.Contains(out, `deployment "web" exceeded its progress deadline`) {
		t.Errorf("rollout status: %v\n%s\nwant a failure for the exceeded deadline", err, out)
	}
}
