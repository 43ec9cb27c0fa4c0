package client

// Internals the external tests reach.
var (
	ServiceAccountDir = &serviceAccountDir
	ParseWarnings     = parseWarnings
	StatusFromBody    = statusFromBody
	RetryAfter        = retryAfter
	FileToken         = fileToken
)
