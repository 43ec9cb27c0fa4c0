package bootstrap_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/spar-dev/spar/controller/certificates"
	"github.com/spar-dev/spar/pki/bootstrap"
)

// BenchmarkBootstrap measures a node's TLS bootstrap end to end against a
// real API server over TLS: key, CertificateSigningRequest with a
// bootstrap token, automatic approval (with its SubjectAccessReview),
// signing, the watch that sees the certificate, and the files written.
func BenchmarkBootstrap(b *testing.B) {
	c := startCluster(b, certificates.Options{})
	token := c.token()
	dir := b.TempDir()
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		_, err := bootstrap.Bootstrap(ctx, bootstrap.Options{Server: c.url, CA: c.pki.CAPEM(), Token: token,
			NodeName: fmt.Sprintf("worker-%d", i), CertDir: filepath.Join(dir, fmt.Sprint(i))})
		if err != nil {
			b.Fatal(err)
		}
	}
}
