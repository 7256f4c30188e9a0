package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/isms-go/iso27003/examples/internal/golden"
	"github.com/isms-go/iso27003/examples/sample"
)

func fixedNow() time.Time { return time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC) }

func TestSampleText(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"testdata/sample.json"}, nil, &out, &errOut, fixedNow)
	if code != exitMajor {
		t.Errorf("exit %d, want %d (the sample has major nonconformities); stderr:\n%s", code, exitMajor, errOut.String())
	}
	golden.FitsWidth(t, out.String(), 80)
	golden.Check(t, "sample.txt", out.Bytes())
}

func TestSampleJSONFromStdin(t *testing.T) {
	in, err := os.ReadFile("testdata/sample.json")
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-format", "json", "-asof", "2026-11-23"}, bytes.NewReader(in), &out, &errOut, fixedNow)
	if code != exitMajor {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, exitMajor, errOut.String())
	}
	golden.Check(t, "sample.json.golden", out.Bytes())
}

func TestSVG(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "sample-")
	var out, errOut bytes.Buffer
	run(context.Background(), []string{"-svg", prefix, "testdata/sample.json"}, nil, &out, &errOut, fixedNow)
	svg, err := os.ReadFile(prefix + "heatmap.svg")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "heatmap.svg", svg)
}

func TestInvalidInput(t *testing.T) {
	in := `{"organization": "Broken Ltd",
  "people": [{"id": "P-1"}, {"id": "P-1"}],
  "policy": {"owner": "P-404"},
  "register": {"risks": [{"id": "R-1", "title": "x", "owner": "nobody"}]}}`
	var out, errOut bytes.Buffer
	code := run(context.Background(), nil, strings.NewReader(in), &out, &errOut, fixedNow)
	if code != exitInvalid {
		t.Errorf("exit %d, want %d", code, exitInvalid)
	}
	if out.Len() != 0 {
		t.Errorf("wrote a report for invalid input:\n%s", out.String())
	}
	golden.Check(t, "invalid.txt", errOut.Bytes())
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"-format", "xml"}, {"-asof", "23.11.2026"}, {"a.json", "b.json"}, {"testdata/missing.json"}} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, strings.NewReader(""), &out, &errOut, fixedNow); code != exitInvalid {
			t.Errorf("%q: exit %d, want %d", args, code, exitInvalid)
		}
	}
}

func TestUndecodableInput(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-"}, strings.NewReader(`{"organisation": "typo"}`), &out, &errOut, fixedNow)
	if code != exitInvalid {
		t.Errorf("exit %d, want %d", code, exitInvalid)
	}
	if !strings.Contains(errOut.String(), "organisation") {
		t.Errorf("error does not name the unknown field:\n%s", errOut.String())
	}
}

// The shipped sample must stay a copy of the quickstart's.
func TestSampleIsCurrent(t *testing.T) {
	got, err := os.ReadFile("testdata/sample.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, sample.JSON()) {
		t.Error("testdata/sample.json differs from examples/sample/system.json; copy it over")
	}
}

func TestNoCriteria(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), nil, strings.NewReader(`{"organization": "Empty Ltd"}`), &out, &errOut, fixedNow)
	if code != exitInvalid {
		t.Errorf("exit %d, want %d", code, exitInvalid)
	}
	golden.Check(t, "nocriteria.txt", errOut.Bytes())
}
