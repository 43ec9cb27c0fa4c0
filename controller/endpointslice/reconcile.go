package endpointslice

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/discovery"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/controller"
	"github.com/spar-dev/spar/controller/endpoints"
)

// plan is what a sync writes.
type plan struct {
	creates, updates, deletes []*discovery.EndpointSlice
}

// sync brings the slices of svc in line with its pods: per address type,
// it plans the changes (plan) and makes them (finalize); slices of address
// types the service no longer has go.
func (r *reconciler) sync(ctx context.Context, svc *core.Service, pods []*core.Pod, existing []*discovery.EndpointSlice, trigger time.Time) error {
	types := addressTypes(svc)
	byType := map[discovery.AddressType][]*discovery.EndpointSlice{}
	var other []*discovery.EndpointSlice
	for _, s := range existing {
		if slices.Contains(types, s.AddressType) {
			byType[s.AddressType] = append(byType[s.AddressType], s)
		} else {
			other = append(other, s)
		}
	}
	req := controller.RequestFor(svc)
	var errs []error
	for _, at := range types {
		p, perr := r.plan(svc, pods, byType[at], at)
		// Pods skipped for a missing node make the sync fail (to be
		// retried) after the others are written.
		errs = append(errs, r.finalize(ctx, svc, p, trigger), perr)
	}
	for _, s := range other {
		errs = append(errs, r.delete(ctx, req, s))
	}
	return errors.Join(errs...)
}

// group is the desired endpoints that share one set of ports.
type group struct {
	nums  []int32 // each service port's resolved number, -1 if absent
	ports []discovery.EndpointPort
	key   string
	eps   map[endpointKey]*discovery.Endpoint
}

// endpointKey identifies an endpoint across syncs: its pod, hostname and
// addresses. Its conditions, node and zone may change in place.
type endpointKey struct {
	namespace, name, hostname, addresses string
}

func keyOf(e *discovery.Endpoint) endpointKey {
	var k endpointKey
	if e.TargetRef != nil {
		k.namespace, k.name = e.TargetRef.Namespace, e.TargetRef.Name
	}
	if e.Hostname != nil {
		k.hostname = *e.Hostname
	}
	switch len(e.Addresses) {
	case 0:
	case 1:
		k.addresses = e.Addresses[0]
	default:
		k.addresses = strings.Join(slices.Sorted(slices.Values(e.Addresses)), ",")
	}
	return k
}

// bools holds the targets of condition pointers, which are only read.
var bools = [2]bool{false, true}

func boolPtr(b bool) *bool {
	if b {
		return &bools[1]
	}
	return &bools[0]
}

