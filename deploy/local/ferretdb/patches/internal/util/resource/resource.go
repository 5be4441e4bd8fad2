// Package resource replaces FerretDB's leak tracker of the same path when engines.sh builds
// kepu-ferretdb (from a copy of FerretDB's module with the files under patches/ laid over it).
// FerretDB's own Track adds every cursor, iterator and connection to a runtime/pprof profile, which
// records a stack trace each time, and sets a finalizer: a CPU profile of kepu-ferretdb serving finds
// by _id put 15 % of its time there. It only finds FerretDB's own leaks, so this build keeps the API
// and does nothing.
package resource

// Token is embedded by FerretDB's tracked types; its address identifies the object.
type Token byte

// NewToken returns a new token for an object to embed.
func NewToken() *Token { return new(Token) }

// Track does nothing in this build.
func Track(obj any, token *Token) {}

// Untrack does nothing in this build.
func Untrack(obj any, token *Token) {}
