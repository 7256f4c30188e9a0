package rules

import (
	"time"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/interpreter"
	"github.com/shopspring/decimal"
)

// Vars is a small activation: variable values by name, with an optional
// parent consulted for names it does not hold. Build it with NewVars and
// Set. Values are Go values: string, int64, bool, time.Time,
// decimal.Decimal, Period, registered objects (*T), slices and maps.
//
// The zero Vars is an empty activation, ready to use; so is a nil *Vars
// for reading (Set needs a non-nil one).
//
// A Vars must not be changed while an evaluation reads it; an unchanged
// Vars may be shared by concurrent evaluations.
type Vars struct {
	names  []string
	vals   []any
	parent interpreter.Activation
}

var emptyVars = &Vars{}

// NewVars returns an empty activation whose misses go to parent (which
// may be nil).
func NewVars(parent Activation) *Vars { return &Vars{parent: parent} }

// Set binds name to value, replacing an earlier binding, and returns v.
func (v *Vars) Set(name string, value any) *Vars {
	value = nativeIn(value)
	for i, n := range v.names {
		if n == name {
			v.vals[i] = value
			return v
		}
	}
	v.names = append(v.names, name)
	v.vals = append(v.vals, value)
	return v
}

// SetAsOf binds the evaluation instant asOf.
func (v *Vars) SetAsOf(t time.Time) *Vars { return v.Set(AsOfVar, t) }

// ResolveName implements Activation. A nil *Vars holds nothing.
func (v *Vars) ResolveName(name string) (any, bool) {
	if v == nil {
		return nil, false
	}
	for i, n := range v.names {
		if n == name {
			return v.vals[i], true
		}
	}
	if v.parent != nil {
		return v.parent.ResolveName(name)
	}
	return nil, false
}

// Parent implements Activation.
func (v *Vars) Parent() Activation {
	if v == nil {
		return nil
	}
	return v.parent
}

// nativeIn converts the values whose CEL form is not found by cel-go's
// own adapter at the top level of an activation.
func nativeIn(value any) any {
	switch x := value.(type) {
	case decimal.Decimal:
		return Decimal{x}
	case Period:
		return periodVal{x}
	case time.Time:
		return types.Timestamp{Time: x}
	case int:
		return types.Int(x)
	}
	return value
}
