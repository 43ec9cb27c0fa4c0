package client_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/client"
)

func TestParseWarnings(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   []string
	}{
		{"kubernetes form", []string{`299 - "unknown field \"spec.x\""`}, []string{`unknown field "spec.x"`}},
		{"two in one value", []string{`299 - "first", 299 - "second, with a comma"`}, []string{"first", "second, with a comma"}},
		{"two values", []string{`299 - "a"`, `299 - "b"`}, []string{"a", "b"}},
		{"with a date", []string{`299 agent "text" "Sat, 25 Aug 2012 23:34:45 GMT", 299 - "next"`}, []string{"text", "next"}},
		{"go quoting", []string{`299 - "line\nbreak"`}, []string{"line\nbreak"}},
		{"rfc quoted-pair", []string{`299 - "a \q b"`}, []string{"a q b"}},
		{"malformed kept whole", []string{`just text`}, []string{"just text"}},
		{"unterminated", []string{`299 - "open`}, []string{`299 - "open`}},
		{"empty", []string{""}, nil},
	}
	for _, tt := range tests {
		if got := client.ParseWarnings(tt.values); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestStatusFromBody(t *testing.T) {
	tests := []struct {
		name        string
		code        int
		contentType string
		body        string
		wantCode    int32
		wantReason  meta.StatusReason
		wantMsg     string
		wantCause   string
	}{
		{"a status", 404, "application/json", `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods \"x\" not found","reason":"NotFound","code":404}`,
			404, meta.StatusReasonNotFound, `pods "x" not found`, ""},
		{"status without reason", 409, "application/json", `{"kind":"Status","message":"m","code":409}`,
			409, meta.StatusReasonConflict, "m", ""},
		{"status without code", 410, "application/json; charset=utf-8", `{"kind":"Status","reason":"Expired","message":"too old"}`,
			410, meta.StatusReasonExpired, "too old", ""},
		{"status without kind", 422, "application/json", `{"reason":"Invalid","message":"bad","code":422}`,
			422, meta.StatusReasonInvalid, "bad", ""},
		{"plain text", 404, "text/plain", "404 page not found\n",
			404, meta.StatusReasonNotFound, "the server could not find the requested resource", "404 page not found"},
		{"html from a proxy", 503, "text/html", "<html>down</html>",
			503, meta.StatusReasonServiceUnavailable, "the server answered Service Unavailable", "<html>down</html>"},
		{"json that is no status", 500, "application/json", `{"error":"boom"}`,
			500, meta.StatusReasonInternalError, "the server answered Internal Server Error", `{"error":"boom"}`},
		{"empty 429", 429, "", "",
			429, meta.StatusReasonTooManyRequests, "the server has received too many requests and asks to try again later", ""},
		{"unknown code", 418, "", "",
			418, meta.StatusReasonUnknown, "the server answered I'm a teapot", ""},
	}
	for _, tt := range tests {
		st := client.StatusFromBody(tt.code, tt.contentType, []byte(tt.body))
		if st.Code != tt.wantCode || st.Reason != tt.wantReason || st.Message != tt.wantMsg || st.Status != meta.StatusFailure {
			t.Errorf("%s: code %d reason %q message %q status %q, want %d %q %q Failure",
				tt.name, st.Code, st.Reason, st.Message, st.Status, tt.wantCode, tt.wantReason, tt.wantMsg)
		}
		cause := ""
		if st.Details != nil && len(st.Details.Causes) > 0 {
			cause = st.Details.Causes[0].Message
		}
		if cause != tt.wantCause {
			t.Errorf("%s: cause %q, want %q", tt.name, cause, tt.wantCause)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	withDetails := &meta.Status{Details: &meta.StatusDetails{RetryAfterSeconds: 4}}
	tests := []struct {
		header string
		st     *meta.Status
		want   time.Duration
	}{
		{"2", &meta.Status{}, 2 * time.Second},
		{"", withDetails, 4 * time.Second},
		{"3", withDetails, 3 * time.Second},
		{"", &meta.Status{}, time.Second},
		{"soon", &meta.Status{}, time.Second},
		{"3600", &meta.Status{}, 30 * time.Second},
	}
	for _, tt := range tests {
		if got := client.RetryAfter(tt.header, tt.st); got != tt.want {
			t.Errorf("RetryAfter(%q, %+v) = %v, want %v", tt.header, tt.st.Details, got, tt.want)
		}
	}
}

func TestFileTokenRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	tok := client.FileToken(path, "fallback", 0) // re-read every time
	if got, err := tok(); err != nil || got != "fallback" {
		t.Errorf("before the file exists: %q, %v, want the fallback", got, err)
	}
	for _, want := range []string{"one", "two"} {
		if err := os.WriteFile(path, []byte(want+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if got, err := tok(); err != nil || got != want {
			t.Errorf("token = %q, %v, want %q", got, err, want)
		}
	}
	os.Remove(path)
	if got, err := tok(); err != nil || got != "two" {
		t.Errorf("while the file is being replaced: %q, %v, want the last good token", got, err)
	}
	cached := client.FileToken(path, "", time.Hour)
	if _, err := cached(); err == nil {
		t.Error("no file and no fallback: want an error")
	}
}
