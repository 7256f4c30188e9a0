package rules

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"github.com/shopspring/decimal"
)

// Type is a CEL type, as used to declare variables and fields.
type Type = cel.Type

// CEL types for declarations. DecimalType and PeriodType are the layer's
// own; ListType and MapType build the aggregate types.
var (
	StringType    = cel.StringType
	IntType       = cel.IntType
	BoolType      = cel.BoolType
	TimestampType = cel.TimestampType
	DynType       = cel.DynType
)

// ListType returns the CEL type list(elem).
func ListType(elem *Type) *Type { return cel.ListType(elem) }

// MapType returns the CEL type map(key, value).
func MapType(key, value *Type) *Type { return cel.MapType(key, value) }

// Field describes one field of a Go struct T as CEL sees it: a name, a CEL
// type, and a getter that reads it from a *T. Build fields with
// StringField, IntField, DecimalField and the other constructors; the
// getters are plain functions, so reading a field costs a function call
// and no reflection.
type Field[T any] struct {
	deps  []ObjectDesc
	name  string
	typ   *Type
	get   func(*T) any
	isSet func(*T) bool
	// wrap turns the getter's result into a CEL value for dynamic access
	// (checked expressions read raw values through GetFrom).
	wrap func(any) ref.Val
	// dec, tm and str read a field unboxed (see typedRead).
	dec func(*T) decimal.Decimal
	tm  func(*T) time.Time
	str func(*T) string
}

// StringField declares a string field.
func StringField[T any](name string, get func(*T) string) Field[T] {
	return Field[T]{name: name, typ: StringType,
		get:   func(p *T) any { return types.String(get(p)) },
		isSet: func(p *T) bool { return get(p) != "" }, str: get}
}

// IntField declares an int field.
func IntField[T any](name string, get func(*T) int64) Field[T] {
	return Field[T]{name: name, typ: IntType,
		get:   func(p *T) any { return types.Int(get(p)) },
		isSet: func(p *T) bool { return get(p) != 0 }}
}

// BoolField declares a bool field.
func BoolField[T any](name string, get func(*T) bool) Field[T] {
	return Field[T]{name: name, typ: BoolType,
		get:   func(p *T) any { return types.Bool(get(p)) },
		isSet: get}
}

// DecimalField declares a decimal field: a decimal.Decimal arrives in CEL
// as the decimal type.
func DecimalField[T any](name string, get func(*T) decimal.Decimal) Field[T] {
	return Field[T]{name: name, typ: DecimalType,
		get:   func(p *T) any { return Decimal{get(p)} },
		isSet: func(p *T) bool { return !get(p).IsZero() }, dec: get}
}

// TimeField declares a timestamp field. A zero time.Time is "not set" for
// has(), and reads as the zero timestamp.
func TimeField[T any](name string, get func(*T) time.Time) Field[T] {
	return Field[T]{name: name, typ: TimestampType,
		get:   func(p *T) any { return types.Timestamp{Time: get(p)} },
		isSet: func(p *T) bool { return !get(p).IsZero() }, tm: get}
}

// PeriodField declares a period field.
func PeriodField[T any](name string, get func(*T) Period) Field[T] {
	return Field[T]{name: name, typ: PeriodType,
		get:   func(p *T) any { return periodVal{get(p)} },
		isSet: func(p *T) bool { return !get(p).IsZero() }}
}

// StringListField declares a list(string) field.
func StringListField[T any](name string, get func(*T) []string) Field[T] {
	return Field[T]{name: name, typ: ListType(StringType),
		get:   func(p *T) any { return get(p) },
		isSet: func(p *T) bool { return len(get(p)) > 0 }}
}

// StringMapField declares a map(string, string) field.
func StringMapField[T any](name string, get func(*T) map[string]string) Field[T] {
	return Field[T]{name: name, typ: MapType(StringType, StringType),
		get:   func(p *T) any { return get(p) },
		isSet: func(p *T) bool { return len(get(p)) > 0 }}
}