// desired returns the endpoints of svc's pods for one address type,
// grouped by their resolved ports. Pods on a node that does not exist are
// skipped (unless the service publishes not-ready addresses, as in
// Kubernetes) and reported in the error, so that the service is retried.
func (r *reconciler) desired(svc *core.Service, pods []*core.Pod, at discovery.AddressType) ([]*group, error) {
	var groups []*group
	var errs []error
	// One allocation each for all the endpoints, references and addresses.
	eps := make([]discovery.Endpoint, 0, len(pods))
	refs := make([]core.ObjectReference, 0, len(pods))
	addrs := make([]string, 0, len(pods))
	zones := map[string]*string{}
	nums := make([]int32, len(svc.Spec.Ports))
	for _, pod := range pods {
		if !endpoints.ShouldPodBeInEndpoints(pod, true) {
			continue
		}
		start := len(addrs)
		addrs = appendAddresses(addrs, pod, at)
		if len(addrs) == start {
			continue
		}
		var zone *string
		if n := pod.Spec.NodeName; n != "" {
			z, seen := zones[n]
			if !seen {
				if node, ok := r.nodes.Get("", n); ok {
					if v := node.Labels[core.LabelTopologyZone]; v != "" {
						z = &v
					}
				} else if !svc.Spec.PublishNotReadyAddresses {
					// Retried with backoff, and at once when the node
					// arrives.
					r.awaited.add(n, controller.RequestFor(svc))
					errs = append(errs, fmt.Errorf("skipping pod %s/%s: node %q not found", pod.Namespace, pod.Name, n))
					addrs = addrs[:start]
					continue
				}
				zones[n] = z
			}
			zone = z
		}
		for j := range svc.Spec.Ports {
			nums[j] = -1
			if n, ok := endpoints.FindPort(pod, &svc.Spec.Ports[j]); ok {
				nums[j] = n
			}
		}
		i := slices.IndexFunc(groups, func(g *group) bool { return slices.Equal(g.nums, nums) })
		if i < 0 {
			i = len(groups)
			// Usually every pod is in the first group: size it for them.
			hint := 0
			if i == 0 {
				hint = len(pods)
			}
			groups = append(groups, newGroup(svc, slices.Clone(nums), hint))
		}

		serving := core.IsPodReady(pod)
		terminating := pod.DeletionTimestamp != nil
		refs = append(refs, core.ObjectReference{Kind: "Pod", Namespace: pod.Namespace, Name: pod.Name, UID: pod.UID})
		ep := discovery.Endpoint{
			Addresses: addrs[start:len(addrs):len(addrs)],
			Conditions: discovery.EndpointConditions{
				// Ready means "send new traffic": never while terminating,
				// unless the service asks for everything.
				Ready:       boolPtr(svc.Spec.PublishNotReadyAddresses || (serving && !terminating)),
				Serving:     boolPtr(serving),
				Terminating: boolPtr(terminating),
			},
			TargetRef: &refs[len(refs)-1],
			Zone:      zone,
		}
		if pod.Spec.NodeName != "" {
			ep.NodeName = &pod.Spec.NodeName
		}
		if endpoints.ShouldSetHostname(pod, svc) {
			ep.Hostname = &pod.Spec.Hostname
		}
		eps = append(eps, ep)
		e := &eps[len(eps)-1]
		groups[i].eps[keyOf(e)] = e
	}
	return groups, errors.Join(errs...)
}

// appendAddresses appends pod's IPs of address type at to addrs.
func appendAddresses(addrs []string, pod *core.Pod, at discovery.AddressType) []string {
	want := core.IPv4Protocol
	if at == discovery.AddressTypeIPv6 {
		want = core.IPv6Protocol
	}
	if len(pod.Status.PodIPs) == 0 {
		if ip := pod.Status.PodIP; ip != "" && endpoints.IPFamilyOf(ip) == want {
			addrs = append(addrs, ip)
		}
		return addrs
	}
	for _, ip := range pod.Status.PodIPs {
		if endpoints.IPFamilyOf(ip.IP) == want {
			addrs = append(addrs, ip.IP)
		}
	}
	return addrs
}

// newGroup returns the group of the pods whose service ports resolve to
// nums, with room for size endpoints.
func newGroup(svc *core.Service, nums []int32, size int) *group {
	ports := make([]discovery.EndpointPort, 0, len(nums))
	for j, n := range nums {
		if n < 0 {
			continue
		}
		sp := &svc.Spec.Ports[j]
		name, proto, num := sp.Name, sp.Protocol, n
		if proto == "" {
			proto = core.ProtocolTCP
		}
		ports = append(ports, discovery.EndpointPort{Name: &name, Protocol: &proto, Port: &num, AppProtocol: sp.AppProtocol})
	}
	slices.SortFunc(ports, comparePorts)
	return &group{nums: nums, ports: ports, key: portsKey(ports), eps: make(map[endpointKey]*discovery.Endpoint, size)}
}

func str[T ~string](p *T) string {
	if p == nil {
		return ""
	}
	return string(*p)
}

func num(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}

func comparePorts(a, b discovery.EndpointPort) int {
	return cmp.Or(strings.Compare(str(a.Name), str(b.Name)), cmp.Compare(num(a.Port), num(b.Port)),
		strings.Compare(str(a.Protocol), str(b.Protocol)), strings.Compare(str(a.AppProtocol), str(b.AppProtocol)))
}

