package encryption

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/spar-dev/spar/store"
)

// Wrap returns a store.Store that encrypts, on their way into s, the values
// of the resources cfg names, and decrypts them on their way out: from Get,
// List, Delete, the Current of a *store.ConflictError, and the Value and
// PrevValue of watch events. Keys, revisions and everything else pass
// through unchanged, so the wrapper satisfies the store contract whenever s
// does.
//
// A value that cannot be decrypted fails the read with an error wrapping
// ErrDecrypt and naming the key — it is never returned as it is stored. A
// watch that meets one ends with that error.
//
// Writes above cfg.MaxValueSize fail with store.ErrValueTooLarge; s must
// accept values cfg.Overhead() bytes larger than that.
func Wrap(s store.Store, cfg *Config) (store.Store, error) {
	if s == nil {
		return nil, errors.New("encryption: Wrap of a nil store")
	}
	if cfg == nil {
		return nil, errors.New("encryption: Wrap with a nil configuration")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r, err := compile(cfg)
	if err != nil {
		return nil, err
	}
	limit := cfg.MaxValueSize
	if limit <= 0 {
		limit = store.DefaultMaxValueSize
	}
	return &encStore{inner: s, r: r, max: limit}, nil
}

// Overhead returns the most bytes encryption adds to a value under c: the
// provider prefix, the key name, the nonce or IV, and the tag or padding of
// the provider that encrypts. The store Wrap wraps must accept values this
// much larger than MaxValueSize.
func (c *Config) Overhead() int {
	r, err := compile(c)
	if err != nil {
		return 0
	}
	n := 0
	if r.all != nil {
		n = r.all.overhead()
	}
	for _, t := range r.exact {
		n = max(n, t.overhead())
	}
	for _, t := range r.group {
		n = max(n, t.overhead())
	}
	return n
}

type encStore struct {
	inner store.Store
	r     *resolver
	max   int
}

var _ store.Store = (*encStore)(nil)

func (s *encStore) seal(key string, value []byte) ([]byte, error) {
	if err := store.CheckValue(s.max, key, value); err != nil {
		return nil, err
	}
	return s.r.forKey(key).encrypt(key, value), nil
}

// open decrypts kv.Value in place.
func (s *encStore) open(kv *store.KV) error {
	v, err := s.r.forKey(kv.Key).decrypt(kv.Key, kv.Value)
	if err != nil {
		return err
	}
	kv.Value = v
	return nil
}

// writeResult turns the inner store's answer to a write of plain into the
// wrapper's: the plaintext instead of the ciphertext, and a readable
// ConflictError.
func (s *encStore) writeResult(kv store.KV, err error, plain, sealed []byte) (store.KV, error) {
	if err != nil {
		return store.KV{}, s.openErr(err)
	}
	// The caller owns its slice, the store its values. A value stored as
	// it is (identity, or a resource no rule names) came back from the
	// inner store already as the caller's slice or the store's copy.
	if len(plain) == 0 || len(sealed) == 0 || &plain[0] != &sealed[0] {
		kv.Value = bytes.Clone(plain)
	}
	return kv, nil
}

// openErr decrypts the current value a *store.ConflictError carries (the
// error is the caller's: the backend made it for this call).
func (s *encStore) openErr(err error) error {
	var ce *store.ConflictError
	if !errors.As(err, &ce) {
		return err
	}
	if derr := s.open(&ce.Current); derr != nil {
		ce.Current.Value = nil // never the ciphertext
		return fmt.Errorf("%w; %w", err, derr)
	}
	return err
}

func (s *encStore) Create(ctx context.Context, key string, value []byte) (store.KV, error) {
	enc, err := s.seal(key, value)
	if err != nil {
		return store.KV{}, err
	}
	kv, err := s.inner.Create(ctx, key, enc)
	return s.writeResult(kv, err, value, enc)
}

func (s *encStore) Update(ctx context.Context, key string, value []byte, expected int64) (store.KV, error) {
	enc, err := s.seal(key, value)
	if err != nil {
		return store.KV{}, err
	}
	kv, err := s.inner.Update(ctx, key, enc, expected)
	return s.writeResult(kv, err, value, enc)
}

func (s *encStore) Get(ctx context.Context, key string) (store.KV, error) {
	kv, err := s.inner.Get(ctx, key)
	if err != nil {
		return store.KV{}, err
	}
	if err := s.open(&kv); err != nil {
		return store.KV{}, err
	}
	return kv, nil
}

func (s *encStore) Delete(ctx context.Context, key string, expected int64) (store.KV, error) {
	kv, err := s.inner.Delete(ctx, key, expected)
	if err != nil {
		return store.KV{}, s.openErr(err)
	}
	// The delete happened; a value that does not decrypt is reported
	// rather than returned raw.
	if err := s.open(&kv); err != nil {
		return store.KV{}, fmt.Errorf("the key was deleted, but: %w", err)
	}
	return kv, nil
}

func (s *encStore) List(ctx context.Context, prefix string, opts store.ListOptions) (store.ListResult, error) {
	res, err := s.inner.List(ctx, prefix, opts)
	if err != nil {
		return store.ListResult{}, err
	}
	for i := range res.Items {
		if err := s.open(&res.Items[i]); err != nil {
			return store.ListResult{}, err
		}
	}
	return res, nil
}

func (s *encStore) Revision(ctx context.Context) (int64, error) { return s.inner.Revision(ctx) }

func (s *encStore) Compact(ctx context.Context, revision int64) error {
	return s.inner.Compact(ctx, revision)
}

func (s *encStore) Close() error { return s.inner.Close() }

// Watch decrypts each event of the inner watch on a goroutine of its own,
// in order. The returned Watcher implements store.ProgressRequester when
// the inner one does.
func (s *encStore) Watch(ctx context.Context, prefix string, fromRevision int64) (store.Watcher, error) {
	inner, err := s.inner.Watch(ctx, prefix, fromRevision)
	if err != nil {
		return nil, err
	}
	w := &watcher{inner: inner, ch: make(chan store.Event), stop: make(chan struct{})}
	go w.run(ctx, s)
	if pr, ok := inner.(store.ProgressRequester); ok {
		return &progressWatcher{watcher: w, pr: pr}, nil
	}
	return w, nil
}

type watcher struct {
	inner    store.Watcher
	ch       chan store.Event
	stop     chan struct{}
	stopOnce sync.Once

	mu  sync.Mutex
	err error
}

func (w *watcher) run(ctx context.Context, s *encStore) {
	defer close(w.ch)
	for {
		var (
			ev store.Event
			ok bool
		)
		select {
		case ev, ok = <-w.inner.Events():
		case <-w.stop:
			return
		}
		if !ok {
			w.setErr(w.inner.Err())
			return
		}
		if ev.Type != store.Progress {
			if err := s.openEvent(&ev); err != nil {
				w.setErr(err)
				w.inner.Stop()
				return
			}
		}
		select {
		case w.ch <- ev:
		case <-w.stop:
			return
		case <-ctx.Done(): // nobody will read; the inner watch ends too
			return
		}
	}
}

func (s *encStore) openEvent(ev *store.Event) error {
	if err := s.open(&ev.KV); err != nil {
		return err
	}
	prev, err := s.r.forKey(ev.KV.Key).decrypt(ev.KV.Key, ev.PrevValue)
	if err != nil {
		return fmt.Errorf("previous value: %w", err)
	}
	ev.PrevValue = prev
	return nil
}

func (w *watcher) setErr(err error) {
	w.mu.Lock()
	w.err = err
	w.mu.Unlock()
}

func (w *watcher) Events() <-chan store.Event { return w.ch }

func (w *watcher) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

func (w *watcher) Stop() {
	w.stopOnce.Do(func() { close(w.stop) })
	w.inner.Stop()
}

type progressWatcher struct {
	*watcher
	pr store.ProgressRequester
}

func (w *progressWatcher) RequestProgress(ctx context.Context) error {
	return w.pr.RequestProgress(ctx)
}
