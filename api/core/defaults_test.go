package core_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

// defaulter is implemented by every top-level core kind.
type defaulter interface {
	meta.Object
	Default()
}

func decodeYAML(t *testing.T, y string) defaulter {
	t.Helper()
	// The comment keeps ToJSON from taking flow-style YAML ({...}) for JSON.
	j, err := api.ToJSON([]byte("# yaml\n" + y))
	if err != nil {
		t.Fatal(err)
	}
	obj, _ := decode(t, j)
	d, ok := obj.(defaulter)
	if !ok {
		t.Fatalf("%T has no Default method", obj)
	}
	return d
}

func TestDefaults(t *testing.T) {
	tests := []struct {
		name     string
		in, want string
	}{
		{
			name: "pod from the docs gets what kubectl get shows",
			in: `
apiVersion: v1
kind: Pod
metadata: {name: nginx}
spec:
  containers:
  - name: nginx
    image: nginx:1.14.2
    ports:
    - containerPort: 80`,
			want: `
apiVersion: v1
kind: Pod
metadata: {name: nginx}
spec:
  containers:
  - image: nginx:1.14.2
    imagePullPolicy: IfNotPresent
    name: nginx
    ports:
    - containerPort: 80
      protocol: TCP
    resources: {}
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
  dnsPolicy: ClusterFirst
  enableServiceLinks: true
  restartPolicy: Always
  schedulerName: default-scheduler
  securityContext: {}
  terminationGracePeriodSeconds: 30`,
		},
		{
			name: "pod requests default to limits, host ports to container ports",
			in: `
apiVersion: v1
kind: Pod
spec:
  hostNetwork: true
  initContainers:
  - name: init
    image: busybox
    resources:
      limits: {cpu: 100m}
    ports: [{containerPort: 53, protocol: UDP}]
  containers:
  - name: app
    image: app:v1
    imagePullPolicy: Never
    resources:
      limits: {cpu: "1", memory: 1Gi}
      requests: {cpu: 500m}
    ports: [{containerPort: 8080, hostPort: 9090}]`,
			want: `
apiVersion: v1
kind: Pod
spec:
  hostNetwork: true
  initContainers:
  - name: init
    image: busybox
    imagePullPolicy: Always
    resources:
      limits: {cpu: 100m}
      requests: {cpu: 100m}
    ports: [{containerPort: 53, hostPort: 53, protocol: UDP}]
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
  containers:
  - name: app
    image: app:v1
    imagePullPolicy: Never
    resources:
      limits: {cpu: "1", memory: 1Gi}
      requests: {cpu: 500m, memory: 1Gi}
    ports: [{containerPort: 8080, hostPort: 9090, protocol: TCP}]
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
  dnsPolicy: ClusterFirst
  enableServiceLinks: true
  restartPolicy: Always
  schedulerName: default-scheduler
  securityContext: {}
  terminationGracePeriodSeconds: 30`,
		},
		{
			name: "probes, lifecycle hooks, env and ephemeral containers",
			in: `
apiVersion: v1
kind: Pod
spec:
  restartPolicy: Never
  dnsPolicy: Default
  terminationGracePeriodSeconds: 0
  securityContext: {runAsUser: 1}
  schedulerName: other
  enableServiceLinks: false
  containers:
  - name: c
    image: c:latest
    env:
    - name: NODE
      valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
    - name: FROM_FILE
      valueFrom: {fileKeyRef: {volumeName: v, path: env, key: K}}
    livenessProbe:
      httpGet: {port: 8080}
    readinessProbe:
      grpc: {port: 9090}
      periodSeconds: 2
    startupProbe:
      exec: {command: ["true"]}
      failureThreshold: 30
    lifecycle:
      postStart:
        httpGet: {port: 80, scheme: HTTPS, path: /start}
      preStop:
        httpGet: {port: 80}
  ephemeralContainers:
  - name: debugger
    image: busybox@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7
    targetContainerName: c`,
			want: `
apiVersion: v1
kind: Pod
spec:
  restartPolicy: Never
  dnsPolicy: Default
  terminationGracePeriodSeconds: 0
  securityContext: {runAsUser: 1}
  schedulerName: other
  enableServiceLinks: false
  containers:
  - name: c
    image: c:latest
    imagePullPolicy: Always
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
    env:
    - name: NODE
      valueFrom: {fieldRef: {apiVersion: v1, fieldPath: spec.nodeName}}
    - name: FROM_FILE
      valueFrom: {fileKeyRef: {volumeName: v, path: env, key: K, optional: false}}
    livenessProbe:
      httpGet: {port: 8080, path: /, scheme: HTTP}
      timeoutSeconds: 1
      periodSeconds: 10
      successThreshold: 1
      failureThreshold: 3
    readinessProbe:
      grpc: {port: 9090, service: ""}
      timeoutSeconds: 1
      periodSeconds: 2
      successThreshold: 1
      failureThreshold: 3
    startupProbe:
      exec: {command: ["true"]}
      timeoutSeconds: 1
      periodSeconds: 10
      successThreshold: 1
      failureThreshold: 30
    lifecycle:
      postStart:
        httpGet: {port: 80, scheme: HTTPS, path: /start}
      preStop:
        httpGet: {port: 80, path: /, scheme: HTTP}
  ephemeralContainers:
  - name: debugger
    image: busybox@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7
    imagePullPolicy: IfNotPresent
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
    targetContainerName: c`,
		},
		{
			name: "volumes",
			in: `
apiVersion: v1
kind: Pod
spec:
  containers: []
  volumes:
  - name: scratch
  - name: host
    hostPath: {path: /var/log}
  - name: cm
    configMap: {name: cfg}
  - name: sec
    secret: {secretName: s, defaultMode: 256}
  - name: info
    downwardAPI:
      items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]
  - name: proj
    projected:
      sources:
      - serviceAccountToken: {path: token}
      - downwardAPI:
          items: [{path: ns, fieldRef: {fieldPath: metadata.namespace}}]
  - name: eph
    ephemeral:
      volumeClaimTemplate:
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
  - name: img
    image: {reference: "quay.io/crio/artifact:v2"}
  - name: disk
    iscsi: {targetPortal: "10.0.0.1:3260", iqn: "iqn.2001-04.com.example:storage", lun: 0}`,
			want: `
apiVersion: v1
kind: Pod
spec:
  containers: []
  dnsPolicy: ClusterFirst
  enableServiceLinks: true
  restartPolicy: Always
  schedulerName: default-scheduler
  securityContext: {}
  terminationGracePeriodSeconds: 30
  volumes:
  - name: scratch
    emptyDir: {}
  - name: host
    hostPath: {path: /var/log, type: ""}
  - name: cm
    configMap: {name: cfg, defaultMode: 420}
  - name: sec
    secret: {secretName: s, defaultMode: 256}
  - name: info
    downwardAPI:
      defaultMode: 420
      items: [{path: labels, fieldRef: {apiVersion: v1, fieldPath: metadata.labels}}]
  - name: proj
    projected:
      defaultMode: 420
      sources:
      - serviceAccountToken: {path: token, expirationSeconds: 3600}
      - downwardAPI:
          items: [{path: ns, fieldRef: {apiVersion: v1, fieldPath: metadata.namespace}}]
  - name: eph
    ephemeral:
      volumeClaimTemplate:
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
          volumeMode: Filesystem
  - name: img
    image: {reference: "quay.io/crio/artifact:v2", pullPolicy: IfNotPresent}
  - name: disk
    iscsi: {targetPortal: "10.0.0.1:3260", iqn: "iqn.2001-04.com.example:storage", lun: 0, iscsiInterface: default}`,
		},
		{
			name: "pod template gets spec defaults but not pod-only ones",
			in: `
apiVersion: v1
kind: PodTemplate
template:
  spec:
    containers:
    - name: c
      image: c
      resources: {limits: {cpu: "1"}}`,
			want: `
apiVersion: v1
kind: PodTemplate
template:
  spec:
    containers:
    - name: c
      image: c
      imagePullPolicy: Always
      resources: {limits: {cpu: "1"}}
      terminationMessagePath: /dev/termination-log
      terminationMessagePolicy: File
    dnsPolicy: ClusterFirst
    restartPolicy: Always
    schedulerName: default-scheduler
    securityContext: {}
    terminationGracePeriodSeconds: 30`,
		},
		{
			name: "cluster IP service",
			in: `
apiVersion: v1
kind: Service
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80}
  - {name: named, port: 443, targetPort: https, protocol: TCP}
  - {name: dns, port: 53, protocol: UDP, targetPort: 5353}`,
			want: `
apiVersion: v1
kind: Service
spec:
  selector: {app: web}
  type: ClusterIP
  sessionAffinity: None
  internalTrafficPolicy: Cluster
  ports:
  - {name: http, port: 80, protocol: TCP, targetPort: 80}
  - {name: named, port: 443, targetPort: https, protocol: TCP}
  - {name: dns, port: 53, protocol: UDP, targetPort: 5353}`,
		},
		{
			name: "cluster IP service with external IPs and client IP affinity",
			in: `
apiVersion: v1
kind: Service
spec:
  externalIPs: [192.0.2.10]
  sessionAffinity: ClientIP
  ports: [{port: 80, targetPort: ""}]`,
			want: `
apiVersion: v1
kind: Service
spec:
  externalIPs: [192.0.2.10]
  type: ClusterIP
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 10800}}
  externalTrafficPolicy: Cluster
  internalTrafficPolicy: Cluster
  ports: [{port: 80, protocol: TCP, targetPort: 80}]`,
		},
		{
			name: "node port service drops affinity config without affinity",
			in: `
apiVersion: v1
kind: Service
spec:
  type: NodePort
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}
  ports: [{port: 80, nodePort: 30080}]`,
			want: `
apiVersion: v1
kind: Service
spec:
  type: NodePort
  sessionAffinity: None
  externalTrafficPolicy: Cluster
  internalTrafficPolicy: Cluster
  ports: [{port: 80, nodePort: 30080, protocol: TCP, targetPort: 80}]`,
		},
		{
			name: "load balancer service",
			in: `
apiVersion: v1
kind: Service
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  ports: [{port: 443, protocol: TCP, targetPort: 8443}]
status:
  loadBalancer:
    ingress: [{ip: 203.0.113.1}, {hostname: lb.example.com}]`,
			want: `
apiVersion: v1
kind: Service
spec:
  type: LoadBalancer
  sessionAffinity: None
  externalTrafficPolicy: Local
  internalTrafficPolicy: Cluster
  allocateLoadBalancerNodePorts: true
  ports: [{port: 443, protocol: TCP, targetPort: 8443}]
status:
  loadBalancer:
    ingress: [{ip: 203.0.113.1, ipMode: VIP}, {hostname: lb.example.com}]`,
		},
		{
			name: "external name service",
			in: `
apiVersion: v1
kind: Service
spec: {type: ExternalName, externalName: db.example.com}`,
			want: `
apiVersion: v1
kind: Service
spec: {type: ExternalName, externalName: db.example.com, sessionAffinity: None}`,
		},
		{
			name: "endpoints",
			in: `
apiVersion: v1
kind: Endpoints
subsets: [{addresses: [{ip: 10.0.0.1}], ports: [{port: 80}, {port: 53, protocol: UDP}]}]`,
			want: `
apiVersion: v1
kind: Endpoints
subsets: [{addresses: [{ip: 10.0.0.1}], ports: [{port: 80, protocol: TCP}, {port: 53, protocol: UDP}]}]`,
		},
		{
			name: "secret",
			in:   `{apiVersion: v1, kind: Secret, stringData: {a: b}}`,
			want: `{apiVersion: v1, kind: Secret, stringData: {a: b}, type: Opaque}`,
		},
		{
			name: "typed secret keeps its type",
			in:   `{apiVersion: v1, kind: Secret, type: kubernetes.io/tls}`,
			want: `{apiVersion: v1, kind: Secret, type: kubernetes.io/tls}`,
		},
		{
			name: "config map data is never nil",
			in:   `{apiVersion: v1, kind: ConfigMap, metadata: {name: c}}`,
			want: `{apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {}}`,
		},
		{
			name: "namespace",
			in:   `{apiVersion: v1, kind: Namespace, metadata: {name: dev, labels: {team: a}}}`,
			want: `{apiVersion: v1, kind: Namespace, metadata: {name: dev, labels: {team: a, kubernetes.io/metadata.name: dev}}, status: {phase: Active}}`,
		},
		{
			name: "namespace name label is forced",
			in:   `{apiVersion: v1, kind: Namespace, metadata: {name: dev, labels: {kubernetes.io/metadata.name: prod}}, status: {phase: Terminating}}`,
			want: `{apiVersion: v1, kind: Namespace, metadata: {name: dev, labels: {kubernetes.io/metadata.name: dev}}, status: {phase: Terminating}}`,
		},
		{
			name: "node allocatable defaults to capacity",
			in:   `{apiVersion: v1, kind: Node, status: {capacity: {cpu: "4", memory: 8Gi, pods: "110"}}}`,
			want: `{apiVersion: v1, kind: Node, status: {capacity: {cpu: "4", memory: 8Gi, pods: "110"}, allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}}`,
		},
		{
			name: "node allocatable is kept",
			in:   `{apiVersion: v1, kind: Node, status: {capacity: {cpu: "4"}, allocatable: {cpu: 3800m}}}`,
			want: `{apiVersion: v1, kind: Node, status: {capacity: {cpu: "4"}, allocatable: {cpu: 3800m}}}`,
		},
		{
			name: "persistent volume",
			in:   `{apiVersion: v1, kind: PersistentVolume, spec: {capacity: {storage: 1Gi}, hostPath: {path: /data}}}`,
			want: `{apiVersion: v1, kind: PersistentVolume, spec: {capacity: {storage: 1Gi}, hostPath: {path: /data, type: ""}, persistentVolumeReclaimPolicy: Retain, volumeMode: Filesystem}, status: {phase: Pending}}`,
		},
		{
			name: "persistent volume claim",
			in:   `{apiVersion: v1, kind: PersistentVolumeClaim, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}`,
			want: `{apiVersion: v1, kind: PersistentVolumeClaim, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}, volumeMode: Filesystem}, status: {phase: Pending}}`,
		},
		{
			name: "block claim keeps its mode",
			in:   `{apiVersion: v1, kind: PersistentVolumeClaim, spec: {volumeMode: Block}, status: {phase: Bound}}`,
			want: `{apiVersion: v1, kind: PersistentVolumeClaim, spec: {volumeMode: Block}, status: {phase: Bound}}`,
		},
		{
			name: "limit range container defaults",
			in: `
apiVersion: v1
kind: LimitRange
spec:
  limits:
  - type: Container
    max: {cpu: "2", memory: 1Gi}
    min: {cpu: 100m, ephemeral-storage: 1Gi}
    default: {memory: 512Mi}
  - type: Pod
    max: {cpu: "4"}`,
			want: `
apiVersion: v1
kind: LimitRange
spec:
  limits:
  - type: Container
    max: {cpu: "2", memory: 1Gi}
    min: {cpu: 100m, ephemeral-storage: 1Gi}
    default: {cpu: "2", memory: 512Mi}
    defaultRequest: {cpu: "2", memory: 512Mi, ephemeral-storage: 1Gi}
  - type: Pod
    max: {cpu: "4"}`,
		},
		{
			name: "quantities are rounded up to milli precision",
			in: `
apiVersion: v1
kind: ResourceQuota
spec:
  hard: {cpu: "0.0001", memory: 1Gi, requests.cpu: "1.0005"}
status:
  used: {cpu: "1e-9"}`,
			want: `
apiVersion: v1
kind: ResourceQuota
spec:
  hard: {cpu: 1m, memory: 1Gi, requests.cpu: 1001m}
status:
  used: {cpu: "1e-3"}`,
		},
		{
			name: "container quantities are rounded up",
			in: `
apiVersion: v1
kind: PodTemplate
template:
  spec:
    containers:
    - name: c
      image: c:1
      resources: {requests: {cpu: 0.00025, memory: 64Mi}}`,
			want: `
apiVersion: v1
kind: PodTemplate
template:
  spec:
    containers:
    - name: c
      image: c:1
      imagePullPolicy: IfNotPresent
      resources: {requests: {cpu: 1m, memory: 64Mi}}
      terminationMessagePath: /dev/termination-log
      terminationMessagePolicy: File
    dnsPolicy: ClusterFirst
    restartPolicy: Always
    schedulerName: default-scheduler
    securityContext: {}
    terminationGracePeriodSeconds: 30`,
		},
		{
			name: "kinds without defaults",
			in:   `{apiVersion: v1, kind: Event, involvedObject: {kind: Pod, name: p}, reportingComponent: "", reportingInstance: ""}`,
			want: `{apiVersion: v1, kind: Event, involvedObject: {kind: Pod, name: p}, reportingComponent: "", reportingInstance: ""}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodeYAML(t, tt.in)
			got.Default()
			want := decodeYAML(t, tt.want)
			if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
				t.Errorf("Default() (-want +got):\n%s", diff)
			}
			// Defaulting is idempotent.
			again := meta.DeepCopy(got)
			again.Default()
			if diff := cmp.Diff(got, again, cmpOpts); diff != "" {
				t.Errorf("second Default() changed the object (-first +second):\n%s", diff)
			}
		})
	}
}

// Objects as a Kubernetes server returns them are already defaulted, so
// Default must leave them unchanged.
func TestDefaultsKeepServerOutput(t *testing.T) {
	for _, doc := range readDocuments(t) {
		switch doc.name {
		case "pod-running.yaml#0", "node.yaml#0", "service-loadbalancer.yaml#0", "misc.yaml#0":
		default:
			continue
		}
		t.Run(doc.name, func(t *testing.T) {
			obj, _ := decode(t, doc.json)
			d := obj.(defaulter)
			before := meta.DeepCopy(d)
			d.Default()
			if diff := cmp.Diff(before, d, cmpOpts); diff != "" {
				t.Errorf("Default() changed server output (-before +after):\n%s", diff)
			}
		})
	}
}

func TestImagePullPolicyDefault(t *testing.T) {
	tests := []struct {
		image string
		want  core.PullPolicy
	}{
		{"nginx", core.PullAlways},
		{"nginx:latest", core.PullAlways},
		{"nginx:1.27", core.PullIfNotPresent},
		{"docker.io/library/nginx:stable", core.PullIfNotPresent},
		{"nginx@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7", core.PullIfNotPresent},
		{"nginx:latest@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7", core.PullAlways},
		{"localhost:5000/app", core.PullAlways},
		{"localhost:5000/app:v2", core.PullIfNotPresent},
		{"Registry.Example.com/team/app", core.PullAlways},
		{"team/App:latest", core.PullIfNotPresent}, // upper case repository: not a valid reference
		{"", core.PullIfNotPresent},
	}
	for _, tt := range tests {
		t.Run(tt.image, func(t *testing.T) {
			pod := core.Pod{Spec: core.PodSpec{Containers: []core.Container{{Name: "c", Image: tt.image}}}}
			pod.Default()
			if got := pod.Spec.Containers[0].ImagePullPolicy; got != tt.want {
				t.Errorf("imagePullPolicy for %q = %s, want %s", tt.image, got, tt.want)
			}
		})
	}
}

func TestNamespacePrepareForCreate(t *testing.T) {
	tests := []struct {
		name string
		in   []core.FinalizerName
		want []core.FinalizerName
	}{
		{"none", nil, []core.FinalizerName{core.FinalizerKubernetes}},
		{"other", []core.FinalizerName{"example.com/x"}, []core.FinalizerName{"example.com/x", core.FinalizerKubernetes}},
		{"present", []core.FinalizerName{core.FinalizerKubernetes}, []core.FinalizerName{core.FinalizerKubernetes}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns := core.Namespace{Spec: core.NamespaceSpec{Finalizers: tt.in}}
			ns.Status.Phase = core.NamespaceTerminating
			ns.PrepareForCreate()
			if diff := cmp.Diff(tt.want, ns.Spec.Finalizers); diff != "" {
				t.Errorf("finalizers (-want +got):\n%s", diff)
			}
			if ns.Status.Phase != core.NamespaceActive {
				t.Errorf("phase = %s, want Active", ns.Status.Phase)
			}
		})
	}
	// Default alone never re-adds the finalizer the namespace controller removed.
	ns := core.Namespace{ObjectMeta: meta.ObjectMeta{Name: "gone"}}
	ns.Default()
	if len(ns.Spec.Finalizers) != 0 {
		t.Errorf("Default added finalizers %v", ns.Spec.Finalizers)
	}
}
