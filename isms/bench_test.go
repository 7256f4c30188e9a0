package isms_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/risk"
)

// largeSystem returns a well-formed system of the size the conformance
// benchmark uses: 100k risks, 1k documents, 500 nonconformities.
func largeSystem(tb testing.TB) *isms.System {
	s := loadMinimal(tb)
	controls := []string{"5.15", "8.8", "8.9", "C-MDM"}
	for i := range 100_000 {
		id := "R-" + strconv.Itoa(i+100)
		s.Register.Risks = append(s.Register.Risks, risk.Risk{
			ID: id, Title: "risk " + id, Owner: "P-2",
			ExistingControls: controls[i%4 : i%4+1],
			Treatment: &risk.Treatment{Options: []risk.Option{risk.Modify}, Controls: controls[:2],
				Actions: []risk.Action{{ID: "A-" + id, Owner: "R-ISM", Status: risk.Planned}}},
		})
	}
	for i := range 1000 {
		s.Documents = append(s.Documents, isms.Document{ID: "D-" + strconv.Itoa(i), Owner: "P-2",
			Covers: []isms.MandatoryItem{isms.ItemAuditResults}})
	}
	for i := range 500 {
		s.Nonconformities = append(s.Nonconformities, isms.Nonconformity{ID: "NC-" + strconv.Itoa(i+2),
			Similar: []string{"NC-1"}, Actions: []risk.Action{{ID: "A-NC-" + strconv.Itoa(i), Owner: "P-2"}}})
	}
	return s
}

func BenchmarkValidateLarge(b *testing.B) {
	s := largeSystem(b)
	if err := s.Validate(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckLarge(b *testing.B) {
	s := largeSystem(b)
	asOf := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	if _, err := isms.Check(context.Background(), s, asOf); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := isms.Check(context.Background(), s, asOf); err != nil {
			b.Fatal(err)
		}
	}
}
