package isms_test

import (
	"context"
	"errors"
	"fmt"
	"math"
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
// context that times out a tenth or 40% of the way through an
// uncancelled check (in validation or in the rules; the fractions keep
// the deadlines inside the check however fast it is), and reports
// late-ms: how long after the deadline Check returned.
func BenchmarkCheckLargeCancel(b *testing.B) {
	s := largeSystem(b)
	c, err := isms.NewChecker()
	if err != nil {
		b.Fatal(err)
	}
	full := time.Duration(math.MaxInt64) // the fastest of three checks
	for range 3 {
		t0 := time.Now()
		if _, err := c.Check(context.Background(), s, caseAsOf); err != nil {
			b.Fatal(err)
		}
		full = min(full, time.Since(t0))
	}
	for _, pct := range []int{10, 40} {
		d := full * time.Duration(pct) / 100
		b.Run(fmt.Sprintf("%d%%", pct), func(b *testing.B) {
			var late time.Duration
			for b.Loop() {
				ctx, cancel := context.WithTimeout(context.Background(), d)
				start := time.Now()
				_, err := c.Check(ctx, s, caseAsOf)
				late += time.Since(start) - d
				cancel()
				if !errors.Is(err, context.DeadlineExceeded) {
					b.Fatalf("err = %v, want a deadline error (deadline %v of a %v check)", err, d, full)
				}
			}
			b.ReportMetric(float64(late.Microseconds())/1000/float64(b.N), "late-ms")
		})
	}
}
