package rules

import (
	"reflect"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"
)

// Why field reads: a checked `risk.owner.name` is planned as an attribute
// that resolves `risk` and then applies one qualifier per field through
// cel-go's general machinery (optional and unknown handling, a type
// switch per qualifier, a cost check per step). When each step is a
// field of a declared struct type, fieldReads plans the same reads as a
// loop over the fields' getters: the values, errors and cost charged
// (one per field, one for the attribute) are the ones cel-go's plan
// gives; anything unusual at run time (an unknown, an error or an
// optional value where the variable is) goes to cel-go's plan.

// identAttrType is cel-go's attribute for a checked variable, the only
// kind of attribute fieldReads takes over: it resolves one name and
// qualifies the value, with no namespace to search.
const identAttrType = "*interpreter.identAttribute"

// fieldReads returns the decorator for one checked expression.
func (e *Env) fieldReads(a *ast.AST) interpreter.InterpretableDecoratorV2 {
	var exprs map[int64]ast.Expr // select expressions by ID, built on first use
	provider := e.cel.CELTypeProvider()
	return func(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
		if fr, ok := i.(*fieldRead); ok {
			// A parent selection added a field to the attribute: plan again.
			i = fr.InterpretableAttribute
		}
		attr, ok := i.(interpreter.InterpretableAttribute)
		if !ok {
			return i, nil
		}
		var test bool // a presence test, has(x.f)
		switch reflect.TypeOf(i).String() {
		case "*interpreter.evalAttr":
		case "*interpreter.evalTestOnly":
			test = true
		default:
			return i, nil
		}
		na, ok := attr.Attr().(interpreter.NamespacedAttribute)
		if !ok || reflect.TypeOf(na).String() != identAttrType || len(na.CandidateVariableNames()) != 1 {
			return i, nil
		}
		quals := na.Qualifiers()
		if len(quals) == 0 {
			return i, nil
		}
		if exprs == nil {
			exprs = map[int64]ast.Expr{}
			ast.PostOrderVisit(a.Expr(), ast.NewExprVisitor(func(x ast.Expr) {
				if x.Kind() == ast.SelectKind {
					exprs[x.ID()] = x
				}
			}))
		}
		fr := &fieldRead{InterpretableAttribute: attr, attr: na, name: na.CandidateVariableNames()[0], adapter: attr.Adapter(), test: test}
		for k, q := range quals {
			last := k == len(quals)-1
			cq, ok := q.(interpreter.ConstantQualifier)
			if !ok || q.IsOptional() {
				return attr, nil
			}
			field, ok := cq.Value().(types.String)
			sel, found := exprs[q.ID()]
			if !ok || !found || sel.AsSelect().IsTestOnly() != (test && last) || sel.AsSelect().FieldName() != string(field) {
				return attr, nil
			}
			opType := a.GetType(sel.AsSelect().Operand().ID())
			if opType == nil || opType.Kind() != types.StructKind {
				return attr, nil
			}
			ft, ok := provider.FindStructFieldType(opType.TypeName(), string(field))
			if !ok || ft.GetFrom == nil || ft.IsSet == nil {
				return attr, nil
			}
			fr.steps = append(fr.steps, fieldStep{id: q.ID(), get: ft.GetFrom, isSet: ft.IsSet, typed: e.typed[ft]})
		}
		return fr, nil
	}
}

// fieldRead reads a variable's field (or a field of a field...) of
// declared struct types, or tests the last field's presence. It is still the attribute cel-go planned, for
// whatever inspects or extends the plan; only Exec is its own.
type fieldRead struct {
	interpreter.InterpretableAttribute
	attr    interpreter.NamespacedAttribute
	name    string
	steps   []fieldStep
	adapter types.Adapter
	test    bool // the last step tests presence
}

type fieldStep struct {
	id    int64
	get   func(any) (any, error)
	isSet func(any) bool
	typed typedRead // for decimal and timestamp fields of the layer's object types
}

// Exec implements interpreter.InterpretableV2 as cel-go's attribute
// evaluation does for a variable qualified by struct fields.
func (r *fieldRead) Exec(f *interpreter.ExecutionFrame) ref.Val {
	obj, res, ok := r.upToLast(f)
	switch {
	case !ok:
		return r.InterpretableAttribute.Exec(f)
	case res != nil:
		return res
	}
	return r.last(f, obj)
}

// upToLast resolves the variable and reads every field but the last,
// charging each read, and returns the value the last field is to be read
// from (unwrapped from its CEL value). res is the attribute's error when
// a read failed. ok is false when cel-go's plan must evaluate the
// attribute instead; nothing has been charged then.
func (r *fieldRead) upToLast(f *interpreter.ExecutionFrame) (obj any, res ref.Val, ok bool) {
	obj, found := f.ResolveName(r.name)
	if !found || len(r.attr.Qualifiers()) != len(r.steps) {
		return nil, nil, false
	}
	switch obj.(type) {
	case *types.Err, *types.Unknown, *types.Optional:
		return nil, nil, false
	}
	t := f.CostTracker()
	for _, s := range r.steps[:len(r.steps)-1] {
		if rv, ok := obj.(ref.Val); ok {
			obj = rv.Value()
		}
		v, err := s.get(obj)
		if t != nil {
			t.Qualify(s.id)
		}
		if err != nil {
			res := types.LabelErrNode(r.ID(), types.WrapErr(err))
			if t != nil {
				t.EvalAttribute(r.ID(), r.test, res)
			}
			return nil, res, true
		}
		obj = v
	}
	if rv, ok := obj.(ref.Val); ok {
		obj = rv.Value()
	}
	return obj, nil, true
}

// last reads (or tests) the last field of obj and charges it.
func (r *fieldRead) last(f *interpreter.ExecutionFrame, obj any) ref.Val {
	s := &r.steps[len(r.steps)-1]
	t := f.CostTracker()
	if r.test {
		res := types.Bool(s.isSet(obj))
		if t != nil {
			t.Qualify(s.id)
			t.EvalAttribute(r.ID(), true, res)
		}
		return res
	}
	v, err := s.get(obj)
	if t != nil {
		t.Qualify(s.id)
	}
	var res ref.Val
	if err != nil {
		res = types.LabelErrNode(r.ID(), types.WrapErr(err))
	} else {
		res = r.adapter.NativeToValue(v)
	}
	if t != nil {
		t.EvalAttribute(r.ID(), false, res)
	}
	return res
}

// readText reads a string field as text. When it cannot (ok false), v
// is the value or error the attribute evaluates to, charged.
func (r *fieldRead) readText(f *interpreter.ExecutionFrame) (s string, v ref.Val, ok bool) {
	obj, res, ok := r.upToLast(f)
	switch {
	case !ok:
		return "", r.InterpretableAttribute.Exec(f), false
	case res != nil:
		return "", res, false
	}
	if s, ok = r.steps[len(r.steps)-1].typed.str(obj); !ok {
		return "", r.last(f, obj), false
	}
	r.chargeLast(f)
	return s, nil, true
}

// chargeLast charges what last charges for a read that did not fail.
func (r *fieldRead) chargeLast(f *interpreter.ExecutionFrame) {
	if t := f.CostTracker(); t != nil {
		t.Qualify(r.steps[len(r.steps)-1].id)
		t.EvalAttribute(r.ID(), r.test, nil)
	}
}

// Eval implements interpreter.Interpretable.
func (r *fieldRead) Eval(a interpreter.Activation) ref.Val {
	return interpreter.EvalActivation(a, r.Exec)
}
