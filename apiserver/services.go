package apiserver

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/store"
)

// Allocation keys live outside every resource prefix, one key per
// allocated IP or port: the store's Create is the atomic "reserve", so two
// API servers (or two concurrent creates) never hand out the same one, and
// the reservation survives restarts.
const (
	ipAllocPrefix   = store.DefaultPrefix + "serviceipallocations/"
	portAllocPrefix = store.DefaultPrefix + "servicenodeportallocations/"
)

// serviceAllocator hands out cluster IPs and node ports.
type serviceAllocator struct {
	s                  *Server
	prefix             netip.Prefix
	first, size        uint32 // usable IPv4 addresses: [first, first+size)
	portBase, portSize int
}

func newServiceAllocator(s *Server, cidr, ports string) (*serviceAllocator, error) {
	p, err := netip.ParsePrefix(cidr)
	if err != nil || !p.Addr().Is4() {
		return nil, fmt.Errorf("apiserver: service CIDR %q must be an IPv4 CIDR", cidr)
	}
	p = p.Masked()
	bits := 32 - p.Bits()
	if bits < 2 || bits > 24 {
		return nil, fmt.Errorf("apiserver: service CIDR %q must be between /8 and /30", cidr)
	}
	a := &serviceAllocator{s: s, prefix: p}
	base := binary.BigEndian.Uint32(p.Addr().AsSlice())
	a.first = base + 1           // skip the network address
	a.size = uint32(1)<<bits - 2 // and the broadcast address
	lo, hi, ok := strings.Cut(ports, "-")
	b, err1 := strconv.Atoi(lo)
	e, err2 := strconv.Atoi(hi)
	if !ok || err1 != nil || err2 != nil || b < 1 || e > 65535 || e < b {
		return nil, fmt.Errorf("apiserver: node port range %q must be \"low-high\"", ports)
	}
	a.portBase, a.portSize = b, e-b+1
	return a, nil
}

func (a *serviceAllocator) ipAt(i uint32) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], a.first+i)
	return netip.AddrFrom4(b)
}

// FirstIP is the address of the "kubernetes" service.
func (a *serviceAllocator) FirstIP() netip.Addr { return a.ipAt(0) }

type allocation struct {
	Service string `json:"service"` // namespace/name
}

func (a *serviceAllocator) reserve(ctx context.Context, key, owner string) error {
	b, _ := json.Marshal(allocation{Service: owner})
	_, err := a.s.store.Create(ctx, key, b)
	return err
}

func (a *serviceAllocator) release(ctx context.Context, key string) {
	if _, err := a.s.store.Delete(context.WithoutCancel(ctx), key, 0); err != nil && !errors.Is(err, store.ErrNotFound) {
		a.s.log.Error(err, "releasing a service allocation", "key", key)
	}
}

// allocateIP reserves ip, or any free address when ip is empty.
func (a *serviceAllocator) allocateIP(ctx context.Context, ip, owner string) (string, error) {
	if ip != "" {
		addr, err := netip.ParseAddr(ip)
		if err != nil || !a.prefix.Contains(addr) || addr == a.prefix.Addr() {
			return "", fmt.Errorf("failed to allocate IP %s: the provided IP (%s) is not in the valid range. The range of valid IPs is %s", ip, ip, a.prefix)
		}
		if err := a.reserve(ctx, ipAllocPrefix+ip, owner); err != nil {
			if errors.Is(err, store.ErrExists) {
				return "", fmt.Errorf("failed to allocate IP %s: provided IP is already allocated", ip)
			}
			return "", err
		}
		return ip, nil
	}
	// Start anywhere and probe: reservations are one Create each, so this
	// stays correct under any concurrency. The first address is kept for
	// the "kubernetes" service.
	start := rand.Uint32N(a.size-1) + 1
	for i := uint32(0); i < a.size-1; i++ {
		cand := a.ipAt(1 + (start-1+i)%(a.size-1)).String()
		err := a.reserve(ctx, ipAllocPrefix+cand, owner)
		if err == nil {
			return cand, nil
		}
		if !errors.Is(err, store.ErrExists) {
			return "", err
		}
	}
	return "", fmt.Errorf("range is full")
}

