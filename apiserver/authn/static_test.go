package authn_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spar-dev/spar/apiserver/authn"
)

func TestStaticTokens(t *testing.T) {
	file := "\ufeff" + `admin-token,admin,uid-1,"system:masters,ops"
viewer-token,viewer,uid-2
  spaced-token , bob , uid-3 , " a , b ,"
`
	path := filepath.Join(t.TempDir(), "tokens.csv")
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := authn.LoadStaticTokens(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Len() != 3 {
		t.Errorf("Len = %d, want 3", st.Len())
	}
	tests := []struct {
		header     string
		wantOK     bool
		wantUser   string
		wantUID    string
		wantGroups []string
	}{
		{"Bearer admin-token", true, "admin", "uid-1", []string{"system:masters", "ops"}},
		{"bearer viewer-token", true, "viewer", "uid-2", nil},
		{"BEARER  spaced-token", true, "bob", "uid-3", []string{"a", "b"}},
		{"Bearer admin-token trailing", true, "admin", "uid-1", []string{"system:masters", "ops"}},
		{"Bearer admin-toke", false, "", "", nil},
		{"Bearer ", false, "", "", nil},
		{"Basic YWRtaW46YWRtaW4=", false, "", "", nil},
		{"admin-token", false, "", "", nil},
		{"", false, "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			r := bearerRequest("/api", "")
			r.Header.Set("Authorization", tt.header)
			u, ok, err := st.AuthenticateRequest(r)
			if err != nil || ok != tt.wantOK {
				t.Fatalf("got ok=%v err=%v, want ok=%v", ok, err, tt.wantOK)
			}
			if !ok {
				return
			}
			if u.Name != tt.wantUser || u.UID != tt.wantUID || !slices.Equal(u.Groups, tt.wantGroups) {
				t.Errorf("user = %+v, want %s %s %v", u, tt.wantUser, tt.wantUID, tt.wantGroups)
			}
		})
	}
	// Users handed out are copies.
	u, _, _ := st.AuthenticateToken(context.Background(), "admin-token")
	u.Groups[0] = "changed"
	if u, _, _ := st.AuthenticateToken(context.Background(), "admin-token"); u.Groups[0] != "system:masters" {
		t.Errorf("a caller's change leaked into the token table: %v", u.Groups)
	}
}

func TestStaticTokensFileErrors(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{"two columns", "tok,user\n", "at least 3 columns"},
		{"empty token", ",user,uid\n", "empty token"},
		{"empty user", "tok,,uid\n", "empty token or user"},
		{"duplicate", "tok,a,1\ntok,b,2\n", "listed twice"},
		{"bad quoting", "tok,\"user,uid\n", "quote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := authn.ParseStaticTokens(strings.NewReader(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := authn.LoadStaticTokens(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("LoadStaticTokens of a missing file succeeded")
	}
}

func TestNewStaticTokens(t *testing.T) {
	u := authn.User{Name: "system:kube-scheduler", Groups: []string{"g"}}
	st, err := authn.NewStaticTokens(map[string]authn.User{"loopback-1": u})
	if err != nil {
		t.Fatal(err)
	}
	u.Groups[0] = "changed" // the table holds a copy
	got, ok, err := st.AuthenticateToken(context.Background(), "loopback-1")
	if !ok || err != nil || got.Name != "system:kube-scheduler" || !slices.Equal(got.Groups, []string{"g"}) {
		t.Errorf("got %+v %v %v", got, ok, err)
	}
	if _, err := authn.NewStaticTokens(map[string]authn.User{"": u}); err == nil {
		t.Error("an empty token was accepted")
	}
	if _, err := authn.NewStaticTokens(map[string]authn.User{"t": {}}); err == nil {
		t.Error("an empty user name was accepted")
	}
}
