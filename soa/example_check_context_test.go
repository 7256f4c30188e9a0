package soa_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
	"github.com/isms-go/iso27003/soa"
)

// A long check can be bounded by a context; a done context gives an error
// rather than incomplete findings.
func ExampleCheckContext() {
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // as if the caller gave up
	st := soa.Statement{Edition: soa.Edition2022}
	_, err := soa.CheckContext(ctx, st, nil, risk.Register{}, asOf, soa.CheckOptions{})
	fmt.Println(errors.Is(err, context.Canceled), errors.Is(err, rules.ErrLimit))

	fs, err := soa.CheckContext(context.Background(), st, nil, risk.Register{}, asOf, soa.CheckOptions{})
	fmt.Println(len(fs) > 0, err)
	// Output:
	// true true
	// true <nil>
}
