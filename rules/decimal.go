package rules

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"github.com/isms-go/iso27003/internal/dec"
	"github.com/shopspring/decimal"
)

// Bounds on decimal values inside CEL. A result that would exceed them is
// an evaluation error (a *LimitError with LimitDecimal), never a silent
// loss of precision: amounts are exact or the evaluation fails.
const (
	// MaxDecimalDigits is the most significant digits a decimal may carry.
	MaxDecimalDigits = 64
	// MaxDecimalScale bounds the exponent: a decimal's exponent lies in
	// [-MaxDecimalScale, MaxDecimalScale].
	MaxDecimalScale = 64
	// MaxNumberLength bounds the length, in bytes, of a numeric string
	// given to ParseDecimal, decimal() in CEL, or a JSON decoder of this
	// module. It must hold the longest text that encoding a decimal
	// within the bounds above produces, or JSON would not round-trip:
	// shopspring writes fixed-point, so 64 digits times 10^64 take 128
	// digits and a sign; 160 leaves room for leading zeros. The cap
	// matters because parsing a long number costs time quadratic in its
	// length (10M digits take minutes), long before the digit bounds can
	// be checked.
	MaxNumberLength = 160
)

// CheckNumberLength returns a *LimitError naming LimitNumber when s is
// longer than MaxNumberLength, and nil otherwise. Decoders call it
// before parsing a number.
func CheckNumberLength(s string) error {
	if len(s) > MaxNumberLength {
		return &LimitError{Limit: LimitNumber, Value: MaxNumberLength,
			Cause: fmt.Errorf("a number of %d characters", len(s))}
	}
	return nil
}

// DecimalType is the CEL type of exact decimal numbers, written `decimal`
// in type names. Values are built with decimal("12.50") or decimal(12),
// support + - * and unary minus exactly, compare with < <= > >= == !=
// (also against ints; for == and != write decimal(1)), and are divided only with an explicit scale:
// a.div(b, 2) or a.div(b, 2, "half_even").
var DecimalType = cel.ObjectType("decimal",
	traits.AdderType, traits.SubtractorType, traits.MultiplierType,
	traits.ComparerType, traits.NegatorType)

// Decimal is the CEL value of a decimal.Decimal. Go code rarely needs it:
// DecimalField and Vars convert decimal.Decimal values automatically.
type Decimal struct{ D decimal.Decimal }

var (
	_ traits.Adder      = Decimal{}
	_ traits.Subtractor = Decimal{}
	_ traits.Multiplier = Decimal{}
	_ traits.Comparer   = Decimal{}
	_ traits.Negater    = Decimal{}

	decimalGoType = reflect.TypeFor[decimal.Decimal]()
	errDivByZero  = errors.New("decimal division by zero")
)

// checkDecimal returns d as a CEL value, or a limit error when it exceeds
// the bounds.
func checkDecimal(d decimal.Decimal) ref.Val {
	if err := decimalInBounds(d); err != nil {
		return types.WrapErr(err)
	}
	return Decimal{d}
}

func decimalInBounds(d decimal.Decimal) error {
	if e := d.Exponent(); e > MaxDecimalScale || e < -MaxDecimalScale {
		return &LimitError{Limit: LimitDecimal, Value: MaxDecimalScale, Cause: fmt.Errorf("decimal exponent %d out of range", e)}
	}
	if d.NumDigits() > MaxDecimalDigits {
		return &LimitError{Limit: LimitDecimal, Value: MaxDecimalDigits, Cause: errors.New("decimal has too many digits")}
	}
	return nil
}

// asDecimal converts a decimal or an int CEL value.
func asDecimal(v ref.Val) (decimal.Decimal, bool) {
	switch o := v.(type) {
	case Decimal:
		return o.D, true
	case types.Int:
		return decimal.NewFromInt(int64(o)), true
	}
	return decimal.Decimal{}, false
}

// operands returns both operands of a binary operation as decimals, or
// an error value when the other operand is not a number or either one is
// out of bounds. Values can reach CEL from Go without passing through
// ParseDecimal, and shopspring's arithmetic and comparison scale by the
// exponent difference, so an unchecked 1e999999999 would cost unbounded
// time and memory.
func (d Decimal) operands(other ref.Val) (decimal.Decimal, decimal.Decimal, ref.Val) {
	o, ok := asDecimal(other)
	if !ok {
		return decimal.Decimal{}, decimal.Decimal{}, types.MaybeNoSuchOverloadErr(other)
	}
	if err := decimalInBounds(d.D); err != nil {
		return decimal.Decimal{}, decimal.Decimal{}, types.WrapErr(err)
	}
	if err := decimalInBounds(o); err != nil {
		return decimal.Decimal{}, decimal.Decimal{}, types.WrapErr(err)
	}
	return d.D, o, nil
}

