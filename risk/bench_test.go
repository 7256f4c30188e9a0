package risk

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
)

var benchAsOf = time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)

var benchSizes = []int{1_000, 10_000, 100_000}

var small = func() []decimal.Decimal {
	out := make([]decimal.Decimal, 6)
	for i := range out {
		out[i] = decimal.NewFromInt(int64(i))
	}
	return out
}()

var dims5x5 = []string{DimFinancial, DimReputational, DimOperational, DimLegal, DimConfidentiality, DimIntegrity, DimAvailability}

// genDefaultRegister generates n risks rated on the 5×5 default scales:
// one in ten not analysed, two in three with a residual rating, one to
// four consequence dimensions each, two attributes, and a treatment for
// the ones with a residual rating. The same n and seed give the same
// register.
func genDefaultRegister(n int, seed uint64) Register {
	rng := rand.New(rand.NewPCG(seed, 27003))
	reg := Register{ID: "bench", Risks: make([]Risk, n)}
	rate := func(max int) *Rating {
		r := &Rating{Likelihood: small[1+rng.IntN(max)], Consequences: map[string]decimal.Decimal{}}
		for range 1 + rng.IntN(4) {
			r.Consequences[dims5x5[rng.IntN(len(dims5x5))]] = small[1+rng.IntN(max)]
		}
		return r
	}
	for i := range reg.Risks {
		r := &reg.Risks[i]
		r.ID = "R-" + strconv.Itoa(i+1)
		r.Title = "generated risk " + strconv.Itoa(i+1)
		r.Owner = "owner-" + strconv.Itoa(rng.IntN(50))
		r.Attributes = map[string]Attr{
			"tier":   Number(small[1+rng.IntN(3)]),
			"system": String("sys-" + strconv.Itoa(rng.IntN(20))),
		}
		if rng.IntN(10) == 0 {
			continue
		}
		r.Inherent = rate(5)
		if rng.IntN(3) < 2 {
			r.Residual = rate(3)
			r.Treatment = &Treatment{Options: []Option{Modify}, Controls: []string{"8.7"},
				Actions: []Action{{ID: "A1", Description: "do it", Status: Planned, Due: benchAsOf.AddDate(0, 0, rng.IntN(60)-30)}}}
		}
	}
	// Shuffle so that the input order is not the output order.
	rng.Shuffle(len(reg.Risks), func(i, j int) { reg.Risks[i], reg.Risks[j] = reg.Risks[j], reg.Risks[i] })
	return reg
}

// formulaCriteria have continuous quantitative scales and a level rule
// over the annualized loss expectancy.
func formulaCriteria() Criteria {
	money := Scale{Name: "Loss per event", Kind: Quantitative, Unit: "EUR"}
	return Criteria{
		ID: "ale-bands", Version: "1",
		Likelihood:  Scale{Name: "Loss events per year", Kind: Quantitative},
		Consequence: money,
		Dimensions:  []Dimension{{ID: DimFinancial, Scale: money}},
		Levels: []Level{
			{Name: "low", Rank: 1, Color: "#2e7d32"}, {Name: "medium", Rank: 2, Color: "#f9a825"},
			{Name: "high", Rank: 3, Color: "#ef6c00"}, {Name: "critical", Rank: 4, Color: "#c62828"},
		},
		LevelRule: `ale >= decimal("1000000") ? "critical" : ale >= decimal("100000") ? "high" : ` +
			`ale >= decimal("10000") ? "medium" : "low"`,
		AcceptanceRule: `rank <= 2`,
	}
}

var (
	aleCritical = decimal.RequireFromString("1000000")
	aleHigh     = decimal.RequireFromString("100000")
	aleMedium   = decimal.RequireFromString("10000")
)

