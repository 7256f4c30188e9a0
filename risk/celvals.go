package risk

import (
	"fmt"
	"reflect"
	"slices"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
)

// Names of the variables the criteria's rules see (see Criteria).
const (
	varLikelihood   = "likelihood"
	varConsequences = "consequences"
	varConsequence  = "consequence"
	varScore        = "score"
	varFrequency    = "frequency"
	varMagnitude    = "magnitude"
	varALE          = "ale"
	varAttributes   = "attributes"
	varLevel        = "level"
	varRank         = "rank"
)

var zeroVal ref.Val = rules.Decimal{D: decimal.Zero}

// activation supplies the rules' variables for one evaluation. One
// activation per worker is reused for every rating, so that evaluating a
// risk allocates no activation; decimals are boxed into CEL values only
// when a rule reads them, and at most once per rating.
type activation struct {
	asOf ref.Val

	likD, consD, scoreD, freqD, magD, aleD decimal.Decimal
	lik, cons, score, freq, mag, ale       ref.Val

	// The consequences map is built from the prepared rating only when a
	// rule reads it.
	e         *Engine
	prep      *prepared
	consMap   orderedMap
	consBuilt bool

	attrs     map[string]Attr
	attrMap   orderedMap
	attrBuilt bool

	level, rank ref.Val
}

// reset forgets everything of the previous rating except asOf.
func (a *activation) reset(attrs map[string]Attr) {
	a.lik, a.cons, a.score, a.freq, a.mag, a.ale = nil, nil, nil, zeroVal, zeroVal, zeroVal
	a.freqD, a.magD, a.aleD = decimal.Zero, decimal.Zero, decimal.Zero
	a.prep, a.consBuilt = nil, false
	a.attrs = attrs
	a.attrBuilt = false
	a.level, a.rank = nil, nil
}

func boxed(slot *ref.Val, d decimal.Decimal) ref.Val {
	if *slot == nil {
		*slot = rules.Decimal{D: d}
	}
	return *slot
}

// ResolveName implements rules.Activation.
func (a *activation) ResolveName(name string) (any, bool) {
	switch name {
	case varLikelihood:
		return boxed(&a.lik, a.likD), true
	case varConsequence:
		return boxed(&a.cons, a.consD), true
	case varScore:
		return boxed(&a.score, a.scoreD), true
	case varConsequences:
		if !a.consBuilt {
			a.buildConsequences()
		}
		return &a.consMap, true
	case varFrequency:
		return boxed(&a.freq, a.freqD), true
	case varMagnitude:
		return boxed(&a.mag, a.magD), true
	case varALE:
		return boxed(&a.ale, a.aleD), true
	case varAttributes:
		if !a.attrBuilt {
			a.buildAttrs()
		}
		return &a.attrMap, true
	case rules.AsOfVar:
		return a.asOf, a.asOf != nil
	case varLevel:
		return a.level, a.level != nil
	case varRank:
		return a.rank, a.rank != nil
	}
	return nil, false
}

// Parent implements rules.Activation.
func (a *activation) Parent() rules.Activation { return nil }

func (a *activation) buildConsequences() {
	m := &a.consMap
	m.keys = m.keys[:0]
	m.vals = m.vals[:0]
	if a.prep != nil {
		for _, dv := range a.prep.dims {
			d := &a.e.dims[dv.dim]
			var v ref.Val
			if dv.idx >= 0 {
				v = d.scale.vals[dv.idx]
			} else {
				v = rules.Decimal{D: dv.val}
			}
			m.keys = append(m.keys, d.id)
			m.vals = append(m.vals, v)
		}
	}
	a.consBuilt = true
}

func (a *activation) buildAttrs() {
	m := &a.attrMap
	m.keys = m.keys[:0]
	m.vals = m.vals[:0]
	for k := range a.attrs {
		m.keys = append(m.keys, k)
	}
	slices.Sort(m.keys)
	for _, k := range m.keys {
		m.vals = append(m.vals, attrVal(a.attrs[k]))
	}
	a.attrBuilt = true
}

