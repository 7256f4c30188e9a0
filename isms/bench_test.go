package isms_test

import (
	"context"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/risk"
)

// largeSystem returns a well-formed system of the size the conformance
// benchmark uses: 100k risks, 1k documents, 500 nonconformities.
func largeSystem(tb testing.TB) *isms.System { return largeSystemN(tb, 100_000) }

// largeSystemN is largeSystem with n risks.
func largeSystemN(tb testing.TB, n int) *isms.System {
	s := loadMinimal(tb)
	controls := []string{"5.15", "8.8", "8.9", "C-MDM"}
	s.Register.Risks = slices.Grow(s.Register.Risks, n)
	for i := range n {
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

func BenchmarkCheckLarge(b *testing.B) { benchCheck(b, 100_000) }

// BenchmarkCheckLarge1M is Check at a million risks, to show that the
// cost grows linearly. It takes tens of seconds and gigabytes, so it runs
// only when ISO27003_BENCH_1M=1 is set (CI's once-each pass skips it).
func BenchmarkCheckLarge1M(b *testing.B) {
	if os.Getenv("ISO27003_BENCH_1M") != "1" {
		b.Skip("set ISO27003_BENCH_1M=1 to run Check over a million risks")
	}
	benchCheck(b, 1_000_000)
}

// benchCheck runs Check over a large system of n risks and reports,
// besides time and allocations per Check, the bytes allocated per risk
// and the heap the report keeps alive per risk.
func benchCheck(b *testing.B, n int) {
	s := largeSystemN(b, n)
	asOf := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	if _, err := isms.Check(context.Background(), s, asOf); err != nil {
		b.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	var rep *isms.Report
	for b.Loop() {
		var err error
		if rep, err = isms.Check(context.Background(), s, asOf); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	runs := float64(b.N)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/runs/float64(n), "B/risk")
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(n), "live-B/risk")
	runtime.KeepAlive(rep)
}
