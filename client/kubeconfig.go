package client

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"
)

// kubeconfig is the part of kubectl's config file (kind: Config, v1) that
// the client uses. Fields it does not know are ignored, as kubectl ignores
// them; auth methods it cannot perform are rejected by resolve.
type kubeconfig struct {
	Clusters       []namedCluster `json:"clusters"`
	Users          []namedUser    `json:"users"`
	Contexts       []namedContext `json:"contexts"`
	CurrentContext string         `json:"current-context"`
}

type namedCluster struct {
	Name    string            `json:"name"`
	Cluster kubeconfigCluster `json:"cluster"`
}

type kubeconfigCluster struct {
	Server                   string `json:"server"`
	TLSServerName            string `json:"tls-server-name"`
	InsecureSkipTLSVerify    bool   `json:"insecure-skip-tls-verify"`
	CertificateAuthority     string `json:"certificate-authority"`
	CertificateAuthorityData []byte `json:"certificate-authority-data"` // base64 in the file
	ProxyURL                 string `json:"proxy-url"`
}

type namedUser struct {
	Name string         `json:"name"`
	User kubeconfigUser `json:"user"`
}

type kubeconfigUser struct {
	ClientCertificate     string `json:"client-certificate"`
	ClientCertificateData []byte `json:"client-certificate-data"`
	ClientKey             string `json:"client-key"`
	ClientKeyData         []byte `json:"client-key-data"`
	Token                 string `json:"token"`
	TokenFile             string `json:"tokenFile"`
	Username              string `json:"username"`
	Exec                  any    `json:"exec"`
	AuthProvider          any    `json:"auth-provider"`
}

type namedContext struct {
	Name    string            `json:"name"`
	Context kubeconfigContext `json:"context"`
}

type kubeconfigContext struct {
	Cluster   string `json:"cluster"`
	User      string `json:"user"`
	Namespace string `json:"namespace"`
}

// merged is kubeconfig files merged by kubectl's rules, each entry
// remembering the directory its relative paths are resolved against.
type merged struct {
	clusters       map[string]located[kubeconfigCluster]
	users          map[string]located[kubeconfigUser]
	contexts       map[string]kubeconfigContext
	currentContext string
}

type located[T any] struct {
	v   T
	dir string
}

// LoadKubeconfig reads the kubeconfig file at path and returns the Config
// of its context named context, or of its current-context when context is
// "". An empty path loads kubectl's default files instead: the files listed
// in $KUBECONFIG (merged: the first file to define a cluster, user or
// context name wins, and the first current-context set wins), else
// ~/.kube/config.
//
// Supported: a cluster's server, certificate-authority[-data],
// insecure-skip-tls-verify, tls-server-name and proxy-url; a user's
// client-certificate[-data], client-key[-data], token and tokenFile; a
// context's namespace (Config.Namespace, "default" when unset). Relative
// file paths are resolved against the directory of the file that names
// them. Users with exec plugins, auth providers or basic auth fail with an
// error saying so.
func LoadKubeconfig(path, context string) (*Config, error) {
	var paths []string
	if path != "" {
		paths = []string{path}
	} else {
		paths = defaultKubeconfigPaths()
	}
	m, err := loadMerged(paths, path != "")
	if err != nil {
		return nil, err
	}
	return m.resolve(context)
}

// LoadDefault returns the Config a program should use when it is given
// none, as kubectl and controller-runtime choose it: the kubeconfig files
// of LoadKubeconfig("", "") if any exists, else InClusterConfig when the
// program runs in a pod, else an error.
func LoadDefault() (*Config, error) {
	paths := defaultKubeconfigPaths()
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			return LoadKubeconfig("", "")
		}
	}
	cfg, err := InClusterConfig()
	if errors.Is(err, ErrNotInCluster) {
		return nil, fmt.Errorf("client: no configuration: none of the kubeconfig files %s exists, and the program does not run in a pod",
			strings.Join(paths, ", "))
	}
	return cfg, err
}

