// Package dec holds decimal arithmetic shared by the library's packages:
// exact results as shopspring/decimal gives them, without big.Int work
// when the operands are small.
package dec

import (
	"math"
	"math/bits"

	"github.com/shopspring/decimal"
)

// maxDigits is how many digits a coefficient may have for the int64
// fast path.
const maxDigits = 18

// Mul is a.Mul(b): the same coefficient and exponent, so the same text.
// When both coefficients fit an int64 and so does their product, it is
// computed there. The exponents must be such that their sum fits an
// int32 (values within the rules layer's bounds always do).
func Mul(a, b decimal.Decimal) decimal.Decimal {
	if a.NumDigits() <= maxDigits && b.NumDigits() <= maxDigits {
		x, y := a.CoefficientInt64(), b.CoefficientInt64()
		if hi, lo := bits.Mul64(absU(x), absU(y)); hi == 0 && lo <= math.MaxInt64 {
			p := int64(lo)
			if (x < 0) != (y < 0) {
				p = -p
			}
			return decimal.New(p, a.Exponent()+b.Exponent())
		}
	}
	return a.Mul(b)
}

func absU(x int64) uint64 {
	if x < 0 {
		return uint64(-(x + 1)) + 1
	}
	return uint64(x)
}
