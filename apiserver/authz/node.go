package authz

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/rbac"
	"github.com/spar-dev/spar/apiserver/authn"
)

// NodeUserPrefix begins the user name of every kubelet: system:node:<name>.
const NodeUserPrefix = "system:node:"

// NodeIdentity returns the node a user is: one named system:node:<name> in
// group system:nodes. isNode is false for everyone else; name is empty for
// a member of system:nodes whose name does not say which node it is.
func NodeIdentity(u *authn.User) (name string, isNode bool) {
	if u == nil || !strings.HasPrefix(u.Name, NodeUserPrefix) || !slices.Contains(u.Groups, NodesGroup) {
		return "", false
	}
	return strings.TrimPrefix(u.Name, NodeUserPrefix), true
}

// Node authorizes kubelets, as Kubernetes' node authorizer: a node may read
// only the secrets, config maps, persistent volume claims, persistent
// volumes, volume attachments and service account tokens that pods bound
// to it use (per the NodeGraph); read and write only its own Node and its
// Lease in kube-node-lease; list and watch only its own pods
// (fieldSelector spec.nodeName=<node>); and do the rest of what
// system:node allows (events, status of pods, certificate requests, ...).
// It has no opinion on other users, and never denies: a refusal is
// NoOpinion with a reason such as
// "no relationship found between node 'n1' and this object".
//
// NodeRestriction, its admission counterpart, checks the writes whose
// target only the object tells (which node a mirror pod is bound to).
type Node struct {
	graph *NodeGraph
	rules []rbac.PolicyRule
}

// NewNode returns a node authorizer deciding from g.
func NewNode(g *NodeGraph) *Node { return &Node{graph: g, rules: NodeRules()} }

var (
	_ Authorizer   = (*Node)(nil)
	_ RuleResolver = (*Node)(nil)
)

const nodeLeaseNamespace = core.NamespaceNodeLease

// Authorize implements Authorizer.
func (n *Node) Authorize(_ context.Context, a Attributes) (Decision, string, error) {
	node, isNode := NodeIdentity(a.User)
	if !isNode {
		return NoOpinion, "", nil
	}
	if node == "" {
		return NoOpinion, fmt.Sprintf("unknown node for user %q", a.User.Name), nil
	}
	if a.ResourceRequest {
		if a.Name == "" && (a.Verb == "list" || a.Verb == "watch") && a.FieldSelector != nil {
			// A list of one object by name is a read of that object.
			if name, ok := a.FieldSelector.RequiresExactMatch("metadata.name"); ok {
				a.Name = name
			}
		}
		switch a.APIGroup + "/" + a.Resource {
		case "/secrets", "/configmaps":
			return n.readNamespaced(node, &a)
		case "/persistentvolumeclaims":
			if a.Subresource == "status" {
				return n.statusUpdate(node, &a)
			}
			return n.get(node, &a)
		case "/persistentvolumes", "storage.k8s.io/volumeattachments":
			return n.get(node, &a)
		case "/serviceaccounts":
			return n.createToken(node, &a)
		case "coordination.k8s.io/leases":
			return n.lease(node, &a)
		case "storage.k8s.io/csinodes":
			return n.csiNode(node, &a)
		case "/nodes":
			return n.nodeObject(node, &a)
		case "/pods":
			return n.pod(node, &a)
		}
	}
	// Everything else is not subdivided by node.
	if RulesAllow(&a, n.rules...) {
		return Allow, "", nil
	}
	return NoOpinion, "", nil
}

// RulesFor implements RuleResolver: a node's permissions depend on the
// objects it asks for, so they cannot be listed.
func (n *Node) RulesFor(_ context.Context, u *authn.User, _ string) ([]rbac.PolicyRule, bool, error) {
	if _, isNode := NodeIdentity(u); isNode {
		return nil, true, errors.New("node authorizer does not support user rule resolution")
	}
	return nil, false, nil
}

func (n *Node) noRelationship(node string) (Decision, string, error) {
	return NoOpinion, fmt.Sprintf("no relationship found between node '%s' and this object", node), nil
}

// related allows a request for a named object the node's pods use.
func (n *Node) related(node string, a *Attributes) (Decision, string, error) {
	if a.Name == "" {
		return NoOpinion, "No Object name found", nil
	}
	if !n.graph.related(node, a.Resource, a.Namespace, a.Name) {
		return n.noRelationship(node)
	}
	return Allow, "", nil
}