// ObjectField declares a field holding another registered object type.
// A nil pointer reads as null and is "not set" for has().
func ObjectField[T, U any](name string, of *ObjectType[U], get func(*T) *U) Field[T] {
	return Field[T]{name: name, typ: of.Type(), deps: []ObjectDesc{of},
		get: func(p *T) any {
			if u := get(p); u != nil {
				return u
			}
			return types.NullValue
		},
		isSet: func(p *T) bool { return get(p) != nil },
		wrap: func(v any) ref.Val {
			if u, ok := v.(*U); ok {
				return &objectVal[U]{p: u, o: of}
			}
			return plainAdapter.NativeToValue(v)
		}}
}

// ObjectListField declares a list field of another registered object type.
func ObjectListField[T, U any](name string, of *ObjectType[U], get func(*T) []U) Field[T] {
	return Field[T]{name: name, typ: ListType(of.Type()), deps: []ObjectDesc{of},
		get:   func(p *T) any { return &objectListVal[U]{elems: get(p), of: of} },
		isSet: func(p *T) bool { return len(get(p)) > 0 }}
}

// ValueField declares a field of any CEL type with a getter returning a
// Go value the environment can convert (string, int64, bool, time.Time,
// decimal.Decimal, Period, slices and maps of those, registered objects,
// or a cel-go ref.Val). Use it for dynamic data such as
// organization-defined attributes, with t = MapType(StringType, DynType).
func ValueField[T any](name string, t *Type, get func(*T) any) Field[T] {
	return Field[T]{name: name, typ: t, get: get,
		isSet: func(p *T) bool {
			v := get(p)
			if v == nil {
				return false
			}
			rv := reflect.ValueOf(v)
			switch rv.Kind() {
			case reflect.Map, reflect.Slice, reflect.String:
				return rv.Len() > 0
			case reflect.Pointer, reflect.Interface:
				return !rv.IsNil()
			}
			return !rv.IsZero()
		}}
}

// ObjectType describes a Go struct type T to CEL under a type name, with
// the fields CEL may read. Register it with the Objects environment
// option; then variables of its Type accept *T values directly, with no
// conversion per evaluation.
//
// An ObjectType is immutable after NewObjectType and safe for concurrent
// use.
type ObjectType[T any] struct {
	deps   []ObjectDesc
	name   string
	typ    *Type
	fields map[string]*types.FieldType
	wraps  map[string]func(any) ref.Val
	typed  map[string]typedRead
	names  []string
}

// NewObjectType describes T as the CEL object type name with the given
// fields. It fails on an empty name or a duplicate field name.
func NewObjectType[T any](name string, fields ...Field[T]) (*ObjectType[T], error) {
	if name == "" {
		return nil, fmt.Errorf("object type for %v: empty name", reflect.TypeFor[T]())
	}
	ot := &ObjectType[T]{name: name, typ: cel.ObjectType(name), fields: make(map[string]*types.FieldType, len(fields)), wraps: map[string]func(any) ref.Val{},
		typed: map[string]typedRead{}}
	for _, f := range fields {
		if f.name == "" || f.typ == nil || f.get == nil {
			return nil, fmt.Errorf("object type %s: field %q is incomplete", name, f.name)
		}
		if _, dup := ot.fields[f.name]; dup {
			return nil, fmt.Errorf("object type %s: duplicate field %q", name, f.name)
		}
		ot.deps = append(ot.deps, f.deps...)
		if f.wrap != nil {
			ot.wraps[f.name] = f.wrap
		} else {
			ot.wraps[f.name] = plainAdapter.NativeToValue
		}
		get, isSet, fname := f.get, f.isSet, f.name
		switch {
		case f.dec != nil:
			ot.typed[f.name] = typedRead{dec: readVia(ot.ptr, f.dec)}
		case f.str != nil:
			ot.typed[f.name] = typedRead{str: readVia(ot.ptr, f.str)}
		case f.tm != nil:
			ot.typed[f.name] = typedRead{tm: readVia(ot.ptr, f.tm)}
		}
		ot.fields[f.name] = &types.FieldType{
			Type: f.typ,
			IsSet: func(obj any) bool {
				p, ok := ot.ptr(obj)
				return ok && isSet(p)
			},
			GetFrom: func(obj any) (any, error) {
				p, ok := ot.ptr(obj)
				if !ok {
					return nil, fieldOfWrongValue(name, fname, obj, reflect.TypeFor[T]())
				}
				return get(p), nil
			},
		}
		ot.names = append(ot.names, f.name)
	}
	slices.Sort(ot.names)
	return ot, nil
}

