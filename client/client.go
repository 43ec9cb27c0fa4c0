package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/meta"
)

// maxRetryAfter caps the wait a 429 answer can ask for.
const maxRetryAfter = 30 * time.Second

// request is one API call before it is sent.
type request struct {
	method      string
	path        string // absolute, escaped: /api/v1/namespaces/default/pods
	query       url.Values
	body        []byte
	contentType string
	// accept is the Accept header; "" means application/json.
	accept string
	// stream marks watches: no client Timeout, the caller reads the body.
	stream bool
}

// Do sends one request and decodes a successful JSON answer into out,
// unless out is nil. path is an absolute API path, optionally with a query
// ("/api/v1/namespaces/default/pods/web/binding", "/version"). body, unless
// nil, is sent as JSON: a []byte or json.RawMessage as is, anything else
// encoded. Failures are returned as for every call (a *meta.Status for
// answers other than 2xx). Do is the escape hatch for calls the typed
// clients do not cover, such as discovery.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) error {
	rq := &request{method: method, path: path}
	if p, q, ok := strings.Cut(path, "?"); ok {
		vals, err := url.ParseQuery(q)
		if err != nil {
			return fmt.Errorf("client: %s %s: %w", method, path, err)
		}
		rq.path, rq.query = p, vals
	}
	if !strings.HasPrefix(rq.path, "/") {
		return fmt.Errorf("client: %s %s: the path must be absolute", method, path)
	}
	if body != nil {
		b, err := encodeBody(body)
		if err != nil {
			return fmt.Errorf("client: %s %s: %w", method, path, err)
		}
		rq.body, rq.contentType = b, "application/json"
	}
	return c.call(ctx, rq, out)
}

func encodeBody(body any) ([]byte, error) {
	switch b := body.(type) {
	case []byte:
		return b, nil
	case json.RawMessage:
		return b, nil
	}
	b, err := api.Encode(body)
	if err != nil {
		return nil, fmt.Errorf("encoding the body: %w", err)
	}
	return b, nil
}

// call sends rq and decodes the answer into out (if not nil).
func (c *Client) call(ctx context.Context, rq *request, out any) error {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	resp, err := c.send(ctx, rq)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("client: %s %s: reading the response: %w", rq.method, rq.path, err)
	}
	if out == nil {
		return nil
	}
	if err := api.Decode(b, out); err != nil {
		return fmt.Errorf("client: %s %s: %w", rq.method, rq.path, err)
	}
	return nil
}

// send sends rq, retrying 429 answers, and returns a 2xx response whose
// body the caller must close. Any other answer is returned as its Status.
func (c *Client) send(ctx context.Context, rq *request) (*http.Response, error) {
	u := c.base + rq.path
	q := rq.query
	if c.timeout > 0 && !rq.stream {
		if q == nil {
			q = url.Values{}
		} else {
			q = cloneValues(q)
		}
		q.Set("timeout", c.timeout.String())
	}
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var token string
	if c.token != nil {
		var err error
		if token, err = c.token(); err != nil {
			return nil, err
		}
	}
	for attempt := 0; ; attempt++ {
		if c.limiter != nil {
			if err := c.limiter.Wait(ctx); err != nil {
				return nil, fmt.Errorf("client: %s %s: waiting for the rate limiter: %w", rq.method, rq.path, err)
			}
		}
		var body io.Reader
		if rq.body != nil {
			body = bytes.NewReader(rq.body)
		}
		req, err := http.NewRequestWithContext(ctx, rq.method, u, body)
		if err != nil {
			return nil, fmt.Errorf("client: %w", err)
		}
		accept := rq.accept
		if accept == "" {
			accept = "application/json"
		}
		req.Header.Set("Accept", accept)
		if rq.contentType != "" {
			req.Header.Set("Content-Type", rq.contentType)
		}
		req.Header.Set("User-Agent", c.userAgent)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := c.http.Do(req)
		if err != nil {
			return nil, err // *url.Error names the method and URL
		}
		if ws := resp.Header.Values("Warning"); len(ws) > 0 {
			for _, w := range parseWarnings(ws) {
				c.warn(ctx, w)
			}
		}
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			return resp, nil
		}
		st := readStatus(resp)
		if resp.StatusCode != http.StatusTooManyRequests || c.maxRetries < 0 || attempt >= c.maxRetries {
			return nil, st
		}
		delay := retryAfter(resp.Header.Get("Retry-After"), st)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, st
		case <-t.C:
		}
	}
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v)+1)
	for k, vs := range v {
		out[k] = vs
	}
	return out
}

// retryAfter is the delay a 429 asks for: the Retry-After header in
// seconds, else the Status's retryAfterSeconds, else 1s; at most
// maxRetryAfter.
func retryAfter(header string, st *meta.Status) time.Duration {
	secs := 0
	if n, err := strconv.Atoi(strings.TrimSpace(header)); err == nil && n > 0 {
		secs = n
	} else if st.Details != nil && st.Details.RetryAfterSeconds > 0 {
		secs = int(st.Details.RetryAfterSeconds)
	}
	if secs <= 0 {
		return time.Second
	}
	return min(time.Duration(secs)*time.Second, maxRetryAfter)
}