func genFormulaRegister(n int, seed uint64) Register {
	rng := rand.New(rand.NewPCG(seed, 27005))
	reg := Register{ID: "bench-ale", Risks: make([]Risk, n)}
	rate := func(scale int) *Rating {
		f := decimal.New(int64(1+rng.IntN(400)), -2)            // 0.01 to 4.00 events a year
		m := decimal.NewFromInt(int64(1+rng.IntN(scale)) * 100) // up to scale*100 per event
		return &Rating{Likelihood: f, Consequences: map[string]decimal.Decimal{DimFinancial: m},
			Quantitative: &QuantInputs{Frequency: f, Magnitude: m, Currency: "EUR"}}
	}
	for i := range reg.Risks {
		r := &reg.Risks[i]
		r.ID = "Q-" + strconv.Itoa(i+1)
		r.Title = "generated risk " + strconv.Itoa(i+1)
		r.Attributes = map[string]Attr{"tier": Number(small[1+rng.IntN(3)])}
		if rng.IntN(10) == 0 {
			continue
		}
		r.Inherent = rate(50_000)
		if rng.IntN(3) < 2 {
			r.Residual = rate(5_000)
		}
	}
	rng.Shuffle(len(reg.Risks), func(i, j int) { reg.Risks[i], reg.Risks[j] = reg.Risks[j], reg.Risks[i] })
	return reg
}

// nativeDefault does by hand, in plain Go, what the engine does with the
// default 5×5 criteria, into the same result values: levels by score
// band, acceptance up to medium, residual, summary and priority order.
func nativeDefault(reg Register, asOf time.Time) *Assessment {
	const id, version, fp = "default-5x5", "1.0.0", ""
	names := [...]string{"", "low", "medium", "high", "critical"}
	var strs [6]string
	for i := range strs {
		strs[i] = strconv.Itoa(i)
	}
	var scores [6][6]decimal.Decimal
	var labels [6][6]string
	for l := 1; l <= 5; l++ {
		for c := 1; c <= 5; c++ {
			scores[l][c] = decimal.NewFromInt(int64(l * c))
			labels[l][c] = "likelihood=" + strs[l] + ",consequence=" + strs[c]
		}
	}
	inputNames := make([]string, len(dims5x5))
	for i, d := range dims5x5 {
		inputNames[i] = "consequences." + d
	}
	pos := func(d decimal.Decimal) int {
		if d.Exponent() == 0 {
			if v := d.CoefficientInt64(); v >= 1 && v <= 5 {
				return int(v)
			}
		}
		panic("off scale")
	}
	n := len(reg.Risks)
	tmp := make([]RiskResult, n)
	evals := make([]Evaluation, 2*n)
	ninputs := 0
	for i := range reg.Risks {
		r := &reg.Risks[i]
		if r.Inherent != nil {
			ninputs += 1 + len(r.Inherent.Consequences)
		}
		if r.Residual != nil {
			ninputs += 1 + len(r.Residual.Consequences)
		}
	}
	inputs := make([]Input, 0, ninputs)
	eval := func(rt *Rating, ev *Evaluation) {
		l := pos(rt.Likelihood)
		k := len(inputs)
		inputs = append(inputs, Input{Name: "likelihood", Value: strs[l]})
		c := 0
		for j, d := range dims5x5 {
			if v, ok := rt.Consequences[d]; ok {
				x := pos(v)
				c = max(c, x)
				inputs = append(inputs, Input{Name: inputNames[j], Value: strs[x]})
			}
		}
		s := l * c
		rank := 4
		switch {
		case s <= 4:
			rank = 1
		case s <= 9:
			rank = 2
		case s <= 16:
			rank = 3
		}
		*ev = Evaluation{
			Likelihood: rt.Likelihood, Consequence: small[c], Score: scores[l][c],
			Level: names[rank], Rank: rank, Acceptable: rank <= 2, Priority: small[rank],
			Explanation: Explanation{CriteriaID: id, CriteriaVersion: version, Inputs: inputs[k:len(inputs):len(inputs)],
				Cell: labels[l][c], CombinedBy: MethodDefault, LevelBy: MethodTabulated, AcceptanceBy: MethodTabulated, PriorityBy: MethodDefault},
		}
		// The engine keeps the rated value, not the table's.
		for _, d := range dims5x5 {
			if v, ok := rt.Consequences[d]; ok && v.Equal(small[c]) {
				ev.Consequence = v
				break
			}
		}
	}
	for i := range reg.Risks {
		r := &reg.Risks[i]
		res := &tmp[i]
		res.ID, res.Title, res.Owner, res.Kind = r.ID, r.Title, r.Owner, r.EffectiveKind()
		if r.Inherent == nil {
			res.Status = NotAnalysed
			continue
		}
		res.Status = Assessed
		res.Inherent, res.Residual = &evals[2*i], &evals[2*i+1]
		eval(r.Inherent, res.Inherent)
		if r.Residual == nil {
			*res.Residual = *res.Inherent
			res.ResidualFromInherent = true
		} else {
			eval(r.Residual, res.Residual)
		}
	}
	return nativeFinish(reg, asOf, id, version, fp, tmp, names[1:])
}

