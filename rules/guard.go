package rules

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/common/functions"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/interpreter"
)

// Why a guard: cel-go charges a call's cost only after the call has
// returned, and charges list concatenation and equality as if they were
// constant time. A few hundred characters of cel.bind can therefore
// build a list of millions of items (each `l + l` is a cheap lazy
// concatenation) and then walk it in one `==`, or make replace() and
// join() allocate hundreds of megabytes, long before the cost limit is
// consulted. The guard wraps the calls whose work depends on the size of
// their arguments: it charges their size-dependent cost to the
// evaluation's cost tracker BEFORE doing the work, refuses results
// beyond the list and string size caps before building them, and checks
// the size of whatever they return. Every other call runs untouched.

// chargeOverload is the overload ID under which the guard charges its
// pre-computed costs: the cost tracker prices it at the value carried
// as the call's "result".
const chargeOverload = "rules#charge"

type chargeCall struct{}

func (chargeCall) Function() string   { return chargeOverload }
func (chargeCall) OverloadID() string { return chargeOverload }

func chargeTracker(_ []ref.Val, result ref.Val) *uint64 {
	n := uint64(result.(types.Int))
	return &n
}

// charge adds n to the evaluation's cost; the tracker ends the
// evaluation (by panicking with cel-go's cancellation, which the
// program recovers) once the limit is passed.
func charge(f *interpreter.ExecutionFrame, id int64, n uint64) {
	if n == 0 {
		return
	}
	if t := f.CostTracker(); t != nil {
		if n > 1<<62 {
			n = 1 << 62
		}
		t.EvalVarArgs(f, id, chargeCall{}, nil, types.Int(n))
	}
}

// guard holds the size caps and the function implementations the
// guarded calls dispatch to.
type guard struct {
	maxList   int
	maxString int
	// maxWalk bounds how many values one traversal may visit, whatever
	// the cost limit, so that sizing a value never becomes the slow part.
	maxWalk int
	impls   map[string]*functions.Overload
	// priced holds the overloads cel-go's cost tracker prices by their
	// arguments (string and list work); every other call costs 1.
	priced map[string]bool
	// scalarEq lets == and != of scalars charge cel-go's price for them
	// themselves (see chargeEquality): not under envConfig.plainPlan, nor
	// for a cost model older than version 1, which prices them otherwise.
	scalarEq bool
}

// sizeErr reports a value of n units (items or bytes) beyond limit.
func (g *guard) sizeErr(what string, n, limit int) ref.Val {
	unit := "items"
	if strings.HasPrefix(what, "string") || strings.HasPrefix(what, "bytes") {
		unit = "bytes"
	}
	return types.WrapErr(&LimitError{Limit: LimitSize, Value: uint64(limit), Cause: fmt.Errorf("a %s of %d %s", what, n, unit)})
}

// model computes the cost of a call from its arguments, before the call,
// or refuses it with an error value.
type model func(g *guard, f *interpreter.ExecutionFrame, args []ref.Val) (uint64, ref.Val)

// stringTraversal is what the cost model charges per byte of string
// work, as cel-go does (0.1 per byte).
func strCost(n int) uint64 { return uint64(n)/10 + 1 }

func argString(args []ref.Val, i int) (string, bool) {
	if i >= len(args) {
		return "", false
	}
	s, ok := args[i].(types.String)
	return string(s), ok
}

func listSize(v ref.Val) (int, bool) {
	l, ok := v.(traits.Lister)
	if !ok {
		return 0, false
	}
	n, ok := l.Size().(types.Int)
	return int(n), ok
}

// budget is how much a traversal may visit: what is left of the cost
// limit, and never more than maxWalk.
func (g *guard) budget(f *interpreter.ExecutionFrame) int {
	b := g.maxWalk
	if t := f.CostTracker(); t != nil && t.Limit != nil {
		if left := *t.Limit - min(*t.Limit, t.ActualCost()); left < uint64(b) {
			b = int(left) + 1
		}
	}
	return b
}

const mapEntryWeight = 4

