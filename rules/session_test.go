package rules

import (
	"context"
	"errors"
	"testing"

	"github.com/shopspring/decimal"
)

// loopVars is an Activation whose n a test changes between evaluations.
type loopVars struct{ n int64 }

func (v *loopVars) ResolveName(name string) (any, bool) {
	if name == "n" {
		return v.n, true
	}
	return nil, false
}

func (v *loopVars) Parent() Activation { return nil }

// TestSession: a session gives what Eval gives while the Activation
// changes under it, gives each evaluation the whole cost limit, stops on
// a cancelled context, and refuses what it cannot run.
func TestSession(t *testing.T) {
	env, err := NewEnv(Variable("n", IntType), WithCostLimit(200))
	if err != nil {
		t.Fatal(err)
	}
	double, err := env.Compile("double", "expr", `decimal(n) * decimal("2.5")`, nil)
	if err != nil {
		t.Fatal(err)
	}
	// About 100 units of cost: far from the limit once, over it if the
	// session let the cost of earlier evaluations count.
	loop, err := env.Compile("loop", "expr", `[1,2,3,4,5,6,7,8,9,10].all(x, x + n > 0)`, BoolType)
	if err != nil {
		t.Fatal(err)
	}
	vars := &loopVars{}
	s, err := env.NewSession(context.Background(), vars)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range int64(50) {
		vars.n = i
		got, err := s.EvalDecimal(double)
		if err != nil {
			t.Fatal(err)
		}
		want, err := double.EvalDecimal(context.Background(), vars)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(want) || !got.Equal(decimal.New(25*i, -1)) {
			t.Fatalf("n=%d: session %s, Eval %s", i, got, want)
		}
		if ok, err := s.EvalBool(loop); err != nil || !ok {
			t.Fatalf("n=%d: evaluation %d of a program well within the limit: %v, %v", i, i, ok, err)
		}
	}

	// Over the limit in one evaluation is still a cost limit error.
	heavy, err := env.Compile("heavy", "expr", `[1,2,3,4,5,6,7,8,9,10].map(x, [1,2,3,4,5,6,7,8,9,10].map(y, x * y + n)).size() > 0`, BoolType)
	if err != nil {
		t.Fatal(err)
	}
	var le *LimitError
	if _, err := s.EvalBool(heavy); !errors.As(err, &le) || le.Limit != LimitCost {
		t.Errorf("over the cost limit: want a cost LimitError, got %v", err)
	}

	// A cancelled context stops the session's evaluations.
	ctx, cancel := context.WithCancel(context.Background())
	cs, err := env.NewSession(ctx, vars)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	cancel()
	if _, err := cs.EvalBool(loop); !errors.As(err, &le) || le.Limit != LimitContext {
		t.Errorf("cancelled: want a context LimitError, got %v", err)
	}

	// A program of another environment, zero values and nil contexts.
	other, err := NewEnv(Variable("n", IntType))
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := other.Compile("foreign", "expr", `n > 0`, BoolType)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.EvalBool(foreign); err == nil {
		t.Error("a program of another environment ran in the session")
	}
	if _, err := s.EvalBool(&Program{}); !errors.Is(err, ErrZeroValue) {
		t.Errorf("zero Program: %v", err)
	}
	var zero Session
	if _, err := zero.EvalBool(loop); !errors.Is(err, ErrZeroValue) {
		t.Errorf("zero Session: %v", err)
	}
	if _, err := (&Env{}).NewSession(context.Background(), vars); !errors.Is(err, ErrZeroValue) {
		t.Errorf("zero Env: %v", err)
	}
	//lint:ignore SA1012 a nil context is what is tested
	if _, err := env.NewSession(nil, vars); !errors.Is(err, ErrNilContext) { //nolint:staticcheck
		t.Errorf("nil context: %v", err)
	}
	closed, err := env.NewSession(context.Background(), vars)
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	closed.Close()
	if _, err := closed.EvalBool(loop); !errors.Is(err, ErrZeroValue) {
		t.Errorf("closed Session: %v", err)
	}
}