// nativeFinish sorts by hand and counts the summary.
func nativeFinish(reg Register, asOf time.Time, id, version, fp string, tmp []RiskResult, levels []string) *Assessment {
	idx := make([]int32, len(tmp))
	for i := range idx {
		idx[i] = int32(i)
	}
	group := func(r *RiskResult) int {
		if r.Status == Assessed {
			return 0
		}
		return 2
	}
	slices.SortFunc(idx, func(x, y int32) int {
		a, b := &tmp[x], &tmp[y]
		if c := cmp.Compare(group(a), group(b)); c != 0 {
			return c
		}
		if a.Status == Assessed {
			if c := b.Inherent.Priority.Cmp(a.Inherent.Priority); c != 0 {
				return c
			}
			if c := cmp.Compare(b.Inherent.Rank, a.Inherent.Rank); c != 0 {
				return c
			}
			if c := b.Inherent.Score.Cmp(a.Inherent.Score); c != 0 {
				return c
			}
		}
		return rules.NaturalCompare(a.ID, b.ID)
	})
	a := &Assessment{CriteriaID: id, CriteriaVersion: version, Fingerprint: fp, RegisterID: reg.ID, AsOf: asOf.UTC(),
		Results: make([]RiskResult, len(tmp))}
	s := &a.Summary
	s.Risks = len(tmp)
	for i := len(levels) - 1; i >= 0; i-- {
		s.Levels = append(s.Levels, LevelCount{Level: levels[i], Rank: i + 1})
	}
	for i, j := range idx {
		r := tmp[j]
		a.Results[i] = r
		if r.Status != Assessed {
			s.NotAnalysed++
			continue
		}
		s.Assessed++
		if !r.Inherent.Acceptable {
			s.Unacceptable++
		}
		if !r.Residual.Acceptable {
			s.ResidualUnacceptable++
		}
		s.Levels[len(levels)-r.Inherent.Rank].Inherent++
		s.Levels[len(levels)-r.Residual.Rank].Residual++
	}
	return a
}

// nativeFormula does by hand what the engine does with formulaCriteria.
func nativeFormula(reg Register, asOf time.Time) *Assessment {
	const id, version, fp = "ale-bands", "1", ""
	names := [...]string{"", "low", "medium", "high", "critical"}
	n := len(reg.Risks)
	tmp := make([]RiskResult, n)
	evals := make([]Evaluation, 2*n)
	inputs := make([]Input, 0, 8*n)
	eval := func(rt *Rating, ev *Evaluation) {
		q := rt.Quantitative
		if rt.Likelihood.Sign() < 0 || q.Frequency.Sign() < 0 || q.Magnitude.Sign() < 0 {
			panic("negative")
		}
		c := rt.Consequences[DimFinancial]
		ale := q.Frequency.Mul(q.Magnitude)
		rank := 1
		switch {
		case ale.Cmp(aleCritical) >= 0:
			rank = 4
		case ale.Cmp(aleHigh) >= 0:
			rank = 3
		case ale.Cmp(aleMedium) >= 0:
			rank = 2
		}
		k := len(inputs)
		inputs = append(inputs,
			Input{Name: "likelihood", Value: rules.FormatDecimal(rt.Likelihood)},
			Input{Name: "consequences.financial", Value: rules.FormatDecimal(c)},
			Input{Name: "frequency", Value: rules.FormatDecimal(q.Frequency)},
			Input{Name: "magnitude", Value: rules.FormatDecimal(q.Magnitude)})
		*ev = Evaluation{
			Likelihood: rt.Likelihood, Consequence: c, Score: rt.Likelihood.Mul(c), ALE: ale,
			Level: names[rank], Rank: rank, Acceptable: rank <= 2, Priority: small[rank],
			Explanation: Explanation{CriteriaID: id, CriteriaVersion: version, Inputs: inputs[k:len(inputs):len(inputs)],
				CombinedBy: MethodDefault, LevelBy: MethodCEL, AcceptanceBy: MethodTabulated, PriorityBy: MethodDefault},
		}
	}
	for i := range reg.Risks {
		r := &reg.Risks[i]
		res := &tmp[i]
		res.ID, res.Title, res.Owner, res.Kind = r.ID, r.Title, r.Owner, r.EffectiveKind()
		if r.Inherent == nil {
			res.Status = NotAnalysed
			continue
		}
		res.Status = Assessed
		res.Inherent, res.Residual = &evals[2*i], &evals[2*i+1]
		eval(r.Inherent, res.Inherent)
		if r.Residual == nil {
			*res.Residual = *res.Inherent
			res.ResidualFromInherent = true
		} else {
			eval(r.Residual, res.Residual)
		}
	}
	return nativeFinish(reg, asOf, id, version, fp, tmp, names[1:])
}

