package patch_test

import (
	"reflect"
	"testing"

	"github.com/spar-dev/spar/api/apps"
	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/apiserver/patch"
)

var (
	podType        = reflect.TypeFor[core.Pod]()
	deploymentType = reflect.TypeFor[apps.Deployment]()
	serviceType    = reflect.TypeFor[core.Service]()
	nodeType       = reflect.TypeFor[core.Node]()
)

type strategicCase struct {
	applyCase
	typ reflect.Type
}

// Deployments of the kubectl documentation's "Update API Objects in Place
// Using kubectl patch" page.
const (
	patchDemo = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"patch-demo"},"spec":{"replicas":2,` +
		`"selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{"labels":{"app":"nginx"}},"spec":{` +
		`"containers":[{"name":"patch-demo-ctr","image":"nginx"}],` +
		`"tolerations":[{"effect":"NoSchedule","key":"dedicated","value":"test-team"}]}}}}`
	retainKeysDemo = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"retainkeys-demo"},"spec":{` +
		`"selector":{"matchLabels":{"app":"nginx"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"30%","maxUnavailable":"25%"}},` +
		`"template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"retainkeys-demo-ctr","image":"nginx"}]}}}}`
)

var strategicCases = []strategicCase{
	// The kubectl patch documentation.
	{typ: deploymentType, applyCase: applyCase{name: "docs: containers merge by name", original: patchDemo,
		patch: `{"spec":{"template":{"spec":{"containers":[{"name":"patch-demo-ctr-2","image":"redis"}]}}}}`,
		want: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"patch-demo"},"spec":{"replicas":2,` +
			`"selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{"labels":{"app":"nginx"}},"spec":{` +
			`"containers":[{"name":"patch-demo-ctr-2","image":"redis"},{"name":"patch-demo-ctr","image":"nginx"}],` +
			`"tolerations":[{"effect":"NoSchedule","key":"dedicated","value":"test-team"}]}}}}`}},
	{typ: deploymentType, applyCase: applyCase{name: "docs: tolerations are replaced", original: patchDemo,
		patch: `{"spec":{"template":{"spec":{"tolerations":[{"effect":"NoSchedule","key":"disktype","value":"ssd"}]}}}}`,
		want: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"patch-demo"},"spec":{"replicas":2,` +
			`"selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{"labels":{"app":"nginx"}},"spec":{` +
			`"containers":[{"name":"patch-demo-ctr","image":"nginx"}],` +
			`"tolerations":[{"effect":"NoSchedule","key":"disktype","value":"ssd"}]}}}}`}},
	{typ: deploymentType, applyCase: applyCase{name: "docs: strategy merged without retainKeys", original: retainKeysDemo,
		patch: `{"spec":{"strategy":{"type":"Recreate"}}}`,
		want: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"retainkeys-demo"},"spec":{` +
			`"selector":{"matchLabels":{"app":"nginx"}},"strategy":{"type":"Recreate","rollingUpdate":{"maxSurge":"30%","maxUnavailable":"25%"}},` +
			`"template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"retainkeys-demo-ctr","image":"nginx"}]}}}}`}},
	{typ: deploymentType, applyCase: applyCase{name: "docs: $retainKeys clears rollingUpdate", original: retainKeysDemo,
		patch: `{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}`,
		want: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"retainkeys-demo"},"spec":{` +
			`"selector":{"matchLabels":{"app":"nginx"}},"strategy":{"type":"Recreate"},` +
			`"template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"retainkeys-demo-ctr","image":"nginx"}]}}}}`}},

	// Merge keys of the API types.
	{typ: podType, applyCase: applyCase{name: "env by name, ports by containerPort, volumeMounts by mountPath",
		original: `{"spec":{"containers":[{"name":"c","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],` +
			`"ports":[{"containerPort":80,"protocol":"TCP"}],"volumeMounts":[{"name":"v","mountPath":"/a"}]}]}}`,
		patch: `{"spec":{"containers":[{"name":"c","env":[{"name":"B","value":"3"}],"ports":[{"containerPort":80,"name":"http"},{"containerPort":81}],` +
			`"volumeMounts":[{"mountPath":"/a","readOnly":true}]}]}}`,
		want: `{"spec":{"containers":[{"name":"c","env":[{"name":"A","value":"1"},{"name":"B","value":"3"}],` +
			`"ports":[{"containerPort":80,"protocol":"TCP","name":"http"},{"containerPort":81}],"volumeMounts":[{"name":"v","mountPath":"/a","readOnly":true}]}]}}`}},
	{typ: serviceType, applyCase: applyCase{name: "service ports by port",
		original: `{"spec":{"ports":[{"name":"http","port":80,"targetPort":8080},{"name":"https","port":443}]}}`,
		patch:    `{"spec":{"ports":[{"port":80,"targetPort":9090}]}}`,
		want:     `{"spec":{"ports":[{"name":"http","port":80,"targetPort":9090},{"name":"https","port":443}]}}`}},
	{typ: podType, applyCase: applyCase{name: "conditions by type",
		original: `{"status":{"conditions":[{"type":"PodScheduled","status":"True"},{"type":"Ready","status":"False"}]}}`,
		patch:    `{"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"ContainersReady","status":"True"}]}}`,
		want:     `{"status":{"conditions":[{"type":"PodScheduled","status":"True"},{"type":"Ready","status":"True"},{"type":"ContainersReady","status":"True"}]}}`}},
	{typ: podType, applyCase: applyCase{name: "hostAliases and podIPs by ip",
		original: `{"spec":{"hostAliases":[{"ip":"10.0.0.1","hostnames":["a"]}]},"status":{"podIPs":[{"ip":"10.1.0.5"}]}}`,
		patch:    `{"spec":{"hostAliases":[{"ip":"10.0.0.1","hostnames":["b"]}]},"status":{"podIPs":[{"ip":"fd00::5"}]}}`,
		want:     `{"spec":{"hostAliases":[{"ip":"10.0.0.1","hostnames":["b"]}]},"status":{"podIPs":[{"ip":"fd00::5"},{"ip":"10.1.0.5"}]}}`}},
	{typ: podType, applyCase: applyCase{name: "ownerReferences by uid",
		original: `{"metadata":{"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"u1","controller":true}]}}`,
		patch:    `{"metadata":{"ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"cm","uid":"u2"},{"uid":"u1","blockOwnerDeletion":true}]}}`,
		want: `{"metadata":{"ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"cm","uid":"u2"},` +
			`{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"u1","controller":true,"blockOwnerDeletion":true}]}}`}},
	{typ: podType, applyCase: applyCase{name: "finalizers merge as a set",
		original: `{"metadata":{"finalizers":["a","b"]}}`, patch: `{"metadata":{"finalizers":["c","a"]}}`,
		want: `{"metadata":{"finalizers":["c","a","b"]}}`}},
	{typ: nodeType, applyCase: applyCase{name: "podCIDRs merge as a set",
		original: `{"spec":{"podCIDRs":["10.0.0.0/24"]}}`, patch: `{"spec":{"podCIDRs":["fd00::/64","10.0.0.0/24"]}}`,
		want: `{"spec":{"podCIDRs":["fd00::/64","10.0.0.0/24"]}}`}},
	{typ: podType, applyCase: applyCase{name: "args without a strategy are replaced",
		original: `{"spec":{"containers":[{"name":"c","args":["a","b"]}]}}`, patch: `{"spec":{"containers":[{"name":"c","args":["c"]}]}}`,
		want: `{"spec":{"containers":[{"name":"c","args":["c"]}]}}`}},
	{typ: podType, applyCase: applyCase{name: "maps merge and null deletes",
		original: `{"metadata":{"labels":{"a":"1","b":"2"}},"spec":{"nodeName":"n1","activeDeadlineSeconds":5}}`,
		patch:    `{"metadata":{"labels":{"a":null,"c":"3"}},"spec":{"activeDeadlineSeconds":null,"hostname":"h"}}`,
		want:     `{"metadata":{"labels":{"b":"2","c":"3"}},"spec":{"nodeName":"n1","hostname":"h"}}`}},
	{typ: podType, applyCase: applyCase{name: "nulls in new values mean nothing",
		original: `{"spec":{}}`, patch: `{"spec":{"securityContext":{"runAsUser":null,"runAsGroup":1}}}`,
		want: `{"spec":{"securityContext":{"runAsGroup":1}}}`}},

	// Directives.
	{typ: podType, applyCase: applyCase{name: "$patch: replace on a map",
		original: `{"metadata":{"labels":{"a":"1","b":"2"}}}`, patch: `{"metadata":{"labels":{"$patch":"replace","c":"3"}}}`,
		want: `{"metadata":{"labels":{"c":"3"}}}`}},
	{typ: podType, applyCase: applyCase{name: "$patch: delete on a map",
		original: `{"spec":{"securityContext":{"runAsUser":1},"nodeName":"n"}}`, patch: `{"spec":{"securityContext":{"$patch":"delete"}}}`,
		want: `{"spec":{"securityContext":{},"nodeName":"n"}}`}},
	{typ: podType, applyCase: applyCase{name: "$patch: replace in a list",
		original: `{"spec":{"containers":[{"name":"a","image":"a"},{"name":"b","image":"b"}]}}`,
		patch:    `{"spec":{"containers":[{"name":"c","image":"c"},{"$patch":"replace"}]}}`,
		want:     `{"spec":{"containers":[{"name":"c","image":"c"}]}}`}},
	{typ: podType, applyCase: applyCase{name: "$patch: delete in a list",
		original: `{"spec":{"containers":[{"name":"a","image":"a"},{"name":"b","image":"b"}]}}`,
		patch:    `{"spec":{"containers":[{"name":"a","$patch":"delete"}]}}`,
		want:     `{"spec":{"containers":[{"name":"b","image":"b"}]}}`}},
	{typ: podType, applyCase: applyCase{name: "$retainKeys on a volume",
		original: `{"spec":{"volumes":[{"name":"v","emptyDir":{}},{"name":"w","emptyDir":{}}]}}`,
		patch:    `{"spec":{"volumes":[{"$retainKeys":["hostPath","name"],"name":"v","hostPath":{"path":"/d"}}]}}`,
		want:     `{"spec":{"volumes":[{"name":"v","hostPath":{"path":"/d"}},{"name":"w","emptyDir":{}}]}}`}},
	{typ: podType, applyCase: applyCase{name: "$setElementOrder of a list of maps",
		original: `{"spec":{"containers":[{"name":"a"},{"name":"b"},{"name":"c"}]}}`,
		patch:    `{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"c"},{"name":"a"}]}}`,
		want:     `{"spec":{"containers":[{"name":"b"},{"name":"c"},{"name":"a"}]}}`}},
	{typ: podType, applyCase: applyCase{name: "$setElementOrder of primitives",
		original: `{"metadata":{"finalizers":["a","b","c"]}}`, patch: `{"metadata":{"$setElementOrder/finalizers":["b","c","a"]}}`,
		want: `{"metadata":{"finalizers":["b","c","a"]}}`}},
	{typ: podType, applyCase: applyCase{name: "$setElementOrder with a merge",
		original: `{"spec":{"containers":[{"name":"a","image":"a"},{"name":"b","image":"b"}]}}`,
		patch:    `{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"x"},{"name":"a"}],"containers":[{"name":"x","image":"x"},{"name":"a","image":"a2"}]}}`,
		want:     `{"spec":{"containers":[{"name":"b","image":"b"},{"name":"x","image":"x"},{"name":"a","image":"a2"}]}}`}},
	{typ: podType, applyCase: applyCase{
		// A server-only element (one kubectl did not write) keeps its place
		// relative to the others, by the current order: here D stays
		// between B and the new C because deleting A made room that C
		// took, as in Kubernetes.
		name:     "$setElementOrder places server-only elements",
		original: `{"spec":{"containers":[{"name":"c","env":[{"name":"A"},{"name":"B"},{"name":"D"}]}]}}`,
		patch:    `{"spec":{"containers":[{"name":"c","$setElementOrder/env":[{"name":"B"},{"name":"C"}],"env":[{"name":"C"},{"name":"A","$patch":"delete"}]}]}}`,
		want:     `{"spec":{"containers":[{"name":"c","env":[{"name":"B"},{"name":"D"},{"name":"C"}]}]}}`}},
	{typ: podType, applyCase: applyCase{name: "$deleteFromPrimitiveList",
		original: `{"metadata":{"finalizers":["a","b","c"]}}`, patch: `{"metadata":{"$deleteFromPrimitiveList/finalizers":["b","x"]}}`,
		want: `{"metadata":{"finalizers":["a","c"]}}`}},
	{typ: podType, applyCase: applyCase{name: "whole patch replace",
		original: `{"metadata":{"name":"p","labels":{"a":"1"}}}`, patch: `{"metadata":{"$patch":"replace","name":"p"}}`,
		want: `{"metadata":{"name":"p"}}`}},
	{typ: podType, applyCase: applyCase{name: "a new element keeps its directives, as in Kubernetes",
		original: `{"spec":{"volumes":[{"name":"v","emptyDir":{}}]}}`,
		patch:    `{"spec":{"volumes":[{"$retainKeys":["hostPath","name"],"name":"w","hostPath":{"path":"/d"}}]}}`,
		want:     `{"spec":{"volumes":[{"$retainKeys":["hostPath","name"],"name":"w","hostPath":{"path":"/d"}},{"name":"v","emptyDir":{}}]}}`}},
	{typ: podType, applyCase: applyCase{name: "null patch", original: `{"a":1}`, patch: `null`, want: `{"a":1}`}},
	{typ: podType, applyCase: applyCase{name: "empty patch", original: `{"a":1}`, patch: `{}`, want: `{"a":1}`}},

	// Errors.
	{typ: podType, applyCase: applyCase{name: "element without its merge key",
		original: `{"spec":{"containers":[{"name":"a"}]}}`, patch: `{"spec":{"containers":[{"image":"x"}]}}`,
		wantErr: patch.ErrInvalidPatch, wantMsg: "map: map[image:x] does not contain declared merge key: name"}},
	{typ: podType, applyCase: applyCase{name: "$patch: merge",
		original: `{"spec":{"containers":[{"name":"a"}]}}`, patch: `{"spec":{"containers":[{"name":"a","$patch":"merge"}]}}`,
		wantErr: patch.ErrInvalidPatch, wantMsg: "merging lists cannot yet be specified in the patch"}},
	{typ: podType, applyCase: applyCase{name: "$patch: merge on a map",
		original: `{"metadata":{"labels":{"a":"1"}}}`, patch: `{"metadata":{"labels":{"$patch":"merge"}}}`,
		wantErr: patch.ErrInvalidPatch, wantMsg: "unknown patch type: merge in map"}},
	{typ: podType, applyCase: applyCase{name: "unknown $patch",
		original: `{"spec":{"containers":[{"name":"a"}]}}`, patch: `{"spec":{"containers":[{"name":"a","$patch":"upsert"}]}}`,
		wantErr: patch.ErrInvalidPatch, wantMsg: "unknown patch type: upsert"}},
	{typ: deploymentType, applyCase: applyCase{name: "$retainKeys not a list", original: retainKeysDemo,
		patch: `{"spec":{"strategy":{"$retainKeys":"type","type":"Recreate"}}}`, wantErr: patch.ErrInvalidPatch, wantMsg: "invalid patch format of retainKeys"}},
	{typ: deploymentType, applyCase: applyCase{name: "$retainKeys not naming a patched key", original: retainKeysDemo,
		patch: `{"spec":{"strategy":{"$retainKeys":["rollingUpdate"],"type":"Recreate"}}}`, wantErr: patch.ErrInvalidPatch, wantMsg: "invalid patch format of retainKeys"}},
	{typ: podType, applyCase: applyCase{name: "$setElementOrder without a field",
		original: `{"metadata":{"finalizers":["a"]}}`, patch: `{"metadata":{"$setElementOrder":["a"]}}`,
		wantErr: patch.ErrInvalidPatch, wantMsg: "invalid patch format of setElementOrder list"}},
	{typ: podType, applyCase: applyCase{name: "$deleteFromPrimitiveList without a field",
		original: `{"metadata":{"finalizers":["a"]}}`, patch: `{"metadata":{"$deleteFromPrimitiveList":["a"]}}`,
		wantErr: patch.ErrInvalidPatch, wantMsg: "invalid patch format of primitive list"}},
	{typ: podType, applyCase: applyCase{name: "$setElementOrder contradicting the patch",
		original: `{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}`,
		patch:    `{"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"}],"containers":[{"name":"b"},{"name":"a"}]}}`,
		wantErr:  patch.ErrInvalidPatch, wantMsg: "doesn't match $setElementOrder list"}},
	{typ: podType, applyCase: applyCase{name: "$setElementOrder of an unknown field",
		original: `{"spec":{}}`, patch: `{"spec":{"$setElementOrder/sidecars":[{"name":"a"}],"sidecars":[{"name":"a"}]}}`,
		wantErr: patch.ErrInvalidPatch, wantMsg: `unable to find api field in struct PodSpec for the json field "sidecars"`}},
	{typ: podType, applyCase: applyCase{name: "a list of lists",
		original: `{"metadata":{"finalizers":[]}}`, patch: `{"metadata":{"finalizers":[["b"]]}}`,
		wantErr: patch.ErrCannotApply, wantMsg: "lists of lists are not supported"}},
	{typ: podType, applyCase: applyCase{name: "mixed element types",
		original: `{"metadata":{"finalizers":["a"]}}`, patch: `{"metadata":{"finalizers":[1]}}`,
		wantErr: patch.ErrInvalidPatch, wantMsg: "list element types are not identical"}},
	{typ: podType, applyCase: applyCase{name: "not an object",
		original: `{"a":1}`, patch: `["a"]`, wantErr: patch.ErrInvalidPatch, wantMsg: "cannot unmarshal array"}},
	{typ: podType, applyCase: applyCase{name: "not JSON", original: `{"a":1}`, patch: `{"a":`, wantErr: patch.ErrInvalidPatch}},
}

func TestStrategicMerge(t *testing.T) {
	for _, c := range strategicCases {
		runCases(t, patch.StrategicMerge, c.typ, []applyCase{c.applyCase})
	}
}

// A type of one's own: strategic merge reads the same tags from any Go
// type, following encoding/json's rules for embedded structs.
type widget struct {
	Parts []part `json:"parts" patchStrategy:"merge" patchMergeKey:"id"`
	inline
}

type inline struct {
	Tags []string `json:"tags" patchStrategy:"merge"`
}

type part struct {
	ID    int    `json:"id"`
	Color string `json:"color,omitempty"`
}

func TestStrategicMergeOwnType(t *testing.T) {
	runCases(t, patch.StrategicMerge, reflect.TypeFor[widget](), []applyCase{
		{name: "merge key of type int", original: `{"parts":[{"id":1,"color":"red"},{"id":2}],"tags":["a"]}`,
			patch: `{"parts":[{"id":2,"color":"blue"}],"tags":["b"]}`,
			want:  `{"parts":[{"id":1,"color":"red"},{"id":2,"color":"blue"}],"tags":["b","a"]}`},
		// Kubernetes compares decoded integers and other numbers as
		// different types.
		{name: "1.0 is not the merge key 1", original: `{"parts":[{"id":1,"color":"red"}]}`,
			patch: `{"parts":[{"id":1.0,"color":"blue"}]}`, want: `{"parts":[{"id":1,"color":"blue"},{"id":1,"color":"red"}]}`},
	})
}
