package dec

import (
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// TestPropertyMul: Mul gives a.Mul(b), coefficient and exponent alike,
// for small, large and extreme operands.
func TestPropertyMul(t *testing.T) {
	coef := rapid.OneOf(rapid.Int64Range(-1000, 1000), rapid.Int64(),
		rapid.SampledFrom([]int64{0, 1, -1, 1 << 62, -1 << 63, 1<<63 - 1, 999999999999999999}))
	rapid.Check(t, func(t *rapid.T) {
		a := decimal.New(coef.Draw(t, "a"), rapid.Int32Range(-30, 30).Draw(t, "ea"))
		b := decimal.New(coef.Draw(t, "b"), rapid.Int32Range(-30, 30).Draw(t, "eb"))
		if rapid.Bool().Draw(t, "big") {
			a = a.Mul(decimal.New(1_000_000_007, 0)).Mul(decimal.New(1_000_000_009, 0))
		}
		got, want := Mul(a, b), a.Mul(b)
		if got.Exponent() != want.Exponent() || got.Coefficient().Cmp(want.Coefficient()) != 0 {
			t.Fatalf("Mul(%s, %s) = %s (exp %d), want %s (exp %d)", a, b, got, got.Exponent(), want, want.Exponent())
		}
	})
}