// weight counts the values inside v (a list counts itself and its
// items, recursively; a string counts one per 16 bytes), stopping once
// budget is passed. Nested lists share their items, so a value's weight
// can be exponential in its construction: only the walk tells.
func weight(v ref.Val, budget int) int {
	switch x := v.(type) {
	case types.String:
		return 1 + len(x)/16
	case types.Bytes:
		return 1 + len(x)/16
	case traits.Lister:
		n := 1
		sz, _ := x.Size().(types.Int)
		if int(sz) > budget {
			return int(sz) + 1
		}
		for i := types.Int(0); i < sz && n <= budget; i++ {
			n += weight(x.Get(i), budget-n)
		}
		return n
	case traits.Mapper:
		// An entry costs more to visit (and to compare) than a list item:
		// a lookup per key. Counting it as mapEntryWeight keeps the walk's
		// time in line with a list walk of the same budget.
		n := 1
		it := x.Iterator()
		for it.HasNext() == types.True && n <= budget {
			k := it.Next()
			n += mapEntryWeight + weight(k, budget-n)
			if val, ok := x.Find(k); ok {
				n += weight(val, budget-n)
			}
		}
		return n
	}
	return 1
}

// walk charges the weight of the aggregate arguments at positions idx.
func walk(idx ...int) model {
	return func(g *guard, f *interpreter.ExecutionFrame, args []ref.Val) (uint64, ref.Val) {
		b := g.budget(f)
		total := 0
		for _, i := range idx {
			if i < len(args) {
				total += weight(args[i], b-total)
			}
		}
		if total > g.maxWalk {
			return 0, types.WrapErr(&LimitError{Limit: LimitSize, Value: uint64(g.maxWalk),
				Cause: fmt.Errorf("a value too large to traverse (more than %d items)", g.maxWalk)})
		}
		return uint64(total), nil
	}
}

// equality charges the smaller operand's weight: equality stops at the
// first difference and at a size mismatch.
func equality(g *guard, f *interpreter.ExecutionFrame, args []ref.Val) (uint64, ref.Val) {
	switch args[0].(type) {
	case traits.Lister, traits.Mapper:
	default:
		return 0, nil // scalars and strings: bounded by the caps
	}
	b := g.budget(f)
	w := min(weight(args[0], b), weight(args[1], b))
	if w > g.maxWalk {
		return 0, types.WrapErr(&LimitError{Limit: LimitSize, Value: uint64(g.maxWalk),
			Cause: fmt.Errorf("a value too large to compare (more than %d items)", g.maxWalk)})
	}
	return uint64(w), nil
}

func concat(g *guard, _ *interpreter.ExecutionFrame, args []ref.Val) (uint64, ref.Val) {
	if len(args) != 2 {
		return 0, nil
	}
	switch a := args[0].(type) {
	case types.String:
		b, ok := args[1].(types.String)
		if !ok {
			return 0, nil
		}
		if n := len(a) + len(b); n > g.maxString {
			return 0, g.sizeErr("string", n, g.maxString)
		}
		return strCost(len(a) + len(b)), nil
	case types.Bytes:
		b, ok := args[1].(types.Bytes)
		if !ok {
			return 0, nil
		}
		if n := len(a) + len(b); n > g.maxString {
			return 0, g.sizeErr("bytes value", n, g.maxString)
		}
		return strCost(len(a) + len(b)), nil
	case traits.Lister:
		n, ok1 := listSize(a)
		m, ok2 := listSize(args[1])
		if ok1 && ok2 && n+m > g.maxList {
			return 0, g.sizeErr("list", n+m, g.maxList)
		}
		return 1, nil
	}
	return 0, nil
}

// stringScan charges a linear pass over the receiver string.
func stringScan(g *guard, _ *interpreter.ExecutionFrame, args []ref.Val) (uint64, ref.Val) {
	s, _ := argString(args, 0)
	return strCost(len(s)), nil
}

// search charges indexOf and lastIndexOf, which compare the substring
// at every position.
func search(g *guard, _ *interpreter.ExecutionFrame, args []ref.Val) (uint64, ref.Val) {
	s, _ := argString(args, 0)
	sub, _ := argString(args, 1)
	return strCost(len(s)) * uint64(max(1, len(sub))), nil
}