// Add implements traits.Adder.
func (d Decimal) Add(other ref.Val) ref.Val {
	a, b, errVal := d.operands(other)
	if errVal != nil {
		return errVal
	}
	if r, ok := addSmall(a, b, false); ok {
		return checkDecimal(r)
	}
	return checkDecimal(a.Add(b))
}

// Subtract implements traits.Subtractor.
func (d Decimal) Subtract(other ref.Val) ref.Val {
	a, b, errVal := d.operands(other)
	if errVal != nil {
		return errVal
	}
	if r, ok := addSmall(a, b, true); ok {
		return checkDecimal(r)
	}
	return checkDecimal(a.Sub(b))
}

// Multiply implements traits.Multiplier.
func (d Decimal) Multiply(other ref.Val) ref.Val {
	a, b, errVal := d.operands(other)
	if errVal != nil {
		return errVal
	}
	// Both operands are within bounds, so the exponent sum cannot
	// overflow int32 (which would make shopspring panic).
	return checkDecimal(dec.Mul(a, b))
}

// Negate implements traits.Negater.
func (d Decimal) Negate() ref.Val { return Decimal{d.D.Neg()} }

// Compare implements traits.Comparer, against decimals and ints.
func (d Decimal) Compare(other ref.Val) ref.Val {
	a, b, errVal := d.operands(other)
	if errVal != nil {
		return errVal
	}
	return cmpResults[cmpDecimal(a, b)+1]
}

// cmpResults are the results of Compare, boxed once: boxing -1 as a
// ref.Val would allocate on every comparison.
var cmpResults = [3]ref.Val{types.IntNegOne, types.IntZero, types.IntOne}

