package risk

import (
	"encoding/binary"
	"math"
	"testing"

	"pgregory.net/rapid"
)

// TestPropertyIDPrefix: idPrefix is the first eight bytes of the natural
// key, zero-padded.
func TestPropertyIDPrefix(t *testing.T) {
	idGen := rapid.OneOf(rapid.StringMatching(`[A-Za-z./-]{0,3}(0{0,12}[0-9]{0,12}[a-z:-]{0,2}){0,3}`), rapid.String())
	rapid.Check(t, func(t *rapid.T) {
		id := idGen.Draw(t, "id")
		var b [8]byte
		copy(b[:], appendNaturalKey(nil, id, math.MaxInt))
		if got, want := idPrefix(id), binary.BigEndian.Uint64(b[:]); got != want {
			t.Fatalf("idPrefix(%q) = %016x, want %016x", id, got, want)
		}
	})
}