var decimalEqual = gocmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

// TestNativeBaselines checks that the hand-written baselines produce what
// the engine produces, so that the benchmarks compare equal work.
func TestNativeBaselines(t *testing.T) {
	for _, tc := range []struct {
		name   string
		c      Criteria
		reg    Register
		native func(Register, time.Time) *Assessment
	}{
		{"default", Default5x5(), genDefaultRegister(3000, 1), nativeDefault},
		{"formula", formulaCriteria(), genFormulaRegister(3000, 1), nativeFormula},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Compile(tc.c, rules.WithCostLimit(1000))
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.Assess(context.Background(), tc.reg, benchAsOf)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.native(tc.reg, benchAsOf)
			want.Fingerprint = e.Fingerprint()
			if d := gocmp.Diff(want, got, decimalEqual); d != "" {
				t.Errorf("native and engine differ (-native +engine):\n%s", d)
			}
		})
	}
}

func benchAssess(b *testing.B, c Criteria, gen func(int, uint64) Register, opts ...AssessOption) {
	e, err := Compile(c, rules.WithCostLimit(1000))
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range benchSizes {
		reg := gen(n, 42)
		b.Run(fmt.Sprintf("risks=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				if _, err := e.Assess(context.Background(), reg, benchAsOf, opts...); err != nil {
					b.Fatal(err)
				}
			}
			reportPerRisk(b, n, cpu0)
		})
	}
}

func benchNative(b *testing.B, gen func(int, uint64) Register, native func(Register, time.Time) *Assessment) {
	for _, n := range benchSizes {
		reg := gen(n, 42)
		b.Run(fmt.Sprintf("risks=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				native(reg, benchAsOf)
			}
			reportPerRisk(b, n, cpu0)
		})
	}
}

// The engine benchmarks run on one goroutine, like the native baselines,
// so that the ratio measures the engine's overhead rather than the
// machine's cores; the Parallel variants show the default.

func BenchmarkAssessDefault(b *testing.B) {
	benchAssess(b, Default5x5(), genDefaultRegister, Parallelism(1))
}

// The Prevalidated variants skip the checks a caller who validated
// already has done (see Prevalidated).
func BenchmarkAssessDefaultPrevalidated(b *testing.B) {
	benchAssess(b, Default5x5(), genDefaultRegister, Parallelism(1), Prevalidated())
}

func BenchmarkAssessFormulaPrevalidated(b *testing.B) {
	benchAssess(b, formulaCriteria(), genFormulaRegister, Parallelism(1), Prevalidated())
}

// The Lean variants are Prevalidated with OmitInputs: levels,
// acceptance and priorities of a register validated already, explained
// on demand (see OmitInputs).
func BenchmarkAssessDefaultLean(b *testing.B) {
	benchAssess(b, Default5x5(), genDefaultRegister, Parallelism(1), Prevalidated(), OmitInputs())
}

func BenchmarkAssessFormulaLean(b *testing.B) {
	benchAssess(b, formulaCriteria(), genFormulaRegister, Parallelism(1), Prevalidated(), OmitInputs())
}

func BenchmarkAssessDefaultNative(b *testing.B) {
	benchNative(b, genDefaultRegister, nativeDefault)
}

func BenchmarkAssessDefaultParallel(b *testing.B) {
	benchAssess(b, Default5x5(), genDefaultRegister)
}

