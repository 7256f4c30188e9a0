package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// Period is a calendar period such as "P12M" or "P90D": whole years,
// months and days. It is a value type; the zero Period is "P0D" and adds
// nothing. Weeks are accepted on input ("P2W") and kept as days.
//
// Periods are calendar arithmetic, not durations: one month after
// 31 January is the last day of February, never 2 or 3 March.
type Period struct {
	Years, Months, Days int
}

// maxPeriodPart bounds each part so that arithmetic never overflows and
// dates stay within a sane range.
const maxPeriodPart = 100000

// maxPeriodLength is longer than any valid period: four parts of at most
// six digits and a unit each, after the P.
const maxPeriodLength = 32

// ParsePeriod parses an ISO 8601 period with date parts only:
// P[nY][nM][nW][nD], at least one part, each a non-negative whole number.
//
// At most maxPeriodLength bytes are read: no valid period is longer.
func ParsePeriod(s string) (Period, error) {
	if len(s) > maxPeriodLength {
		return Period{}, fmt.Errorf("invalid period: %d characters, the longest accepted is %d", len(s), maxPeriodLength)
	}
	if len(s) < 3 || s[0] != 'P' {
		return Period{}, fmt.Errorf("invalid period %q: want a form such as P12M or P90D", s)
	}
	var p Period
	rest := s[1:]
	order := "YMWD"
	last := -1
	for rest != "" {
		i := 0
		for i < len(rest) && isDigit(rest[i]) {
			i++
		}
		if i == 0 || i == len(rest) {
			return Period{}, fmt.Errorf("invalid period %q: want a form such as P12M or P90D", s)
		}
		if i > 6 {
			return Period{}, fmt.Errorf("invalid period %q: number too large", s)
		}
		n, _ := strconv.Atoi(rest[:i])
		unit := strings.IndexByte(order, rest[i])
		if unit < 0 || unit <= last {
			return Period{}, fmt.Errorf("invalid period %q: units must be Y, M, W, D in that order, each once", s)
		}
		last = unit
		switch order[unit] {
		case 'Y':
			p.Years = n
		case 'M':
			p.Months = n
		case 'W':
			p.Days += 7 * n
		case 'D':
			p.Days += n
		}
		rest = rest[i+1:]
	}
	if err := p.validate(); err != nil {
		return Period{}, fmt.Errorf("invalid period %q: %w", s, err)
	}
	return p, nil
}

// MustParsePeriod is ParsePeriod for constants; it panics on a bad period.
func MustParsePeriod(s string) Period {
	p, err := ParsePeriod(s)
	if err != nil {
		panic(err)
	}
	return p
}

// Days returns a period of n days.
func Days(n int) Period { return Period{Days: n} }

// Months returns a period of n months.
func Months(n int) Period { return Period{Months: n} }

func (p Period) validate() error {
	for _, v := range []int{p.Years, p.Months, p.Days} {
		if v < 0 {
			return errors.New("parts must not be negative")
		}
		if v > maxPeriodPart {
			return errors.New("part too large")
		}
	}
	return nil
}

// IsZero reports whether p adds nothing.
func (p Period) IsZero() bool { return p == Period{} }

// String returns the canonical form, e.g. "P1Y6M", "P90D", "P0D".
func (p Period) String() string {
	if p.IsZero() {
		return "P0D"
	}
	var b strings.Builder
	b.WriteByte('P')
	for _, part := range []struct {
		n    int
		unit byte
	}{{p.Years, 'Y'}, {p.Months, 'M'}, {p.Days, 'D'}} {
		if part.n != 0 {
			b.WriteString(strconv.Itoa(part.n))
			b.WriteByte(part.unit)
		}
	}
	return b.String()
}

// AddTo returns t plus the period: years and months first, clamping to
// the last day of a shorter month, then days.
func (p Period) AddTo(t time.Time) time.Time {
	if p.Years != 0 || p.Months != 0 {
		y, m, d := t.Date()
		total := int(m) - 1 + p.Months + 12*p.Years
		ny, nm := y+total/12, time.Month(total%12+1)
		if last := daysIn(ny, nm); d > last {
			d = last
		}
		h, mi, s := t.Clock()
		t = time.Date(ny, nm, d, h, mi, s, t.Nanosecond(), t.Location())
	}
	if p.Days != 0 {
		t = t.AddDate(0, 0, p.Days)
	}
	return t
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// MarshalText encodes the canonical form.
func (p Period) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText parses a period string.
func (p *Period) UnmarshalText(b []byte) error {
	v, err := ParsePeriod(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// UnmarshalJSON accepts a period string ("P12M") or a whole number of days (90).
func (p *Period) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '"' {
		if err := CheckNumberLength(string(b)); err != nil {
			return fmt.Errorf("invalid period: %w", err)
		}
		var n int
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("invalid period %s: want a string such as \"P12M\" or whole days", b)
		}
		v := Period{Days: n}
		if err := v.validate(); err != nil {
			return fmt.Errorf("invalid period %d: %w", n, err)
		}
		*p = v
		return nil
	}
	if len(b) > 4*maxPeriodLength {
		return fmt.Errorf("invalid period: %d characters, the longest accepted is %d", len(b), maxPeriodLength)
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	return p.UnmarshalText([]byte(s))
}

// PeriodType is the CEL type of periods, built with period("P12M").
var PeriodType = cel.ObjectType("period")

// periodVal is the CEL value of a Period.
type periodVal struct{ p Period }

func (v periodVal) ConvertToNative(t reflect.Type) (any, error) {
	if t == reflect.TypeFor[Period]() || t.Kind() == reflect.Interface {
		return v.p, nil
	}
	return nil, fmt.Errorf("type conversion error from period to %v", t)
}

func (v periodVal) ConvertToType(t ref.Type) ref.Val {
	switch t.TypeName() {
	case PeriodType.TypeName():
		return v
	case types.StringType.TypeName():
		return types.String(v.p.String())
	case types.TypeType.TypeName():
		return PeriodType
	}
	return types.NewErr("type conversion error from period to %s", t.TypeName())
}

func (v periodVal) Equal(other ref.Val) ref.Val {
	o, ok := other.(periodVal)
	return types.Bool(ok && o.p == v.p)
}

func (v periodVal) Type() ref.Type { return PeriodType }
func (v periodVal) Value() any     { return v.p }
