package rules

import (
	"math"
	"strings"

	"cel.dev/cel-go/common/functions"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/overloads"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/interpreter"
)

// Why unit calls: cel-go's call nodes hand their arguments to the cost
// tracker as a slice, which escapes to the heap on every call, and the
// tracker then looks the overload up in three maps to learn that most
// calls (comparisons, arithmetic on scalars, logical not, our decimal
// and time functions) cost 1. unitCalls replaces the one- and
// two-argument calls whose cost cel-go would price at 1 with a node that
// evaluates exactly as cel-go's does (strictness, operand traits,
// receiver dispatch, error labels) and charges the 1 directly. Costs,
// results and errors are the same; the allocation and the lookups are
// gone.

// unitCalls is the decorator; the guard holds the implementations and
// the set of overloads cel-go prices by their arguments.
func (g *guard) unitCalls(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
	call, ok := i.(interpreter.InterpretableCall)
	if !ok {
		return i, nil
	}
	if _, guarded := i.(*guardedCall); guarded {
		return i, nil
	}
	fn, oid := call.Function(), call.OverloadID()
	switch fn {
	case operators.LogicalAnd, operators.LogicalOr, operators.Conditional, operators.Equals, operators.NotEquals,
		operators.Index, operators.OptSelect, operators.OptIndex:
		return i, nil
	}
	if celReplaces(fn) || oid == chargeOverload || g.priced[oid] {
		return i, nil
	}
	ov := g.impls[oid]
	if ov == nil {
		ov = g.impls[fn]
	}
	if ov == nil || ov.Async != nil || ov.LateBound {
		return i, nil
	}
	args := call.Args()
	u := &unitCall{id: call.ID(), fn: fn, oid: oid, trait: ov.OperandTrait, nonStrict: ov.NonStrict}
	switch {
	case len(args) == 1 && ov.Unary != nil:
		u.arg0, u.unary = args[0], ov.Unary
	case len(args) == 2 && ov.Binary != nil:
		u.arg0, u.arg1, u.binary = args[0], args[1], ov.Binary
	default:
		return i, nil
	}
	if tc := typedCompare(u, ov); tc != nil {
		return tc, nil
	}
	return u, nil
}

// celReplaces reports whether cel-go's own planner steps, which run after
// the layer's decorators, may replace a call of fn: set membership and
// constant conversions (Optimize), regular expressions (their
// compilation and size limit). The layer leaves such calls, and roots
// that are such calls, to cel-go.
func celReplaces(fn string) bool {
	return fn == operators.In || fn == operators.OldIn || fn == overloads.Matches || strings.HasPrefix(fn, "regex.") ||
		overloads.IsTypeConversionFunction(fn)
}

// typedCompare returns the comparison of a decimal or timestamp field
// with a value when u is one, and nil otherwise. It is planned only for
// cel-go's standard ordering functions, whose one implementation for all
// overloads asks the left operand to Compare itself with the right.
func typedCompare(u *unitCall, ov *functions.Overload) *typedCmp {
	switch u.fn {
	case operators.Less, operators.LessEquals, operators.Greater, operators.GreaterEquals:
	default:
		return nil
	}
	fr, ok := u.arg0.(*fieldRead)
	if !ok || fr.test || ov.Operator != u.fn || ov.OperandTrait != traits.ComparerType || u.nonStrict {
		return nil
	}
	last := fr.steps[len(fr.steps)-1].typed
	if last.dec == nil && last.tm == nil {
		return nil
	}
	return &typedCmp{unitCall: u, lhs: fr}
}

// Why typed comparisons: `risk.loss > 5000` would box the decimal it
// reads in a CEL value, one allocation per evaluation, only for the
// comparison to take it apart again. typedCmp reads the field unboxed
// and compares it as the standard implementation does (NaN on the right
// is false; otherwise the left operand's Compare decides), charging the
// field read and the call as cel-go does. The plan is still the call
// (unitCall) for everything that inspects it.
type typedCmp struct {
	*unitCall
	lhs *fieldRead
}

// Exec implements interpreter.InterpretableV2.
func (c *typedCmp) Exec(f *interpreter.ExecutionFrame) ref.Val {
	obj, res, ok := c.lhs.upToLast(f)
	switch {
	case !ok:
		return c.unitCall.Exec(f)
	case res != nil:
		return res
	}
	typed := c.lhs.steps[len(c.lhs.steps)-1].typed
	var cmp ref.Val
	var a1 ref.Val
	if typed.dec != nil {
		d, ok := typed.dec(obj)
		if !ok {
			return c.execBinary(f, c.lhs.last(f, obj))
		}
		c.lhs.chargeLast(f)
		if a1 = c.arg1.Exec(f); !c.goesOn(f, a1) {
			return a1
		}
		cmp = Decimal{D: d}.Compare(a1)
	} else {
		tm, ok := typed.tm(obj)
		if !ok {
			return c.execBinary(f, c.lhs.last(f, obj))
		}
		c.lhs.chargeLast(f)
		if a1 = c.arg1.Exec(f); !c.goesOn(f, a1) {
			return a1
		}
		cmp = types.Timestamp{Time: tm}.Compare(a1)
	}
	if d, isDouble := a1.(types.Double); isDouble && math.IsNaN(float64(d)) {
		res = types.False
	} else {
		res = labelErr(c.id, orderResult(c.fn, cmp))
	}
	c.charge(f)
	return res
}

