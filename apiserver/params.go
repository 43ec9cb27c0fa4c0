package apiserver

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spar-dev/spar/api/fields"
	"github.com/spar-dev/spar/api/labels"
	"github.com/spar-dev/spar/api/meta"
)

// fieldValidation is the ?fieldValidation= mode for unknown and duplicate
// fields in a request body.
type fieldValidation int

const (
	validationWarn fieldValidation = iota // the server default, as Kubernetes
	validationStrict
	validationIgnore
)

// writeParams are the query parameters of create, update and patch.
type writeParams struct {
	dryRun          bool
	fieldManager    string
	fieldValidation fieldValidation
}

func parseWriteParams(q url.Values) (writeParams, error) {
	var p writeParams
	for _, d := range q["dryRun"] {
		if d != "All" {
			return p, meta.NewBadRequest(fmt.Sprintf("Invalid dryRun value %q: only \"All\" is supported", d))
		}
		p.dryRun = true
	}
	p.fieldManager = q.Get("fieldManager")
	if len(p.fieldManager) > 128 {
		return p, meta.NewBadRequest("fieldManager: Too long: must have at most 128 bytes")
	}
	switch v := q.Get("fieldValidation"); v {
	case "", "Warn":
		p.fieldValidation = validationWarn
	case "Strict":
		p.fieldValidation = validationStrict
	case "Ignore":
		p.fieldValidation = validationIgnore
	default:
		return p, meta.NewBadRequest(fmt.Sprintf("fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\", got %q", v))
	}
	return p, nil
}

// readParams are the query parameters of list and watch.
type readParams struct {
	label                labels.Selector
	field                fields.Selector
	resourceVersion      string
	resourceVersionMatch string
	limit                int64
	continueToken        string
	watch                bool
	allowBookmarks       bool
	sendInitialEvents    *bool
	timeout              time.Duration // timeoutSeconds
}

func parseReadParams(q url.Values, fieldLabels map[string]bool) (readParams, error) {
	var p readParams
	var err error
	if s := q.Get("labelSelector"); s != "" {
		if p.label, err = labels.Parse(s); err != nil {
			return p, meta.NewBadRequest(err.Error())
		}
	}
	if s := q.Get("fieldSelector"); s != "" {
		if p.field, err = fields.Parse(s); err != nil {
			return p, meta.NewBadRequest(err.Error())
		}
		for _, r := range p.field.Requirements() {
			if !fieldLabels[r.Field] {
				return p, meta.NewBadRequest(fmt.Sprintf("field label not supported: %s", r.Field))
			}
		}
	}
	p.resourceVersion = q.Get("resourceVersion")
	if p.resourceVersion != "" {
		if _, err := parseRV(p.resourceVersion); err != nil {
			return p, err
		}
	}
	p.resourceVersionMatch = q.Get("resourceVersionMatch")
	if s := q.Get("limit"); s != "" {
		if p.limit, err = strconv.ParseInt(s, 10, 64); err != nil || p.limit < 0 {
			return p, meta.NewBadRequest(fmt.Sprintf("invalid limit %q", s))
		}
	}
	p.continueToken = q.Get("continue")
	p.watch = q.Get("watch") == "true" || q.Get("watch") == "1"
	p.allowBookmarks = q.Get("allowWatchBookmarks") == "true"
	if s := q.Get("sendInitialEvents"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return p, meta.NewBadRequest(fmt.Sprintf("invalid sendInitialEvents %q", s))
		}
		p.sendInitialEvents = &b
	}
	if s := q.Get("timeoutSeconds"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return p, meta.NewBadRequest(fmt.Sprintf("invalid timeoutSeconds %q", s))
		}
		p.timeout = time.Duration(n) * time.Second
	}
	return p, p.validate()
}

// validate applies Kubernetes' rules on combining resourceVersion,
// resourceVersionMatch, continue and sendInitialEvents.
func (p *readParams) validate() error {
	var errs meta.FieldErrors
	switch p.resourceVersionMatch {
	case "":
	case "NotOlderThan", "Exact":
		if p.watch && p.sendInitialEvents == nil {
			errs = append(errs, meta.Forbidden(meta.NewPath("resourceVersionMatch"), "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"))
		}
		if !p.watch && p.resourceVersion == "" {
			errs = append(errs, meta.Forbidden(meta.NewPath("resourceVersionMatch"), "resourceVersionMatch is forbidden unless resourceVersion is provided"))
		}
		if p.continueToken != "" {
			errs = append(errs, meta.Forbidden(meta.NewPath("resourceVersionMatch"), "resourceVersionMatch is forbidden when continue is provided"))
		}
		if p.resourceVersionMatch == "Exact" && p.resourceVersion == "0" {
			errs = append(errs, meta.Forbidden(meta.NewPath("resourceVersionMatch"), "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""))
		}
	default:
		errs = append(errs, meta.NotSupported(meta.NewPath("resourceVersionMatch"), p.resourceVersionMatch, []string{"Exact", "NotOlderThan", ""}))
	}
	if p.sendInitialEvents != nil {
		if !p.watch {
			errs = append(errs, meta.Forbidden(meta.NewPath("sendInitialEvents"), "sendInitialEvents is forbidden for list"))
		} else {
			if p.resourceVersionMatch != "NotOlderThan" {
				errs = append(errs, meta.Forbidden(meta.NewPath("resourceVersionMatch"), "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"))
			}
			if *p.sendInitialEvents && !p.allowBookmarks {
				errs = append(errs, meta.Forbidden(meta.NewPath("allowWatchBookmarks"), "allowWatchBookmarks must be true if sendInitialEvents = true"))
			}
		}
	}
	if p.continueToken != "" && p.resourceVersion != "" && p.resourceVersion != "0" {
		errs = append(errs, meta.Forbidden(meta.NewPath("resourceVersion"), "specifying resource version is not allowed when using continue"))
	}
	if len(errs) > 0 {
		return meta.NewInvalid(meta.GroupKind{Group: "meta.k8s.io", Kind: "ListOptions"}, "", errs)
	}
	return nil
}

// parseRV parses a resourceVersion: a decimal store revision.
func parseRV(rv string) (int64, error) {
	n, err := strconv.ParseInt(rv, 10, 64)
	if err != nil || n < 0 {
		return 0, meta.NewBadRequest(fmt.Sprintf("invalid resource version %q", rv))
	}
	return n, nil
}

func formatRV(rev int64) string { return strconv.FormatInt(rev, 10) }

// contentType returns the media type of a request body.
func contentType(h string) string {
	mt, _, _ := strings.Cut(h, ";")
	return strings.TrimSpace(strings.ToLower(mt))
}
