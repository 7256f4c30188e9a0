package rules

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"cel.dev/cel-go/common/types/ref"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// genDecimal draws decimals within the layer's bounds, with up to 18
// digits and up to 6 places.
func genDecimal() *rapid.Generator[decimal.Decimal] {
	return rapid.Custom(func(t *rapid.T) decimal.Decimal {
		c := rapid.Int64Range(-999_999_999_999_999_999, 999_999_999_999_999_999).Draw(t, "coef")
		e := rapid.Int32Range(-6, 3).Draw(t, "exp")
		return decimal.New(c, e)
	})
}

// TestDecimalMatchesShopspring: + - * and comparisons in CEL agree with
// shopspring/decimal for random operands, and so does division with a
// scale (against a rational reference rounded half up).
func TestDecimalMatchesShopspring(t *testing.T) {
	env := tEnv(t, Variable("a", DecimalType), Variable("b", DecimalType), Variable("n", IntType))
	progs := map[string]*Program{}
	for _, e := range []string{"a + b", "a - b", "a * b", "a + n", "n - a", "n * a", "a.div(b, 6)", "a.div(b, 2, 'half_even')"} {
		p, err := env.Compile(e, "", e, DecimalType)
		if err != nil {
			t.Fatal(err)
		}
		progs[e] = p
	}
	cmps := map[string]*Program{}
	for _, e := range []string{"a < b", "a <= b", "a > b", "a >= b", "a == b", "a != b", "a < n", "n < a"} {
		p, err := env.Compile(e, "", e, BoolType)
		if err != nil {
			t.Fatal(err)
		}
		cmps[e] = p
	}
	rapid.Check(t, func(t *rapid.T) {
		a, b := genDecimal().Draw(t, "a"), genDecimal().Draw(t, "b")
		n := rapid.Int64Range(-1e12, 1e12).Draw(t, "n")
		dn := decimal.NewFromInt(n)
		vars := NewVars(nil).Set("a", a).Set("b", b).Set("n", n)
		want := map[string]decimal.Decimal{
			"a + b": a.Add(b), "a - b": a.Sub(b), "a * b": a.Mul(b),
			"a + n": a.Add(dn), "n - a": dn.Sub(a), "n * a": dn.Mul(a),
		}
		if !b.IsZero() {
			want["a.div(b, 6)"] = refDiv(a, b, 6, false)
			want["a.div(b, 2, 'half_even')"] = refDiv(a, b, 2, true)
		}
		for e, w := range want {
			got, err := progs[e].EvalDecimal(context.Background(), vars)
			if err != nil {
				t.Fatalf("%s: %v", e, err)
			}
			if !got.Equal(w) {
				t.Fatalf("%s with a=%s b=%s n=%d: got %s, want %s", e, a, b, n, got, w)
			}
		}
		wantCmp := map[string]bool{
			"a < b": a.LessThan(b), "a <= b": a.LessThanOrEqual(b), "a > b": a.GreaterThan(b),
			"a >= b": a.GreaterThanOrEqual(b), "a == b": a.Equal(b), "a != b": !a.Equal(b),
			"a < n": a.LessThan(dn), "n < a": dn.LessThan(a),
		}
		for e, w := range wantCmp {
			got, err := cmps[e].EvalBool(context.Background(), vars)
			if err != nil {
				t.Fatalf("%s: %v", e, err)
			}
			if got != w {
				t.Fatalf("%s with a=%s b=%s n=%d: got %v", e, a, b, n, got)
			}
		}
	})
}

// refDiv divides exactly with big.Rat and rounds to places, half away
// from zero or half to even.
func refDiv(a, b decimal.Decimal, places int32, even bool) decimal.Decimal {
	q := new(big.Rat).Quo(a.Rat(), b.Rat())
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil))
	q.Mul(q, scale)
	num, den := q.Num(), q.Denom()
	quo, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	twice := new(big.Int).Mul(new(big.Int).Abs(rem), big.NewInt(2))
	c := twice.Cmp(den)
	if c > 0 || (c == 0 && (!even || quo.Bit(0) == 1)) {
		if num.Sign() < 0 {
			quo.Sub(quo, big.NewInt(1))
		} else {
			quo.Add(quo, big.NewInt(1))
		}
	}
	return decimal.NewFromBigInt(quo, -places)
}

