// Package table is server-side printing: it turns objects into the
// meta.k8s.io/v1 Table that kubectl asks for when it prints for people
// (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`). The server
// decides the columns and renders every cell; kubectl only lays them out,
// hides the priority > 0 columns unless -o wide, and adds NAMESPACE and
// label columns from each row's metadata. So the columns and cells here are
// exactly Kubernetes' (pkg/printers/internalversion): a user of spar sees
// the STATUS, RESTARTS and AGE they know.
//
// The API server (DESIGN.md, "apiserver") looks a kind's Printer up with
// For, or builds one with ForCRD from a CustomResourceDefinition's
// additionalPrinterColumns, then calls Build for a list and BuildObject for
// a single object or a watch event. Options carries the request's
// includeObject (checked with ParseIncludeObject) and, for watch events
// after the first, NoHeaders. Kinds without a printer get Default: NAME and
// CREATED AT, as Kubernetes serves them.
//
// Printers are explicit values chosen by a switch, not registered by init
// functions, and they are pure: a row depends only on the object and the
// instant ages are computed against, so tables are testable and cheap to
// build from the watch cache's shared, read-only objects.
//
// The package also holds the two small pieces this needs and nothing else
// in spar had: HumanDuration (the AGE format, "3m2s", "2d3h") and a JSONPath
// evaluator in the dialect of kubectl and CRD printer columns.
package table
