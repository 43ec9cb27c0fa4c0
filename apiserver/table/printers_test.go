package table

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/apiextensions"
	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/autoscaling"
	"github.com/spar-dev/spar/api/batch"
	"github.com/spar-dev/spar/api/certificates"
	"github.com/spar-dev/spar/api/coordination"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/discovery"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/api/networking"
	"github.com/spar-dev/spar/api/policy"
	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/api/scheduling"
	"github.com/spar-dev/spar/api/storage"
)

// now is the instant every test table is rendered at.
var now = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// decode reads a manifest strictly, so a misspelt field in a test fails
// the test instead of silently testing less.
func decode[T any, PT interface {
	*T
	meta.Object
}](t *testing.T, manifest string) PT {
	t.Helper()
	obj := PT(new(T))
	if err := api.DecodeStrict([]byte(manifest), obj); err != nil {
		t.Fatalf("decoding %T: %v", obj, err)
	}
	return obj
}

type rowTest struct {
	name string
	obj  meta.Object
	want []any
}

// checkRows renders each object with the printer For its kind and compares
// every cell.
func checkRows(t *testing.T, tests []rowTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := api.Default.ForObject(tt.obj)
			if !ok {
				t.Fatalf("%T is not registered", tt.obj)
			}
			p := For(r.GroupKind())
			got := p.Row(tt.obj, now)
			if len(got) != len(p.Columns()) {
				t.Fatalf("%d cells for %d columns: %#v", len(got), len(p.Columns()), got)
			}
			if !reflect.DeepEqual(got, tt.want) {
				for i := range got {
					if i < len(tt.want) && !reflect.DeepEqual(got[i], tt.want[i]) {
						t.Errorf("column %s = %#v, want %#v", p.Columns()[i].Name, got[i], tt.want[i])
					}
				}
				if len(got) != len(tt.want) {
					t.Errorf("row = %#v\nwant  %#v", got, tt.want)
				}
			}
		})
	}
}

