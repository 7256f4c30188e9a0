package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func fixedNow() time.Time { panic("the tests pass -asof; the clock must not be read") }

func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut, fixedNow)
	return code, out.String(), errOut.String()
}

// TestSample runs the command on the sample system and compares with the
// library's golden export: the command adds nothing of its own.
func TestSample(t *testing.T) {
	code, out, stderr := runCmd(t, "", "-asof", "2026-11-23", filepath.Join("..", "..", "..", "sample", "system.json"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want, err := os.ReadFile(filepath.Join("..", "..", "testdata", "sample.oscal.json"))
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Error("output differs from examples/oscal/testdata/sample.oscal.json (run go test -update in examples/oscal)")
	}
	// Standard input gives the same.
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "sample", "system.json"))
	if err != nil {
		t.Fatal(err)
	}
	if code, again, _ := runCmd(t, string(data), "-asof", "2026-11-23", "-"); code != exitOK || again != out {
		t.Errorf("from standard input: exit %d, same output %v", code, again == out)
	}
}

func TestInvalidInput(t *testing.T) {
	for _, tc := range []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"not JSON", "{", []string{"-asof", "2026-01-01"}, "cannot decode"},
		{"unknown field", `{"organisation": "x"}`, []string{"-asof", "2026-01-01"}, "organisation"},
		{"invalid system", `{"people": [{"name": "no id"}]}`, []string{"-asof", "2026-01-01"}, "people[0]"},
		{"bad date", "{}", []string{"-asof", "tomorrow"}, "-asof"},
		{"two files", "", []string{"a.json", "b.json"}, "usage"},
		{"missing file", "", []string{"-asof", "2026-01-01", "no-such-file.json"}, "no-such-file.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runCmd(t, tc.stdin, tc.args...)
			if code != exitInvalid || out != "" || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, out, stderr, exitInvalid, tc.want)
			}
		})
	}
}