// portsKey identifies a set of ports regardless of their order.
func portsKey(ports []discovery.EndpointPort) string {
	if !slices.IsSortedFunc(ports, comparePorts) {
		ports = slices.SortedFunc(slices.Values(ports), comparePorts)
	}
	var b strings.Builder
	for _, p := range ports {
		proto := str(p.Protocol)
		if proto == "" {
			proto = string(core.ProtocolTCP)
		}
		b.WriteString(str(p.Name))
		b.WriteByte(0)
		b.WriteString(proto)
		b.WriteByte(0)
		b.WriteString(strconv.Itoa(int(num(p.Port))))
		b.WriteByte(0)
		if p.AppProtocol != nil {
			b.WriteString("=" + *p.AppProtocol)
		}
		b.WriteByte(1)
	}
	return b.String()
}

// plan compares the desired endpoints of one address type with the
// existing slices of that type and returns the writes that converge them
// with the least churn, as Kubernetes' reconciler does:
//
//  1. In each existing slice, endpoints no longer desired are removed and
//     changed ones updated in place; a slice left empty is deleted.
//  2. The endpoints not found anywhere fill the slices already being
//     updated, fullest first, up to the maximum.
//  3. What is left goes into the one unchanged slice that will be closest
//     to full with it, if it fits in one; otherwise into new slices.
//
// So a pod change rewrites only the slice holding its endpoint, and
// slices are not rebalanced.
func (r *reconciler) plan(svc *core.Service, pods []*core.Pod, existing []*discovery.EndpointSlice, at discovery.AddressType) (*plan, error) {
	p := &plan{}
	labels := sliceLabels(svc)
	existingByPorts := map[string][]*discovery.EndpointSlice{}
	for _, s := range existing {
		if !ownedBy(s, svc) {
			// A previous service of the same name's, left for the GC.
			p.deletes = append(p.deletes, s)
			continue
		}
		k := portsKey(s.Ports)
		existingByPorts[k] = append(existingByPorts[k], s)
	}
	groups, err := r.desired(svc, pods, at)
	desiredKeys := map[string]bool{}
	for _, g := range groups {
		desiredKeys[g.key] = true
		r.planGroup(svc, labels, existingByPorts[g.key], g, at, p)
	}
	for k, ss := range existingByPorts {
		if !desiredKeys[k] {
			p.deletes = append(p.deletes, ss...)
		}
	}
	// A service without endpoints keeps one empty slice, so consumers can
	// tell "no endpoints" from "not synced yet".
	if len(existing) == len(p.deletes) && len(p.creates) == 0 {
		placeholder := newSlice(svc, labels, []discovery.EndpointPort{}, at)
		if len(p.deletes) == 1 && isPlaceholder(p.deletes[0], svc, labels, at) {
			p.deletes = nil
		} else {
			p.creates = append(p.creates, placeholder)
		}
	}
	return p, err
}

// planGroup plans the slices of one group of ports (steps 1-3 of plan).
func (r *reconciler) planGroup(svc *core.Service, labels map[string]string, existing []*discovery.EndpointSlice, g *group, at discovery.AddressType, p *plan) {
	var updates, unchanged []*discovery.EndpointSlice
	for _, s := range existing {
		kept := make([]discovery.Endpoint, 0, len(s.Endpoints))
		changed := false
		for i := range s.Endpoints {
			have := &s.Endpoints[i]
			k := keyOf(have)
			want, ok := g.eps[k]
			if !ok { // gone, or a duplicate of one already placed
				changed = true
				continue
			}
			changed = changed || !sameEndpoint(want, have)
			kept = append(kept, *want)
			delete(g.eps, k)
		}
		switch {
		case changed && len(kept) == 0:
			p.deletes = append(p.deletes, s)
		case changed || !mapsEqual(s.Labels, labels):
			updates = append(updates, withEndpoints(s, kept, labels))
		default:
			unchanged = append(unchanged, s)
		}
	}

	// New endpoints, in a stable order (by pod).
	left := slices.SortedFunc(maps.Keys(g.eps), func(a, b endpointKey) int {
		return cmp.Or(strings.Compare(a.namespace, b.namespace), strings.Compare(a.name, b.name),
			strings.Compare(a.hostname, b.hostname), strings.Compare(a.addresses, b.addresses))
	})
	fill := func(s *discovery.EndpointSlice) {
		for len(left) > 0 && len(s.Endpoints) < r.max {
			s.Endpoints = append(s.Endpoints, *g.eps[left[0]])
			left = left[1:]
		}
	}
	slices.SortStableFunc(updates, func(a, b *discovery.EndpointSlice) int { return cmp.Compare(len(b.Endpoints), len(a.Endpoints)) })
	for _, s := range updates {
		fill(s)
	}
	for len(left) > 0 {
		var s *discovery.EndpointSlice
		if len(left) < r.max {
			if i := closestToFull(unchanged, len(left), r.max); i >= 0 {
				s = withEndpoints(unchanged[i], slices.Clone(unchanged[i].Endpoints), labels)
				unchanged = slices.Delete(unchanged, i, i+1)
				updates = append(updates, s)
			}
		}
		if s == nil {
			s = newSlice(svc, labels, g.ports, at)
			p.creates = append(p.creates, s)
		}
		fill(s)
	}
	p.updates = append(p.updates, updates...)
}

