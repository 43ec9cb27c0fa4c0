package admission

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/spar-dev/spar/api/core"
	"github.com/spar-dev/spar/api/meta"
)

// Service account token volume, as Kubernetes mounts it.
const (
	// DefaultServiceAccount is the account of pods that name none.
	DefaultServiceAccount = "default"
	// TokenVolumePrefix starts the name of the injected volume:
	// "kube-api-access-" and five random characters.
	TokenVolumePrefix = "kube-api-access-"
	// TokenMountPath is where every container finds token, ca.crt and
	// namespace.
	TokenMountPath = "/var/run/secrets/kubernetes.io/serviceaccount"
	// TokenExpirationSeconds is the lifetime the volume asks for: just over
	// an hour, which marks the token as one the kubelet refreshes.
	TokenExpirationSeconds = 3607
	// RootCAConfigMap is the config map (in every namespace) holding the
	// cluster CA as ca.crt.
	RootCAConfigMap = "kube-root-ca.crt"

	enforceMountableSecretsAnnotation = "kubernetes.io/enforce-mountable-secrets"
	mirrorPodAnnotation               = "kubernetes.io/config.mirror"
)

// ServiceAccount runs pods as a service account: it defaults
// spec.serviceAccountName to "default", rejects pods whose account does
// not exist (waiting up to a second for "default", which the service
// account controller creates with each namespace), mounts a projected
// token volume into every container unless the pod or the account sets
// automountServiceAccountToken: false, and copies the account's
// imagePullSecrets into pods that have none.
type ServiceAccount struct {
	accounts Lister[core.ServiceAccount]
	live     Lister[core.ServiceAccount] // nil without a client
	// retry is the wait between lookups of a missing default account.
	retry func() time.Duration
}

func newServiceAccount(d Deps) (Plugin, error) {
	if d.ServiceAccounts == nil {
		return nil, missing(ServiceAccountName, "ServiceAccounts")
	}
	p := &ServiceAccount{accounts: d.ServiceAccounts, retry: func() time.Duration {
		return time.Duration(100+rand.IntN(100)) * time.Millisecond
	}}
	if d.Client != nil {
		p.live = ClientLister[core.ServiceAccount](d.Client)
	}
	return p, nil
}

// Name implements Plugin.
func (*ServiceAccount) Name() string { return ServiceAccountName }

func serviceAccountPod(a *Attributes) (*core.Pod, bool) {
	if a.Group != "" || a.Resource != "pods" || a.Subresource != "" || a.Operation != Create {
		return nil, false
	}
	pod, ok := a.Object.(*core.Pod)
	return pod, ok
}

// Admit implements Mutator.
func (p *ServiceAccount) Admit(ctx context.Context, a *Attributes) error {
	pod, ok := serviceAccountPod(a)
	if !ok {
		return nil
	}
	if _, mirror := pod.Annotations[mirrorPodAnnotation]; mirror {
		return p.Validate(ctx, a)
	}
	if pod.Spec.ServiceAccountName == "" {
		pod.Spec.ServiceAccountName = DefaultServiceAccount
		pod.Spec.DeprecatedServiceAccount = DefaultServiceAccount
	}
	sa, err := p.get(ctx, a, pod.Spec.ServiceAccountName)
	if err != nil {
		return err
	}
	if automount(sa, pod) {
		mountToken(pod)
	}
	if len(pod.Spec.ImagePullSecrets) == 0 && len(sa.ImagePullSecrets) > 0 {
		pod.Spec.ImagePullSecrets = make([]core.LocalObjectReference, len(sa.ImagePullSecrets))
		for i, s := range sa.ImagePullSecrets {
			pod.Spec.ImagePullSecrets[i] = core.LocalObjectReference{Name: s.Name}
		}
	}
	return validateAccount(a, pod, sa)
}

