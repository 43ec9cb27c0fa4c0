package client

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/spar-dev/spar/api"
	"github.com/spar-dev/spar/api/meta"
)

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 1 << 20

// readStatus turns a failed response into the *meta.Status the server sent,
// or one synthesized from the HTTP code when the body is not a Status (a
// proxy's HTML page, a plain-text 404). It closes the body.
func readStatus(resp *http.Response) *meta.Status {
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	return statusFromBody(resp.StatusCode, resp.Header.Get("Content-Type"), body)
}

func statusFromBody(code int, contentType string, body []byte) *meta.Status {
	if mt, _, _ := mime.ParseMediaType(contentType); mt == "application/json" || contentType == "" {
		var st meta.Status
		// A Status body; some servers leave out its kind.
		if err := api.Decode(body, &st); err == nil && (st.Kind == "Status" || st.Kind == "" && (st.Code != 0 || st.Reason != "")) {
			if st.Code == 0 {
				st.Code = int32(code)
			}
			if st.Reason == meta.StatusReasonUnknown {
				st.Reason = reasonForCode(int(st.Code))
			}
			if st.Status == "" {
				st.Status = meta.StatusFailure
			}
			if st.Message == "" {
				st.Message = messageForCode(code)
			}
			return &st
		}
	}
	st := meta.NewStatus(int32(code), reasonForCode(code), messageForCode(code))
	if text := strings.TrimSpace(string(body)); text != "" {
		const max = 1024
		if len(text) > max {
			text = text[:max] + "..."
		}
		st.Details = &meta.StatusDetails{Causes: []meta.StatusCause{{Type: meta.CauseTypeUnexpectedServerResponse, Message: text}}}
	}
	return st
}

// reasonForCode is the reason Kubernetes sends with each code, for answers
// whose body carries none.
func reasonForCode(code int) meta.StatusReason {
	switch code {
	case http.StatusBadRequest:
		return meta.StatusReasonBadRequest
	case http.StatusUnauthorized:
		return meta.StatusReasonUnauthorized
	case http.StatusForbidden:
		return meta.StatusReasonForbidden
	case http.StatusNotFound:
		return meta.StatusReasonNotFound
	case http.StatusMethodNotAllowed:
		return meta.StatusReasonMethodNotAllowed
	case http.StatusNotAcceptable:
		return meta.StatusReasonNotAcceptable
	case http.StatusConflict:
		return meta.StatusReasonConflict
	case http.StatusGone:
		return meta.StatusReasonGone
	case http.StatusRequestEntityTooLarge:
		return meta.StatusReasonRequestEntityTooLarge
	case http.StatusUnsupportedMediaType:
		return meta.StatusReasonUnsupportedMediaType
	case http.StatusUnprocessableEntity:
		return meta.StatusReasonInvalid
	case http.StatusTooManyRequests:
		return meta.StatusReasonTooManyRequests
	case http.StatusInternalServerError:
		return meta.StatusReasonInternalError
	case http.StatusServiceUnavailable:
		return meta.StatusReasonServiceUnavailable
	case http.StatusGatewayTimeout:
		return meta.StatusReasonTimeout
	}
	return meta.StatusReasonUnknown
}

// codeForReason is the HTTP code of a reason, for a Status that has none
// (500 for reasons without one).
func codeForReason(reason meta.StatusReason) int32 {
	for _, code := range []int{400, 401, 403, 404, 405, 406, 409, 410, 413, 415, 422, 429, 503, 504} {
		if reasonForCode(code) == reason {
			return int32(code)
		}
	}
	switch reason {
	case meta.StatusReasonAlreadyExists:
		return http.StatusConflict
	case meta.StatusReasonExpired:
		return http.StatusGone
	}
	return http.StatusInternalServerError
}

func messageForCode(code int) string {
	switch code {
	case http.StatusNotFound:
		return "the server could not find the requested resource"
	case http.StatusConflict:
		return "the server reported a conflict"
	case http.StatusUnauthorized:
		return "the server requires credentials (Unauthorized)"
	case http.StatusForbidden:
		return "the server refused access to the requested resource (Forbidden)"
	case http.StatusTooManyRequests:
		return "the server has received too many requests and asks to try again later"
	}
	if text := http.StatusText(code); text != "" {
		return "the server answered " + text
	}
	return "the server answered HTTP " + strconv.Itoa(code)
}

// IsNotFound reports a 404 NotFound: the object (or the resource) does not exist.
func IsNotFound(err error) bool { return errors.Is(err, meta.ErrNotFound) }

// IsAlreadyExists reports a create of a name that is taken.
func IsAlreadyExists(err error) bool { return errors.Is(err, meta.ErrAlreadyExists) }

// IsConflict reports a write that lost an optimistic-concurrency race:
// read the object again and retry (RetryOnConflict).
func IsConflict(err error) bool { return errors.Is(err, meta.ErrConflict) }

// IsInvalid reports a 422: the object failed validation; the Status's
// Details.Causes name the fields.
func IsInvalid(err error) bool { return errors.Is(err, meta.ErrInvalid) }

// IsExpired reports a 410: the resourceVersion asked for has been
// compacted (reason Expired, or Gone from older servers). An informer
// re-lists.
func IsExpired(err error) bool {
	var st *meta.Status
	if !errors.As(err, &st) {
		return false
	}
	return st.Reason == meta.StatusReasonExpired || st.Reason == meta.StatusReasonGone || st.Code == http.StatusGone
}

// IsTooManyRequests reports a 429 that outlasted the client's retries.
func IsTooManyRequests(err error) bool { return errors.Is(err, meta.ErrTooManyRequests) }

// IsForbidden reports a 403: the caller may not do this.
func IsForbidden(err error) bool { return errors.Is(err, meta.ErrForbidden) }

// IsUnauthorized reports a 401: the server did not accept the credentials.
func IsUnauthorized(err error) bool { return errors.Is(err, meta.ErrUnauthorized) }