// MustObjectType is NewObjectType for package-level declarations; it
// panics on error.
func MustObjectType[T any](name string, fields ...Field[T]) *ObjectType[T] {
	ot, err := NewObjectType(name, fields...)
	if err != nil {
		panic(err)
	}
	return ot
}

// Type returns the CEL type, for declaring variables and fields.
func (o *ObjectType[T]) Type() *Type { return o.typ }

// Name returns the CEL type name.
func (o *ObjectType[T]) Name() string { return o.name }

// FieldNames returns the declared field names in sorted order.
func (o *ObjectType[T]) FieldNames() []string { return slices.Clone(o.names) }

func (o *ObjectType[T]) ptr(obj any) (*T, bool) {
	switch v := obj.(type) {
	case *T:
		return v, v != nil
	case T:
		return &v, true
	case *objectVal[T]:
		return v.p, true
	}
	return nil, false
}

// register adds the type to a registry; it is what makes ObjectType an
// ObjectDesc.
// Types of fields (ObjectField, ObjectListField) are registered with it.
func (o *ObjectType[T]) register(reg *types.Registry, typed map[*types.FieldType]typedRead) error {
	if _, done := reg.FindStructType(o.name); done {
		return nil
	}
	if err := reg.RegisterType(&objectDesc[T]{o}); err != nil {
		return err
	}
	for name, tr := range o.typed {
		typed[o.fields[name]] = tr
	}
	for _, d := range o.deps {
		if err := d.register(reg, typed); err != nil {
			return err
		}
	}
	return nil
}

// fieldOfWrongValue is the error of reading field fname of an object type
// from obj, which is not one: most often null, an object field that is
// not set.
func fieldOfWrongValue(typeName, fname string, obj any, want reflect.Type) error {
	if _, ok := obj.(types.Null); ok || obj == types.NullValue.Value() {
		return fmt.Errorf("field %s of %s read on null (test it with has() first)", fname, typeName)
	}
	return fmt.Errorf("%s: value of type %T is not a %v", typeName, obj, want)
}

// typedRead reads a decimal, timestamp or string field without boxing it
// in a CEL value, for comparisons planned by the layer (see typedCmp) and
// for message templates. Each returns ok false where GetFrom would fail.
type typedRead struct {
	dec func(obj any) (decimal.Decimal, bool)
	tm  func(obj any) (time.Time, bool)
	str func(obj any) (string, bool)
}

// readVia makes a typedRead reader: find the struct in obj (ok false
// when obj holds none), then read the field from it.
func readVia[P, V any](find func(obj any) (P, bool), read func(P) V) func(any) (V, bool) {
	return func(obj any) (V, bool) {
		p, ok := find(obj)
		if !ok {
			var zero V
			return zero, false
		}
		return read(p), true
	}
}

// ObjectDesc is implemented by *ObjectType[T] for every T; the Objects
// option takes a list of them.
type ObjectDesc interface {
	Type() *Type
	Name() string
	register(*types.Registry, map[*types.FieldType]typedRead) error
}

// objectDesc adapts an ObjectType to cel-go's StructTypeDescriptor.
type objectDesc[T any] struct{ o *ObjectType[T] }