// Validate implements Validator: the account must (still) exist, and mirror
// pods may use none.
func (p *ServiceAccount) Validate(ctx context.Context, a *Attributes) error {
	pod, ok := serviceAccountPod(a)
	if !ok {
		return nil
	}
	if _, mirror := pod.Annotations[mirrorPodAnnotation]; mirror {
		return validateMirrorPod(a, pod)
	}
	sa, err := p.get(ctx, a, pod.Spec.ServiceAccountName)
	if err != nil {
		return err
	}
	return validateAccount(a, pod, sa)
}

func validateAccount(a *Attributes, pod *core.Pod, sa *core.ServiceAccount) error {
	if enforce, _ := strconv.ParseBool(sa.Annotations[enforceMountableSecretsAnnotation]); enforce {
		if err := limitSecretReferences(sa, pod); err != nil {
			return NewForbidden(a, err)
		}
	}
	return nil
}

// get finds an account in the cache, then live; the default account is
// looked for up to ten times, as the controller creates it moments after
// the namespace.
func (p *ServiceAccount) get(ctx context.Context, a *Attributes, name string) (*core.ServiceAccount, error) {
	ns := a.Namespace
	fail := func(err error) error {
		return NewForbidden(a, fmt.Errorf("error looking up service account %s/%s: %w", ns, name, err))
	}
	sa, err := p.accounts.Get(ctx, ns, name)
	if err == nil {
		return sa, nil
	}
	if !errors.Is(err, meta.ErrNotFound) {
		return nil, fail(err)
	}
	look := p.live
	if look == nil {
		look = p.accounts
	}
	attempts := 1
	if name == DefaultServiceAccount {
		attempts = 10
	}
	for i := range attempts {
		if i > 0 {
			t := time.NewTimer(p.retry())
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, fail(ctx.Err())
			case <-t.C:
			}
		}
		sa, err := look.Get(ctx, ns, name)
		if err == nil {
			return sa, nil
		}
		if !errors.Is(err, meta.ErrNotFound) {
			return nil, fail(err)
		}
	}
	return nil, fail(meta.NewNotFound(meta.GroupResource{Resource: "serviceaccount"}, name))
}

// automount says whether to mount a token: the pod's choice wins, then
// the account's, and the default is yes.
func automount(sa *core.ServiceAccount, pod *core.Pod) bool {
	if v := pod.Spec.AutomountServiceAccountToken; v != nil {
		return *v
	}
	if v := sa.AutomountServiceAccountToken; v != nil {
		return *v
	}
	return true
}

// nameChars are the characters of generated name suffixes (no vowels, so
// no words; no look-alikes).
const nameChars = "bcdfghjklmnpqrstvwxz2456789"

func randomSuffix(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = nameChars[rand.IntN(len(nameChars))]
	}
	return string(b)
}

// mountToken adds the token volume (reusing one already there) and mounts
// it into every init and regular container that has nothing mounted at
// TokenMountPath.
func mountToken(pod *core.Pod) {
	volume := ""
	for _, v := range pod.Spec.Volumes {
		if strings.HasPrefix(v.Name, TokenVolumePrefix) {
			volume = v.Name
			break
		}
	}
	needed := false
	mount := func(cs []core.Container) {
		for i := range cs {
			mounted := false
			for _, m := range cs[i].VolumeMounts {
				if m.MountPath == TokenMountPath {
					mounted = true
					break
				}
			}
			if !mounted {
				if volume == "" {
					volume = TokenVolumePrefix + randomSuffix(5)
				}
				cs[i].VolumeMounts = append(cs[i].VolumeMounts, core.VolumeMount{Name: volume, ReadOnly: true, MountPath: TokenMountPath})
				needed = true
			}
		}
	}
	hadVolume := volume != ""
	mount(pod.Spec.InitContainers)
	mount(pod.Spec.Containers)
	if needed && !hadVolume {
		pod.Spec.Volumes = append(pod.Spec.Volumes, TokenVolume(volume))
	}
}

