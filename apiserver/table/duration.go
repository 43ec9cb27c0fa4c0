package table

import (
	"strconv"
	"time"
)

// HumanDuration renders d the way kubectl users read ages: two or three
// significant figures, coarser as d grows ("45s", "3m2s", "10m", "5h30m",
// "20h", "2d3h", "30d", "2y100d", "9y"). A duration up to 2s in the future
// (clock skew between machines) reads "0s"; further in the future,
// "<invalid>". The boundaries are Kubernetes' duration.HumanDuration.
func HumanDuration(d time.Duration) string {
	if s := int64(d / time.Second); s < -1 {
		return "<invalid>"
	} else if s < 0 {
		return "0s"
	} else if s < 2*60 {
		return itoa(s) + "s"
	}
	minutes := int64(d / time.Minute)
	if minutes < 10 {
		if s := int64(d/time.Second) % 60; s != 0 {
			return itoa(minutes) + "m" + itoa(s) + "s"
		}
		return itoa(minutes) + "m"
	}
	if minutes < 3*60 {
		return itoa(minutes) + "m"
	}
	hours := int64(d / time.Hour)
	switch {
	case hours < 8:
		if m := minutes % 60; m != 0 {
			return itoa(hours) + "h" + itoa(m) + "m"
		}
		return itoa(hours) + "h"
	case hours < 48:
		return itoa(hours) + "h"
	case hours < 8*24:
		if h := hours % 24; h != 0 {
			return itoa(hours/24) + "d" + itoa(h) + "h"
		}
		return itoa(hours/24) + "d"
	case hours < 2*365*24:
		return itoa(hours/24) + "d"
	case hours < 8*365*24:
		if days := (hours / 24) % 365; days != 0 {
			return itoa(hours/24/365) + "y" + itoa(days) + "d"
		}
		return itoa(hours/24/365) + "y"
	}
	return itoa(hours/24/365) + "y"
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

// age is the AGE cell of an object created at t: "<unknown>" when t is
// zero, as Kubernetes prints objects without a creation time.
func age(t time.Time, now time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return HumanDuration(now.Sub(t))
}
