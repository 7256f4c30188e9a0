// Package golden compares the examples' output with golden files under
// testdata/; run the tests with -update to rewrite them.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// Check compares got with testdata/name, rewriting the file first when
// the test runs with -update.
func Check(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("output differs from %s (-want +got), run with -update if intended:\n%s", path, diff)
	}
}

// FitsWidth reports every line of out wider than cols columns.
func FitsWidth(t *testing.T, out string, cols int) {
	t.Helper()
	for i, line := range strings.Split(out, "\n") {
		if n := len([]rune(line)); n > cols {
			t.Errorf("line %d is %d columns wide: %q", i+1, n, line)
		}
	}
}