// pow10s holds 10^0 .. 10^18, the powers that fit in an int64.
var pow10s = func() (p [19]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// addSmall is a+b (or a-b) in int64 arithmetic when both coefficients
// fit, the smaller exponent can be reached without overflow and the sum
// does not overflow; ok is false otherwise and the caller uses
// shopspring, which rescales through big.Int. The result is exact: the
// same coefficient and exponent shopspring would give.
func addSmall(a, b decimal.Decimal, sub bool) (decimal.Decimal, bool) {
	if a.NumDigits() > 18 || b.NumDigits() > 18 {
		return decimal.Decimal{}, false
	}
	x, y := a.CoefficientInt64(), b.CoefficientInt64()
	ea, eb := a.Exponent(), b.Exponent()
	e := min(ea, eb)
	var ok bool
	if x, ok = scale(x, int(ea-e)); !ok {
		return decimal.Decimal{}, false
	}
	if y, ok = scale(y, int(eb-e)); !ok {
		return decimal.Decimal{}, false
	}
	if sub {
		if y == math.MinInt64 {
			return decimal.Decimal{}, false
		}
		y = -y
	}
	s := x + y
	if (x > 0 && y > 0 && s < 0) || (x < 0 && y < 0 && s >= 0) {
		return decimal.Decimal{}, false
	}
	return decimal.New(s, e), true
}

// scale returns x * 10^k when that fits in an int64.
func scale(x int64, k int) (int64, bool) {
	if k == 0 {
		return x, true
	}
	if k >= len(pow10s) {
		return 0, false
	}
	p := pow10s[k]
	if x > math.MaxInt64/p || x < math.MinInt64/p {
		return 0, false
	}
	return x * p, true
}

// cmpDecimal is a.Cmp(b) without allocating when both coefficients fit
// in an int64 and one can be scaled to the other's exponent without
// overflow, which is the case for amounts with a few decimal places.
// shopspring's Cmp multiplies a big.Int whenever the exponents differ
// (5000 against 12500.00). The result is exact either way.
func cmpDecimal(a, b decimal.Decimal) int {
	if a.NumDigits() <= 18 && b.NumDigits() <= 18 {
		x, y := a.CoefficientInt64(), b.CoefficientInt64()
		ea, eb := a.Exponent(), b.Exponent()
		if ea < eb {
			// scale y up
			if k := int(eb - ea); k < len(pow10s) {
				if p := pow10s[k]; y <= math.MaxInt64/p && y >= math.MinInt64/p {
					return cmp.Compare(x, y*p)
				}
			}
		} else {
			if k := int(ea - eb); k < len(pow10s) {
				if p := pow10s[k]; x <= math.MaxInt64/p && x >= math.MinInt64/p {
					return cmp.Compare(x*p, y)
				}
			}
		}
	}
	return a.Cmp(b)
}

// ConvertToNative implements ref.Val.
func (d Decimal) ConvertToNative(t reflect.Type) (any, error) {
	switch t {
	case decimalGoType:
		return d.D, nil
	case reflect.TypeFor[*decimal.Decimal]():
		v := d.D
		return &v, nil
	case reflect.TypeFor[Decimal]():
		return d, nil
	case reflect.TypeFor[string]():
		return d.D.String(), nil
	}
	if t.Kind() == reflect.Interface && reflect.TypeFor[Decimal]().Implements(t) {
		return d, nil
	}
	return nil, fmt.Errorf("type conversion error from decimal to %v", t)
}

// ConvertToType implements ref.Val.
func (d Decimal) ConvertToType(t ref.Type) ref.Val {
	switch t.TypeName() {
	case DecimalType.TypeName():
		return d
	case types.StringType.TypeName():
		return types.String(FormatDecimal(d.D))
	case types.IntType.TypeName():
		return decimalToInt(d.D)
	case types.TypeType.TypeName():
		return DecimalType
	}
	return types.NewErr("type conversion error from decimal to %s", t.TypeName())
}

// Equal implements ref.Val: decimals equal by value (1.50 == 1.5), and
// against ints by value too.
func (d Decimal) Equal(other ref.Val) ref.Val {
	if _, ok := asDecimal(other); !ok {
		return types.False
	}
	a, b, errVal := d.operands(other)
	if errVal != nil {
		return errVal
	}
	return types.Bool(cmpDecimal(a, b) == 0)
}

// Type implements ref.Val.
func (d Decimal) Type() ref.Type { return DecimalType }

// Value implements ref.Val; it returns the decimal.Decimal.
func (d Decimal) Value() any { return d.D }

// String returns the decimal in plain notation.
func (d Decimal) String() string { return FormatDecimal(d.D) }

// FormatDecimal writes d in plain notation keeping its scale, so that
// 250000.50 stays "250000.50" (shopspring's String would drop the zero).
func FormatDecimal(d decimal.Decimal) string {
	if e := d.Exponent(); e < 0 {
		return d.StringFixed(-e)
	}
	return d.String()
}

func decimalToInt(d decimal.Decimal) ref.Val {
	if !d.IsInteger() {
		return types.NewErr("decimal %s is not a whole number", d.String())
	}
	b := d.BigInt()
	if !b.IsInt64() {
		return types.NewErr("decimal %s overflows int", d.String())
	}
	return types.Int(b.Int64())
}

// ParseDecimal parses a decimal literal as decimal() does in CEL: plain or
// scientific notation, within the layer's bounds. A string longer than
// MaxNumberLength is refused unparsed, with a *LimitError naming
// LimitNumber.
func ParseDecimal(s string) (decimal.Decimal, error) {
	if err := CheckNumberLength(s); err != nil {
		return decimal.Decimal{}, fmt.Errorf("invalid decimal: %w", err)
	}
	t := strings.TrimSpace(s)
	if t == "" || t != s {
		return decimal.Decimal{}, fmt.Errorf("invalid decimal %q", s)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("invalid decimal %q", s)
	}
	if err := decimalInBounds(d); err != nil {
		return decimal.Decimal{}, err
	}
	return d, nil
}

// roundingModes maps the names accepted by div() and round() to
// functions rounding to a number of places.
var roundingModes = map[string]func(decimal.Decimal, int32) decimal.Decimal{
	"half_up":   decimal.Decimal.Round, // half away from zero
	"half_even": decimal.Decimal.RoundBank,
	"up":        decimal.Decimal.RoundUp, // away from zero
	"down":      decimal.Decimal.RoundDown,
	"ceil":      decimal.Decimal.RoundCeil,
	"floor":     decimal.Decimal.RoundFloor,
}

// RoundingModes lists the rounding mode names div() and round() accept.
func RoundingModes() []string {
	return []string{"half_up", "half_even", "up", "down", "ceil", "floor"}
}

func roundWith(d decimal.Decimal, places int64, mode string) ref.Val {
	if places < -MaxDecimalScale || places > MaxDecimalScale {
		return types.NewErr("decimal scale %d out of range [-%d, %d]", places, MaxDecimalScale, MaxDecimalScale)
	}
	f, ok := roundingModes[mode]
	if !ok {
		return types.NewErr("unknown rounding mode %q (want one of %s)", mode, strings.Join(RoundingModes(), ", "))
	}
	return checkDecimal(f(d, int32(places)))
}

func divide(a, b decimal.Decimal, scale int64, mode string) ref.Val {
	if b.IsZero() {
		return types.WrapErr(errDivByZero)
	}
	if scale < 0 || scale > MaxDecimalScale {
		return types.NewErr("decimal scale %d out of range [0, %d]", scale, MaxDecimalScale)
	}
	if _, ok := roundingModes[mode]; !ok {
		return types.NewErr("unknown rounding mode %q (want one of %s)", mode, strings.Join(RoundingModes(), ", "))
	}
	// Divide with two guard digits beyond the requested scale, truncated,
	// then round. The quotient is truncated (not rounded) so that the
	// final rounding sees every discarded digit; a non-zero remainder is
	// folded in as a sticky digit so that "exactly half" is told apart
	// from "just above half".
	q, r := a.QuoRem(b, int32(scale)+2)
	if !r.IsZero() {
		sticky := decimal.New(1, -int32(scale)-3)
		if q.Sign() < 0 || (q.IsZero() && (a.Sign() < 0) != (b.Sign() < 0)) {
			sticky = sticky.Neg()
		}
		q = q.Add(sticky)
	}
	return roundWith(q, scale, mode)
}

func decimalListArg(v ref.Val) ([]decimal.Decimal, ref.Val) {
	l, ok := v.(traits.Lister)
	if !ok {
		return nil, types.MaybeNoSuchOverloadErr(v)
	}
	n, ok := l.Size().(types.Int)
	if !ok {
		return nil, types.NewErr("list size unavailable")
	}
	out := make([]decimal.Decimal, 0, int(n))
	for i := types.Int(0); i < n; i++ {
		e := l.Get(i)
		d, ok := asDecimal(e)
		if !ok {
			return nil, types.MaybeNoSuchOverloadErr(e)
		}
		out = append(out, d)
	}
	return out, nil
}

// decimalLib declares the decimal type, its functions, and operator
// overloads. The operators carry no bindings of their own: cel-go's
// standard operators dispatch on the traits Decimal implements. Mixed
// int/decimal operands are rewritten to decimal(int) after type checking
// (see mixedOperands), so at run time both operands are decimals.
func decimalLib() []cel.EnvOption {
	dec, i, b, s := DecimalType, cel.IntType, cel.BoolType, cel.StringType
	ops := []cel.EnvOption{
		cel.Types(DecimalType),
		cel.Function("decimal",
			cel.Overload("decimal_string", []*cel.Type{s}, dec, cel.UnaryBinding(func(v ref.Val) ref.Val {
				d, err := ParseDecimal(string(v.(types.String)))
				if err != nil {
					return types.WrapErr(err)
				}
				return Decimal{d}
			})),
			cel.Overload("decimal_int", []*cel.Type{i}, dec, cel.UnaryBinding(func(v ref.Val) ref.Val {
				return Decimal{decimal.NewFromInt(int64(v.(types.Int)))}
			})),
			cel.Overload("decimal_decimal", []*cel.Type{dec}, dec, cel.UnaryBinding(func(v ref.Val) ref.Val { return v })),
		),
		cel.Function("string",
			cel.Overload("string_decimal", []*cel.Type{dec}, s, cel.UnaryBinding(func(v ref.Val) ref.Val {
				return types.String(FormatDecimal(v.(Decimal).D))
			}))),
		cel.Function("int",
			cel.Overload("int_decimal", []*cel.Type{dec}, i, cel.UnaryBinding(func(v ref.Val) ref.Val {
				return decimalToInt(v.(Decimal).D)
			}))),
		cel.Function("toInt",
			cel.MemberOverload("decimal_toInt", []*cel.Type{dec}, i, cel.UnaryBinding(func(v ref.Val) ref.Val {
				return decimalToInt(v.(Decimal).D)
			}))),
		cel.Function("div",
			cel.MemberOverload("decimal_div_decimal_int", []*cel.Type{dec, dec, i}, dec, cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				return divide(args[0].(Decimal).D, args[1].(Decimal).D, int64(args[2].(types.Int)), "half_up")
			})),
			cel.MemberOverload("decimal_div_decimal_int_string", []*cel.Type{dec, dec, i, s}, dec, cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				return divide(args[0].(Decimal).D, args[1].(Decimal).D, int64(args[2].(types.Int)), string(args[3].(types.String)))
			})),
			cel.MemberOverload("decimal_div_int_int", []*cel.Type{dec, i, i}, dec, cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				return divide(args[0].(Decimal).D, decimal.NewFromInt(int64(args[1].(types.Int))), int64(args[2].(types.Int)), "half_up")
			})),
			cel.MemberOverload("decimal_div_int_int_string", []*cel.Type{dec, i, i, s}, dec, cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				return divide(args[0].(Decimal).D, decimal.NewFromInt(int64(args[1].(types.Int))), int64(args[2].(types.Int)), string(args[3].(types.String)))
			})),
		),
		cel.Function("round",
			cel.MemberOverload("decimal_round_int", []*cel.Type{dec, i}, dec, cel.BinaryBinding(func(v, p ref.Val) ref.Val {
				return roundWith(v.(Decimal).D, int64(p.(types.Int)), "half_up")
			})),
			cel.MemberOverload("decimal_round_int_string", []*cel.Type{dec, i, s}, dec, cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				return roundWith(args[0].(Decimal).D, int64(args[1].(types.Int)), string(args[2].(types.String)))
			})),
		),
		cel.Function("abs",
			cel.MemberOverload("decimal_abs", []*cel.Type{dec}, dec, cel.UnaryBinding(func(v ref.Val) ref.Val {
				return Decimal{v.(Decimal).D.Abs()}
			}))),
		cel.Function("sign",
			cel.MemberOverload("decimal_sign", []*cel.Type{dec}, i, cel.UnaryBinding(func(v ref.Val) ref.Val {
				return types.Int(v.(Decimal).D.Sign())
			}))),
		cel.Function("decimals.max",
			cel.Overload("decimals_max_list", []*cel.Type{cel.ListType(dec)}, dec, cel.UnaryBinding(func(v ref.Val) ref.Val {
				return foldDecimals(v, func(acc, x decimal.Decimal) decimal.Decimal { return decimal.Max(acc, x) })
			}))),
		cel.Function("decimals.min",
			cel.Overload("decimals_min_list", []*cel.Type{cel.ListType(dec)}, dec, cel.UnaryBinding(func(v ref.Val) ref.Val {
				return foldDecimals(v, func(acc, x decimal.Decimal) decimal.Decimal { return decimal.Min(acc, x) })
			}))),
		cel.Function("decimals.sum",
			cel.Overload("decimals_sum_list", []*cel.Type{cel.ListType(dec)}, dec, cel.UnaryBinding(func(v ref.Val) ref.Val {
				ds, errVal := decimalListArg(v)
				if errVal != nil {
					return errVal
				}
				sum := decimal.Zero
				for _, d := range ds {
					sum = sum.Add(d)
					if err := decimalInBounds(sum); err != nil {
						return types.WrapErr(err)
					}
				}
				return Decimal{sum}
			}))),
	}
	// Operator declarations: decimal with decimal, and mixed with int.
	arith := map[string]string{operators.Add: "add", operators.Subtract: "subtract", operators.Multiply: "multiply"}
	for _, op := range []string{operators.Add, operators.Subtract, operators.Multiply} {
		name := arith[op]
		ops = append(ops, cel.Function(op,
			cel.Overload(name+"_decimal_decimal", []*cel.Type{dec, dec}, dec),
			cel.Overload(name+"_decimal_int", []*cel.Type{dec, i}, dec),
			cel.Overload(name+"_int_decimal", []*cel.Type{i, dec}, dec),
		))
	}
	cmpOps := map[string]string{
		operators.Less: "less", operators.LessEquals: "less_equals",
		operators.Greater: "greater", operators.GreaterEquals: "greater_equals",
	}
	// == and != are declared once over any type A by cel-go, which rules
	// out mixed declarations: compare a decimal with an int for equality
	// as x == decimal(1).
	for _, op := range []string{operators.Less, operators.LessEquals, operators.Greater, operators.GreaterEquals} {
		name := cmpOps[op]
		ops = append(ops, cel.Function(op,
			cel.Overload(name+"_decimal_decimal", []*cel.Type{dec, dec}, b),
			cel.Overload(name+"_decimal_int", []*cel.Type{dec, i}, b),
			cel.Overload(name+"_int_decimal", []*cel.Type{i, dec}, b),
		))
	}
	ops = append(ops, cel.Function(operators.Negate,
		cel.Overload("negate_decimal", []*cel.Type{dec}, dec)))
	return ops
}

func foldDecimals(v ref.Val, f func(acc, x decimal.Decimal) decimal.Decimal) ref.Val {
	ds, errVal := decimalListArg(v)
	if errVal != nil {
		return errVal
	}
	if len(ds) == 0 {
		return types.NewErr("empty list has no extreme value")
	}
	acc := ds[0]
	for _, d := range ds[1:] {
		acc = f(acc, d)
	}
	return Decimal{acc}
}
