package endpoints

import (
	"cmp"
	"slices"
	"strings"

	"github.com/spar-dev/spar/api/core"
)

// IPFamilyOf returns the family of an IP address string.
func IPFamilyOf(ip string) core.IPFamily {
	if strings.IndexByte(ip, ':') >= 0 {
		return core.IPv6Protocol
	}
	return core.IPv4Protocol
}

// podIP returns the IP of pod that svc publishes: the first of the pod's
// IPs in the service's (first) IP family, "" if it has none.
func podIP(svc *core.Service, pod *core.Pod) string {
	var family core.IPFamily
	switch {
	case len(svc.Spec.IPFamilies) > 0:
		family = svc.Spec.IPFamilies[0]
	case svc.Spec.ClusterIP != "" && svc.Spec.ClusterIP != core.ClusterIPNone:
		family = IPFamilyOf(svc.Spec.ClusterIP)
	default:
		family = IPFamilyOf(pod.Status.PodIP)
	}
	if len(pod.Status.PodIPs) == 0 {
		if pod.Status.PodIP != "" && IPFamilyOf(pod.Status.PodIP) == family {
			return pod.Status.PodIP
		}
		return ""
	}
	for _, ip := range pod.Status.PodIPs {
		if IPFamilyOf(ip.IP) == family {
			return ip.IP
		}
	}
	return ""
}

// member is a pod published by a service.
type member struct {
	pod   *core.Pod
	ip    string
	ready bool
}

// desiredSubsets returns the subsets of svc's Endpoints for the pods its
// selector selects, in canonical form, so that comparing them with the
// stored ones tells whether a write is needed:
//   - each address appears once per port, ready or not ready;
//   - ports served by the same addresses share a subset, so a service
//     whose pods all expose the same ports has one subset, and a named
//     target port that pods expose under different numbers splits them;
//   - addresses are sorted by IP then pod UID, ports by name, number and
//     protocol, subsets by their first port.
//
// Pods without the named port of a service port are left out of that
// port's subset. A headless service without ports publishes its pods with
// no ports; any other service without ports publishes nothing.
func desiredSubsets(svc *core.Service, pods []*core.Pod) []core.EndpointSubset {
	tolerate := svc.Spec.PublishNotReadyAddresses
	members := make([]member, 0, len(pods))
	for _, pod := range pods {
		if !ShouldPodBeInEndpoints(pod, tolerate) {
			continue
		}
		if ip := podIP(svc, pod); ip != "" {
			members = append(members, member{pod: pod, ip: ip, ready: tolerate || core.IsPodReady(pod)})
		}
	}
	if len(members) == 0 {
		return nil
	}
	// Sorting a permutation moves no pointers: no GC write barriers.
	order := make([]int32, len(members))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int {
		a, b := &members[i], &members[j]
		if c := strings.Compare(a.ip, b.ip); c != 0 {
			return c
		}
		return strings.Compare(string(a.pod.UID), string(b.pod.UID))
	})
	sorted := make([]member, len(members))
	for i, o := range order {
		sorted[i] = members[o]
	}
	members = sorted
	// One allocation for all the addresses and one for their references.
	addrs := make([]core.EndpointAddress, len(members))
	refs := make([]core.ObjectReference, len(members))
	for i, m := range members {
		refs[i] = core.ObjectReference{Kind: "Pod", Namespace: m.pod.Namespace, Name: m.pod.Name, UID: m.pod.UID}
		a := &addrs[i]
		a.IP, a.TargetRef = m.ip, &refs[i]
		if m.pod.Spec.NodeName != "" {
			a.NodeName = &m.pod.Spec.NodeName
		}
		if ShouldSetHostname(m.pod, svc) {
			a.Hostname = m.pod.Spec.Hostname
		}
	}

	if len(svc.Spec.Ports) == 0 {
		if svc.Spec.ClusterIP != core.ClusterIPNone {
			return nil
		}
		all := make([]int32, len(members))
		for i := range all {
			all[i] = int32(i)
		}
		return []core.EndpointSubset{subsetOf(addrs, members, all, nil)}
	}

	// Map each resolved port to the members that serve it, in address
	// order.
	type portMembers struct {
		port    core.EndpointPort
		members []int32
	}
	var ports []portMembers
	index := map[portKey]int{}
	// Most pods resolve a service port like the previous pod did: remember
	// the last number and port of each, and skip the map then.
	type resolved struct {
		num int32
		p   int
	}
	last := make([]resolved, len(svc.Spec.Ports))
	for j := range last {
		last[j].p = -1
	}
	for i, m := range members {
		for j := range svc.Spec.Ports {
			sp := &svc.Spec.Ports[j]
			num, ok := FindPort(m.pod, sp)
			if !ok {
				continue
			}
			p := last[j].p
			if p < 0 || last[j].num != num {
				ep := core.EndpointPort{Name: sp.Name, Port: num, Protocol: sp.Protocol, AppProtocol: sp.AppProtocol}
				k := keyOf(&ep)
				var found bool
				if p, found = index[k]; !found {
					p = len(ports)
					index[k] = p
					ports = append(ports, portMembers{port: ep})
				}
				last[j] = resolved{num: num, p: p}
			}
			ports[p].members = append(ports[p].members, int32(i))
		}
	}
	// Ports served by the same members share a subset. There are few
	// ports, so a quadratic grouping is cheapest.
	type group struct {
		ports   []core.EndpointPort
		members []int32
	}
	var groups []group