// allocatePort reserves port, or any free one when port is 0.
func (a *serviceAllocator) allocatePort(ctx context.Context, port int, owner string) (int, error) {
	if port != 0 {
		if port < a.portBase || port >= a.portBase+a.portSize {
			return 0, fmt.Errorf("provided port is not in the valid range. The range of valid ports is %d-%d", a.portBase, a.portBase+a.portSize-1)
		}
		if err := a.reserve(ctx, portAllocPrefix+strconv.Itoa(port), owner); err != nil {
			if errors.Is(err, store.ErrExists) {
				return 0, fmt.Errorf("provided port is already allocated")
			}
			return 0, err
		}
		return port, nil
	}
	start := rand.IntN(a.portSize)
	for i := 0; i < a.portSize; i++ {
		cand := a.portBase + (start+i)%a.portSize
		err := a.reserve(ctx, portAllocPrefix+strconv.Itoa(cand), owner)
		if err == nil {
			return cand, nil
		}
		if !errors.Is(err, store.ErrExists) {
			return 0, err
		}
	}
	return 0, fmt.Errorf("range is full")
}

// serviceStrategy allocates cluster IPs and node ports for Services.
type serviceStrategy struct {
	TypedStrategy
	alloc *serviceAllocator
}

func needsClusterIP(svc *core.Service) bool {
	return svc.Spec.Type != core.ServiceTypeExternalName && svc.Spec.ClusterIP != core.ClusterIPNone
}

func needsNodePorts(svc *core.Service) bool {
	return svc.Spec.Type == core.ServiceTypeNodePort || svc.Spec.Type == core.ServiceTypeLoadBalancer &&
		(svc.Spec.AllocateLoadBalancerNodePorts == nil || *svc.Spec.AllocateLoadBalancerNodePorts)
}

func owner(obj meta.Object) string {
	om := obj.GetObjectMeta()
	return om.Namespace + "/" + om.Name
}

// BeforeCreate implements createHook.
func (st *serviceStrategy) BeforeCreate(ctx context.Context, obj meta.Object, dryRun bool) (func(), error) {
	return st.allocate(ctx, obj.(*core.Service), nil, dryRun)
}

// BeforeUpdate implements updateHook: a type change may need node ports,
// and frees those the new spec no longer uses once the update is stored.
func (st *serviceStrategy) BeforeUpdate(ctx context.Context, obj, old meta.Object, dryRun bool) (commit, rollback func(), err error) {
	svc, oldSvc := obj.(*core.Service), old.(*core.Service)
	rollback, err = st.allocate(ctx, svc, oldSvc, dryRun)
	if err != nil || dryRun {
		return nil, rollback, err
	}
	// What the old service held and the new one does not is freed only
	// after the update is stored: freeing it first and then failing the
	// update would hand out an address still in use. A release lost to a
	// crash is a leak, never a double allocation.
	keep := map[string]bool{}
	for _, k := range serviceKeys(svc) {
		keep[k] = true
	}
	var free []string
	for _, k := range serviceKeys(oldSvc) {
		if !keep[k] {
			free = append(free, k)
		}
	}
	commit = func() {
		for _, k := range free {
			st.alloc.release(ctx, k)
		}
	}
	return commit, rollback, nil
}