func replace(g *guard, _ *interpreter.ExecutionFrame, args []ref.Val) (uint64, ref.Val) {
	s, ok1 := argString(args, 0)
	old, ok2 := argString(args, 1)
	repl, ok3 := argString(args, 2)
	if !ok1 || !ok2 || !ok3 {
		return 0, nil
	}
	count := strings.Count(s, old)
	if len(args) > 3 {
		if n, ok := args[3].(types.Int); ok && n >= 0 && int64(n) < int64(count) {
			count = int(n)
		}
	}
	n := len(s) + count*(len(repl)-len(old))
	if count > 0 && len(repl) > len(old) && (n > g.maxString || count > g.maxString) {
		return 0, g.sizeErr("string", n, g.maxString)
	}
	return strCost(len(s) + max(n, 0)), nil
}

func split(g *guard, _ *interpreter.ExecutionFrame, args []ref.Val) (uint64, ref.Val) {
	s, ok1 := argString(args, 0)
	sep, ok2 := argString(args, 1)
	if !ok1 || !ok2 {
		return 0, nil
	}
	var count int
	if sep == "" {
		count = utf8.RuneCountInString(s)
	} else {
		count = strings.Count(s, sep) + 1
	}
	if len(args) > 2 {
		if n, ok := args[2].(types.Int); ok && n >= 0 && int64(n) < int64(count) {
			count = int(n)
		}
	}
	if count > g.maxList {
		return 0, g.sizeErr("list", count, g.maxList)
	}
	return strCost(len(s)) + uint64(count), nil
}

func join(g *guard, f *interpreter.ExecutionFrame, args []ref.Val) (uint64, ref.Val) {
	l, ok := args[0].(traits.Lister)
	if !ok {
		return 0, nil
	}
	sep, _ := argString(args, 1)
	sz, _ := l.Size().(types.Int)
	if int(sz) > g.maxList {
		return 0, g.sizeErr("list", int(sz), g.maxList)
	}
	total := 0
	for i := types.Int(0); i < sz; i++ {
		if s, ok := l.Get(i).(types.String); ok {
			total += len(s)
		}
		if i > 0 {
			total += len(sep)
		}
		if total > g.maxString {
			return 0, g.sizeErr("string", total, g.maxString)
		}
	}
	return strCost(total) + uint64(sz), nil
}

func listRange(g *guard, _ *interpreter.ExecutionFrame, args []ref.Val) (uint64, ref.Val) {
	n, ok := args[0].(types.Int)
	if !ok {
		return 0, nil
	}
	if n > types.Int(g.maxList) {
		return 0, g.sizeErr("list", int(n), g.maxList)
	}
	return uint64(max(n, 0)), nil
}

// listItems charges one unit per item of the list argument.
func listItems(g *guard, _ *interpreter.ExecutionFrame, args []ref.Val) (uint64, ref.Val) {
	n, _ := listSize(args[0])
	return uint64(n), nil
}

// sorting charges n log n comparisons on top of the walk.
func sorting(g *guard, f *interpreter.ExecutionFrame, args []ref.Val) (uint64, ref.Val) {
	c, errVal := walk(0)(g, f, args)
	if errVal != nil {
		return 0, errVal
	}
	n, _ := listSize(args[0])
	lg := uint64(1)
	for x := n; x > 1; x >>= 1 {
		lg++
	}
	return c + uint64(n)*lg, nil
}

// setOps compares every item of one list with every item of the other.
func setOps(g *guard, f *interpreter.ExecutionFrame, args []ref.Val) (uint64, ref.Val) {
	c, errVal := walk(0, 1)(g, f, args)
	if errVal != nil {
		return 0, errVal
	}
	n, _ := listSize(args[0])
	m, _ := listSize(args[1])
	return c + uint64(n)*uint64(m), nil
}

