package sample_test

import (
	"testing"

	"github.com/isms-go/iso27003/examples/sample"
)

func TestSystemIsValid(t *testing.T) {
	sys, err := sample.System()
	if err != nil {
		t.Fatal(err)
	}
	if err := sys.Validate(); err != nil {
		t.Fatalf("sample does not validate:\n%v", err)
	}
	if n := len(sys.Register.Risks); n < 20 {
		t.Errorf("sample has %d risks, want about 25", n)
	}
}
