package rules

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"
)

// Session evaluates programs of one environment one after another on one
// goroutine, all reading the same Activation, under one context. It
// keeps the evaluation state a plain Eval sets up and drops each time (a
// frame that watches the context and a cost tracker), so that a caller
// evaluating the same few programs over many values, changing the
// Activation's contents between evaluations, allocates nothing for it.
// Each evaluation still gets the program's full cost limit, and a
// cancelled context still stops it.
//
// A Session is not safe for concurrent use; make one per goroutine, and
// Close it when done. The zero Session is not usable: its Eval methods
// return an error matching ErrZeroValue.
type Session struct {
	env  *Env
	ctx  context.Context
	vars Activation
	r    *run
}

// NewSession starts a session whose evaluations read vars and stop when
// ctx is done. A nil ctx is an error matching ErrNilContext, a zero Env
// one matching ErrZeroValue.
func (e *Env) NewSession(ctx context.Context, vars Activation) (*Session, error) {
	if e == nil || e.cel == nil {
		return nil, fmt.Errorf("rules: session: %w", ErrZeroValue)
	}
	if ctx == nil {
		return nil, fmt.Errorf("rules: session: %w", ErrNilContext)
	}
	if vars == nil {
		vars = emptyVars
	}
	r, err := newRun(ctx, vars, e)
	if err != nil {
		return nil, fmt.Errorf("rules: session: %w", err)
	}
	return &Session{env: e, ctx: ctx, vars: vars, r: r}, nil
}

// Close releases the session's evaluation state. A closed session must
// not be used again.
func (s *Session) Close() {
	if s != nil && s.r != nil {
		s.r.close()
		s.r = nil
	}
}

// use returns the run p may be evaluated in, or an error when p is of
// another environment or the session is not usable.
func (s *Session) use(p *Program) (*run, error) {
	if s == nil || s.r == nil {
		return nil, fmt.Errorf("rules: session: %w", ErrZeroValue)
	}
	if p == nil || p.prg == nil {
		return nil, fmt.Errorf("rules: evaluate: %w", ErrZeroValue)
	}
	if p.env != s.env {
		return nil, fmt.Errorf("rules: session: program %q was compiled in another environment", p.id)
	}
	return s.r, nil
}

// Eval evaluates p, as Program.Eval does with the session's context and
// Activation.
func (s *Session) Eval(p *Program) (Value, error) {
	r, err := s.use(p)
	if err != nil {
		return nil, err
	}
	return p.eval(s.ctx, r, s.vars, Subject{})
}

// EvalBool evaluates a program that yields a bool.
func (s *Session) EvalBool(p *Program) (bool, error) { return sessionEval[bool](s, p) }

// EvalString evaluates a program that yields a string.
func (s *Session) EvalString(p *Program) (string, error) { return sessionEval[string](s, p) }

// EvalDecimal evaluates a program that yields a decimal or an int.
func (s *Session) EvalDecimal(p *Program) (decimal.Decimal, error) {
	return sessionEval[decimal.Decimal](s, p)
}

func sessionEval[T any](s *Session, p *Program) (T, error) {
	r, err := s.use(p)
	if err != nil {
		var zero T
		return zero, err
	}
	return evalIn[T](p, s.ctx, r, s.vars, Subject{})
}