// guardedFunctions maps function names to their cost models. Functions
// not named here are constant time or already bounded by the caps on
// their arguments.
var guardedFunctions = map[string]model{
	operators.Add:       concat,
	operators.Equals:    equality,
	operators.NotEquals: equality,
	operators.In:        walk(1),
	// ext.Strings
	"replace":       replace,
	"split":         split,
	"join":          join,
	"indexOf":       search,
	"lastIndexOf":   search,
	"contains":      stringScan,
	"startsWith":    stringScan,
	"endsWith":      stringScan,
	"matches":       stringScan,
	"lowerAscii":    stringScan,
	"upperAscii":    stringScan,
	"trim":          stringScan,
	"reverse":       walk(0),
	"substring":     stringScan,
	"charAt":        stringScan,
	"strings.quote": stringScan,
	"format":        walk(0, 1),
	// ext.Lists and ext.Sets
	"lists.range":           listRange,
	"flatten":               walk(0),
	"distinct":              sorting,
	"sort":                  sorting,
	"@sortByAssociatedKeys": sorting,
	"slice":                 listItems,
	"sets.contains":         setOps,
	"sets.equivalent":       setOps,
	"sets.intersects":       setOps,
	// ext.Math over lists
	"math.greatest": listItems,
	"math.least":    listItems,
	// ours
	"decimals.sum": listItems,
	"decimals.max": listItems,
	"decimals.min": listItems,
}

// decorate wraps the calls named in guardedFunctions.
func (g *guard) decorate(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
	call, ok := i.(interpreter.InterpretableCall)
	if !ok {
		return i, nil
	}
	m := guardedFunctions[call.Function()]
	if m == nil {
		return i, nil
	}
	gc := &guardedCall{InterpretableCall: call, g: g, model: m, args: call.Args()}
	switch call.Function() {
	case operators.Equals:
		gc.eq = 1
	case operators.NotEquals:
		gc.eq = 2
	default:
		ov := g.impls[call.OverloadID()]
		if ov == nil {
			ov = g.impls[call.Function()]
		}
		if ov == nil || ov.Async != nil || ov.LateBound || ov.NonStrict {
			return i, nil
		}
		gc.ov = ov
	}
	return gc, nil
}

// guardedCall evaluates a call's arguments, charges and checks its cost
// model, then dispatches to the implementation the planner would have
// used, and checks the size of the result.
type guardedCall struct {
	interpreter.InterpretableCall
	g     *guard
	model model
	args  []interpreter.InterpretableV2
	ov    *functions.Overload
	eq    int // 1 for ==, 2 for !=
}

// Exec implements interpreter.InterpretableV2.
func (c *guardedCall) Exec(f *interpreter.ExecutionFrame) ref.Val {
	if c.eq != 0 && c.g.scalarEq {
		return c.execEquality(f)
	}
	args := make([]ref.Val, 0, len(c.args))
	for _, a := range c.args {
		v := a.Exec(f)
		if types.IsUnknownOrError(v) {
			return v
		}
		args = append(args, v)
	}
	return c.apply(f, args)
}

// execEquality is Exec for == and !=. Comparing two scalars needs no
// walk, and what cel-go charges for it is known (see chargeEquality), so
// it is charged here without the argument slice the tracker would keep
// on the heap; a string field is not even boxed. Anything else takes the
// general path.
func (c *guardedCall) execEquality(f *interpreter.ExecutionFrame) ref.Val {
	var a0 ref.Val
	if fr, ok := c.args[0].(*fieldRead); ok && !fr.test && fr.steps[len(fr.steps)-1].typed.str != nil {
		// A string field compared with a string: no need to box it.
		s, v, ok := fr.readText(f)
		if !ok {
			a0 = v
		} else {
			a1 := c.args[1].Exec(f)
			if types.IsUnknownOrError(a1) {
				return a1
			}
			if s1, isStr := a1.(types.String); isStr {
				eq := s == string(s1)
				if c.eq == 2 {
					eq = !eq
				}
				c.chargeEquality(f, uint64(utf8.RuneCountInString(s)), uint64(utf8.RuneCountInString(string(s1))))
				return types.Bool(eq)
			}
			return c.equality(f, types.String(s), a1)
		}
	} else {
		a0 = c.args[0].Exec(f)
	}
	if types.IsUnknownOrError(a0) {
		return a0
	}
	a1 := c.args[1].Exec(f)
	if types.IsUnknownOrError(a1) {
		return a1
	}
	return c.equality(f, a0, a1)
}