// TokenVolume is the projected volume that holds a pod's service account
// token, the cluster CA and the namespace, with the defaults the API
// server would give it.
func TokenVolume(name string) core.Volume {
	return core.Volume{Name: name, VolumeSource: core.VolumeSource{Projected: &core.ProjectedVolumeSource{
		Sources: []core.VolumeProjection{
			{ServiceAccountToken: &core.ServiceAccountTokenProjection{Path: "token", ExpirationSeconds: new(int64(TokenExpirationSeconds))}},
			{ConfigMap: &core.ConfigMapProjection{LocalObjectReference: core.LocalObjectReference{Name: RootCAConfigMap},
				Items: []core.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}}}},
			{DownwardAPI: &core.DownwardAPIProjection{Items: []core.DownwardAPIVolumeFile{{Path: "namespace",
				FieldRef: &core.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.namespace"}}}}},
		},
		DefaultMode: new(core.ProjectedVolumeSourceDefaultMode),
	}}}
}

func validateMirrorPod(a *Attributes, pod *core.Pod) error {
	if pod.Spec.ServiceAccountName != "" {
		return NewForbidden(a, errors.New("a mirror pod may not reference service accounts"))
	}
	secrets := false
	for _, v := range pod.Spec.Volumes {
		if v.Secret != nil {
			secrets = true
		}
		if v.Projected != nil {
			for _, s := range v.Projected.Sources {
				if s.Secret != nil {
					secrets = true
				}
				if s.ServiceAccountToken != nil {
					return NewForbidden(a, errors.New("a mirror pod may not use ServiceAccountToken volume projections"))
				}
			}
		}
	}
	for _, s := range pod.Spec.ImagePullSecrets {
		secrets = secrets || s.Name != ""
	}
	visit := func(c *core.Container) {
		for _, e := range c.EnvFrom {
			secrets = secrets || e.SecretRef != nil
		}
		for _, e := range c.Env {
			secrets = secrets || (e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil)
		}
	}
	for i := range pod.Spec.InitContainers {
		visit(&pod.Spec.InitContainers[i])
	}
	for i := range pod.Spec.Containers {
		visit(&pod.Spec.Containers[i])
	}
	if secrets {
		return NewForbidden(a, errors.New("a mirror pod may not reference secrets"))
	}
	return nil
}

// limitSecretReferences enforces an account's
// kubernetes.io/enforce-mountable-secrets: pods may use only the secrets
// it lists.
func limitSecretReferences(sa *core.ServiceAccount, pod *core.Pod) error {
	mountable := map[string]bool{}
	for _, s := range sa.Secrets {
		mountable[s.Name] = true
	}
	for _, v := range pod.Spec.Volumes {
		if v.Secret != nil && !mountable[v.Secret.SecretName] {
			return fmt.Errorf("volume with secret.secretName=%q is not allowed because service account %s does not reference that secret", v.Secret.SecretName, sa.Name)
		}
	}
	for _, group := range []struct {
		kind string
		cs   []core.Container
	}{{"init container", pod.Spec.InitContainers}, {"container", pod.Spec.Containers}} {
		for _, c := range group.cs {
			for _, e := range c.Env {
				if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil && !mountable[e.ValueFrom.SecretKeyRef.Name] {
					return fmt.Errorf("%s %s with envVar %s referencing secret.secretName=%q is not allowed because service account %s does not reference that secret",
						group.kind, c.Name, e.Name, e.ValueFrom.SecretKeyRef.Name, sa.Name)
				}
			}
		}
	}
	pull := map[string]bool{}
	for _, s := range sa.ImagePullSecrets {
		pull[s.Name] = true
	}
	for i, s := range pod.Spec.ImagePullSecrets {
		if !pull[s.Name] {
			return fmt.Errorf("imagePullSecrets[%d].name=%q is not allowed because service account %s does not reference that imagePullSecret", i, s.Name, sa.Name)
		}
	}
	return nil
}
