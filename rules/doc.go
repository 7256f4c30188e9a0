// Package rules is the CEL layer of the module: environments with an
// exact decimal type and clock-free time helpers, programs compiled once
// and evaluated under bounds, message templates, and rule sets that turn
// conditions into findings.
//
// # Bounds
//
// Every evaluation runs under all of these; hitting one ends it with a
// *LimitError (errors.As) that names the bound, and matches ErrLimit
// (errors.Is). None can be switched off; each can be changed with an
// EnvOption.
//
//   - Expression length, nesting depth and node count, checked when
//     compiling (WithMaxExpressionLength, WithMaxNestingDepth,
//     WithMaxNodes; LimitLength, LimitDepth, LimitNodes).
//   - Cost (WithCostLimit, default DefaultCostLimit; LimitCost). Calls
//     whose work grows with their arguments (concatenation, equality and
//     membership over lists and maps, the string functions, sorting,
//     flattening, set operations, decimals.sum/max/min) are charged in
//     proportion to the size of their arguments before they run, so a
//     single call cannot run for long before the limit is consulted.
//   - Size (WithMaxListSize, default DefaultMaxListSize;
//     WithMaxStringSize, default DefaultMaxStringSize; LimitSize): a list,
//     map or string produced during evaluation, or a rendered message,
//     may not exceed them; when the size is known in advance the call is
//     refused before it builds anything. Values handed in as variables
//     are not capped; what an expression builds from them is.
//   - Decimals: at most MaxDecimalDigits digits and an exponent within
//     MaxDecimalScale (LimitDecimal); numeric strings longer than
//     MaxNumberLength are refused before they are parsed (LimitNumber).
//   - The context: cancellation or a deadline ends an evaluation
//     (LimitContext) within a few comprehension iterations
//     (WithInterruptCheckFrequency); a rule-set run also checks it between
//     subjects.
//
// # Speed
//
// Rule sets and sessions evaluate many programs one after another on one
// goroutine, and for them the layer plans a few kinds of node itself
// rather than leaving them to cel-go: reads and presence tests of
// fields of the object types declared here, calls that cel-go's cost
// model prices at 1, comparisons of a decimal, timestamp or string field
// with a value, and message placeholders that read a string field. Each
// gives the value, the error and the cost that cel-go's plan gives (the
// package's tests compare the two on every kind of expression), without
// the allocations cel-go makes along the way: boxing each field it
// reads, the argument slice of every call it charges, and the
// evaluation details of every evaluation.
package rules