func BenchmarkAssessFormula(b *testing.B) {
	benchAssess(b, formulaCriteria(), genFormulaRegister, Parallelism(1))
}

func BenchmarkAssessFormulaNative(b *testing.B) {
	benchNative(b, genFormulaRegister, nativeFormula)
}

func BenchmarkAssessFormulaParallel(b *testing.B) {
	benchAssess(b, formulaCriteria(), genFormulaRegister)
}

// tightResult is what the tight baselines append per risk: the computed
// level, rank, acceptance and score of both ratings, and nothing else.
type tightResult struct {
	id                   string
	score                decimal.Decimal
	level, residualLevel string
	rank, residualRank   int
	acceptable           bool
	residualAcceptable   bool
}

// tightDefault is the computation of the default 5×5 criteria alone, as
// a Go programmer would write it for one register already known to be
// valid: no validation, no explanation, no sort, no summary; the results
// are appended to a slice.
func tightDefault(reg Register) []tightResult {
	names := [...]string{"", "low", "medium", "high", "critical"}
	out := make([]tightResult, 0, len(reg.Risks))
	rate := func(rt *Rating) (int, int) {
		l := int(rt.Likelihood.IntPart())
		c := 0
		for _, v := range rt.Consequences {
			c = max(c, int(v.IntPart()))
		}
		s := l * c
		rank := 4
		switch {
		case s <= 4:
			rank = 1
		case s <= 9:
			rank = 2
		case s <= 16:
			rank = 3
		}
		return s, rank
	}
	for i := range reg.Risks {
		r := &reg.Risks[i]
		if r.Inherent == nil {
			continue
		}
		s, rank := rate(r.Inherent)
		rr := rank
		if r.Residual != nil {
			_, rr = rate(r.Residual)
		}
		out = append(out, tightResult{id: r.ID, score: decimal.NewFromInt(int64(s)),
			level: names[rank], rank: rank, acceptable: rank <= 2,
			residualLevel: names[rr], residualRank: rr, residualAcceptable: rr <= 2})
	}
	return out
}

// tightFormula is the computation of formulaCriteria alone (see
// tightDefault): the ALE, its band, and acceptance.
func tightFormula(reg Register) []tightResult {
	names := [...]string{"", "low", "medium", "high", "critical"}
	out := make([]tightResult, 0, len(reg.Risks))
	rate := func(rt *Rating) (decimal.Decimal, int) {
		q := rt.Quantitative
		ale := q.Frequency.Mul(q.Magnitude)
		rank := 1
		switch {
		case ale.Cmp(aleCritical) >= 0:
			rank = 4
		case ale.Cmp(aleHigh) >= 0:
			rank = 3
		case ale.Cmp(aleMedium) >= 0:
			rank = 2
		}
		return ale, rank
	}
	for i := range reg.Risks {
		r := &reg.Risks[i]
		if r.Inherent == nil {
			continue
		}
		ale, rank := rate(r.Inherent)
		rr := rank
		if r.Residual != nil {
			_, rr = rate(r.Residual)
		}
		out = append(out, tightResult{id: r.ID, score: ale,
			level: names[rank], rank: rank, acceptable: rank <= 2,
			residualLevel: names[rr], residualRank: rr, residualAcceptable: rr <= 2})
	}
	return out
}

// TestTightBaselines checks that the tight baselines compute the levels
// and acceptance the engine computes.
func TestTightBaselines(t *testing.T) {
	for _, tc := range []struct {
		name  string
		c     Criteria
		reg   Register
		tight func(Register) []tightResult
	}{
		{"default", Default5x5(), genDefaultRegister(3000, 1), tightDefault},
		{"formula", formulaCriteria(), genFormulaRegister(3000, 1), tightFormula},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Compile(tc.c, rules.WithCostLimit(1000))
			if err != nil {
				t.Fatal(err)
			}
			a, err := e.Assess(context.Background(), tc.reg, benchAsOf)
			if err != nil {
				t.Fatal(err)
			}
			got := tc.tight(tc.reg)
			if len(got) != a.Summary.Assessed {
				t.Fatalf("tight baseline rated %d risks, engine assessed %d", len(got), a.Summary.Assessed)
			}
			for _, g := range got {
				r, ok := a.Result(g.id)
				if !ok {
					t.Fatalf("risk %s: not in the assessment", g.id)
				}
				want := [6]any{r.Inherent.Level, r.Inherent.Rank, r.Inherent.Acceptable, r.Residual.Level, r.Residual.Rank, r.Residual.Acceptable}
				have := [6]any{g.level, g.rank, g.acceptable, g.residualLevel, g.residualRank, g.residualAcceptable}
				if d := gocmp.Diff(want, have); d != "" {
					t.Fatalf("risk %s (-engine +tight):\n%s", g.id, d)
				}
			}
		})
	}
}

