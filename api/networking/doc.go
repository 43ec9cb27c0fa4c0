// Package networking holds networking.k8s.io/v1: Ingress (host and path
// routing of HTTP to Services, served by proxy/ingress), IngressClass (which
// controller implements an Ingress) and NetworkPolicy (which traffic pods
// admit). See DESIGN.md, "proxy".
package networking