// allocate reserves what svc needs that old (nil on create) did not hold.
// The returned function releases the new reservations.
func (st *serviceStrategy) allocate(ctx context.Context, svc, old *core.Service, dryRun bool) (func(), error) {
	a := st.alloc
	var keys []string
	release := func() {
		for _, k := range keys {
			a.release(ctx, k)
		}
	}
	fail := func(errs meta.FieldErrors) (func(), error) {
		release()
		return nil, meta.NewInvalid(meta.GroupKind{Kind: "Service"}, svc.Name, errs)
	}
	who := owner(svc)
	if needsClusterIP(svc) && (old == nil || !needsClusterIP(old) || old.Spec.ClusterIP == "" || old.Spec.ClusterIP == core.ClusterIPNone) {
		want := svc.Spec.ClusterIP
		if !dryRun {
			ip, err := a.allocateIP(ctx, want, who)
			if err != nil {
				return fail(meta.FieldErrors{meta.Invalid(meta.NewPath("spec", "clusterIPs").Index(0), want, err.Error())})
			}
			keys = append(keys, ipAllocPrefix+ip)
			svc.Spec.ClusterIP = ip
		}
		if svc.Spec.ClusterIP != "" {
			svc.Spec.ClusterIPs = []string{svc.Spec.ClusterIP}
			single := core.IPFamilyPolicySingleStack
			svc.Spec.IPFamilyPolicy = &single
			svc.Spec.IPFamilies = []core.IPFamily{core.IPv4Protocol}
		}
	}
	if svc.Spec.ClusterIP == core.ClusterIPNone {
		svc.Spec.ClusterIPs = []string{core.ClusterIPNone}
	}
	if needsNodePorts(svc) && !dryRun {
		held := map[int32]bool{}
		if old != nil && needsNodePorts(old) {
			for _, p := range old.Spec.Ports {
				held[p.NodePort] = true
			}
		}
		for i := range svc.Spec.Ports {
			p := &svc.Spec.Ports[i]
			if p.NodePort != 0 && held[p.NodePort] {
				continue
			}
			port, err := a.allocatePort(ctx, int(p.NodePort), who)
			if err != nil {
				return fail(meta.FieldErrors{meta.Invalid(meta.NewPath("spec", "ports").Index(i).Child("nodePort"), p.NodePort, err.Error())})
			}
			keys = append(keys, portAllocPrefix+strconv.Itoa(port))
			p.NodePort = int32(port)
		}
	} else if !needsNodePorts(svc) {
		for i := range svc.Spec.Ports {
			svc.Spec.Ports[i].NodePort = 0
		}
	}
	// A LoadBalancer that keeps external traffic on the node gets a port
	// for the load balancer's health checks.
	if needsHealthCheckPort(svc) && !dryRun && (old == nil || old.Spec.HealthCheckNodePort != svc.Spec.HealthCheckNodePort || !needsHealthCheckPort(old)) {
		port, err := a.allocatePort(ctx, int(svc.Spec.HealthCheckNodePort), who)
		if err != nil {
			return fail(meta.FieldErrors{meta.Invalid(meta.NewPath("spec", "healthCheckNodePort"), svc.Spec.HealthCheckNodePort, err.Error())})
		}
		keys = append(keys, portAllocPrefix+strconv.Itoa(port))
		svc.Spec.HealthCheckNodePort = int32(port)
	} else if !needsHealthCheckPort(svc) {
		svc.Spec.HealthCheckNodePort = 0
	}
	return release, nil
}

func needsHealthCheckPort(svc *core.Service) bool {
	return svc.Spec.Type == core.ServiceTypeLoadBalancer && svc.Spec.ExternalTrafficPolicy == core.ServiceExternalTrafficPolicyLocal
}

// serviceKeys lists the allocation keys svc holds.
func serviceKeys(svc *core.Service) []string {
	var keys []string
	if needsHealthCheckPort(svc) && svc.Spec.HealthCheckNodePort != 0 {
		keys = append(keys, portAllocPrefix+strconv.Itoa(int(svc.Spec.HealthCheckNodePort)))
	}
	if needsClusterIP(svc) && svc.Spec.ClusterIP != "" && svc.Spec.ClusterIP != core.ClusterIPNone {
		keys = append(keys, ipAllocPrefix+svc.Spec.ClusterIP)
	}
	if needsNodePorts(svc) {
		for _, p := range svc.Spec.Ports {
			if p.NodePort != 0 {
				keys = append(keys, portAllocPrefix+strconv.Itoa(int(p.NodePort)))
			}
		}
	}
	return keys
}

// AfterDelete implements deleteHook.
func (st *serviceStrategy) AfterDelete(ctx context.Context, obj meta.Object) {
	for _, k := range serviceKeys(obj.(*core.Service)) {
		st.alloc.release(ctx, k)
	}
}