// closestToFull returns the index of the slice that n more endpoints fill
// the most without overflowing max, or -1.
func closestToFull(ss []*discovery.EndpointSlice, n, max int) int {
	best, bestRoom := -1, max
	for i, s := range ss {
		room := max - n - len(s.Endpoints)
		if room >= 0 && room < bestRoom {
			best, bestRoom = i, room
		}
	}
	return best
}

// sameEndpoint compares what keyOf does not.
func sameEndpoint(a, b *discovery.Endpoint) bool {
	eqb := func(x, y *bool) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	eqs := func(x, y *string) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	if !eqb(a.Conditions.Ready, b.Conditions.Ready) || !eqb(a.Conditions.Serving, b.Conditions.Serving) ||
		!eqb(a.Conditions.Terminating, b.Conditions.Terminating) || !eqs(a.NodeName, b.NodeName) || !eqs(a.Zone, b.Zone) {
		return false
	}
	x, y := a.TargetRef, b.TargetRef
	if x == nil || y == nil {
		return x == y
	}
	// All but the resourceVersion, which changes with every pod update.
	return x.UID == y.UID && x.Name == y.Name && x.Namespace == y.Namespace && x.Kind == y.Kind &&
		x.APIVersion == y.APIVersion && x.FieldPath == y.FieldPath
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// withEndpoints returns a copy of s, to be written, with eps and labels.
func withEndpoints(s *discovery.EndpointSlice, eps []discovery.Endpoint, labels map[string]string) *discovery.EndpointSlice {
	cp := *s // shared slices and maps are only read
	cp.Endpoints, cp.Labels = eps, labels
	return &cp
}

// sliceLabels returns the labels of svc's slices: the service's own, but
// the reserved ones, which the controller sets.
func sliceLabels(svc *core.Service) map[string]string {
	l := make(map[string]string, len(svc.Labels)+3)
	for k, v := range svc.Labels {
		if k != discovery.LabelServiceName && k != discovery.LabelManagedBy && k != endpoints.LabelHeadless {
			l[k] = v
		}
	}
	if endpoints.IsHeadless(svc) {
		l[endpoints.LabelHeadless] = ""
	}
	l[discovery.LabelServiceName] = svc.Name
	l[discovery.LabelManagedBy] = ManagedBy
	return l
}

// newSlice returns a slice of svc to create, named by the server after the
// service.
func newSlice(svc *core.Service, labels map[string]string, ports []discovery.EndpointPort, at discovery.AddressType) *discovery.EndpointSlice {
	yes := true
	return &discovery.EndpointSlice{
		ObjectMeta: meta.ObjectMeta{
			Namespace: svc.Namespace, GenerateName: svc.Name + "-", Labels: labels,
			OwnerReferences: []meta.OwnerReference{{
				APIVersion: "v1", Kind: "Service", Name: svc.Name, UID: svc.UID,
				Controller: &yes, BlockOwnerDeletion: &yes,
			}},
		},
		AddressType: at,
		Endpoints:   []discovery.Endpoint{},
		Ports:       ports,
	}
}

// ownedBy reports whether svc owns s (and not a previous service of the
// same name).
func ownedBy(s *discovery.EndpointSlice, svc *core.Service) bool {
	for _, o := range s.OwnerReferences {
		if o.UID == svc.UID && o.Kind == "Service" && o.APIVersion == "v1" {
			return true
		}
	}
	return false
}

// isPlaceholder reports whether s is the empty slice plan would create.
func isPlaceholder(s *discovery.EndpointSlice, svc *core.Service, labels map[string]string, at discovery.AddressType) bool {
	return len(s.Endpoints) == 0 && len(s.Ports) == 0 && s.AddressType == at &&
		len(s.OwnerReferences) == 1 && ownedBy(s, svc) && mapsEqual(s.Labels, labels)
}

// addressTypes returns the address types of svc's slices: its IP families,
// or that of its cluster IP (IPv4 for a headless service) when it has
// none.
func addressTypes(svc *core.Service) []discovery.AddressType {
	var out []discovery.AddressType
	for _, f := range svc.Spec.IPFamilies {
		at := discovery.AddressTypeIPv4
		if f == core.IPv6Protocol {
			at = discovery.AddressTypeIPv6
		}
		if !slices.Contains(out, at) {
			out = append(out, at)
		}
	}
	if len(out) > 0 {
		return out
	}
	if !endpoints.IsHeadless(svc) && endpoints.IPFamilyOf(svc.Spec.ClusterIP) == core.IPv6Protocol {
		return []discovery.AddressType{discovery.AddressTypeIPv6}
	}
	return []discovery.AddressType{discovery.AddressTypeIPv4}
}

// finalize makes the writes of p. Creates paired with deletes of the same
// service and address type become updates of the slices to delete: one
// write instead of two, and no moment without the endpoints.
func (r *reconciler) finalize(ctx context.Context, svc *core.Service, p *plan, trigger time.Time) error {
	req := controller.RequestFor(svc)
	for i := 0; i < len(p.deletes) && len(p.creates) > 0; {
		d, c := p.deletes[i], p.creates[len(p.creates)-1]
		if d.AddressType != c.AddressType || !ownedBy(d, svc) {
			i++
			continue
		}
		u := *c
		u.ObjectMeta = d.ObjectMeta
		u.Labels = c.Labels
		p.updates = append(p.updates, &u)
		p.creates = p.creates[:len(p.creates)-1]
		p.deletes = slices.Delete(p.deletes, i, i+1)
	}
	sc := r.client.Namespace(svc.Namespace)
	// No new slices for a service being deleted: the garbage collector
	// would race to delete them.
	if svc.DeletionTimestamp == nil {
		for _, s := range p.creates {
			annotate(s, trigger)
			out, err := sc.Create(ctx, s, nil)
			if err != nil {
				if isNamespaceTerminating(err) {
					return nil
				}
				return fmt.Errorf("creating an EndpointSlice for service %s: %w", req, err)
			}
			r.tracker.wrote(req, out)
		}
	}
	for _, s := range p.updates {
		annotate(s, trigger)
		out, err := sc.Update(ctx, s, nil)
		if err != nil {
			return fmt.Errorf("updating EndpointSlice %s/%s: %w", s.Namespace, s.Name, err)
		}
		r.tracker.wrote(req, out)
	}
	for _, s := range p.deletes {
		if err := r.delete(ctx, req, s); err != nil {
			return err
		}
	}
	if n := len(p.creates) + len(p.updates) + len(p.deletes); n > 0 {
		r.log.V(4).Info("synced EndpointSlices", "service", req.String(),
			"created", len(p.creates), "updated", len(p.updates), "deleted", len(p.deletes))
	}
	return nil
}

// annotate sets the trigger time annotation of a slice to write (removing
// it when there is no new trigger).
func annotate(s *discovery.EndpointSlice, trigger time.Time) {
	a := maps.Clone(s.Annotations)
	if a == nil {
		a = map[string]string{}
	}
	if trigger.IsZero() {
		delete(a, endpoints.AnnotationLastChangeTriggerTime)
	} else {
		a[endpoints.AnnotationLastChangeTriggerTime] = trigger.UTC().Format(time.RFC3339Nano)
	}
	s.Annotations = a
}
