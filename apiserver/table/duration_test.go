package table

import (
	"testing"
	"time"
)

func TestHumanDuration(t *testing.T) {
	const (
		s = time.Second
		m = time.Minute
		h = time.Hour
		d = 24 * time.Hour
		y = 365 * d
	)
	tests := []struct {
		in   time.Duration
		want string
	}{
		{-3 * s, "<invalid>"},
		{-2 * s, "<invalid>"},
		{-1500 * time.Millisecond, "0s"},
		{-1 * s, "0s"},
		{-1, "0s"},
		{0, "0s"},
		{999 * time.Millisecond, "0s"},
		{5 * s, "5s"},
		{59 * s, "59s"},
		{60 * s, "60s"},
		{119 * s, "119s"},
		{2 * m, "2m"},
		{3*m + 2*s, "3m2s"},
		{9*m + 59*s, "9m59s"},
		{10 * m, "10m"},
		{10*m + 30*s, "10m"},
		{179 * m, "179m"},
		{3 * h, "3h"},
		{3*h + 59*s, "3h"},
		{5*h + 30*m, "5h30m"},
		{7*h + 59*m, "7h59m"},
		{8 * h, "8h"},
		{8*h + 30*m, "8h"},
		{47 * h, "47h"},
		{48 * h, "2d"},
		{2*d + 3*h, "2d3h"},
		{7*d + 23*h, "7d23h"},
		{8 * d, "8d"},
		{8*d + 5*h, "8d"},
		{729 * d, "729d"},
		{2 * y, "2y"},
		{2*y + 100*d, "2y100d"},
		{7*y + 364*d, "7y364d"},
		{8 * y, "8y"},
		{8*y + 200*d, "8y"},
		{150 * y, "150y"},
	}
	for _, tt := range tests {
		if got := HumanDuration(tt.in); got != tt.want {
			t.Errorf("HumanDuration(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAgeOfZeroTimeIsUnknown(t *testing.T) {
	if got := age(time.Time{}, time.Now()); got != "<unknown>" {
		t.Errorf("age(zero) = %q, want <unknown>", got)
	}
}