next:
	for _, p := range ports {
		for g := range groups {
			if slices.Equal(groups[g].members, p.members) {
				groups[g].ports = append(groups[g].ports, p.port)
				continue next
			}
		}
		groups = append(groups, group{ports: []core.EndpointPort{p.port}, members: p.members})
	}
	out := make([]core.EndpointSubset, len(groups))
	for i, g := range groups {
		slices.SortFunc(g.ports, comparePorts)
		out[i] = subsetOf(addrs, members, g.members, g.ports)
	}
	slices.SortFunc(out, func(a, b core.EndpointSubset) int { return comparePorts(a.Ports[0], b.Ports[0]) })
	return out
}

// subsetOf returns the subset of the members at idx (ascending) with ports.
func subsetOf(addrs []core.EndpointAddress, members []member, idx []int32, ports []core.EndpointPort) core.EndpointSubset {
	ready := 0
	for _, i := range idx {
		if members[i].ready {
			ready++
		}
	}
	s := core.EndpointSubset{Ports: ports}
	if ready > 0 {
		s.Addresses = make([]core.EndpointAddress, 0, ready)
	}
	if ready < len(idx) {
		s.NotReadyAddresses = make([]core.EndpointAddress, 0, len(idx)-ready)
	}
	for _, i := range idx {
		if members[i].ready {
			s.Addresses = append(s.Addresses, addrs[i])
		} else {
			s.NotReadyAddresses = append(s.NotReadyAddresses, addrs[i])
		}
	}
	return s
}

// portKey is an EndpointPort usable as a map key.
type portKey struct {
	name     string
	port     int32
	protocol core.Protocol
	app      string
	hasApp   bool
}

func keyOf(p *core.EndpointPort) portKey {
	k := portKey{name: p.Name, port: p.Port, protocol: protocolOr(p.Protocol)}
	if p.AppProtocol != nil {
		k.app, k.hasApp = *p.AppProtocol, true
	}
	return k
}

func comparePorts(a, b core.EndpointPort) int {
	return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.Port, b.Port),
		strings.Compare(string(protocolOr(a.Protocol)), string(protocolOr(b.Protocol))),
		strings.Compare(strOr(a.AppProtocol), strOr(b.AppProtocol)))
}

func strOr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// subsetsEqual reports whether two subset lists publish the same thing,
// ignoring the targets' resourceVersions and nil-versus-empty lists.
func subsetsEqual(a, b []core.EndpointSubset) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !addressesEqual(a[i].Addresses, b[i].Addresses) ||
			!addressesEqual(a[i].NotReadyAddresses, b[i].NotReadyAddresses) ||
			len(a[i].Ports) != len(b[i].Ports) {
			return false
		}
		for j := range a[i].Ports {
			if keyOf(&a[i].Ports[j]) != keyOf(&b[i].Ports[j]) {
				return false
			}
		}
	}
	return true
}

func addressesEqual(a, b []core.EndpointAddress) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := &a[i], &b[i]
		if x.IP != y.IP || x.Hostname != y.Hostname || strOr(x.NodeName) != strOr(y.NodeName) ||
			(x.NodeName == nil) != (y.NodeName == nil) || !refsEqual(x.TargetRef, y.TargetRef) {
			return false
		}
	}
	return true
}

func refsEqual(a, b *core.ObjectReference) bool {
	if a == nil || b == nil {
		return a == b
	}
	x, y := *a, *b
	x.ResourceVersion, y.ResourceVersion = "", ""
	return x == y
}

// countAddresses returns the number of ready and not ready addresses.
func countAddresses(subsets []core.EndpointSubset) (ready, notReady int) {
	for i := range subsets {
		ready += len(subsets[i].Addresses)
		notReady += len(subsets[i].NotReadyAddresses)
	}
	return ready, notReady
}

// truncate caps subsets at MaxAddresses addresses and reports whether it
// dropped any. As Kubernetes does, ready addresses are kept before not
// ready ones, and each subset keeps a share of the budget proportional to
// its size, rounded up (so the last subsets may get less). Subsets left
// empty are dropped.
func truncate(subsets []core.EndpointSubset) ([]core.EndpointSubset, bool) {
	ready, notReady := countAddresses(subsets)
	if ready+notReady <= MaxAddresses {
		return subsets, false
	}
	// Only one kind is cut: not ready addresses while the ready ones fit,
	// else the ready ones (and every not ready one).
	cutReady := ready > MaxAddresses
	budget, total := MaxAddresses-ready, notReady
	if cutReady {
		budget, total = MaxAddresses, ready
	}
	left := budget
	for i := range subsets {
		s := &subsets[i]
		list := &s.NotReadyAddresses
		if cutReady {
			list = &s.Addresses
			s.NotReadyAddresses = nil
		}
		share := min((len(*list)*budget+total-1)/total, left)
		if len(*list) > share {
			*list = (*list)[:share]
		}
		left -= len(*list)
	}
	return slices.DeleteFunc(subsets, func(s core.EndpointSubset) bool {
		return len(s.Addresses) == 0 && len(s.NotReadyAddresses) == 0
	}), true
}