func TestParseDecimal(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"12.50", "12.50"}, {"-0.001", "-0.001"}, {"1e3", "1000"}, {"abc", "error"}, {" 1", "error"}, {"", "error"},
		{"1e65", "error"}, {"1e-65", "error"}, {fmt.Sprintf("%0201d", 1), "error"},
	} {
		d, err := ParseDecimal(tc.in)
		got := "error"
		if err == nil {
			got = FormatDecimal(d)
		}
		if got != tc.want {
			t.Errorf("ParseDecimal(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestRoundingModes(t *testing.T) {
	env := tEnv(t)
	want := map[string][]string{ // for 2.5, -2.5, 2.4
		"half_up":   {"3", "-3", "2"},
		"half_even": {"2", "-2", "2"},
		"up":        {"3", "-3", "3"},
		"down":      {"2", "-2", "2"},
		"ceil":      {"3", "-2", "3"},
		"floor":     {"2", "-3", "2"},
	}
	for _, mode := range RoundingModes() {
		for i, in := range []string{"2.5", "-2.5", "2.4"} {
			v, err := evalExpr(t, env, fmt.Sprintf(`decimal(%q).round(0, %q)`, in, mode), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := FormatValue(v); got != want[mode][i] {
				t.Errorf("%s(%s) = %s, want %s", mode, in, got, want[mode][i])
			}
		}
	}
}

// TestNumberLength: the longest in-bounds decimal in plain form parses,
// and a string past MaxNumberLength is refused unparsed with LimitNumber,
// in Go and in CEL, however long it is.
func TestNumberLength(t *testing.T) {
	longest := "-0." + strings.Repeat("9", MaxDecimalDigits)
	if _, err := ParseDecimal(longest); err != nil {
		t.Errorf("ParseDecimal(longest in-bounds decimal, %d characters): %v", len(longest), err)
	}
	if err := CheckNumberLength(longest); err != nil {
		t.Errorf("CheckNumberLength(%d characters): %v", len(longest), err)
	}
	for _, n := range []int{MaxNumberLength + 1, 10_000_000} {
		s := strings.Repeat("1", n)
		_, err := ParseDecimal(s)
		var le *LimitError
		if !errors.As(err, &le) || le.Limit != LimitNumber || le.Value != MaxNumberLength {
			t.Errorf("ParseDecimal(%d digits) = %v, want a LimitNumber error", n, err)
		}
		if err := CheckNumberLength(s); !errors.As(err, &le) || le.Limit != LimitNumber {
			t.Errorf("CheckNumberLength(%d digits) = %v", n, err)
		}
	}
	env := tEnv(t)
	_, err := env.Compile("n", "", `decimal("`+strings.Repeat("1", MaxNumberLength+1)+`") > 0`, BoolType)
	if !errors.Is(err, ErrCompile) || !strings.Contains(err.Error(), "number limit exceeded") {
		t.Errorf("decimal() of a long constant: %v", err)
	}
	p, err := env.Compile("n", "", `decimal(lists.range(200).map(i, "1").join("")) > 0`, BoolType)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.EvalBool(context.Background(), nil)
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != LimitNumber {
		t.Errorf("decimal() of a long string at run time: %v", err)
	}
}

// TestCmpDecimalFastPath: the allocation-free comparison agrees with
// shopspring's on small and large coefficients and exponent gaps,
// including those that overflow an int64 when scaled.
func TestCmpDecimalFastPath(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		gen := func(label string) decimal.Decimal {
			var c int64
			if rapid.Bool().Draw(t, label+"big") {
				c = rapid.Int64().Draw(t, label+"c")
			} else {
				c = rapid.Int64Range(-1_000_000, 1_000_000).Draw(t, label+"c")
			}
			return decimal.New(c, int32(rapid.IntRange(-30, 30).Draw(t, label+"e")))
		}
		a, b := gen("a"), gen("b")
		if got, want := cmpDecimal(a, b), a.Cmp(b); got != want {
			t.Fatalf("cmpDecimal(%s, %s) = %d, want %d", a, b, got, want)
		}
	})
	if n := testing.AllocsPerRun(100, func() { cmpDecimal(decimal.New(500000, -2), decimal.NewFromInt(5000)) }); n != 0 {
		t.Errorf("cmpDecimal allocates %v times", n)
	}
}

// TestArithmeticFastPath: int64 addition, subtraction and
// multiplication give exactly shopspring's coefficient and exponent, on
// either side of the int64 range.
func TestArithmeticFastPath(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		gen := func(label string) decimal.Decimal {
			var c int64
			if rapid.Bool().Draw(t, label+"big") {
				c = rapid.Int64().Draw(t, label+"c")
			} else {
				c = rapid.Int64Range(-1_000_000, 1_000_000).Draw(t, label+"c")
			}
			return decimal.New(c, int32(rapid.IntRange(-20, 20).Draw(t, label+"e")))
		}
		a, b := gen("a"), gen("b")
		same := func(op string, got ref.Val, want decimal.Decimal) {
			g, ok := got.(Decimal)
			if !ok {
				if decimalInBounds(want) == nil {
					t.Fatalf("%s %s %s = %v, want %s", a, op, b, got, want)
				}
				return
			}
			if g.D.Exponent() != want.Exponent() || g.D.Coefficient().Cmp(want.Coefficient()) != 0 {
				t.Fatalf("%s %s %s = %s (exp %d), want %s (exp %d)", a, op, b, g.D, g.D.Exponent(), want, want.Exponent())
			}
		}
		same("+", Decimal{a}.Add(Decimal{b}), a.Add(b))
		same("-", Decimal{a}.Subtract(Decimal{b}), a.Sub(b))
		same("*", Decimal{a}.Multiply(Decimal{b}), a.Mul(b))
	})
}
