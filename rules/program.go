package rules

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"
	"github.com/shopspring/decimal"
)

// Value is a CEL value as cel-go represents it.
type Value = ref.Val

// Program is one compiled expression. It is immutable and safe for
// concurrent use: evaluate it from as many goroutines as you like.
//
// The zero Program (and a nil *Program) holds no expression: its Eval
// methods return an error matching ErrZeroValue (use errors.Is), and its
// accessors return zero values. Programs come from Env.Compile.
type Program struct {
	env             *Env // the environment it was compiled in
	id, field, expr string
	prg             cel.Program
	// root is the planned expression, executed directly in a run (see
	// directRoot); nil when only prg may run it.
	root interpreter.InterpretableV2
	// text is root when it reads a string field: a template can take
	// its text unboxed.
	text      *fieldRead
	out       *Type
	costLimit uint64
	loops     bool // has comprehensions: only then can ctx interrupt it
	refs      []string
}

// ID returns the ID the expression was compiled under.
func (p *Program) ID() string {
	if p == nil {
		return ""
	}
	return p.id
}

// Expr returns the expression's source text.
func (p *Program) Expr() string {
	if p == nil {
		return ""
	}
	return p.expr
}

// References returns the names of the variables the expression reads,
// sorted. Comprehension and cel.bind variables are not included.
func (p *Program) References() []string {
	if p == nil {
		return nil
	}
	return slices.Clone(p.refs)
}

// OutputType returns the type the checker inferred for the expression
// (nil for the zero Program).
func (p *Program) OutputType() *Type {
	if p == nil {
		return nil
	}
	return p.out
}

// Activation supplies variable values to an evaluation. *Vars implements
// it; so does any cel-go interpreter.Activation.
type Activation = interpreter.Activation

// Eval evaluates the program with the variables in vars, under the
// environment's cost limit and ctx. Errors are *EvalError values naming
// the program's ID; a bound that was hit is a *LimitError inside. A nil
// ctx is an error matching ErrNilContext; a cancelled one a *LimitError
// naming LimitContext.
func (p *Program) Eval(ctx context.Context, vars Activation) (Value, error) {
	return p.eval(ctx, nil, vars, Subject{})
}

// run is the evaluation state one goroutine of a rule-set run shares
// across all its evaluations: a single execution frame that watches the
// context (cel-go's ContextEval would derive a cancellable context for
// every evaluation) and a single cost tracker whose limit is moved
// forward before each evaluation, so that each still gets the full cost
// limit and none allocates a tracker. A run is not safe for concurrent
// use.
type run struct {
	ctx   context.Context
	frame *interpreter.ExecutionFrame
	limit uint64
}

// newRun starts a run of env's programs whose evaluations read act and
// stop when ctx is done, checking it every interruptEvery comprehension
// iterations.
func newRun(ctx context.Context, act Activation, env *Env) (*run, error) {
	f, err := interpreter.NewExecutionFrame(act)
	if err != nil {
		return nil, err
	}
	if err := f.SetContext(ctx, env.cfg.interruptEvery); err != nil {
		f.Close()
		return nil, err
	}
	t, err := env.tracker.Clone()
	if err != nil {
		f.Close()
		return nil, err
	}
	f.SetCostTracker(t)
	return &run{ctx: ctx, frame: f}, nil
}

// directRoot returns the planned root when executing it on a run's frame
// is what cel-go's Program.Eval would do, and nil otherwise. cel-go's
// own planner steps may still replace a node after the decorators have
// seen it (constant list and map literals, and the calls of
// celReplaces), so a root of those kinds is left to Program.Eval.
func directRoot(root interpreter.InterpretableV2) interpreter.InterpretableV2 {
	switch x := root.(type) {
	case nil, interpreter.InterpretableConstructor:
		return nil
	case interpreter.InterpretableCall:
		if celReplaces(x.Function()) {
			return nil
		}
	}
	return root
}

// exec runs the planned root on the run's frame, as cel-go's Program.Eval
// does with a frame (a cost or interrupt panic becomes an error, an error
// value an error), without the evaluation details it allocates.
func (p *Program) exec(f *interpreter.ExecutionFrame, text bool) (s string, out ref.Val, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, out = "", nil
			switch t := r.(type) {
			case interpreter.EvalCancelledError:
				err = t
			case cost.LimitExceededError:
				err = interpreter.EvalCancelledError{Cause: interpreter.CostLimitExceeded, Message: t.Message}
			default:
				err = fmt.Errorf("internal error: %v", r)
			}
		}
	}()
	if text {
		var ok bool
		if s, out, ok = p.text.readText(f); ok {
			return s, nil, nil
		}
	} else {
		out = p.root.Exec(f)
	}
	if e, ok := out.(*types.Err); ok {
		return "", nil, e
	}
	return "", out, nil
}

func (r *run) close() { r.frame.Close() }

// eval evaluates p in the run r when there is one, else on its own.
func (p *Program) eval(ctx context.Context, r *run, vars Activation, subj Subject) (Value, error) {
	_, v, err := p.evalText(ctx, r, vars, subj, false)
	return v, err
}

