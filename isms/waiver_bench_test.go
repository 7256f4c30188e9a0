package isms_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/rules"
	"github.com/isms-go/iso27003/soa"
)

// BenchmarkCheckSoAWaivers checks the minimal system with n waivers of
// soa checks. Matching them is linear: the 20000 case should take about
// ten times the 2000 one (compare their ns/op from one run), most of it
// the checking itself.
func BenchmarkCheckSoAWaivers(b *testing.B) {
	s := loadMinimal(b)
	for _, n := range []int{0, 2_000, 20_000} {
		ws := make([]rules.Waiver, n)
		for i := range ws {
			ws[i] = rules.Waiver{RuleID: soa.CheckMissingControl,
				Subject:       rules.Subject{Kind: soa.SubjectControl, ID: "C-W" + strconv.Itoa(i)},
				Justification: "planned for next year", Expires: caseAsOf.AddDate(1, 0, 0)}
		}
		c, err := isms.NewChecker(isms.Waive(ws...))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := c.Check(context.Background(), s, caseAsOf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCheckLargeCancel checks the large system (100k risks) under a
// context that times out after 20 ms or 300 ms (in validation or in the
// rules): ns/op less the timeout is how long Check takes to notice.
func BenchmarkCheckLargeCancel(b *testing.B) {
	s := largeSystem(b)
	c, err := isms.NewChecker()
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range []time.Duration{20 * time.Millisecond, 300 * time.Millisecond} {
		b.Run(d.String(), func(b *testing.B) {
			for b.Loop() {
				ctx, cancel := context.WithTimeout(context.Background(), d)
				_, err := c.Check(ctx, s, caseAsOf)
				cancel()
				if !errors.Is(err, context.DeadlineExceeded) {
					b.Fatalf("err = %v, want a deadline error", err)
				}
			}
		})
	}
}
