package apiserver

import (
	"fmt"
	"os"
)

// WriteKubeconfig writes a kubeconfig for an admin user of the server at
// url (a context named "spar").
func WriteKubeconfig(path, url string) error {
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: spar
  cluster:
    server: %s
users:
- name: admin
  user: {}
contexts:
- name: spar
  context:
    cluster: spar
    user: admin
current-context: spar
`, url)
	return os.WriteFile(path, []byte(cfg), 0o600)
}
