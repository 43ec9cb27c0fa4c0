package api

import "embed"

// Source holds the Go source files of the api packages (meta/*.go,
// core/*.go, apps/*.go, ...), so that the OpenAPI generator can read the doc
// comments of types and fields at run time (kubectl explain shows them)
// without code generation. The linker drops it from binaries that never
// reference it.
//
//go:embed */*.go
var Source embed.FS