func (d *objectDesc[T]) HasTrait(trait int) bool {
	return trait&(traits.FieldTesterType|traits.IndexerType) == trait
}
func (d *objectDesc[T]) TypeName() string          { return d.o.name }
func (d *objectDesc[T]) ReflectType() reflect.Type { return reflect.TypeFor[T]() }
func (d *objectDesc[T]) FieldNames() []string      { return d.o.FieldNames() }
func (d *objectDesc[T]) FindFieldType(name string) (*types.FieldType, bool) {
	f, ok := d.o.fields[name]
	return f, ok
}
func (d *objectDesc[T]) NewValue(types.Adapter, map[string]ref.Val) ref.Val {
	return types.NewErr("objects of type %s cannot be constructed in an expression", d.o.name)
}
func (d *objectDesc[T]) Adapt(adapter types.Adapter, value any) ref.Val {
	p, ok := d.o.ptr(value)
	if !ok {
		return types.NullValue
	}
	return &objectVal[T]{p: p, o: d.o}
}

// objectVal is a registered Go value seen as a whole by CEL, e.g. when it
// is an element of a list or passed to a function. It is used by
// pointer, so that a list can hand out its elements without boxing each.
type objectVal[T any] struct {
	p *T
	o *ObjectType[T]
}

func (v *objectVal[T]) ConvertToNative(t reflect.Type) (any, error) {
	switch t {
	case reflect.TypeFor[*T]():
		return v.p, nil
	case reflect.TypeFor[T]():
		return *v.p, nil
	}
	if t.Kind() == reflect.Interface {
		return v.p, nil
	}
	return nil, fmt.Errorf("type conversion error from %s to %v", v.o.name, t)
}
func (v *objectVal[T]) ConvertToType(t ref.Type) ref.Val {
	if t.TypeName() == v.o.name {
		return v
	}
	if t == types.TypeType {
		return v.o.typ
	}
	return types.NewErr("type conversion error from %s to %s", v.o.name, t.TypeName())
}
func (v *objectVal[T]) Equal(other ref.Val) ref.Val {
	o, ok := other.(*objectVal[T])
	return types.Bool(ok && o.p == v.p)
}
func (v *objectVal[T]) Type() ref.Type { return v.o.typ }
func (v *objectVal[T]) Value() any     { return v.p }
func (v *objectVal[T]) IsSet(field ref.Val) ref.Val {
	name, ok := field.(types.String)
	if !ok {
		return types.MaybeNoSuchOverloadErr(field)
	}
	f, ok := v.o.fields[string(name)]
	if !ok {
		return types.NewErr("no such field '%s' on %s", name, v.o.name)
	}
	return types.Bool(f.IsSet(v.p))
}
func (v *objectVal[T]) Get(field ref.Val) ref.Val {
	name, ok := field.(types.String)
	if !ok {
		return types.MaybeNoSuchOverloadErr(field)
	}
	f, ok := v.o.fields[string(name)]
	if !ok {
		return types.NewErr("no such field '%s' on %s", name, v.o.name)
	}
	out, err := f.GetFrom(v.p)
	if err != nil {
		return types.WrapErr(err)
	}
	return v.o.wraps[string(name)](out)
}

// objectListVal is a list field of registered objects; elements are
// adapted lazily and by address, so no element is copied.
type objectListVal[U any] struct {
	elems []U
	of    *ObjectType[U]
	// vals are the elements as CEL values, made on first use (once; a
	// list value may be shared): in one allocation, or none for a list
	// of one, whose element is allocated with the list.
	once sync.Once
	vals []objectVal[U]
	one  [1]objectVal[U]
}

var (
	_ traits.Lister   = (*objectListVal[struct{}])(nil)
	_ traits.Foldable = (*objectListVal[struct{}])(nil)
)

// Fold implements traits.Foldable, so that comprehensions iterate the
// elements without an adapter around the list.
func (l *objectListVal[U]) Fold(f traits.Folder) {
	for i := range l.elems {
		if !f.FoldEntry(types.Int(i), l.elem(i)) {
			break
		}
	}
}

