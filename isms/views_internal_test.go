package isms

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
)

// TestResultFinder checks that every risk finds its own result whatever
// the order of the results: in register order, reversed, shuffled, in
// runs, and with risks that have none.
func TestResultFinder(t *testing.T) {
	const n = 200
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "R-" + strconv.Itoa(i)
	}
	orders := map[string]func([]risk.RiskResult) []risk.RiskResult{
		"register": func(rs []risk.RiskResult) []risk.RiskResult { return rs },
		"reversed": func(rs []risk.RiskResult) []risk.RiskResult {
			slices.Reverse(rs)
			return rs
		},
		"shuffled": func(rs []risk.RiskResult) []risk.RiskResult {
			r := rand.New(rand.NewPCG(1, 2))
			r.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
			return rs
		},
		"runs": func(rs []risk.RiskResult) []risk.RiskResult {
			// Two stretches in register order, the second first.
			return slices.Concat(rs[n/2:], rs[:n/2])
		},
		"gaps": func(rs []risk.RiskResult) []risk.RiskResult {
			// Every third risk has no result.
			return slices.DeleteFunc(rs, func(r risk.RiskResult) bool { return r.ID[len(r.ID)-1]%3 == 0 })
		},
	}
	for name, reorder := range orders {
		rs := make([]risk.RiskResult, n)
		for i, id := range ids {
			rs[i] = risk.RiskResult{ID: id, Title: "t" + id}
		}
		rs = reorder(rs)
		has := map[string]bool{}
		for _, r := range rs {
			has[r.ID] = true
		}
		f := resultFinder{results: rs}
		for _, id := range ids {
			got := f.find(id)
			switch {
			case !has[id] && got != nil:
				t.Errorf("%s: find(%q) = %q, want none", name, id, got.ID)
			case has[id] && (got == nil || got.ID != id || got.Title != "t"+id):
				t.Errorf("%s: find(%q) = %v, want its result", name, id, got)
			}
		}
	}
	if got := (&resultFinder{}).find("R-1"); got != nil {
		t.Errorf("find in no results = %v, want nil", got)
	}
}

// TestSortedAround checks sortedAround against a full check of the order
// after changing a few findings of a sorted list.
func TestSortedAround(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	kinds := []string{"", "risk", SubjectSystem}
	for range 2000 {
		fs := make([]rules.Finding, 1+r.IntN(12))
		for i := range fs {
			fs[i] = rules.Finding{RuleID: "r" + strconv.Itoa(r.IntN(3)), Clause: "6.1", Severity: rules.Minor,
				Subject: rules.Subject{Kind: kinds[r.IntN(3)], ID: strconv.Itoa(r.IntN(5))}}
		}
		slices.SortFunc(fs, rules.CompareFindings)
		var touched []int
		for range r.IntN(3) {
			i := r.IntN(len(fs))
			fs[i].Subject.Kind = kinds[r.IntN(3)]
			fs[i].Severity = rules.Severities()[r.IntN(4)]
			touched = append(touched, i)
		}
		if got, want := sortedAround(fs, touched), slices.IsSortedFunc(fs, rules.CompareFindings); got != want {
			t.Fatalf("sortedAround(%v, %v) = %v, want %v", fs, touched, got, want)
		}
	}
}

// TestMergeFindings checks mergeFindings against a stable sort of both
// lists, a's first, for short lists and for one long enough to be copied
// in parallel, with findings equal across the lists.
func TestMergeFindings(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	gen := func(n int, origin string) []rules.Finding {
		fs := make([]rules.Finding, n)
		for i := range fs {
			fs[i] = rules.Finding{RuleID: "r" + strconv.Itoa(r.IntN(4)), Clause: "6." + strconv.Itoa(r.IntN(3)),
				Severity: rules.Minor, Subject: rules.Subject{Kind: "risk", ID: strconv.Itoa(r.IntN(n + 1))},
				Guidance: origin + strconv.Itoa(i)} // not compared: tells equal findings apart
		}
		slices.SortStableFunc(fs, rules.CompareFindings)
		return fs
	}
	for _, sizes := range [][2]int{{0, 0}, {0, 3}, {5, 0}, {1, 1}, {10, 4}, {200, 30}, {parallelFindingsMin + 777, 90}} {
		for range 5 {
			a, b := gen(sizes[0], "a"), gen(sizes[1], "b")
			want := slices.Concat(a, b)
			slices.SortStableFunc(want, rules.CompareFindings)
			got := mergeFindings(a, b)
			if len(got) != len(want) || len(want) > 0 && !reflect.DeepEqual(got, want) {
				t.Fatalf("sizes %v: mergeFindings differs from a stable sort", sizes)
			}
		}
	}
}

// TestGroupFindingsParallel checks that groupFindings folds a long list
// in goroutines exactly as in one.
func TestGroupFindingsParallel(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	fs := make([]rules.Finding, parallelFindingsMin+1000)
	for i := range fs {
		fs[i] = rules.Finding{RuleID: "r" + strconv.Itoa(r.IntN(7)), Clause: "6." + strconv.Itoa(r.IntN(2)),
			Severity: rules.Severities()[r.IntN(4)], Subject: rules.Subject{Kind: "risk", ID: "R-" + strconv.Itoa(i)},
			Message: "m" + strconv.Itoa(i)}
	}
	slices.SortFunc(fs, rules.CompareFindings)
	par := groupFindings(fs, parallelFindingsMin)
	seq := groupFindings(fs, len(fs)+1)
	if len(par) < 20 || !reflect.DeepEqual(par, seq) {
		t.Errorf("groupFindings in goroutines gave %d groups, in one %d, or they differ", len(par), len(seq))
	}
}