func TestPodRows(t *testing.T) {
	pod := func(spec, status string, meta ...string) *core.Pod {
		md := `"name":"web-0","namespace":"default","creationTimestamp":"2024-05-01T11:55:00Z"`
		for _, m := range meta {
			md += "," + m
		}
		return decode[core.Pod](t, `{"apiVersion":"v1","kind":"Pod","metadata":{`+md+`},"spec":`+spec+`,"status":`+status+`}`)
	}
	oneContainer := `{"nodeName":"node-1","containers":[{"name":"app","image":"nginx:1.27"}]}`
	tests := []rowTest{
		{"running", pod(oneContainer, `{"phase":"Running","podIP":"10.244.1.5","podIPs":[{"ip":"10.244.1.5"}],
			"conditions":[{"type":"Ready","status":"True"}],
			"containerStatuses":[{"name":"app","ready":true,"restartCount":0,"image":"nginx:1.27","imageID":"","state":{"running":{"startedAt":"2024-05-01T11:55:10Z"}}}]}`),
			[]any{"web-0", "1/1", "Running", "0", "5m", "10.244.1.5", "node-1", "<none>", "<none>"}},
		{"crash loop", pod(oneContainer, `{"phase":"Running","podIPs":[{"ip":"10.244.1.6"}],
			"containerStatuses":[{"name":"app","ready":false,"restartCount":5,"image":"nginx:1.27","imageID":"",
			  "state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off 2m40s restarting failed container"}},
			  "lastState":{"terminated":{"exitCode":1,"reason":"Error","startedAt":"2024-05-01T11:57:50Z","finishedAt":"2024-05-01T11:58:00Z"}}}]}`),
			[]any{"web-0", "0/1", "CrashLoopBackOff", "5 (2m ago)", "5m", "10.244.1.6", "node-1", "<none>", "<none>"}},
		{"container creating", pod(oneContainer, `{"phase":"Pending",
			"containerStatuses":[{"name":"app","ready":false,"restartCount":0,"image":"nginx:1.27","imageID":"","state":{"waiting":{"reason":"ContainerCreating"}}}]}`),
			[]any{"web-0", "0/1", "ContainerCreating", "0", "5m", "<none>", "node-1", "<none>", "<none>"}},
		{"unschedulable", pod(`{"containers":[{"name":"app","image":"nginx"}]}`, `{"phase":"Pending",
			"conditions":[{"type":"PodScheduled","status":"False","reason":"Unschedulable"}]}`),
			[]any{"web-0", "0/1", "Pending", "0", "5m", "<none>", "<none>", "<none>", "<none>"}},
		{"nominated", pod(`{"containers":[{"name":"app","image":"nginx"}]}`, `{"phase":"Pending","nominatedNodeName":"node-2"}`),
			[]any{"web-0", "0/1", "Pending", "0", "5m", "<none>", "<none>", "node-2", "<none>"}},
		{"scheduling gated", pod(`{"schedulingGates":[{"name":"example.com/quota"}],"containers":[{"name":"app","image":"nginx"}]}`,
			`{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"SchedulingGated"}]}`),
			[]any{"web-0", "0/1", "SchedulingGated", "0", "5m", "<none>", "<none>", "<none>", "<none>"}},
		{"image pull back-off", pod(oneContainer, `{"phase":"Pending",
			"containerStatuses":[{"name":"app","ready":false,"restartCount":0,"image":"nginx:nope","imageID":"","state":{"waiting":{"reason":"ImagePullBackOff"}}}]}`),
			[]any{"web-0", "0/1", "ImagePullBackOff", "0", "5m", "<none>", "node-1", "<none>", "<none>"}},
		{"completed", pod(oneContainer, `{"phase":"Succeeded",
			"containerStatuses":[{"name":"app","ready":false,"restartCount":0,"image":"nginx","imageID":"",
			  "state":{"terminated":{"exitCode":0,"reason":"Completed","finishedAt":"2024-05-01T11:56:00Z"}}}]}`),
			[]any{"web-0", "0/1", "Completed", "0", "5m", "<none>", "node-1", "<none>", "<none>"}},
		{"error", pod(oneContainer, `{"phase":"Failed",
			"containerStatuses":[{"name":"app","ready":false,"restartCount":0,"image":"nginx","imageID":"",
			  "state":{"terminated":{"exitCode":1,"reason":"Error"}}}]}`),
			[]any{"web-0", "0/1", "Error", "0", "5m", "<none>", "node-1", "<none>", "<none>"}},
		{"oom killed", pod(oneContainer, `{"phase":"Running",
			"containerStatuses":[{"name":"app","ready":false,"restartCount":1,"image":"nginx","imageID":"",
			  "state":{"terminated":{"exitCode":137,"reason":"OOMKilled"}},
			  "lastState":{"terminated":{"exitCode":137,"reason":"OOMKilled","finishedAt":"2024-05-01T11:59:15Z"}}}]}`),
			[]any{"web-0", "0/1", "OOMKilled", "1 (45s ago)", "5m", "<none>", "node-1", "<none>", "<none>"}},
		{"exit code without reason", pod(oneContainer, `{"phase":"Running",
			"containerStatuses":[{"name":"app","ready":false,"restartCount":0,"image":"nginx","imageID":"","state":{"terminated":{"exitCode":3}}}]}`),
			[]any{"web-0", "0/1", "ExitCode:3", "0", "5m", "<none>", "node-1", "<none>", "<none>"}},
		{"signal without reason", pod(oneContainer, `{"phase":"Running",
			"containerStatuses":[{"name":"app","ready":false,"restartCount":0,"image":"nginx","imageID":"","state":{"terminated":{"exitCode":0,"signal":9}}}]}`),
			[]any{"web-0", "0/1", "Signal:9", "0", "5m", "<none>", "node-1", "<none>", "<none>"}},
		{"terminating", pod(oneContainer, `{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],
			"containerStatuses":[{"name":"app","ready":true,"restartCount":0,"image":"nginx","imageID":"","state":{"running":{}}}]}`,
			`"deletionTimestamp":"2024-05-01T11:59:50Z","deletionGracePeriodSeconds":30`),
			[]any{"web-0", "1/1", "Terminating", "0", "5m", "<none>", "node-1", "<none>", "<none>"}},
		{"terminal pod being deleted", pod(oneContainer, `{"phase":"Succeeded",
			"containerStatuses":[{"name":"app","ready":false,"restartCount":0,"image":"nginx","imageID":"","state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}`,
			`"deletionTimestamp":"2024-05-01T11:59:50Z"`),
			[]any{"web-0", "0/1", "Completed", "0", "5m", "<none>", "node-1", "<none>", "<none>"}},
		{"node lost", pod(oneContainer, `{"phase":"Running","reason":"NodeLost"}`, `"deletionTimestamp":"2024-05-01T11:59:50Z"`),
			[]any{"web-0", "0/1", "Unknown", "0", "5m", "<none>", "node-1", "<none>", "<none>"}},
		{"evicted", pod(oneContainer, `{"phase":"Failed","reason":"Evicted","message":"The node was low on resource: memory."}`),
			[]any{"web-0", "0/1", "Evicted", "0", "5m", "<none>", "node-1", "<none>", "<none>"}},
		{"first init container running", pod(`{"nodeName":"node-1","initContainers":[{"name":"migrate","image":"app"},{"name":"seed","image":"app"}],"containers":[{"name":"app","image":"app"}]}`,
			`{"phase":"Pending","initContainerStatuses":[
			  {"name":"migrate","ready":false,"restartCount":0,"image":"app","imageID":"","state":{"running":{}}},
			  {"name":"seed","ready":false,"restartCount":0,"image":"app","imageID":"","state":{"waiting":{"reason":"PodInitializing"}}}],
			 "containerStatuses":[{"name":"app","ready":false,"restartCount":0,"image":"app","imageID":"","state":{"waiting":{"reason":"PodInitializing"}}}]}`),
			[]any{"web-0", "0/1", "Init:0/2", "0", "5m", "<none>", "node-1", "<none>", "<none>"}},
		{"second init container waiting", pod(`{"nodeName":"node-1","initContainers":[{"name":"migrate","image":"app"},{"name":"seed","image":"app"}],"containers":[{"name":"app","image":"app"}]}`,
			`{"phase":"Pending","initContainerStatuses":[
			  {"name":"migrate","ready":false,"restartCount":0,"image":"app","imageID":"","state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
			  {"name":"seed","ready":false,"restartCount":0,"image":"app","imageID":"","state":{"waiting":{"reason":"PodInitializing"}}}]}`),
			[]any{"web-0", "0/1", "Init:1/2", "0", "5m", "<none>", "node-1", "<none>", "<none>"}},
		{"init container crash loop", pod(`{"nodeName":"node-1","initContainers":[{"name":"migrate","image":"app"}],"containers":[{"name":"app","image":"app"}]}`,
			`{"phase":"Pending","conditions":[{"type":"Initialized","status":"False"}],"initContainerStatuses":[
			  {"name":"migrate","ready":false,"restartCount":3,"image":"app","imageID":"","state":{"waiting":{"reason":"CrashLoopBackOff"}},
			   "lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":"2024-05-01T11:59:00Z"}}}],
			 "containerStatuses":[{"name":"app","ready":false,"restartCount":0,"image":"app","imageID":"","state":{"waiting":{"reason":"PodInitializing"}}}]}`),
			[]any{"web-0", "0/1", "Init:CrashLoopBackOff", "3 (60s ago)", "5m", "<none>", "node-1", "<none>", "<none>"}},
		{"init container failed", pod(`{"nodeName":"node-1","initContainers":[{"name":"migrate","image":"app"}],"containers":[{"name":"app","image":"app"}]}`,
			`{"phase":"Failed","initContainerStatuses":[
			  {"name":"migrate","ready":false,"restartCount":0,"image":"app","imageID":"","state":{"terminated":{"exitCode":2}}}]}`),
			[]any{"web-0", "0/1", "Init:ExitCode:2", "0", "5m", "<none>", "node-1", "<none>", "<none>"}},
		{"sidecar", pod(`{"nodeName":"node-1","initContainers":[{"name":"proxy","image":"envoy","restartPolicy":"Always"}],"containers":[{"name":"app","image":"app"}]}`,
			`{"phase":"Running","conditions":[{"type":"Initialized","status":"True"},{"type":"Ready","status":"True"}],
			 "initContainerStatuses":[{"name":"proxy","ready":true,"started":true,"restartCount":1,"image":"envoy","imageID":"","state":{"running":{}},
			   "lastState":{"terminated":{"exitCode":1,"finishedAt":"2024-05-01T11:50:00Z"}}}],
			 "containerStatuses":[{"name":"app","ready":true,"restartCount":0,"image":"app","imageID":"","state":{"running":{}}}]}`),
			[]any{"web-0", "2/2", "Running", "1 (10m ago)", "5m", "<none>", "node-1", "<none>", "<none>"}},
		{"completed container beside a running one", pod(`{"nodeName":"node-1","containers":[{"name":"job","image":"app"},{"name":"server","image":"app"}]}`,
			`{"phase":"Running","conditions":[{"type":"Ready","status":"False"}],"containerStatuses":[
			  {"name":"job","ready":false,"restartCount":0,"image":"app","imageID":"","state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
			  {"name":"server","ready":true,"restartCount":0,"image":"app","imageID":"","state":{"running":{}}}]}`),
			[]any{"web-0", "1/2", "NotReady", "0", "5m", "<none>", "node-1", "<none>", "<none>"}},
		{"readiness gates", pod(`{"nodeName":"node-1","readinessGates":[{"conditionType":"example.com/lb"},{"conditionType":"example.com/dns"}],"containers":[{"name":"app","image":"app"}]}`,
			`{"phase":"Running","conditions":[{"type":"example.com/lb","status":"True"},{"type":"example.com/dns","status":"False"}],
			 "containerStatuses":[{"name":"app","ready":true,"restartCount":0,"image":"app","imageID":"","state":{"running":{}}}]}`),
			[]any{"web-0", "1/1", "Running", "0", "5m", "<none>", "node-1", "<none>", "1/2"}},
		{"no creation time", decode[core.Pod](t, `{"metadata":{"name":"bare"},"spec":{"containers":[]}}`),
			[]any{"bare", "0/0", "", "0", "<unknown>", "<none>", "<none>", "<none>", "<none>"}},
	}
	checkRows(t, tests)
}