func (l *objectListVal[U]) elem(i int) ref.Val {
	l.once.Do(func() {
		if len(l.elems) == 1 {
			l.vals = l.one[:]
		} else {
			l.vals = make([]objectVal[U], len(l.elems))
		}
		for j := range l.vals {
			l.vals[j] = objectVal[U]{p: &l.elems[j], o: l.of}
		}
	})
	return &l.vals[i]
}

func (l *objectListVal[U]) all() []ref.Val {
	out := make([]ref.Val, len(l.elems))
	for i := range l.elems {
		out[i] = l.elem(i)
	}
	return out
}

func (l *objectListVal[U]) Add(other ref.Val) ref.Val {
	return types.NewRefValList(plainAdapter, l.all()).Add(other)
}
func (l *objectListVal[U]) Contains(v ref.Val) ref.Val {
	for i := range l.elems {
		if l.elem(i).Equal(v) == types.True {
			return types.True
		}
	}
	return types.False
}
func (l *objectListVal[U]) Get(index ref.Val) ref.Val {
	i, ok := index.(types.Int)
	if !ok {
		return types.MaybeNoSuchOverloadErr(index)
	}
	if i < 0 || int(i) >= len(l.elems) {
		return types.NewErr("index '%d' out of range in list size '%d'", i, len(l.elems))
	}
	return l.elem(int(i))
}
func (l *objectListVal[U]) Size() ref.Val { return types.Int(len(l.elems)) }
func (l *objectListVal[U]) Iterator() traits.Iterator {
	return &objectListIter[U]{l: l}
}
func (l *objectListVal[U]) ConvertToNative(t reflect.Type) (any, error) {
	if t == reflect.TypeFor[[]U]() || t.Kind() == reflect.Interface {
		return l.elems, nil
	}
	return nil, fmt.Errorf("type conversion error from list(%s) to %v", l.of.name, t)
}
func (l *objectListVal[U]) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case types.ListType:
		return l
	case types.TypeType:
		return types.ListType
	}
	return types.NewErr("type conversion error from list to %s", t.TypeName())
}
func (l *objectListVal[U]) Equal(other ref.Val) ref.Val {
	return types.NewRefValList(plainAdapter, l.all()).Equal(other)
}
func (l *objectListVal[U]) Type() ref.Type { return types.ListType }
func (l *objectListVal[U]) Value() any     { return l.elems }

type objectListIter[U any] struct {
	l *objectListVal[U]
	i int
}

func (it *objectListIter[U]) HasNext() ref.Val { return types.Bool(it.i < len(it.l.elems)) }
func (it *objectListIter[U]) Next() ref.Val {
	if it.i >= len(it.l.elems) {
		return nil
	}
	v := it.l.elem(it.i)
	it.i++
	return v
}
func (it *objectListIter[U]) ConvertToNative(reflect.Type) (any, error) {
	return nil, fmt.Errorf("type conversion on iterators not supported")
}
func (it *objectListIter[U]) ConvertToType(ref.Type) ref.Val { return types.NewErr("no such overload") }
func (it *objectListIter[U]) Equal(ref.Val) ref.Val          { return types.NewErr("no such overload") }
func (it *objectListIter[U]) Type() ref.Type                 { return types.IteratorType }
func (it *objectListIter[U]) Value() any                     { return nil }

// plainAdapter converts values read dynamically from objects: the
// layer's own types and cel-go's plain data.
var plainAdapter = adapter{base: types.DefaultTypeAdapter}

// adapter converts the layer's Go types (decimal.Decimal, Period, lazily
// built lists) and defers everything else to the registry.
type adapter struct{ base types.Adapter }

func (a adapter) NativeToValue(v any) ref.Val {
	switch x := v.(type) {
	case ref.Val:
		return x
	case decimal.Decimal:
		return Decimal{x}
	case *decimal.Decimal:
		if x == nil {
			return types.NullValue
		}
		return Decimal{*x}
	case Period:
		return periodVal{x}
	case []decimal.Decimal:
		return types.NewList(a, x)
	case map[string]decimal.Decimal:
		return types.NewDynamicMap(a, x)
	}
	return a.base.NativeToValue(v)
}
