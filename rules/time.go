package rules

import (
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// AsOfVar is the name of the variable every environment declares for the
// evaluation instant. The layer never reads a clock: callers bind it.
const AsOfVar = "asOf"

// DaysBetween returns the whole days elapsed from a to b, truncated
// toward zero (negative when b is before a). It is the Go side of the CEL
// function daysBetween.
func DaysBetween(a, b time.Time) int64 {
	return int64(b.Sub(a) / (24 * time.Hour))
}

func periodArg(v ref.Val) (Period, ref.Val) {
	switch p := v.(type) {
	case periodVal:
		return p.p, nil
	case types.String:
		pp, err := ParsePeriod(string(p))
		if err != nil {
			return Period{}, types.WrapErr(err)
		}
		return pp, nil
	}
	return Period{}, types.MaybeNoSuchOverloadErr(v)
}

func addPeriodVal(ts, p ref.Val) ref.Val {
	t, ok := ts.(types.Timestamp)
	if !ok {
		return types.MaybeNoSuchOverloadErr(ts)
	}
	per, errVal := periodArg(p)
	if errVal != nil {
		return errVal
	}
	out := per.AddTo(t.Time)
	if out.Year() > 9999 || out.Year() < 1 {
		return types.NewErr("timestamp overflow adding %s", per)
	}
	return types.Timestamp{Time: out}
}

// timeLib declares the clock-free time helpers:
//
//	daysBetween(a, b)       whole days from a to b (int)
//	period("P12M")          a calendar period
//	addPeriod(t, p)         t plus a period (p a period or a string)
//	t.addPeriod(p)          the same, as a method
//	string(p)               the canonical form of a period
func timeLib() []cel.EnvOption {
	ts, s, i := cel.TimestampType, cel.StringType, cel.IntType
	return []cel.EnvOption{
		cel.Types(PeriodType),
		cel.Variable(AsOfVar, ts),
		cel.Function("daysBetween",
			cel.Overload("daysBetween_timestamp_timestamp", []*cel.Type{ts, ts}, i,
				cel.BinaryBinding(func(a, b ref.Val) ref.Val {
					return types.Int(DaysBetween(a.(types.Timestamp).Time, b.(types.Timestamp).Time))
				}))),
		cel.Function("period",
			cel.Overload("period_string", []*cel.Type{s}, PeriodType,
				cel.UnaryBinding(func(v ref.Val) ref.Val {
					p, errVal := periodArg(v)
					if errVal != nil {
						return errVal
					}
					return periodVal{p}
				}))),
		cel.Function("string",
			cel.Overload("string_period", []*cel.Type{PeriodType}, s,
				cel.UnaryBinding(func(v ref.Val) ref.Val { return types.String(v.(periodVal).p.String()) }))),
		cel.Function("addPeriod",
			cel.Overload("addPeriod_timestamp_period", []*cel.Type{ts, PeriodType}, ts, cel.BinaryBinding(addPeriodVal)),
			cel.Overload("addPeriod_timestamp_string", []*cel.Type{ts, s}, ts, cel.BinaryBinding(addPeriodVal)),
			cel.MemberOverload("timestamp_addPeriod_period", []*cel.Type{ts, PeriodType}, ts, cel.BinaryBinding(addPeriodVal)),
			cel.MemberOverload("timestamp_addPeriod_string", []*cel.Type{ts, s}, ts, cel.BinaryBinding(addPeriodVal)),
		),
	}
}