func (n *Node) readNamespaced(node string, a *Attributes) (Decision, string, error) {
	switch {
	case a.Verb != "get" && a.Verb != "list" && a.Verb != "watch":
		return NoOpinion, "can only read resources of this type", nil
	case a.Subresource != "":
		return NoOpinion, "cannot read subresource", nil
	case a.Namespace == "":
		return NoOpinion, "can only read namespaced object of this type", nil
	}
	return n.related(node, a)
}

func (n *Node) get(node string, a *Attributes) (Decision, string, error) {
	switch {
	case a.Verb != "get":
		return NoOpinion, "can only get individual resources of this type", nil
	case a.Subresource != "":
		return NoOpinion, "cannot get subresource", nil
	}
	return n.related(node, a)
}

func (n *Node) statusUpdate(node string, a *Attributes) (Decision, string, error) {
	switch a.Verb {
	case "update", "patch":
	default:
		return NoOpinion, "can only get/update/patch this type", nil
	}
	return n.related(node, a)
}

func (n *Node) createToken(node string, a *Attributes) (Decision, string, error) {
	switch {
	case a.Verb != "create" || a.Name == "":
		return NoOpinion, "can only create tokens for individual service accounts", nil
	case a.Subresource != "token":
		return NoOpinion, "can only create token subresource of serviceaccount", nil
	}
	return n.related(node, a)
}

func (n *Node) lease(node string, a *Attributes) (Decision, string, error) {
	switch a.Verb {
	case "get", "create", "update", "patch", "delete":
	default:
		return NoOpinion, "can only get, create, update, patch, or delete a node lease", nil
	}
	if a.Namespace != nodeLeaseNamespace {
		return NoOpinion, fmt.Sprintf("can only access leases in the %q system namespace", nodeLeaseNamespace), nil
	}
	// The name of a create is in the body: NodeRestriction checks it.
	if a.Verb != "create" && a.Name != node {
		return NoOpinion, "can only access node lease with the same name as the requesting node", nil
	}
	return Allow, "", nil
}

func (n *Node) csiNode(node string, a *Attributes) (Decision, string, error) {
	switch a.Verb {
	case "get", "create", "update", "patch", "delete":
	default:
		return NoOpinion, "can only get, create, update, patch, or delete a CSINode", nil
	}
	if a.Subresource != "" {
		return NoOpinion, "cannot authorize CSINode subresources", nil
	}
	if a.Verb != "create" && a.Name != node {
		return NoOpinion, "can only access CSINode with the same name as the requesting node", nil
	}
	return Allow, "", nil
}

func (n *Node) nodeObject(node string, a *Attributes) (Decision, string, error) {
	switch a.Subresource {
	case "":
		switch a.Verb {
		case "create", "update", "patch":
			// NodeRestriction limits these to the node's own object.
			return Allow, "", nil
		case "get", "list", "watch":
			// By name, not by graph, so a kubelet can look for its Node
			// before creating it.
			switch a.Name {
			case node:
				return Allow, "", nil
			case "":
				return NoOpinion, fmt.Sprintf("node '%s' cannot read all nodes, only its own Node object", node), nil
			default:
				return NoOpinion, fmt.Sprintf("node '%s' cannot read '%s', only its own Node object", node, a.Name), nil
			}
		}
	case "status":
		if a.Verb == "update" || a.Verb == "patch" {
			return Allow, "", nil
		}
	}
	return NoOpinion, "", nil
}

func (n *Node) pod(node string, a *Attributes) (Decision, string, error) {
	switch a.Subresource {
	case "":
		switch a.Verb {
		case "get":
			return n.get(node, a)
		case "list", "watch":
			if a.FieldSelector != nil {
				if v, ok := a.FieldSelector.RequiresExactMatch("spec.nodeName"); ok && v == node {
					return Allow, "", nil
				}
			}
			if a.Name != "" {
				return n.related(node, a)
			}
			return NoOpinion, "can only list/watch pods with spec.nodeName field selector", nil
		case "create", "delete":
			// Mirror pods; NodeRestriction limits them to the node's own.
			return Allow, "", nil
		}
	case "status":
		if a.Verb == "update" || a.Verb == "patch" {
			return Allow, "", nil
		}
	case "eviction":
		if a.Verb == "create" {
			return Allow, "", nil
		}
	}
	return NoOpinion, "", nil
}