func TestPodRowConditions(t *testing.T) {
	c, ok := For(meta.GroupKind{Kind: "Pod"}).(Conditioner)
	if !ok {
		t.Fatal("the pod printer marks no rows")
	}
	tests := []struct {
		phase core.PodPhase
		want  []meta.TableRowCondition
	}{
		{core.PodRunning, nil},
		{core.PodSucceeded, []meta.TableRowCondition{{Type: "Completed", Status: "True", Reason: "Succeeded", Message: "The pod has completed successfully."}}},
		{core.PodFailed, []meta.TableRowCondition{{Type: "Completed", Status: "True", Reason: "Failed", Message: "The pod failed."}}},
	}
	for _, tt := range tests {
		pod := &core.Pod{Status: core.PodStatus{Phase: tt.phase}}
		if got := c.RowConditions(pod); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("phase %s: conditions = %+v, want %+v", tt.phase, got, tt.want)
		}
	}
}

func TestNodeRows(t *testing.T) {
	checkRows(t, []rowTest{
		{"ready cordoned control plane", decode[core.Node](t, `{"metadata":{"name":"cp-1","creationTimestamp":"2024-04-29T09:00:00Z",
			"labels":{"node-role.kubernetes.io/control-plane":"","kubernetes.io/hostname":"cp-1"}},
			"spec":{"unschedulable":true},
			"status":{"conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}],
			  "addresses":[{"type":"Hostname","address":"cp-1"},{"type":"InternalIP","address":"192.168.1.10"}],
			  "nodeInfo":{"machineID":"","systemUUID":"","bootID":"","kernelVersion":"6.8.0-31-generic","osImage":"Ubuntu 24.04 LTS",
			    "containerRuntimeVersion":"containerd://1.7.20","kubeletVersion":"v1.32.4","kubeProxyVersion":"","operatingSystem":"linux","architecture":"amd64"}}}`),
			[]any{"cp-1", "Ready,SchedulingDisabled", "control-plane", "2d3h", "v1.32.4", "192.168.1.10", "<none>", "Ubuntu 24.04 LTS", "6.8.0-31-generic", "containerd://1.7.20"}},
		{"not ready worker", decode[core.Node](t, `{"metadata":{"name":"w-1","creationTimestamp":"2024-05-01T11:00:00Z",
			"labels":{"kubernetes.io/role":"worker","node-role.kubernetes.io/gpu":"true"}},
			"status":{"conditions":[{"type":"Ready","status":"Unknown","reason":"NodeStatusUnknown"}],
			  "addresses":[{"type":"ExternalIP","address":"203.0.113.9"}]}}`),
			[]any{"w-1", "NotReady", "gpu,worker", "60m", "", "<none>", "203.0.113.9", "<unknown>", "<unknown>", "<unknown>"}},
		{"never reported", decode[core.Node](t, `{"metadata":{"name":"new","creationTimestamp":"2024-05-01T11:59:58Z"}}`),
			[]any{"new", "Unknown", "<none>", "2s", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"}},
	})
}

func TestServiceRows(t *testing.T) {
	svc := func(spec string, status ...string) *core.Service {
		st := `{}`
		if len(status) > 0 {
			st = status[0]
		}
		return decode[core.Service](t, `{"metadata":{"name":"web","namespace":"default","creationTimestamp":"2024-04-30T12:00:00Z"},"spec":`+spec+`,"status":`+st+`}`)
	}
	checkRows(t, []rowTest{
		{"cluster ip", svc(`{"type":"ClusterIP","clusterIP":"10.96.12.7","clusterIPs":["10.96.12.7"],"selector":{"tier":"front","app":"web"},
			"ports":[{"name":"http","port":80,"protocol":"TCP","targetPort":8080},{"name":"https","port":443,"protocol":"TCP","targetPort":8443}]}`),
			[]any{"web", "ClusterIP", "10.96.12.7", "<none>", "80/TCP,443/TCP", "24h", "app=web,tier=front"}},
		{"node port with external ip", svc(`{"type":"NodePort","clusterIPs":["10.96.0.20"],"externalIPs":["192.0.2.1"],
			"ports":[{"port":80,"protocol":"TCP","nodePort":30080},{"port":53,"protocol":"UDP","nodePort":30053}]}`),
			[]any{"web", "NodePort", "10.96.0.20", "192.0.2.1", "80:30080/TCP,53:30053/UDP", "24h", "<none>"}},
		{"load balancer pending", svc(`{"type":"LoadBalancer","clusterIPs":["10.96.0.30"],"ports":[{"port":443,"protocol":"TCP","nodePort":31443}]}`),
			[]any{"web", "LoadBalancer", "10.96.0.30", "<pending>", "443:31443/TCP", "24h", "<none>"}},
		{"load balancer ready", svc(`{"type":"LoadBalancer","clusterIPs":["10.96.0.30"],"externalIPs":["192.0.2.50"],"ports":[{"port":443,"protocol":"TCP","nodePort":31443}]}`,
			`{"loadBalancer":{"ingress":[{"ip":"203.0.113.7"},{"hostname":"lb.example.com"},{"ip":"198.51.100.2"}]}}`),
			[]any{"web", "LoadBalancer", "10.96.0.30", "198.51.100.2,203.0.113.7,lb.example.com,192.0.2.50", "443:31443/TCP", "24h", "<none>"}},
		{"external name", svc(`{"type":"ExternalName","externalName":"db.example.com"}`),
			[]any{"web", "ExternalName", "<none>", "db.example.com", "<none>", "24h", "<none>"}},
		{"headless", svc(`{"type":"ClusterIP","clusterIP":"None","clusterIPs":["None"],"selector":{"app":"db"},"ports":[{"port":5432,"protocol":"TCP"}]}`),
			[]any{"web", "ClusterIP", "None", "<none>", "5432/TCP", "24h", "app=db"}},
	})
}

func TestCoreRows(t *testing.T) {
	created := `"creationTimestamp":"2024-05-01T11:00:00Z"`
	checkRows(t, []rowTest{
		{"namespace", decode[core.Namespace](t, `{"metadata":{"name":"team-a",`+created+`},"status":{"phase":"Active"}}`),
			[]any{"team-a", "Active", "60m"}},
		{"terminating namespace", decode[core.Namespace](t, `{"metadata":{"name":"old",`+created+`,"deletionTimestamp":"2024-05-01T11:59:00Z"},"status":{"phase":"Terminating"}}`),
			[]any{"old", "Terminating", "60m"}},
		{"endpoints", decode[core.Endpoints](t, `{"metadata":{"name":"web",`+created+`},"subsets":[
			{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}],"ports":[{"name":"http","port":80},{"name":"https","port":443}]}]}`),
			[]any{"web", "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...", "60m"}},
		{"headless endpoints without ports", decode[core.Endpoints](t, `{"metadata":{"name":"db",`+created+`},"subsets":[{"addresses":[{"ip":"fd00::1"}]}]}`),
			[]any{"db", "fd00::1", "60m"}},
		{"ipv6 endpoints", decode[core.Endpoints](t, `{"metadata":{"name":"db6",`+created+`},"subsets":[{"addresses":[{"ip":"fd00::1"}],"ports":[{"port":5432}]}]}`),
			[]any{"db6", "[fd00::1]:5432", "60m"}},
		{"empty endpoints", decode[core.Endpoints](t, `{"metadata":{"name":"none",`+created+`}}`),
			[]any{"none", "<none>", "60m"}},
		{"config map", decode[core.ConfigMap](t, `{"metadata":{"name":"cfg",`+created+`},"data":{"a":"1","b":"2"},"binaryData":{"c":"AAE="}}`),
			[]any{"cfg", int64(3), "60m"}},
		{"secret", decode[core.Secret](t, `{"metadata":{"name":"tls",`+created+`},"type":"kubernetes.io/tls","data":{"tls.crt":"YQ==","tls.key":"Yg=="}}`),
			[]any{"tls", "kubernetes.io/tls", int64(2), "60m"}},
		{"service account", decode[core.ServiceAccount](t, `{"metadata":{"name":"default",`+created+`}}`),
			[]any{"default", int64(0), "60m"}},
		{"pod template", decode[core.PodTemplate](t, `{"metadata":{"name":"tmpl",`+created+`},"template":{"metadata":{"labels":{"app":"web","tier":"front"}},
			"spec":{"containers":[{"name":"app","image":"app:1"},{"name":"log","image":"fluent-bit:3"}]}}}`),
			[]any{"tmpl", "app,log", "app:1,fluent-bit:3", "app=web,tier=front"}},
		{"limit range has no printer", decode[core.LimitRange](t, `{"metadata":{"name":"limits",`+created+`},"spec":{"limits":[]}}`),
			[]any{"limits", "2024-05-01T11:00:00Z"}},
	})
}

func TestEventRows(t *testing.T) {
	checkRows(t, []rowTest{
		{"core event", decode[core.Event](t, `{"metadata":{"name":"web-0.17c2f","namespace":"default"},
			"involvedObject":{"kind":"Pod","namespace":"default","name":"web-0","fieldPath":"spec.containers{app}"},
			"reason":"BackOff","message":"Back-off restarting failed container app\n","type":"Warning","count":5,
			"source":{"component":"kubelet","host":"node-1"},
			"firstTimestamp":"2024-05-01T11:50:00Z","lastTimestamp":"2024-05-01T11:58:00Z",
			"reportingComponent":"","reportingInstance":""}`),
			[]any{"2m", "Warning", "BackOff", "pod/web-0", "spec.containers{app}", "kubelet, node-1", "Back-off restarting failed container app", "10m", int64(5), "web-0.17c2f"}},
		{"events.k8s.io event with a series", decode[core.Event](t, `{"metadata":{"name":"web-1.17c30","namespace":"default"},
			"involvedObject":{"kind":"Pod","name":"web-1"},"reason":"FailedScheduling","type":"Warning",
			"message":"0/3 nodes are available: 3 Insufficient cpu.","eventTime":"2024-05-01T11:30:00.000000Z",
			"series":{"count":7,"lastObservedTime":"2024-05-01T11:59:30.000000Z"},
			"reportingComponent":"default-scheduler","reportingInstance":""}`),
			[]any{"30s", "Warning", "FailedScheduling", "pod/web-1", "", "default-scheduler", "0/3 nodes are available: 3 Insufficient cpu.", "30m", int64(7), "web-1.17c30"}},
		{"singleton event", decode[core.Event](t, `{"metadata":{"name":"n.1"},"involvedObject":{"kind":"Node"},"reason":"RegisteredNode","type":"Normal",
			"eventTime":"2024-05-01T11:59:00.000000Z","reportingComponent":"node-controller","reportingInstance":"cp-1"}`),
			[]any{"60s", "Normal", "RegisteredNode", "node", "", "node-controller, cp-1", "", "60s", int64(1), "n.1"}},
	})
}

func TestStorageRows(t *testing.T) {
	created := `"creationTimestamp":"2024-05-01T11:00:00Z"`
	checkRows(t, []rowTest{
		{"bound volume", decode[core.PersistentVolume](t, `{"metadata":{"name":"pv-1",`+created+`},
			"spec":{"capacity":{"storage":"10Gi"},"accessModes":["ReadOnlyMany","ReadWriteOnce"],"persistentVolumeReclaimPolicy":"Retain",
			  "claimRef":{"namespace":"default","name":"data"},"storageClassName":"standard","volumeMode":"Filesystem","hostPath":{"path":"/srv/pv-1"}},
			"status":{"phase":"Bound"}}`),
			[]any{"pv-1", "10Gi", "RWO,ROX", "Retain", "Bound", "default/data", "standard", "<unset>", "", "60m", "Filesystem"}},
		{"failed volume being deleted", decode[core.PersistentVolume](t, `{"metadata":{"name":"pv-2",`+created+`,"deletionTimestamp":"2024-05-01T11:59:00Z",
			"annotations":{"volume.beta.kubernetes.io/storage-class":"legacy"}},
			"spec":{"capacity":{"storage":"500Mi"},"accessModes":["ReadWriteOncePod"],"persistentVolumeReclaimPolicy":"Delete","volumeAttributesClassName":"gold"},
			"status":{"phase":"Failed","reason":"ProvisioningFailed"}}`),
			[]any{"pv-2", "500Mi", "RWOP", "Delete", "Terminating", "", "legacy", "gold", "ProvisioningFailed", "60m", "<unset>"}},
		{"bound claim", decode[core.PersistentVolumeClaim](t, `{"metadata":{"name":"data","namespace":"default",`+created+`},
			"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"8Gi"}},"volumeName":"pv-1","storageClassName":"standard","volumeMode":"Filesystem"},
			"status":{"phase":"Bound","accessModes":["ReadWriteOnce"],"capacity":{"storage":"10Gi"}}}`),
			[]any{"data", "Bound", "pv-1", "10Gi", "RWO", "standard", "<unset>", "60m", "Filesystem"}},
		{"pending claim", decode[core.PersistentVolumeClaim](t, `{"metadata":{"name":"cache","namespace":"default",`+created+`},
			"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}},"status":{"phase":"Pending"}}`),
			[]any{"cache", "Pending", "", "", "", "", "<unset>", "60m", "<unset>"}},
		{"resource quota", decode[core.ResourceQuota](t, `{"metadata":{"name":"compute",`+created+`},
			"spec":{"hard":{"pods":"10"}},
			"status":{"hard":{"requests.cpu":"1","requests.memory":"1Gi","limits.cpu":"2","pods":"10"},"used":{"requests.cpu":"500m","pods":"3"}}}`),
			[]any{"compute", "pods: 3/10, requests.cpu: 500m/1, requests.memory: 0/1Gi", "limits.cpu: 0/2", "60m"}},
		{"default storage class", decode[storage.StorageClass](t, `{"metadata":{"name":"standard",`+created+`,
			"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},
			"provisioner":"rancher.io/local-path","reclaimPolicy":"Delete","volumeBindingMode":"WaitForFirstConsumer","allowVolumeExpansion":true}`),
			[]any{"standard (default)", "rancher.io/local-path", "Delete", "WaitForFirstConsumer", true, "60m"}},
		{"storage class with defaults", decode[storage.StorageClass](t, `{"metadata":{"name":"fast",`+created+`},"provisioner":"ebs.csi.aws.com"}`),
			[]any{"fast", "ebs.csi.aws.com", "Delete", "Immediate", false, "60m"}},
		{"csi driver", decode[storage.CSIDriver](t, `{"metadata":{"name":"hostpath.csi.k8s.io",`+created+`},
			"spec":{"podInfoOnMount":true,"volumeLifecycleModes":["Persistent","Ephemeral"],"tokenRequests":[{"audience":"vault"},{"audience":"gcp"}]}}`),
			[]any{"hostpath.csi.k8s.io", true, true, false, "vault,gcp", false, "Persistent,Ephemeral", "60m"}},
		{"volume attachment", decode[storage.VolumeAttachment](t, `{"metadata":{"name":"csi-123",`+created+`},
			"spec":{"attacher":"ebs.csi.aws.com","source":{"persistentVolumeName":"pv-1"},"nodeName":"node-1"},"status":{"attached":true}}`),
			[]any{"csi-123", "ebs.csi.aws.com", "pv-1", "node-1", true, "60m"}},
	})
}

func TestWorkloadRows(t *testing.T) {
	created := `"creationTimestamp":"2024-05-01T11:55:00Z"`
	template := `"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"},{"name":"proxy","image":"envoy:1.30"}]}}`
	checkRows(t, []rowTest{
		{"deployment", decode[apps.Deployment](t, `{"metadata":{"name":"web",`+created+`},
			"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},`+template+`},
			"status":{"replicas":3,"updatedReplicas":3,"readyReplicas":2,"availableReplicas":2}}`),
			[]any{"web", "2/3", int64(3), int64(2), "5m", "nginx,proxy", "nginx:1.27,envoy:1.30", "app=web"}},
		{"deployment with expressions", decode[apps.Deployment](t, `{"metadata":{"name":"api",`+created+`},
			"spec":{"selector":{"matchLabels":{"app":"api"},"matchExpressions":[{"key":"track","operator":"In","values":["stable","canary"]}]},`+template+`}}`),
			[]any{"api", "0/1", int64(0), int64(0), "5m", "nginx,proxy", "nginx:1.27,envoy:1.30", "app=api,track in (canary,stable)"}},
		{"replica set", decode[apps.ReplicaSet](t, `{"metadata":{"name":"web-5d9c7b",`+created+`},
			"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web","pod-template-hash":"5d9c7b"}},`+template+`},
			"status":{"replicas":3,"readyReplicas":2}}`),
			[]any{"web-5d9c7b", int64(3), int64(3), int64(2), "5m", "nginx,proxy", "nginx:1.27,envoy:1.30", "app=web,pod-template-hash=5d9c7b"}},
		{"stateful set", decode[apps.StatefulSet](t, `{"metadata":{"name":"db",`+created+`},
			"spec":{"replicas":3,"serviceName":"db","selector":{"matchLabels":{"app":"db"}},`+template+`},
			"status":{"replicas":1,"readyReplicas":1,"availableReplicas":1}}`),
			[]any{"db", "1/3", "5m", "nginx,proxy", "nginx:1.27,envoy:1.30"}},
		{"daemon set", decode[apps.DaemonSet](t, `{"metadata":{"name":"fluentd",`+created+`},
			"spec":{"selector":{"matchLabels":{"app":"fluentd"}},"template":{"spec":{"nodeSelector":{"kubernetes.io/os":"linux"},"containers":[{"name":"fluentd","image":"fluentd:v1.17"}]}}},
			"status":{"desiredNumberScheduled":3,"currentNumberScheduled":3,"numberReady":2,"updatedNumberScheduled":3,"numberAvailable":2,"numberMisscheduled":0}}`),
			[]any{"fluentd", int64(3), int64(3), int64(2), int64(3), int64(2), "kubernetes.io/os=linux", "5m", "fluentd", "fluentd:v1.17", "app=fluentd"}},
		{"controller revision", decode[apps.ControllerRevision](t, `{"metadata":{"name":"fluentd-6b7d9",`+created+`,
			"ownerReferences":[{"apiVersion":"apps/v1","kind":"DaemonSet","name":"fluentd","uid":"u1","controller":true}]},"data":{},"revision":2}`),
			[]any{"fluentd-6b7d9", "daemonset.apps/fluentd", int64(2), "5m"}},
		{"orphan controller revision", decode[apps.ControllerRevision](t, `{"metadata":{"name":"r",`+created+`},"data":null,"revision":1}`),
			[]any{"r", "<none>", int64(1), "5m"}},
		{"completed job", decode[batch.Job](t, `{"metadata":{"name":"pi",`+created+`},
			"spec":{"completions":3,"parallelism":2,"selector":{"matchLabels":{"batch.kubernetes.io/controller-uid":"u2"}},"template":{"spec":{"containers":[{"name":"pi","image":"perl:5.34"}],"restartPolicy":"Never"}}},
			"status":{"succeeded":3,"startTime":"2024-05-01T11:55:00Z","completionTime":"2024-05-01T11:55:45Z",
			  "conditions":[{"type":"SuccessCriteriaMet","status":"True"},{"type":"Complete","status":"True"}]}}`),
			[]any{"pi", "Complete", "3/3", "45s", "5m", "pi", "perl:5.34", "batch.kubernetes.io/controller-uid=u2"}},
		{"running parallel job", decode[batch.Job](t, `{"metadata":{"name":"work",`+created+`},
			"spec":{"parallelism":3,"template":{"spec":{"containers":[{"name":"w","image":"worker"}],"restartPolicy":"OnFailure"}}},
			"status":{"active":3,"startTime":"2024-05-01T11:50:00Z"}}`),
			[]any{"work", "Running", "0/1 of 3", "10m", "5m", "w", "worker", "<none>"}},
		{"failed job", decode[batch.Job](t, `{"metadata":{"name":"bad",`+created+`},
			"spec":{"template":{"spec":{"containers":[{"name":"w","image":"worker"}],"restartPolicy":"Never"}}},
			"status":{"failed":7,"startTime":"2024-05-01T11:56:00Z","conditions":[{"type":"FailureTarget","status":"True"},{"type":"Failed","status":"True","reason":"BackoffLimitExceeded"}]}}`),
			[]any{"bad", "Failed", "0/1", "4m", "5m", "w", "worker", "<none>"}},
		{"suspended job", decode[batch.Job](t, `{"metadata":{"name":"later",`+created+`},
			"spec":{"suspend":true,"template":{"spec":{"containers":[{"name":"w","image":"worker"}],"restartPolicy":"Never"}}},
			"status":{"conditions":[{"type":"Suspended","status":"True"}]}}`),
			[]any{"later", "Suspended", "0/1", "", "5m", "w", "worker", "<none>"}},
		{"cron job", decode[batch.CronJob](t, `{"metadata":{"name":"backup",`+created+`},
			"spec":{"schedule":"*/5 * * * *","timeZone":"Etc/UTC","suspend":false,
			  "jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"backup","image":"restic:0.17"}],"restartPolicy":"OnFailure"}}}}},
			"status":{"active":[{"kind":"Job","name":"backup-28573920"}],"lastScheduleTime":"2024-05-01T11:55:00Z"}}`),
			[]any{"backup", "*/5 * * * *", "Etc/UTC", "False", int64(1), "5m", "5m", "backup", "restic:0.17", "<none>"}},
		{"never scheduled cron job", decode[batch.CronJob](t, `{"metadata":{"name":"monthly",`+created+`},
			"spec":{"schedule":"@monthly","jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"r","image":"report"}]}}}}}}`),
			[]any{"monthly", "@monthly", "<none>", "<unset>", int64(0), "<none>", "5m", "r", "report", "<none>"}},
		{"hpa", decode[autoscaling.HorizontalPodAutoscaler](t, `{"metadata":{"name":"web",`+created+`},
			"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":1,"maxReplicas":10,"targetCPUUtilizationPercentage":50},
			"status":{"currentReplicas":2,"desiredReplicas":2,"currentCPUUtilizationPercentage":20}}`),
			[]any{"web", "Deployment/web", "cpu: 20%/50%", "1", int64(10), int64(2), "5m"}},
		{"hpa without metrics yet", decode[autoscaling.HorizontalPodAutoscaler](t, `{"metadata":{"name":"api",`+created+`},
			"spec":{"scaleTargetRef":{"kind":"Deployment","name":"api"},"maxReplicas":4},"status":{"currentReplicas":0,"desiredReplicas":0}}`),
			[]any{"api", "Deployment/api", "cpu: <unknown>/80%", "<unset>", int64(4), int64(0), "5m"}},
	})
}

func TestScaleRow(t *testing.T) {
	p := For(meta.GroupKind{Group: "autoscaling", Kind: "Scale"})
	s := &autoscaling.Scale{ObjectMeta: meta.ObjectMeta{Name: "web", CreationTimestamp: meta.NewTime(now.Add(-time.Hour))},
		Spec: autoscaling.ScaleSpec{Replicas: 3}, Status: autoscaling.ScaleStatus{Replicas: 2}}
	if got, want := p.Row(s, now), []any{"web", int64(3), int64(2), "60m"}; !reflect.DeepEqual(got, want) {
		t.Errorf("row = %#v, want %#v", got, want)
	}
}

func TestClusterRows(t *testing.T) {
	created := `"creationTimestamp":"2024-05-01T11:55:00Z"`
	checkRows(t, []rowTest{
		{"ingress", decode[networking.Ingress](t, `{"metadata":{"name":"shop",`+created+`},
			"spec":{"ingressClassName":"nginx","tls":[{"hosts":["a.example.com"],"secretName":"tls"}],"rules":[
			  {"host":"a.example.com"},{"host":"b.example.com"},{},{"host":"c.example.com"},{"host":"d.example.com"}]},
			"status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.7"},{"hostname":"lb.example.com"}]}}}`),
			[]any{"shop", "nginx", "a.example.com,b.example.com,c.example.com + 2 more...", "203.0.113.7,lb.example.com", "80, 443", "5m"}},
		{"default backend ingress", decode[networking.Ingress](t, `{"metadata":{"name":"catch-all",`+created+`},
			"spec":{"defaultBackend":{"service":{"name":"web","port":{"number":80}}}}}`),
			[]any{"catch-all", "<none>", "*", "", "80", "5m"}},
		{"ingress class", decode[networking.IngressClass](t, `{"metadata":{"name":"external-lb",`+created+`},
			"spec":{"controller":"example.com/ingress-controller","parameters":{"apiGroup":"k8s.example.com","kind":"IngressParameters","name":"external-lb","scope":"Cluster"}}}`),
			[]any{"external-lb", "example.com/ingress-controller", "IngressParameters.k8s.example.com/external-lb", "5m"}},
		{"network policy", decode[networking.NetworkPolicy](t, `{"metadata":{"name":"db-only",`+created+`},"spec":{"podSelector":{"matchLabels":{"role":"db"}}}}`),
			[]any{"db-only", "role=db", "5m"}},
		{"network policy for all pods", decode[networking.NetworkPolicy](t, `{"metadata":{"name":"deny-all",`+created+`},"spec":{"podSelector":{}}}`),
			[]any{"deny-all", "<none>", "5m"}},
		{"endpoint slice", decode[discovery.EndpointSlice](t, `{"metadata":{"name":"web-abc12",`+created+`},"addressType":"IPv4",
			"ports":[{"name":"http","port":80,"protocol":"TCP"},{"name":"metrics","protocol":"TCP"}],
			"endpoints":[{"addresses":["10.0.0.1"]},{"addresses":["10.0.0.2","10.0.0.3"]},{"addresses":["10.0.0.4"]}]}`),
			[]any{"web-abc12", "IPv4", "80,metrics", "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...", "5m"}},
		{"empty endpoint slice", decode[discovery.EndpointSlice](t, `{"metadata":{"name":"none",`+created+`},"addressType":"IPv6","ports":null,"endpoints":null}`),
			[]any{"none", "IPv6", "<unset>", "<unset>", "5m"}},
		{"role binding", decode[rbac.RoleBinding](t, `{"metadata":{"name":"admins",`+created+`},
			"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"admin"},
			"subjects":[{"kind":"User","name":"jane"},{"kind":"Group","name":"devs"},{"kind":"User","name":"joe"},{"kind":"ServiceAccount","name":"ci","namespace":"tools"}]}`),
			[]any{"admins", "ClusterRole/admin", "5m", "jane, joe", "devs", "tools/ci"}},
		{"cluster role binding", decode[rbac.ClusterRoleBinding](t, `{"metadata":{"name":"cluster-admin",`+created+`},
			"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},
			"subjects":[{"kind":"Group","name":"system:masters","apiGroup":"rbac.authorization.k8s.io"}]}`),
			[]any{"cluster-admin", "ClusterRole/cluster-admin", "5m", "", "system:masters", ""}},
		{"role has no printer", decode[rbac.Role](t, `{"metadata":{"name":"pod-reader",`+created+`},"rules":[{"verbs":["get"],"resources":["pods"],"apiGroups":[""]}]}`),
			[]any{"pod-reader", "2024-05-01T11:55:00Z"}},
		{"csr pending", decode[certificates.CertificateSigningRequest](t, `{"metadata":{"name":"node-csr-abc",`+created+`},
			"spec":{"request":"","signerName":"kubernetes.io/kube-apiserver-client-kubelet","username":"system:bootstrap:abcdef","usages":["client auth"]}}`),
			[]any{"node-csr-abc", "5m", "kubernetes.io/kube-apiserver-client-kubelet", "system:bootstrap:abcdef", "<none>", "Pending"}},
		{"csr approved and issued", decode[certificates.CertificateSigningRequest](t, `{"metadata":{"name":"jane",`+created+`},
			"spec":{"request":"","signerName":"kubernetes.io/kube-apiserver-client","username":"admin","expirationSeconds":86400,"usages":["client auth"]},
			"status":{"conditions":[{"type":"Approved","status":"True"}],"certificate":"Y2VydA=="}}`),
			[]any{"jane", "5m", "kubernetes.io/kube-apiserver-client", "admin", "24h", "Approved,Issued"}},
		{"csr denied and failed", decode[certificates.CertificateSigningRequest](t, `{"metadata":{"name":"bad",`+created+`},
			"spec":{"request":"","signerName":"example.com/x","username":"joe","usages":["client auth"]},
			"status":{"conditions":[{"type":"Approved","status":"True"},{"type":"Denied","status":"True"},{"type":"Failed","status":"True"}]}}`),
			[]any{"bad", "5m", "example.com/x", "joe", "<none>", "Denied,Failed"}},
		{"lease", decode[coordination.Lease](t, `{"metadata":{"name":"kube-scheduler",`+created+`},
			"spec":{"holderIdentity":"cp-1_5e0b","leaseDurationSeconds":15,"renewTime":"2024-05-01T11:59:58.123456Z"}}`),
			[]any{"kube-scheduler", "cp-1_5e0b", "5m"}},
		{"priority class", decode[scheduling.PriorityClass](t, `{"metadata":{"name":"high",`+created+`},"value":1000000,"globalDefault":false,"preemptionPolicy":"PreemptLowerPriority"}`),
			[]any{"high", int64(1000000), false, "5m", "PreemptLowerPriority"}},
		{"pod disruption budget", decode[policy.PodDisruptionBudget](t, `{"metadata":{"name":"web",`+created+`},
			"spec":{"minAvailable":"50%","selector":{"matchLabels":{"app":"web"}}},
			"status":{"disruptionsAllowed":1,"currentHealthy":3,"desiredHealthy":2,"expectedPods":3}}`),
			[]any{"web", "50%", "N/A", int64(1), "5m"}},
		{"pod disruption budget by max unavailable", decode[policy.PodDisruptionBudget](t, `{"metadata":{"name":"db",`+created+`},
			"spec":{"maxUnavailable":1},"status":{"disruptionsAllowed":0,"currentHealthy":2,"desiredHealthy":2,"expectedPods":3}}`),
			[]any{"db", "N/A", "1", int64(0), "5m"}},
		{"custom resource definition has no printer", decode[apiextensions.CustomResourceDefinition](t, `{"metadata":{"name":"widgets.example.com",`+created+`},
			"spec":{"group":"example.com","names":{"plural":"widgets","kind":"Widget"},"scope":"Namespaced","versions":[{"name":"v1","served":true,"storage":true}]}}`),
			[]any{"widgets.example.com", "2024-05-01T11:55:00Z"}},
	})
}

// TestEveryPrinterFillsEveryColumn renders an empty object of every
// registered kind: no printer may panic on missing fields or return a row
// of another width than its columns.
func TestEveryPrinterFillsEveryColumn(t *testing.T) {
	for _, r := range api.Default.Resources() {
		p := For(r.GroupKind())
		obj := r.New()
		cells := p.Row(obj, now)
		if len(cells) != len(p.Columns()) {
			t.Errorf("%s: %d cells for %d columns", r.GroupKind(), len(cells), len(p.Columns()))
		}
		for i, c := range cells {
			switch c.(type) {
			case string, int64, float64, bool, nil:
			default:
				t.Errorf("%s: column %s holds a %T", r.GroupKind(), p.Columns()[i].Name, c)
			}
		}
		names := 0
		for _, c := range p.Columns() {
			if c.Format == "name" {
				names++
			}
		}
		if names == 0 && r.Kind != "Scale" {
			t.Errorf("%s: no column has the name format", r.GroupKind())
		}
	}
}

func TestUnknownKindGetsDefault(t *testing.T) {
	p := For(meta.GroupKind{Group: "example.com", Kind: "Widget"})
	var names []string
	for _, c := range p.Columns() {
		names = append(names, fmt.Sprintf("%s/%s/%s", c.Name, c.Type, c.Format))
	}
	if want := []string{"Name/string/name", "Created At/date/"}; !reflect.DeepEqual(names, want) {
		t.Errorf("default columns = %v, want %v", names, want)
	}
}

func TestPrinterGivenAnotherTypePrintsTheName(t *testing.T) {
	p := For(meta.GroupKind{Kind: "Pod"})
	cells := p.Row(&core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "cm"}}, now)
	if len(cells) != len(p.Columns()) || cells[0] != "cm" || cells[1] != nil {
		t.Errorf("cells = %#v", cells)
	}
}