func benchTight(b *testing.B, gen func(int, uint64) Register, tight func(Register) []tightResult) {
	for _, n := range benchSizes {
		reg := gen(n, 42)
		b.Run(fmt.Sprintf("risks=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				tight(reg)
			}
			reportPerRisk(b, n, cpu0)
		})
	}
}

// The tight baselines are the computation alone (see tightDefault); the
// Native baselines above do the same extra work as the engine (inputs,
// explanation, summary, priority sort). Both ratios are reported.

func BenchmarkAssessDefaultTight(b *testing.B) {
	benchTight(b, genDefaultRegister, tightDefault)
}

func BenchmarkAssessFormulaTight(b *testing.B) {
	benchTight(b, genFormulaRegister, tightFormula)
}

// cpuTime is the CPU time the process has used, user and system, on all
// its threads (GC workers included).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportPerRisk reports wall time per risk and CPU time per risk. On a
// machine shared with other work the wall time varies with the load; the
// CPU time counts only this process's work, the GC's included, and is
// the steadier figure for ratios.
func reportPerRisk(b *testing.B, n int, cpu0 time.Duration) {
	per := float64(b.N) * float64(n)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/per, "ns/risk")
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/per, "cpu-ns/risk")
}

// BenchmarkAssessRatio runs the engine, in each way of calling Assess,
// and the tight baseline in turn within each iteration, on one
// goroutine, and reports engine/tight in CPU time for each way: on a
// shared machine the load changes between benchmarks of one run, much
// less within one iteration. The targets are <= 1.5 for the tabulated
// default and <= 4 for the decimal formula, at 10k risks.
func BenchmarkAssessRatio(b *testing.B) {
	const ratioBlock = 16
	modes := []struct {
		name string
		opts []AssessOption
	}{
		{"full", nil},
		{"prevalidated", []AssessOption{Prevalidated()}},
		{"lean", []AssessOption{Prevalidated(), OmitInputs()}},
	}
	for _, tc := range []struct {
		name  string
		c     Criteria
		gen   func(int, uint64) Register
		tight func(Register) []tightResult
	}{
		{"default", Default5x5(), genDefaultRegister, tightDefault},
		{"formula", formulaCriteria(), genFormulaRegister, tightFormula},
	} {
		e, err := Compile(tc.c, rules.WithCostLimit(1000))
		if err != nil {
			b.Fatal(err)
		}
		reg := tc.gen(10_000, 42)
		b.Run(tc.name, func(b *testing.B) {
			// Phase 0 is the tight loop, phase i+1 the engine in mode i.
			// Each is timed as a block of ratioBlock runs, long enough to
			// pay for most of the garbage collection its own garbage
			// causes, and the order rotates between iterations: timed one
			// run at a time, the tight loop and the lean mode would pay
			// for the collections the plain modes' garbage causes.
			spent := make([]time.Duration, len(modes)+1)
			turn := 0
			for b.Loop() {
				for j := range spent {
					p := (j + turn) % len(spent)
					runtime.GC() // no phase pays for the one before it
					t0 := cpuTime()
					for range ratioBlock {
						if p == 0 {
							tc.tight(reg)
						} else if _, err := e.Assess(context.Background(), reg, benchAsOf, append(modes[p-1].opts, Parallelism(1))...); err != nil {
							b.Fatal(err)
						}
					}
					spent[p] += cpuTime() - t0
				}
				turn++
			}
			engineT, tightT := spent[1:], spent[0]
			for i, m := range modes {
				b.ReportMetric(float64(engineT[i])/float64(tightT), m.name+"/tight")
			}
		})
	}
}