// orderResult is the standard ordering functions' reading of a Compare
// result: -1, 0 or 1 give the answer, anything else (an error) is the
// answer.
func orderResult(fn string, cmp ref.Val) ref.Val {
	c, ok := cmp.(types.Int)
	if !ok || c < -1 || c > 1 {
		return cmp
	}
	switch fn {
	case operators.Less:
		return types.Bool(c < 0)
	case operators.LessEquals:
		return types.Bool(c <= 0)
	case operators.Greater:
		return types.Bool(c > 0)
	}
	return types.Bool(c >= 0) // GreaterEquals
}

// unitCall is a call of one or two arguments that costs 1.
type unitCall struct {
	id         int64
	fn, oid    string
	arg0, arg1 interpreter.InterpretableV2 // arg1 nil for a unary call
	unary      functions.UnaryOp
	binary     functions.BinaryOp
	trait      int
	nonStrict  bool
}

var _ interpreter.InterpretableCall = (*unitCall)(nil)

// ID implements interpreter.Interpretable.
func (c *unitCall) ID() int64 { return c.id }

// Function implements interpreter.InterpretableCall.
func (c *unitCall) Function() string { return c.fn }

// OverloadID implements interpreter.InterpretableCall.
func (c *unitCall) OverloadID() string { return c.oid }

// Args implements interpreter.InterpretableCall.
func (c *unitCall) Args() []interpreter.InterpretableV2 {
	if c.arg1 == nil {
		return []interpreter.InterpretableV2{c.arg0}
	}
	return []interpreter.InterpretableV2{c.arg0, c.arg1}
}

// Eval implements interpreter.Interpretable.
func (c *unitCall) Eval(a interpreter.Activation) ref.Val {
	return interpreter.EvalActivation(a, c.Exec)
}

// charge adds the call's cost of 1; Qualify is the tracker's one
// allocation-free way to add exactly 1 and check the limit.
func (c *unitCall) charge(f *interpreter.ExecutionFrame) {
	if t := f.CostTracker(); t != nil {
		t.Qualify(c.id)
	}
}

// Exec implements interpreter.InterpretableV2, as cel-go's evalUnary and
// evalBinary do.
func (c *unitCall) Exec(f *interpreter.ExecutionFrame) ref.Val {
	a0 := c.arg0.Exec(f)
	if c.arg1 == nil {
		if !c.nonStrict {
			switch a0.(type) {
			case *types.Err:
				// cel-go charges a logical not of an error, and no other call.
				if c.fn == operators.LogicalNot {
					c.charge(f)
				}
				return a0
			case *types.Unknown:
				c.charge(f)
				return a0
			}
		}
		return c.call(f, a0, nil)
	}
	return c.execBinary(f, a0)
}

// execBinary is Exec of a binary call after its first argument.
func (c *unitCall) execBinary(f *interpreter.ExecutionFrame, a0 ref.Val) ref.Val {
	if !c.nonStrict {
		switch a0.(type) {
		case *types.Err:
			return a0
		case *types.Unknown:
			a1 := c.arg1.Exec(f)
			c.charge(f)
			if u1, ok := a1.(*types.Unknown); ok {
				return types.MergeUnknowns(a0.(*types.Unknown), u1)
			}
			return a0
		}
	}
	a1 := c.arg1.Exec(f)
	if !c.goesOn(f, a1) {
		return a1
	}
	return c.call(f, a0, a1)
}

// goesOn reports whether the call goes on to its implementation with
// the evaluated second argument a1: a strict call stops at an error, and
// at an unknown, which it charges, as cel-go does.
func (c *unitCall) goesOn(f *interpreter.ExecutionFrame, a1 ref.Val) bool {
	if c.nonStrict {
		return true
	}
	switch a1.(type) {
	case *types.Err:
		return false
	case *types.Unknown:
		c.charge(f)
		return false
	}
	return true
}

// call dispatches on a0 as cel-go does (the implementation when a0 has
// the operand trait, else a0's receiver method, else no overload) and
// charges the call. a1 is nil for a unary call.
func (c *unitCall) call(f *interpreter.ExecutionFrame, a0, a1 ref.Val) ref.Val {
	var res ref.Val
	switch {
	case c.operandOK(a0):
		if c.arg1 == nil {
			res = labelErr(c.id, c.unary(a0))
		} else {
			res = labelErr(c.id, c.binary(a0, a1))
		}
	case a0.Type().HasTrait(traits.ReceiverType):
		args := []ref.Val{}
		if c.arg1 != nil {
			args = []ref.Val{a1}
		}
		res = labelErr(c.id, a0.(traits.Receiver).Receive(c.fn, c.oid, args))
	default:
		res = types.NewErrWithNodeID(c.id, "no such overload: %s", c.fn)
	}
	c.charge(f)
	return res
}

// operandOK is cel-go's operand trait check.
func (c *unitCall) operandOK(v ref.Val) bool {
	return c.trait == 0 || (c.nonStrict && types.IsUnknownOrError(v)) || v.Type().HasTrait(c.trait)
}

// labelErr gives an error without a node the call's node, as cel-go does.
func labelErr(id int64, v ref.Val) ref.Val {
	if err, ok := v.(*types.Err); ok && err.NodeID() == 0 {
		return types.LabelErrNode(id, err)
	}
	return v
}
