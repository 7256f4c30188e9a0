package main

import (
	"bytes"
	"testing"

	"github.com/isms-go/iso27003/examples/internal/golden"
)

func TestGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := run(&buf); err != nil {
		t.Fatal(err)
	}
	golden.FitsWidth(t, buf.String(), 80)
	golden.Check(t, "golden.txt", buf.Bytes())
}
