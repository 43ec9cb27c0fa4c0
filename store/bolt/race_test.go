//go:build race

package bolt

// raceEnabled scales long tests down under the race detector, which slows
// them tenfold; they check the same properties on fewer writes.
const raceEnabled = true
