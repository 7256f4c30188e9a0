package isms_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"

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
