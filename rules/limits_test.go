package rules

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// TestHostileExpressions feeds expressions meant to run away. Each must
// end with a *LimitError, at compile time or during the evaluation.
// BenchmarkHostile reports how long each takes and fails one that takes
// 100 ms or more; here only the error is checked, since timing depends on
// the machine.
func TestHostileExpressions(t *testing.T) {
	env, vars := hostileEnv(t)
	for _, tc := range hostile {
		t.Run(tc.name, func(t *testing.T) {
			err := runHostile(env, tc.expr, vars)
			if !errors.Is(err, ErrLimit) {
				t.Fatalf("error %v, want a limit error", err)
			}
			var le *LimitError
			if !errors.As(err, &le) {
				t.Fatalf("error %v (%T) holds no *LimitError", err, err)
			}
			if !strings.Contains(err.Error(), string(le.Limit)) && le.Limit != LimitDepth && le.Limit != LimitLength {
				t.Errorf("error %q does not name the limit %s", err, le.Limit)
			}
			var ce *CompileError
			if errors.As(err, &ce) && ce.Code != CodeLimit {
				t.Errorf("compile error code %s", ce.Code)
			}
		})
	}
}

var hostile = []struct{ name, expr string }{
	{"deep nesting", strings.Repeat("[", 100) + strings.Repeat("]", 100) + " == []"},
	{"deep arithmetic", strings.Repeat("(1 + ", 60) + "1" + strings.Repeat(")", 60) + " > 0"},
	{"nested comprehensions", "[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, [1,2,3,4,5,6,7,8,9,10].all(d, [1,2,3,4,5,6,7,8,9,10].all(e, a+b+c+d+e > 0)))))"},
	{"large range", "lists.range(1000000).all(i, i >= 0)"},
	{"nested ranges", "lists.range(10000).exists(i, lists.range(10000).exists(j, i * j < 0))"},
	{"string doubling", nestedBinds(22)},
	{"string growth in a loop", "lists.range(100000).map(i, risk.title + risk.title + risk.title).join('').size() < 0"},
	{"decimal growth", "lists.range(1000).map(i, decimal(\"99999999999999999999\") * decimal(\"99999999999999999999\") * decimal(\"99999999999999999999\") * decimal(\"99999999999999999999\")).size() < 0"},
	{"long expression", strings.Repeat("1 + ", 1100) + "1 > 0"},
	{"regex blowup", "lists.range(100000).exists(i, risk.title.matches('(a+)+$'))"},

	// cel.bind doubling: each `l + l` is a cheap lazy concatenation, so
	// 22 levels would make a list of 4M items in a few hundred characters.
	{"list doubling equality", doubling("l", "[1]", "%[1]s + %[1]s", 22, "%[1]s == %[1]s")},
	{"list doubling size", doubling("l", "[1]", "%[1]s + %[1]s", 22, "size(%[1]s) > 0")},
	{"list doubling map", doubling("l", "[1]", "%[1]s + %[1]s", 22, "%[1]s.map(x, x + 1).size() > 0")},
	{"list doubling in", doubling("l", "[1]", "%[1]s + %[1]s", 22, "2 in %[1]s")},
	{"list doubling sum", doubling("l", "[decimal(1)]", "%[1]s + %[1]s", 22, "decimals.sum(%[1]s) > 0")},
	// Nesting instead of concatenation: every list has two items, but
	// walking the last one visits 4M leaves.
	{"nested list equality", doubling("n", "[1]", "[%[1]s, %[1]s]", 22, "%[1]s == %[1]s")},
	{"nested list in", doubling("n", "[1]", "[%[1]s, %[1]s]", 22, "%[1]s[0] in %[1]s")},
	{"nested list flatten", doubling("n", "[1]", "[%[1]s, %[1]s]", 22, "%[1]s.flatten(30).size() > 0")},
	{"nested list format", doubling("n", "[1]", "[%[1]s, %[1]s]", 22, "'%%s'.format([%[1]s]).size() > 0")},
	{"nested list sets", doubling("n", "[1]", "[%[1]s, %[1]s]", 22, "sets.equivalent(%[1]s, %[1]s)")},
	{"nested list distinct", doubling("n", "[1]", "[%[1]s, %[1]s]", 22, "%[1]s.distinct().size() > 0")},
	{"map doubling equality", doubling("m", "{1: 1}", "{1: %[1]s, 2: %[1]s}", 22, "%[1]s == %[1]s")},
	{"string doubling with bind and +", doubling("s", "'ab'", "%[1]s + %[1]s", 20, "%[1]s.size() > 0")},
	{"replace empty on a big string", doubling("s", "risk.title", "%[1]s + %[1]s", 11, "%[1]s.replace('', %[1]s).size() > 0")},
	{"indexOf on big strings", doubling("s", "risk.title", "%[1]s + %[1]s", 16, "%[1]s.indexOf(%[1]s.substring(1) + 'x') > 0")},
	{"lastIndexOf on big strings", doubling("s", "risk.title", "%[1]s + %[1]s", 16, "%[1]s.lastIndexOf('x' + %[1]s.substring(1)) > 0")},
	{"contains in a loop", doubling("s", "risk.title", "%[1]s + %[1]s", 16, "lists.range(1000).exists(i, %[1]s.contains('zz'))")},
	{"split a big string", doubling("s", "risk.title", "%[1]s + %[1]s", 16, "%[1]s.split('').size() > 0")},
	{"join a big list", doubling("s", "risk.title", "%[1]s + %[1]s", 12, "lists.range(10000).map(i, %[1]s).join(',').size() > 0")},
	{"join with a big separator", doubling("s", "risk.title", "%[1]s + %[1]s", 12, "lists.range(10000).map(i, 'a').join(%[1]s).size() > 0")},
	{"quote a big string in a loop", doubling("s", "risk.title", "%[1]s + %[1]s", 16, "lists.range(1000).all(i, strings.quote(%[1]s).size() > 0)")},
	{"decimals.sum over a million", "decimals.sum(lists.range(1000000).map(i, decimal(i))) > 0"},
	{"decimals.max over a big list", doubling("l", "[decimal(1)]", "%[1]s + %[1]s", 20, "decimals.max(%[1]s) > 0")},
	{"decimals.min over a big list", doubling("l", "[decimal(1)]", "%[1]s + %[1]s", 20, "decimals.min(%[1]s) > 0")},
	{"sort a big list", doubling("l", "[3, 1, 2]", "%[1]s + %[1]s", 20, "%[1]s.sort().size() > 0")},
	{"map construction in a loop", "lists.range(100000).map(i, {i: [i, i, i]}).size() > 0"},
	{"nested comprehension lists", "lists.range(1000).map(i, lists.range(1000).map(j, i + j)).size() > 0"},
	{"decimals.sum over a big input", "decimals.sum(bigList) > 0"},
	{"decimals.max over a big input", "decimals.max(bigList) > 0"},
	{"decimals.min over a big input", "decimals.min(bigList) > 0"},
	{"equality of big inputs", "bigList == bigList"},
	{"in over a big input", "decimal(-1) in bigList"},
	{"replace empty on a big input", "bigText.replace('', bigText).size() > 0"},
	{"indexOf on a big input", "bigText.indexOf(bigText.substring(1) + 'x') > 0"},
	{"split a big input in a loop", "lists.range(100).all(i, bigText.split('').size() > 0)"},
	{"join a big input with itself", "[bigText, bigText].join(bigText).size() > 0 && lists.range(100).map(i, bigText).join(bigText).size() > 0"},
	{"format a big input", "'%s'.format([bigList]).size() > 0"},
	{"comprehension over a shared list", doubling("l", "[1]", "%[1]s + %[1]s", 10, "lists.range(1000).map(i, %[1]s).flatten().size() > 0")},
}

