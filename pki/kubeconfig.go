package pki

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"sigs.k8s.io/yaml"
)

// Kubeconfig is a kubeconfig file with one cluster, one user and one
// context, as kubeadm writes them: the context is "<user>@<cluster>" and is
// the current one, and every credential is embedded (no file references),
// so the file can be copied anywhere.
type Kubeconfig struct {
	ClusterName string
	Server      string
	// CAData is the PEM CA that verifies Server's certificate.
	CAData []byte
	// UserName names the user entry (kubeadm uses the certificate's CN).
	UserName string
	// CertData and KeyData are the user's PEM client certificate and key.
	CertData, KeyData []byte
	// Token is the user's bearer token (bootstrap or service-account
	// kubeconfigs).
	Token string
}

// The wire form: kubectl's Config v1, with only the fields written here.
type kubeconfigFile struct {
	APIVersion     string         `json:"apiVersion"`
	Kind           string         `json:"kind"`
	Clusters       []namedCluster `json:"clusters"`
	Contexts       []namedContext `json:"contexts"`
	CurrentContext string         `json:"current-context"`
	Preferences    struct{}       `json:"preferences"`
	Users          []namedUser    `json:"users"`
}

type namedCluster struct {
	Name    string `json:"name"`
	Cluster struct {
		CertificateAuthorityData []byte `json:"certificate-authority-data,omitempty"`
		Server                   string `json:"server"`
	} `json:"cluster"`
}

type namedContext struct {
	Name    string `json:"name"`
	Context struct {
		Cluster string `json:"cluster"`
		User    string `json:"user"`
	} `json:"context"`
}

type namedUser struct {
	Name string `json:"name"`
	User struct {
		ClientCertificateData []byte `json:"client-certificate-data,omitempty"`
		ClientKeyData         []byte `json:"client-key-data,omitempty"`
		Token                 string `json:"token,omitempty"`
	} `json:"user"`
}

// Marshal encodes k as kubeconfig YAML.
func (k *Kubeconfig) Marshal() ([]byte, error) {
	if k.ClusterName == "" || k.Server == "" || k.UserName == "" {
		return nil, errors.New("pki: a kubeconfig needs ClusterName, Server and UserName")
	}
	ctx := k.UserName + "@" + k.ClusterName
	f := kubeconfigFile{APIVersion: "v1", Kind: "Config", CurrentContext: ctx}
	var c namedCluster
	c.Name = k.ClusterName
	c.Cluster.Server = k.Server
	c.Cluster.CertificateAuthorityData = k.CAData
	f.Clusters = []namedCluster{c}
	var x namedContext
	x.Name = ctx
	x.Context.Cluster, x.Context.User = k.ClusterName, k.UserName
	f.Contexts = []namedContext{x}
	var u namedUser
	u.Name = k.UserName
	u.User.ClientCertificateData, u.User.ClientKeyData, u.User.Token = k.CertData, k.KeyData, k.Token
	f.Users = []namedUser{u}
	data, err := yaml.Marshal(&f)
	if err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	return data, nil
}

// Write writes k to path atomically with mode 0600, creating the directory
// (mode 0700) if needed.
func (k *Kubeconfig) Write(path string) error {
	data, err := k.Marshal()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	return WriteFile(path, data)
}

// ParseKubeconfig decodes a kubeconfig of the shape Kubeconfig writes: the
// current context's cluster and user. Other shapes fail; use
// client.LoadKubeconfig to read kubeconfig files in general.
func ParseKubeconfig(data []byte) (*Kubeconfig, error) {
	var f kubeconfigFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("pki: kubeconfig: %w", err)
	}
	var k Kubeconfig
	var ctx *namedContext
	for i := range f.Contexts {
		if f.Contexts[i].Name == f.CurrentContext {
			ctx = &f.Contexts[i]
		}
	}
	if ctx == nil {
		return nil, fmt.Errorf("pki: kubeconfig: current context %q not found", f.CurrentContext)
	}
	for _, c := range f.Clusters {
		if c.Name == ctx.Context.Cluster {
			k.ClusterName, k.Server, k.CAData = c.Name, c.Cluster.Server, c.Cluster.CertificateAuthorityData
		}
	}
	for _, u := range f.Users {
		if u.Name == ctx.Context.User {
			k.UserName = u.Name
			k.CertData, k.KeyData, k.Token = u.User.ClientCertificateData, u.User.ClientKeyData, u.User.Token
		}
	}
	if k.ClusterName == "" || k.UserName == "" {
		return nil, fmt.Errorf("pki: kubeconfig: context %q names a missing cluster or user", f.CurrentContext)
	}
	return &k, nil
}

// WriteFile writes data to path atomically: into a temporary file of mode
// 0600 in the same directory, flushed to disk, then renamed over path and
// the directory flushed, so a crash leaves either the old file or the new
// one, never a torn key.
func WriteFile(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			err = fmt.Errorf("pki: writing %s: %w", path, err)
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