// defaultKubeconfigPaths is $KUBECONFIG's list, or ~/.kube/config.
func defaultKubeconfigPaths() []string {
	if env := os.Getenv("KUBECONFIG"); env != "" {
		var out []string
		seen := map[string]bool{}
		for _, p := range filepath.SplitList(env) {
			if p != "" && !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
		return out
	}
	home := os.Getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return []string{filepath.Join(home, ".kube", "config")}
}

// loadMerged reads and merges paths. Missing files are skipped (kubectl
// skips them in $KUBECONFIG) unless explicit is set; a list with no file
// that exists is an error.
func loadMerged(paths []string, explicit bool) (*merged, error) {
	m := &merged{
		clusters: map[string]located[kubeconfigCluster]{},
		users:    map[string]located[kubeconfigUser]{},
		contexts: map[string]kubeconfigContext{},
	}
	found := false
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) && !explicit {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("client: reading kubeconfig: %w", err)
		}
		found = true
		var kc kubeconfig
		if err := yaml.Unmarshal(data, &kc); err != nil {
			return nil, fmt.Errorf("client: kubeconfig %s: %w", p, err)
		}
		dir := filepath.Dir(p)
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		}
		for _, c := range kc.Clusters {
			if _, ok := m.clusters[c.Name]; !ok {
				m.clusters[c.Name] = located[kubeconfigCluster]{c.Cluster, dir}
			}
		}
		for _, u := range kc.Users {
			if _, ok := m.users[u.Name]; !ok {
				m.users[u.Name] = located[kubeconfigUser]{u.User, dir}
			}
		}
		for _, c := range kc.Contexts {
			if _, ok := m.contexts[c.Name]; !ok {
				m.contexts[c.Name] = c.Context
			}
		}
		if m.currentContext == "" {
			m.currentContext = kc.CurrentContext
		}
	}
	if !found {
		return nil, fmt.Errorf("client: no kubeconfig file found (looked for %s)", strings.Join(paths, ", "))
	}
	return m, nil
}

// resolve builds the Config of one context.
func (m *merged) resolve(name string) (*Config, error) {
	if name == "" {
		name = m.currentContext
	}
	if name == "" {
		return nil, errors.New("client: kubeconfig: current-context is not set and no context was given")
	}
	ctx, ok := m.contexts[name]
	if !ok {
		return nil, fmt.Errorf("client: kubeconfig: context %q not found", name)
	}
	cl, ok := m.clusters[ctx.Cluster]
	if !ok {
		return nil, fmt.Errorf("client: kubeconfig: context %q: cluster %q not found", name, ctx.Cluster)
	}
	if cl.v.Server == "" {
		return nil, fmt.Errorf("client: kubeconfig: cluster %q has no server", ctx.Cluster)
	}
	cfg := &Config{
		Host:      cl.v.Server,
		Namespace: ctx.Namespace,
		ProxyURL:  cl.v.ProxyURL,
		TLS: TLSConfig{
			CAData:     cl.v.CertificateAuthorityData,
			CAFile:     resolvePath(cl.dir, cl.v.CertificateAuthority),
			Insecure:   cl.v.InsecureSkipTLSVerify,
			ServerName: cl.v.TLSServerName,
		},
	}
	if cfg.Namespace == "" {
		cfg.Namespace = "default"
	}
	if ctx.User != "" {
		u, ok := m.users[ctx.User]
		if !ok {
			return nil, fmt.Errorf("client: kubeconfig: context %q: user %q not found", name, ctx.User)
		}
		switch {
		case u.v.Exec != nil:
			return nil, fmt.Errorf("client: kubeconfig: user %q: exec credential plugins are not supported", ctx.User)
		case u.v.AuthProvider != nil:
			return nil, fmt.Errorf("client: kubeconfig: user %q: auth providers are not supported", ctx.User)
		case u.v.Username != "":
			return nil, fmt.Errorf("client: kubeconfig: user %q: basic authentication is not supported", ctx.User)
		}
		cfg.BearerToken = u.v.Token
		cfg.BearerTokenFile = resolvePath(u.dir, u.v.TokenFile)
		cfg.TLS.CertData = u.v.ClientCertificateData
		cfg.TLS.CertFile = resolvePath(u.dir, u.v.ClientCertificate)
		cfg.TLS.KeyData = u.v.ClientKeyData
		cfg.TLS.KeyFile = resolvePath(u.dir, u.v.ClientKey)
	}
	return cfg, nil
}

func resolvePath(dir, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// ErrNotInCluster is returned by InClusterConfig outside a pod.
var ErrNotInCluster = errors.New("client: not running in a pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set")

// serviceAccountDir is where the kubelet mounts a pod's service account
// credentials; a variable for tests.
var serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"

// InClusterConfig returns the Config of a program running in a pod: the
// API server at KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT over
// https, authenticated with the pod's service account token (re-read as it
// rotates) and verified with the cluster CA, both from
// /var/run/secrets/kubernetes.io/serviceaccount; Namespace is the pod's.
// Outside a pod it returns ErrNotInCluster.
func InClusterConfig() (*Config, error) {
	host, port := os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT")
	if host == "" || port == "" {
		return nil, ErrNotInCluster
	}
	tokenFile := filepath.Join(serviceAccountDir, "token")
	if _, err := os.Stat(tokenFile); err != nil {
		return nil, fmt.Errorf("client: in-cluster config: %w", err)
	}
	cfg := &Config{
		Host:            "https://" + net.JoinHostPort(host, port),
		BearerTokenFile: tokenFile,
		TLS:             TLSConfig{CAFile: filepath.Join(serviceAccountDir, "ca.crt")},
	}
	if ns, err := os.ReadFile(filepath.Join(serviceAccountDir, "namespace")); err == nil {
		cfg.Namespace = strings.TrimSpace(string(ns))
	}
	return cfg, nil
}