// hostileEnv declares risk and two big inputs: bigList, a million
// decimals, and bigText, 16 KiB of text. Inputs are not capped; what an
// expression does with them is charged before it is done.
func hostileEnv(t interface{ Fatal(...any) }) (*Env, Activation) {
	env := tEnv(t, Variable("risk", tRiskType.Type()),
		Variable("bigList", ListType(DecimalType)), Variable("bigText", StringType))
	rs := tRegister()
	big := make([]decimal.Decimal, 1_000_000)
	for i := range big {
		big[i] = decimal.New(int64(i), -2)
	}
	vars := NewVars(nil).Set("risk", &rs[0]).SetAsOf(tAsOf).
		Set("bigList", big).Set("bigText", strings.Repeat("abcdefgh", 2048))
	return env, vars
}

// doubling writes n nested cel.bind calls: v0 = init, v1 = step(v0), ...
// and evaluates tail over the last variable. step and tail are format
// strings whose %[1]s is the previous (or last) variable.
func doubling(v, init, step string, n int, tail string) string {
	var b strings.Builder
	b.WriteString("cel.bind(" + v + "0, " + init + ", ")
	for i := 1; i <= n; i++ {
		prev := fmt.Sprintf("%s%d", v, i-1)
		fmt.Fprintf(&b, "cel.bind(%s%d, %s, ", v, i, fmt.Sprintf(step, prev))
	}
	b.WriteString(fmt.Sprintf(tail, fmt.Sprintf("%s%d", v, n)))
	b.WriteString(strings.Repeat(")", n+1))
	return b.String()
}

// nestedBinds doubles a string n times: s1 = title+title, s2 = s1+s1, ...
func nestedBinds(n int) string {
	var b strings.Builder
	prev := "risk.title"
	for i := range n {
		name := "s" + strings.Repeat("x", i)
		b.WriteString("cel.bind(" + name + ", " + prev + " + " + prev + ", ")
		prev = name
	}
	b.WriteString(prev + ".size() < 0" + strings.Repeat(")", n))
	return b.String()
}

func runHostile(env *Env, expr string, vars Activation) error {
	p, err := env.Compile("hostile", "condition", expr, BoolType)
	if err != nil {
		return err
	}
	_, err = p.EvalBool(context.Background(), vars)
	return err
}

// TestContextStopsComprehension proves that a deadline ends a long
// comprehension even when the cost limit is set very high.
func TestContextStopsComprehension(t *testing.T) {
	env := tEnv(t, WithCostLimit(1<<62))
	p, err := env.Compile("slow", "", "lists.range(100000).all(i, lists.range(100000).all(j, i + j >= 0))", BoolType)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = p.EvalBool(ctx, nil)
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != LimitContext || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want a context limit wrapping the deadline", err)
	}
}

// BenchmarkHostile compiles and evaluates each hostile expression; the
// target is < 100 ms and bounded memory (B/op) for every one.
func BenchmarkHostile(b *testing.B) {
	env, vars := hostileEnv(b)
	for _, tc := range hostile {
		b.Run(strings.ReplaceAll(tc.name, " ", "_"), func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if err := runHostile(env, tc.expr, vars); !errors.Is(err, ErrLimit) {
					b.Fatal(err)
				}
				n++
			}
			if per := b.Elapsed() / time.Duration(n); per >= 100*time.Millisecond {
				b.Errorf("%s took %v per compile and evaluation, want < 100ms", tc.name, per)
			}
		})
	}
}
