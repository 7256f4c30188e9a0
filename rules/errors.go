package rules

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Callers test for them with errors.Is; the concrete
// errors carry more detail and are found with errors.As.
var (
	// ErrLimit is matched by every *LimitError: an evaluation or a
	// compilation stopped because it hit one of the layer's bounds.
	ErrLimit = errors.New("rules: limit exceeded")
	// ErrCompile is matched by every *CompileError and CompileErrors.
	ErrCompile = errors.New("rules: compile error")
	// ErrEval is matched by every *EvalError.
	ErrEval = errors.New("rules: evaluation error")
	// ErrZeroValue is returned (wrapped; use errors.Is) by the methods of
	// a zero or nil Env, Program, Template or RuleSet: those are built
	// with NewEnv, Env.Compile, Env.CompileTemplate and CompileRules.
	ErrZeroValue = errors.New("rules: zero value (build it with its constructor)")
	// ErrNilContext is returned (wrapped; use errors.Is) when an
	// evaluation is given a nil context.Context.
	ErrNilContext = errors.New("rules: nil context")
)

// Limit names a bound that an expression can hit.
type Limit string

// The limits the layer enforces. Each ends a compilation or an evaluation
// with a *LimitError naming it.
const (
	LimitCost    Limit = "cost"    // runtime cost of one evaluation (WithCostLimit)
	LimitContext Limit = "context" // the caller's context was cancelled or timed out
	LimitLength  Limit = "length"  // expression length in code points (WithMaxExpressionLength)
	LimitDepth   Limit = "depth"   // nesting depth of the expression (WithMaxNestingDepth)
	LimitNodes   Limit = "nodes"   // number of nodes after macro expansion
	LimitDecimal Limit = "decimal" // a decimal value grew beyond MaxDecimalDigits or its scale bound
	LimitSize    Limit = "size"    // a list, map or string produced during evaluation grew beyond WithMaxListSize or WithMaxStringSize, or a value was too large to traverse
	LimitNumber  Limit = "number"  // a numeric string is longer than MaxNumberLength
)

// LimitError reports that a bound was hit. It matches ErrLimit with
// errors.Is and, for LimitContext, also the context's own error.
type LimitError struct {
	Limit Limit  // which bound
	Value uint64 // the configured bound, when it is a number (0 otherwise)
	Cause error  // the underlying error, if any
}

// Error names the limit, its configured value and the cause.
func (e *LimitError) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Limit))
	b.WriteString(" limit exceeded")
	if e.Value > 0 {
		fmt.Fprintf(&b, " (limit %d)", e.Value)
	}
	if e.Cause != nil {
		b.WriteString(": ")
		b.WriteString(e.Cause.Error())
	}
	return b.String()
}

// Is reports whether target is ErrLimit.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// Unwrap returns the cause.
func (e *LimitError) Unwrap() error { return e.Cause }

// ErrorCode classifies a compile error.
type ErrorCode string

// Compile error codes.
const (
	CodeSyntax ErrorCode = "syntax" // the expression does not parse
	CodeType   ErrorCode = "type"   // the expression parses but does not type-check, or has the wrong result type
	CodeLimit  ErrorCode = "limit"  // the expression is too long, too deep or too large
	CodeRule   ErrorCode = "rule"   // the rule definition itself is wrong (missing ID, duplicate, unknown subjects)
)

// CompileError is one problem found while compiling an expression. Line
// and Column are 1-based positions inside Expr (0 when unknown).
type CompileError struct {
	Code    ErrorCode // what kind of problem
	ID      string    // the rule, criterion or expression ID the caller gave
	Field   string    // which expression of the owner, e.g. "condition" or "message"
	Expr    string    // the expression text
	Line    int       // 1-based line in Expr
	Column  int       // 1-based column in Expr, in code points
	Message string    // what is wrong
}

// Error returns "id.field:line:column: message".
func (e *CompileError) Error() string {
	var b strings.Builder
	if e.ID != "" {
		b.WriteString(e.ID)
	}
	if e.Field != "" {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(e.Field)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Is reports whether target is ErrCompile, or ErrLimit for CodeLimit errors.
func (e *CompileError) Is(target error) bool {
	return target == ErrCompile || (target == ErrLimit && e.Code == CodeLimit)
}

// Unwrap returns, for a CodeLimit error, a *LimitError naming the bound
// (LimitLength, LimitDepth or LimitNodes), so that errors.As finds a
// *LimitError whether a bound stopped the compilation or the evaluation.
// It returns nil for other codes.
func (e *CompileError) Unwrap() error {
	if e.Code != CodeLimit {
		return nil
	}
	l := LimitNodes
	switch {
	case strings.Contains(e.Message, "code points long"):
		l = LimitLength
	case strings.Contains(e.Message, "recursion"), strings.Contains(e.Message, "nesting"):
		l = LimitDepth
	}
	return &LimitError{Limit: l, Cause: errors.New(e.Message)}
}

// CompileErrors is every problem found while compiling a set of
// expressions, in the order of the input. It is never empty when returned
// as an error.
type CompileErrors []*CompileError

// Error returns one line per error.
func (es CompileErrors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the individual errors, so that errors.As finds a
// *CompileError and errors.Is finds ErrCompile.
func (es CompileErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// EvalError reports that evaluating an expression failed. It names the
// rule (or expression ID) and the subject it was evaluated for.
type EvalError struct {
	ID      string  // rule or expression ID
	Field   string  // which expression of the rule, e.g. "condition"
	Subject Subject // the subject evaluated; zero when there is none
	Err     error   // the cause; a *LimitError when a bound was hit
}

// Error returns "id.field on subject: cause".
func (e *EvalError) Error() string {
	var b strings.Builder
	b.WriteString(e.ID)
	if e.Field != "" {
		b.WriteByte('.')
		b.WriteString(e.Field)
	}
	if e.Subject != (Subject{}) {
		b.WriteString(" on ")
		b.WriteString(e.Subject.String())
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Is reports whether target is ErrEval.
func (e *EvalError) Is(target error) bool { return target == ErrEval }

// Unwrap returns the cause.
func (e *EvalError) Unwrap() error { return e.Err }
