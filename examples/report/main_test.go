package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/isms-go/iso27003/examples/internal/golden"
	"github.com/isms-go/iso27003/examples/sample"
)

func TestGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := run(&buf, sample.JSON(), sample.AsOf); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "report.html", buf.Bytes())
}

func TestWritesFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.html")
	if err := main1(out, "", nil); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("<!DOCTYPE html>")) || !bytes.Contains(b, []byte("<svg")) {
		t.Error("report is not an HTML page with an inline SVG")
	}
}
