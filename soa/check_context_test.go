package soa

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
)

// bigRegister is a register of n risks whose treatments choose 8.1.
func bigRegister(n int) risk.Register {
	reg := risk.Register{ID: "BIG", Risks: make([]risk.Risk, n)}
	for i := range reg.Risks {
		reg.Risks[i] = risk.Risk{ID: "R-" + strconv.Itoa(i), Treatment: &risk.Treatment{
			Options: []risk.Option{risk.Modify}, Controls: []string{"8.1", "C-NONE"}}}
	}
	return reg
}

func TestCheckContext(t *testing.T) {
	cat, st, reg := fixCatalog(t), fixStatement(t), bigRegister(5000)
	got, err := CheckContext(context.Background(), st, cat, reg, fixAsOf, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Check(st, cat, reg, fixAsOf, CheckOptions{}), got); diff != "" {
		t.Errorf("CheckContext and Check differ (-Check +CheckContext):\n%s", diff)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fs, err := CheckContext(ctx, st, cat, reg, fixAsOf, CheckOptions{})
	if fs != nil || !errors.Is(err, rules.ErrLimit) || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %d findings, err = %v; want none and ErrLimit, context.Canceled", len(fs), err)
	}
	//lint:ignore SA1012 a nil context is what is tested
	if _, err := CheckContext(nil, st, cat, reg, fixAsOf, CheckOptions{}); err == nil { //nolint:staticcheck
		t.Error("a nil context should be an error")
	}
}

// BenchmarkCheckContextCancel measures how long CheckContext runs on a
// register of 200k risks once its context is done: it looks at ctx every
// 64 items, so the time does not grow with the register.
func BenchmarkCheckContextCancel(b *testing.B) {
	cat, st, reg := fixCatalog(b), fixStatement(b), bigRegister(200_000)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for b.Loop() {
		if _, err := CheckContext(ctx, st, cat, reg, fixAsOf, CheckOptions{}); err == nil {
			b.Fatal("no error")
		}
	}
}