// evalText is eval; when text is set, a string field read in a run may
// come back as its text (v nil) rather than a CEL value, unboxed.
func (p *Program) evalText(ctx context.Context, r *run, vars Activation, subj Subject, text bool) (s string, v Value, _ error) {
	if p == nil || p.prg == nil {
		return "", nil, fmt.Errorf("rules: evaluate: %w", ErrZeroValue)
	}
	if ctx == nil {
		return "", nil, &EvalError{ID: p.id, Field: p.field, Subject: subj, Err: ErrNilContext}
	}
	if err := ctx.Err(); err != nil {
		return "", nil, &EvalError{ID: p.id, Field: p.field, Subject: subj, Err: &LimitError{Limit: LimitContext, Cause: context.Cause(ctx)}}
	}
	var out ref.Val
	var err error
	switch {
	case r != nil:
		if t := r.frame.CostTracker(); t != nil {
			r.limit = t.ActualCost() + p.costLimit
			t.Limit = &r.limit
		}
		if p.root != nil {
			s, out, err = p.exec(r.frame, text && p.text != nil)
		} else {
			out, _, err = p.prg.Eval(r.frame)
		}
	case p.loops:
		if vars == nil {
			vars = emptyVars
		}
		out, _, err = p.prg.ContextEval(ctx, vars)
	default:
		// cel-go checks the context only inside comprehensions, and
		// watching it costs allocations per evaluation; a program without
		// loops is bounded by its size and the guard's caps, so the check
		// above is all it needs.
		if vars == nil {
			vars = emptyVars
		}
		out, _, err = p.prg.Eval(vars)
	}
	if err != nil {
		return "", nil, &EvalError{ID: p.id, Field: p.field, Subject: subj, Err: p.classify(ctx, err)}
	}
	return s, out, nil
}

func (p *Program) classify(ctx context.Context, err error) error {
	var cancelled interpreter.EvalCancelledError
	if errors.As(err, &cancelled) {
		switch cancelled.Cause {
		case interpreter.CostLimitExceeded:
			return &LimitError{Limit: LimitCost, Value: p.costLimit}
		case interpreter.ContextCancelled:
			return &LimitError{Limit: LimitContext, Cause: context.Cause(ctx)}
		}
	}
	if errors.Is(err, interpreter.InterruptError{}) {
		return &LimitError{Limit: LimitContext, Cause: context.Cause(ctx)}
	}
	var le *LimitError
	if errors.As(err, &le) {
		return le
	}
	return err
}

// EvalBool evaluates a program that yields a bool.
func (p *Program) EvalBool(ctx context.Context, vars Activation) (bool, error) {
	return evalAs[bool](p, ctx, vars, Subject{})
}

// EvalString evaluates a program that yields a string.
func (p *Program) EvalString(ctx context.Context, vars Activation) (string, error) {
	return evalAs[string](p, ctx, vars, Subject{})
}

// EvalInt evaluates a program that yields an int.
func (p *Program) EvalInt(ctx context.Context, vars Activation) (int64, error) {
	return evalAs[int64](p, ctx, vars, Subject{})
}

// EvalDecimal evaluates a program that yields a decimal or an int.
func (p *Program) EvalDecimal(ctx context.Context, vars Activation) (decimal.Decimal, error) {
	return evalAs[decimal.Decimal](p, ctx, vars, Subject{})
}

func evalAs[T any](p *Program, ctx context.Context, vars Activation, subj Subject) (T, error) {
	return evalIn[T](p, ctx, nil, vars, subj)
}

func evalIn[T any](p *Program, ctx context.Context, r *run, vars Activation, subj Subject) (T, error) {
	var zero T
	v, err := p.eval(ctx, r, vars, subj)
	if err != nil {
		return zero, err
	}
	out, ok := convertOut[T](v)
	if !ok {
		return zero, &EvalError{ID: p.id, Field: p.field, Subject: subj,
			Err: fmt.Errorf("expression yielded %s, want %s", v.Type().TypeName(), typeName[T]())}
	}
	return out, nil
}

func convertOut[T any](v ref.Val) (T, bool) {
	var zero T
	var r any
	switch any(zero).(type) {
	case bool:
		b, ok := v.(types.Bool)
		if !ok {
			return zero, false
		}
		r = bool(b)
	case string:
		s, ok := v.(types.String)
		if !ok {
			return zero, false
		}
		r = string(s)
	case int64:
		i, ok := v.(types.Int)
		if !ok {
			return zero, false
		}
		r = int64(i)
	case decimal.Decimal:
		switch d := v.(type) {
		case Decimal:
			r = d.D
		case types.Int:
			r = decimal.NewFromInt(int64(d))
		default:
			return zero, false
		}
	case time.Time:
		t, ok := v.(types.Timestamp)
		if !ok {
			return zero, false
		}
		r = t.Time
	default:
		return zero, false
	}
	return r.(T), true
}

func typeName[T any]() string {
	var zero T
	switch any(zero).(type) {
	case bool:
		return "bool"
	case string:
		return "string"
	case int64:
		return "int"
	case decimal.Decimal:
		return "decimal"
	case time.Time:
		return "timestamp"
	}
	return fmt.Sprintf("%T", zero)
}