func attrVal(v Attr) ref.Val {
	switch x := v.Value().(type) {
	case decimal.Decimal:
		return rules.Decimal{D: x}
	case bool:
		return types.Bool(x)
	case string:
		return types.String(x)
	}
	return types.NullValue
}

// orderedMap is a CEL map(string, V) over parallel slices of keys and
// values. It iterates in slice order, so that comprehensions over it
// (consequences.map(k, ...)) see the same order on every run.
type orderedMap struct {
	keys []string
	vals []ref.Val
}

var _ traits.Mapper = (*orderedMap)(nil)

func (m *orderedMap) index(k string) int {
	for i, x := range m.keys {
		if x == k {
			return i
		}
	}
	return -1
}

// Find implements traits.Mapper.
func (m *orderedMap) Find(key ref.Val) (ref.Val, bool) {
	s, ok := key.(types.String)
	if !ok {
		return types.MaybeNoSuchOverloadErr(key), false
	}
	if i := m.index(string(s)); i >= 0 {
		return m.vals[i], true
	}
	return nil, false
}

// Contains implements traits.Container.
func (m *orderedMap) Contains(key ref.Val) ref.Val {
	v, found := m.Find(key)
	if !found && v != nil {
		return v
	}
	return types.Bool(found)
}

// Get implements traits.Indexer.
func (m *orderedMap) Get(key ref.Val) ref.Val {
	v, found := m.Find(key)
	if found {
		return v
	}
	if v != nil {
		return v
	}
	return types.NewErr("no such key: %v", key)
}

// Size implements traits.Sizer.
func (m *orderedMap) Size() ref.Val { return types.Int(len(m.keys)) }

// Iterator implements traits.Iterable.
func (m *orderedMap) Iterator() traits.Iterator { return &keyIter{keys: m.keys} }

// ConvertToNative implements ref.Val.
func (m *orderedMap) ConvertToNative(t reflect.Type) (any, error) {
	if t.Kind() == reflect.Interface || t == reflect.TypeFor[map[string]any]() {
		out := make(map[string]any, len(m.keys))
		for i, k := range m.keys {
			out[k] = m.vals[i].Value()
		}
		return out, nil
	}
	return nil, fmt.Errorf("type conversion error from map to %v", t)
}

// ConvertToType implements ref.Val.
func (m *orderedMap) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case types.MapType:
		return m
	case types.TypeType:
		return types.MapType
	}
	return types.NewErr("type conversion error from map to %s", t.TypeName())
}

// Equal implements ref.Val.
func (m *orderedMap) Equal(other ref.Val) ref.Val {
	o, ok := other.(traits.Mapper)
	if !ok {
		return types.False
	}
	if o.Size() != m.Size() {
		return types.False
	}
	for i, k := range m.keys {
		v, found := o.Find(types.String(k))
		if !found || v.Equal(m.vals[i]) != types.True {
			return types.False
		}
	}
	return types.True
}

// Type implements ref.Val.
func (m *orderedMap) Type() ref.Type { return types.MapType }

// Value implements ref.Val.
func (m *orderedMap) Value() any { return m }

type keyIter struct {
	keys []string
	i    int
}

func (it *keyIter) HasNext() ref.Val { return types.Bool(it.i < len(it.keys)) }
func (it *keyIter) Next() ref.Val {
	if it.i >= len(it.keys) {
		return nil
	}
	k := it.keys[it.i]
	it.i++
	return types.String(k)
}
func (it *keyIter) ConvertToNative(reflect.Type) (any, error) {
	return nil, fmt.Errorf("type conversion on iterators not supported")
}
func (it *keyIter) ConvertToType(ref.Type) ref.Val { return types.NewErr("no such overload") }
func (it *keyIter) Equal(ref.Val) ref.Val          { return types.NewErr("no such overload") }
func (it *keyIter) Type() ref.Type                 { return types.IteratorType }
func (it *keyIter) Value() any                     { return nil }
