package risk

import (
	"strconv"

	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
)

// inputText formats the explanation inputs of many ratings into one
// buffer, so that a task of ratings allocates their text once instead of
// once per value. The text is the same as rules.FormatDecimal's.
type inputText struct {
	buf  []byte
	pend []pendingInput
}

// pendingInput is an Input whose Value is buf[lo:hi] once resolved. The
// Input lives in a slice whose capacity was reserved up front, so the
// pointer stays valid.
type pendingInput struct {
	in     *Input
	lo, hi int32
}

func (t *inputText) reset() {
	t.buf = t.buf[:0]
	clear(t.pend)
	t.pend = t.pend[:0]
}

// mark and rollback forget the inputs of a rating that failed.
func (t *inputText) mark() int      { return len(t.pend) }
func (t *inputText) rollback(m int) { clear(t.pend[m:]); t.pend = t.pend[:m] }

// add appends the input name = d to in: the scale's text when d is its
// level i, else d formatted into the buffer.
func (t *inputText) add(in []Input, name string, si *scaleInfo, i int, d decimal.Decimal) []Input {
	if si != nil && i >= 0 {
		return append(in, Input{Name: name, Value: si.strs[i]})
	}
	lo := len(t.buf)
	t.buf = appendDecimal(t.buf, d)
	in = append(in, Input{Name: name})
	t.pend = append(t.pend, pendingInput{in: &in[len(in)-1], lo: int32(lo), hi: int32(len(t.buf))})
	return in
}

// resolve sets the Value of every pending input from one string.
func (t *inputText) resolve() {
	if len(t.pend) == 0 {
		return
	}
	all := string(t.buf)
	for _, p := range t.pend {
		p.in.Value = all[p.lo:p.hi]
	}
	t.reset()
}

// appendDecimal appends d as rules.FormatDecimal writes it (plain
// notation, keeping the scale), without allocating when the coefficient
// fits an int64 and the exponent is small.
func appendDecimal(dst []byte, d decimal.Decimal) []byte {
	e := d.Exponent()
	if d.NumDigits() > maxKeyDigits || e < -rules.MaxDecimalScale || e > rules.MaxDecimalScale {
		return append(dst, rules.FormatDecimal(d)...)
	}
	c := d.CoefficientInt64()
	if c == 0 && e >= 0 {
		return append(dst, '0')
	}
	if c < 0 {
		dst = append(dst, '-')
		c = -c
	}
	if e >= 0 {
		dst = strconv.AppendInt(dst, c, 10)
		for range e {
			dst = append(dst, '0')
		}
		return dst
	}
	var digits [20]byte
	ds := strconv.AppendInt(digits[:0], c, 10)
	scale := int(-e)
	if len(ds) <= scale {
		dst = append(dst, '0', '.')
		for range scale - len(ds) {
			dst = append(dst, '0')
		}
		return append(dst, ds...)
	}
	dst = append(dst, ds[:len(ds)-scale]...)
	dst = append(dst, '.')
	return append(dst, ds[len(ds)-scale:]...)
}