// equality compares two evaluated operands.
func (c *guardedCall) equality(f *interpreter.ExecutionFrame, a0, a1 ref.Val) ref.Val {
	n0, ok0 := scalarSize(a0)
	n1, ok1 := scalarSize(a1)
	if !ok0 || !ok1 {
		return c.apply(f, []ref.Val{a0, a1})
	}
	res := c.invoke2(a0, a1)
	c.chargeEquality(f, n0, n1)
	return res
}

// chargeEquality charges what cel-go charges for comparing two scalars
// of sizes n0 and n1: a tenth of the smaller size, rounded up, and at
// least 1 (cost model version 1 and later; see guard.scalarEq).
func (c *guardedCall) chargeEquality(f *interpreter.ExecutionFrame, n0, n1 uint64) {
	if t := f.CostTracker(); t != nil {
		for n := max((min(n0, n1)+9)/10, 1); n > 0; n-- {
			t.Qualify(c.ID())
		}
	}
}

// scalarSize is the size cel-go's cost model gives a scalar (a string's
// length in code points, a byte string's in bytes, 1 for a number, bool,
// null or instant); ok is false for anything else.
func scalarSize(v ref.Val) (uint64, bool) {
	switch x := v.(type) {
	case types.String:
		return uint64(utf8.RuneCountInString(string(x))), true
	case types.Bytes:
		return uint64(len(x)), true
	case types.Int, types.Uint, types.Double, types.Bool, types.Null, types.Timestamp, types.Duration, Decimal, periodVal:
		return 1, true
	}
	return 0, false
}

// apply charges and checks the cost model for evaluated arguments, then
// calls the implementation and checks its result.
func (c *guardedCall) apply(f *interpreter.ExecutionFrame, args []ref.Val) ref.Val {
	cost, errVal := c.model(c.g, f, args)
	if errVal != nil {
		return errVal
	}
	charge(f, c.ID(), cost)
	res := c.invoke(args)
	if t := f.CostTracker(); t != nil {
		t.EvalVarArgs(f, c.ID(), c.InterpretableCall, args, res)
	}
	return c.g.checkResult(res)
}

// Eval implements interpreter.Interpretable.
func (c *guardedCall) Eval(a interpreter.Activation) ref.Val {
	return interpreter.EvalActivation(a, c.Exec)
}

func (c *guardedCall) invoke(args []ref.Val) ref.Val {
	if c.eq != 0 {
		return c.invoke2(args[0], args[1])
	}
	ov := c.ov
	if ov.OperandTrait != 0 && !args[0].Type().HasTrait(ov.OperandTrait) {
		return types.NewErr("no such overload: %s", c.Function())
	}
	switch {
	case len(args) == 1 && ov.Unary != nil:
		return ov.Unary(args[0])
	case len(args) == 2 && ov.Binary != nil:
		return ov.Binary(args[0], args[1])
	case ov.Function != nil:
		return ov.Function(args...)
	}
	return types.NewErr("no such overload: %s", c.Function())
}

// invoke2 is == or !=.
func (c *guardedCall) invoke2(a, b ref.Val) ref.Val {
	eq := types.Equal(a, b)
	if c.eq == 2 {
		if b, ok := eq.(types.Bool); ok {
			return !b
		}
	}
	return eq
}

// checkResult refuses lists, maps and strings beyond the caps.
func (g *guard) checkResult(v ref.Val) ref.Val {
	switch x := v.(type) {
	case types.String:
		if len(x) > g.maxString {
			return g.sizeErr("string", len(x), g.maxString)
		}
	case types.Bytes:
		if len(x) > g.maxString {
			return g.sizeErr("bytes value", len(x), g.maxString)
		}
	case traits.Lister:
		if n, ok := x.Size().(types.Int); ok && int(n) > g.maxList {
			return g.sizeErr("list", int(n), g.maxList)
		}
	case traits.Mapper:
		if n, ok := x.Size().(types.Int); ok && int(n) > g.maxList {
			return g.sizeErr("map", int(n), g.maxList)
		}
	}
	return v
}
