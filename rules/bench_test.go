package rules

import (
	"context"
	"runtime"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// benchRegister builds n risks deterministically.
func benchRegister(n int) []tRisk {
	reg := make([]tRisk, n)
	for i := range reg {
		r := &reg[i]
		r.ID = fmt.Sprintf("R-%d", i)
		r.Title = "risk"
		r.Loss = decimal.New(int64(i%997)*1000, -2)
		if i%3 != 0 {
			r.Owner = &tOwner{Name: "o"}
		}
		r.Actions = []tAction{{ID: "A", Due: tAsOf.AddDate(0, 0, i%60-30)}}
	}
	return reg
}

const benchCondition = `!has(risk.owner) || (risk.loss > 5000 && risk.actions.exists(a, a.due < asOf))`

// nativeCheck is benchCondition written in Go.
func nativeCheck(r *tRisk, asOf time.Time, threshold decimal.Decimal) bool {
	if r.Owner == nil {
		return true
	}
	if !r.Loss.GreaterThan(threshold) {
		return false
	}
	for _, a := range r.Actions {
		if a.Due.Before(asOf) {
			return true
		}
	}
	return false
}

// BenchmarkRuleCEL evaluates one rule over 10k subjects through the rule
// set, findings and all. Two Go baselines do the same work:
// BenchmarkRuleNative builds the same findings (message included), and
// BenchmarkRuleTight is the computation alone, the violating subjects
// appended to a slice. The target is BenchmarkRuleCEL <= 10x
// BenchmarkRuleTight; compare ns/op and allocs/op within one run.
func BenchmarkRuleCEL(b *testing.B) {
	env := tEnv(b)
	rs, err := CompileRules(env, []Collection{tRisks}, Rule{ID: "r", Clause: "6.1.3", Severity: Minor, Subjects: "risks",
		Condition: benchCondition, Message: "risk {risk.id} needs attention"})
	if err != nil {
		b.Fatal(err)
	}
	reg := benchRegister(10_000)
	in := Input{AsOf: tAsOf, Subjects: tItems(reg)}
	b.ReportAllocs()
	for b.Loop() {
		res, err := rs.Evaluate(context.Background(), in, Parallelism(1))
		if err != nil || len(res.Findings) == 0 {
			b.Fatal(err)
		}
	}
}

// nativeFindings is the native baseline: the rule in Go, findings and
// messages built as the rule set builds them.
func nativeFindings(reg []tRisk, threshold decimal.Decimal) []Finding {
	var out []Finding
	for i := range reg {
		r := &reg[i]
		if nativeCheck(r, tAsOf, threshold) {
			out = append(out, Finding{RuleID: "r", Clause: "6.1.3", Severity: Minor, Subject: Subject{"risk", r.ID},
				Message: "risk " + r.ID + " needs attention"})
		}
	}
	return out
}

// tightHits is the tight baseline: the computation alone, the violating
// subjects appended.
func tightHits(reg []tRisk, threshold decimal.Decimal) []*tRisk {
	var out []*tRisk
	for i := range reg {
		if nativeCheck(&reg[i], tAsOf, threshold) {
			out = append(out, &reg[i])
		}
	}
	return out
}

func BenchmarkRuleNative(b *testing.B) {
	reg := benchRegister(10_000)
	threshold := decimal.NewFromInt(5000)
	b.ReportAllocs()
	for b.Loop() {
		if len(nativeFindings(reg, threshold)) == 0 {
			b.Fatal("no findings")
		}
	}
}

func BenchmarkRuleTight(b *testing.B) {
	reg := benchRegister(10_000)
	threshold := decimal.NewFromInt(5000)
	b.ReportAllocs()
	for b.Loop() {
		if len(tightHits(reg, threshold)) == 0 {
			b.Fatal("no findings")
		}
	}
}

// BenchmarkConditionOnly isolates the CEL condition per subject.
func BenchmarkConditionOnly(b *testing.B) {
	env := tEnv(b, Variable("risk", tRiskType.Type()))
	p, err := env.Compile("r", "", benchCondition, BoolType)
	if err != nil {
		b.Fatal(err)
	}
	reg := benchRegister(10_000)
	act := &subjectAct{name: "risk", asOf: types.Timestamp{Time: tAsOf}}
	b.ReportAllocs()
	for b.Loop() {
		for i := range reg {
			act.val = &reg[i]
			if _, err := p.EvalBool(context.Background(), act); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// The three ways to hand a Go struct to CEL, measured on one condition
// over 10k subjects: explicit getters (NewObjectType), reflection at
// field access (ReflectObjectType), and a map built per evaluation (what
// callers do without either). Compare allocs/op.
type benchPlain struct {
	ID    string `json:"id"`
	Owner string `json:"owner"`
	Level int64  `json:"level"`
}

const benchPlainCond = `risk.owner == "" || risk.level > 3`

func benchPlainRegister() []benchPlain {
	reg := make([]benchPlain, 10_000)
	for i := range reg {
		reg[i] = benchPlain{ID: fmt.Sprintf("R-%d", i), Level: int64(i % 5)}
		if i%3 != 0 {
			reg[i].Owner = "o"
		}
	}
	return reg
}

func benchStructAccess(b *testing.B, env *Env, bind func(*benchPlain) any) {
	p, err := env.Compile("r", "", benchPlainCond, BoolType)
	if err != nil {
		b.Fatal(err)
	}
	reg := benchPlainRegister()
	act := &subjectAct{name: "risk"}
	b.ReportAllocs()
	for b.Loop() {
		for i := range reg {
			act.val = bind(&reg[i])
			if _, err := p.EvalBool(context.Background(), act); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkStructGetters(b *testing.B) {
	ot := MustObjectType("bench.Plain",
		StringField("id", func(r *benchPlain) string { return r.ID }),
		StringField("owner", func(r *benchPlain) string { return r.Owner }),
		IntField("level", func(r *benchPlain) int64 { return r.Level }))
	env, _ := NewEnv(Objects(ot), Variable("risk", ot.Type()))
	benchStructAccess(b, env, func(r *benchPlain) any { return r })
}

func BenchmarkStructReflect(b *testing.B) {
	ot := MustReflectObjectType[benchPlain]("bench.Plain")
	env, _ := NewEnv(Objects(ot), Variable("risk", ot.Type()))
	benchStructAccess(b, env, func(r *benchPlain) any { return r })
}

func BenchmarkStructMapPerEval(b *testing.B) {
	env, _ := NewEnv(Variable("risk", MapType(StringType, DynType)))
	benchStructAccess(b, env, func(r *benchPlain) any {
		return map[string]any{"id": r.ID, "owner": r.Owner, "level": r.Level}
	})
}

// BenchmarkStructNativeTypes is cel-go's own reflection of native types,
// for comparison (it has no decimal support, so the layer cannot use it
// for its model types).
func BenchmarkStructNativeTypes(b *testing.B) {
	env, err := NewEnv(Variable("risk", cel.ObjectType("rules.benchPlain")))
	if err != nil {
		b.Fatal(err)
	}
	ce, err := env.cel.Extend(cel.Types(cel.NativeTypeFor[benchPlain](types.ParseStructTag("json"))))
	if err != nil {
		b.Fatal(err)
	}
	benchStructAccess(b, &Env{cfg: env.cfg, cel: ce, guard: env.guard, tracker: env.tracker}, func(r *benchPlain) any { return r })
}

// BenchmarkDecimalOps compares the layer's decimal operators (int64 fast
// paths) with shopspring's on amounts of different scales, as in
// loss * 0.25 + 5000.
func BenchmarkDecimalOps(b *testing.B) {
	x, y := decimal.New(1250050, -2), decimal.NewFromInt(5000)
	b.Run("layer", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = Decimal{x}.Add(Decimal{y})
			_ = Decimal{x}.Subtract(Decimal{y})
			_ = Decimal{x}.Multiply(Decimal{y})
			_ = Decimal{x}.Compare(Decimal{y})
		}
	})
	b.Run("shopspring", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = checkDecimal(x.Add(y))
			_ = checkDecimal(x.Sub(y))
			_ = checkDecimal(x.Mul(y))
			_ = types.Int(x.Cmp(y))
		}
	})
}

// BenchmarkRuleRatio runs BenchmarkRuleCEL's rule set and both Go
// baselines in turn within each iteration, each as a block of ratioBlock
// runs, the order rotating between iterations, and reports the ratios
// of CPU time cel/tight and cel/native. On a shared machine the load
// changes between the benchmarks of a run much more than within one
// iteration. Each block is long enough to pay for most of the garbage
// collection its own garbage causes; measured one run at a time, each
// would pay for the garbage of the one before (the native baseline
// leaves twice the rule set's), and the ratios would say more about the
// order than about the work.
func BenchmarkRuleRatio(b *testing.B) {
	env := tEnv(b)
	rs, err := CompileRules(env, []Collection{tRisks}, Rule{ID: "r", Clause: "6.1.3", Severity: Minor, Subjects: "risks",
		Condition: benchCondition, Message: "risk {risk.id} needs attention"})
	if err != nil {
		b.Fatal(err)
	}
	reg := benchRegister(10_000)
	in := Input{AsOf: tAsOf, Subjects: tItems(reg)}
	threshold := decimal.NewFromInt(5000)
	want := len(tightHits(reg, threshold))
	check := func(n int) {
		if n != want {
			b.Fatalf("%d findings, want %d", n, want)
		}
	}
	phases := [3]func(){
		func() {
			res, err := rs.Evaluate(context.Background(), in, Parallelism(1))
			if err != nil {
				b.Fatal(err)
			}
			check(len(res.Findings))
		},
		func() { check(len(tightHits(reg, threshold))) },
		func() { check(len(nativeFindings(reg, threshold))) },
	}
	var spent [3]time.Duration
	turn := 0
	for b.Loop() {
		for j := range phases {
			p := (j + turn) % len(phases)
			runtime.GC() // no phase pays for the one before it
			t0 := cpuTime()
			for range ratioBlock {
				phases[p]()
			}
			spent[p] += cpuTime() - t0
		}
		turn++
	}
	b.ReportMetric(float64(spent[0])/float64(spent[1]), "cel/tight")
	b.ReportMetric(float64(spent[0])/float64(spent[2]), "cel/native")
}

// ratioBlock is how many runs of one kind BenchmarkRuleRatio times at a
// stretch.
const ratioBlock = 16

// cpuTime is the CPU time the process has used, the garbage collector's
// included (as in the risk package's benchmarks).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
