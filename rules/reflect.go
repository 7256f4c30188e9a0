package rules

import (
	"fmt"
	"path"
	"reflect"
	"strings"
	"time"
	"unsafe"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"github.com/shopspring/decimal"
)

// CELValuer is implemented by Go types that show CEL a plain value
// instead of their fields, such as a tagged union of string, number and
// bool. CELValue returns a string, int64, bool, decimal.Decimal,
// time.Time or Period. Fields of such types have the CEL type dyn.
type CELValuer interface {
	CELValue() any
}

var (
	timeGoType    = reflect.TypeFor[time.Time]()
	periodGoType  = reflect.TypeFor[Period]()
	celValuerType = reflect.TypeFor[CELValuer]()
)

// ReflectObjectType describes T to CEL from its exported fields, each
// named as in JSON (the json tag's name, else the Go name; "-" skips the
// field). Field types map as follows: strings (also named string types)
// to string, integers to int, bool to bool, decimal.Decimal to decimal,
// time.Time to timestamp, Period to period, other structs (and pointers
// to them) to nested object types named after the Go package and type
// ("risk.Treatment"), slices to lists and maps with string keys to maps,
// CELValuer types to dyn. A nil pointer reads as null and a zero value is
// "not set" for has(). Fields of other kinds are left out.
//
// Reading a field costs a few reflect calls and no conversion of the
// whole value; for the hottest paths, NewObjectType with explicit getters
// is faster still.
func ReflectObjectType[T any](name string) (*ObjectType[T], error) {
	rt := reflect.TypeFor[T]()
	if rt.Kind() != reflect.Struct {
		return nil, fmt.Errorf("reflect object type %s: %v is not a struct", name, rt)
	}
	b := &reflectBuilder{byType: map[reflect.Type]*reflectType{}}
	top := b.build(rt, name)
	if b.err != nil {
		return nil, b.err
	}
	ot := &ObjectType[T]{name: name, typ: top.typ, fields: top.fields, wraps: top.wraps, typed: top.typed, names: top.names}
	for _, d := range top.deps {
		ot.deps = append(ot.deps, d)
	}
	return ot, nil
}

// MustReflectObjectType is ReflectObjectType for package-level
// declarations; it panics on error.
func MustReflectObjectType[T any](name string) *ObjectType[T] {
	ot, err := ReflectObjectType[T](name)
	if err != nil {
		panic(err)
	}
	return ot
}

type reflectBuilder struct {
	byType map[reflect.Type]*reflectType
	err    error
}

// reflectType is an object type built by reflection. It is an
// ObjectDesc, and also cel-go's struct type descriptor.
type reflectType struct {
	name   string
	rt     reflect.Type
	typ    *Type
	fields map[string]*types.FieldType
	wraps  map[string]func(any) ref.Val
	typed  map[string]typedRead
	names  []string
	deps   []*reflectType
}

func nestedName(rt reflect.Type) string {
	pkg := path.Base(rt.PkgPath())
	if pkg == "." || pkg == "" {
		pkg = "go"
	}
	return pkg + "." + rt.Name()
}

func (b *reflectBuilder) build(rt reflect.Type, name string) *reflectType {
	if t, ok := b.byType[rt]; ok {
		return t
	}
	t := &reflectType{name: name, rt: rt, typ: cel.ObjectType(name),
		fields: map[string]*types.FieldType{}, wraps: map[string]func(any) ref.Val{}, typed: map[string]typedRead{}}
	b.byType[rt] = t
	for _, sf := range reflect.VisibleFields(rt) {
		if !sf.IsExported() || sf.Anonymous {
			continue
		}
		fname := sf.Name
		if tag, ok := sf.Tag.Lookup("json"); ok {
			n, _, _ := strings.Cut(tag, ",")
			if n == "-" {
				continue
			}
			if n != "" {
				fname = n
			}
		}
		if _, dup := t.fields[fname]; dup {
			continue
		}
		celType, conv, isSet, dep := b.fieldKind(sf.Type, name+"."+sf.Name)
		if celType == nil {
			continue
		}
		if dep != nil {
			t.deps = append(t.deps, dep)
		}
		index := sf.Index
		// fieldOf finds the field in obj; a field promoted from an
		// embedded pointer that is nil is an error, not a panic.
		fieldOf := func(obj any) (reflect.Value, error) {
			v, ok := structValue(obj, rt)
			if !ok {
				return reflect.Value{}, fieldOfWrongValue(name, fname, obj, rt)
			}
			f, err := v.FieldByIndexErr(index)
			if err != nil {
				return reflect.Value{}, fmt.Errorf("field %s of %s read through a nil embedded struct", fname, name)
			}
			return f, nil
		}
		t.fields[fname] = &types.FieldType{
			Type: celType,
			IsSet: func(obj any) bool {
				f, err := fieldOf(obj)
				return err == nil && isSet(f)
			},
			GetFrom: func(obj any) (any, error) {
				f, err := fieldOf(obj)
				if err != nil {
					return nil, err
				}
				return conv(f), nil
			},
		}
		t.wraps[fname] = wrapFor(dep)
		field := func(obj any) (reflect.Value, bool) {
			f, err := fieldOf(obj)
			return f, err == nil
		}
		switch {
		case sf.Type.Kind() == reflect.String && !sf.Type.Implements(celValuerType):
			t.typed[fname] = typedRead{str: readVia(field, reflect.Value.String)}
		case sf.Type == decimalGoType:
			t.typed[fname] = typedRead{dec: readVia(field, func(f reflect.Value) decimal.Decimal {
				return *(*decimal.Decimal)(unsafe.Pointer(f.UnsafeAddr()))
			})}
		case sf.Type == timeGoType:
			t.typed[fname] = typedRead{tm: readVia(field, func(f reflect.Value) time.Time {
				return *(*time.Time)(unsafe.Pointer(f.UnsafeAddr()))
			})}
		}
		t.names = append(t.names, fname)
	}
	sortStrings(t.names)
	return t
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// wrapFor turns a raw getter result into a CEL value for dynamic access.
func wrapFor(dep *reflectType) func(any) ref.Val {
	return func(v any) ref.Val {
		if dep != nil {
			if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.Type().Elem() == dep.rt {
				if rv.IsNil() {
					return types.NullValue
				}
				return reflectObjVal{v: rv.Elem(), t: dep}
			}
		}
		return plainAdapter.NativeToValue(v)
	}
}

// structValue returns the addressable struct behind obj when it has type rt.
func structValue(obj any, rt reflect.Type) (reflect.Value, bool) {
	if o, ok := obj.(reflectObjVal); ok {
		return o.v, o.t.rt == rt
	}
	v := reflect.ValueOf(obj)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return reflect.Value{}, false
		}
		v = v.Elem()
	}
	if v.Type() != rt {
		return reflect.Value{}, false
	}
	if !v.CanAddr() {
		c := reflect.New(rt).Elem()
		c.Set(v)
		v = c
	}
	return v, true
}

func notZero(v reflect.Value) bool { return !v.IsZero() }

// fieldKind maps a Go type to its CEL type, a converter from the field
// value to what GetFrom returns, a presence test, and the nested object
// type it needs, if any. A nil type means the field is left out.
func (b *reflectBuilder) fieldKind(ft reflect.Type, path string) (*Type, func(reflect.Value) any, func(reflect.Value) bool, *reflectType) {
	if ft.Implements(celValuerType) {
		return DynType, func(v reflect.Value) any {
			if v.Kind() == reflect.Pointer && v.IsNil() {
				return types.NullValue
			}
			return plainAdapter.NativeToValue(nativeIn(v.Interface().(CELValuer).CELValue()))
		}, notZero, nil
	}
	switch ft {
	case decimalGoType:
		return DecimalType, func(v reflect.Value) any { return Decimal{*(*decimal.Decimal)(unsafe.Pointer(v.UnsafeAddr()))} }, notZero, nil
	case timeGoType:
		return TimestampType, func(v reflect.Value) any { return types.Timestamp{Time: *(*time.Time)(unsafe.Pointer(v.UnsafeAddr()))} }, notZero, nil
	case periodGoType:
		return PeriodType, func(v reflect.Value) any { return periodVal{*(*Period)(unsafe.Pointer(v.UnsafeAddr()))} }, notZero, nil
	}
	switch ft.Kind() {
	case reflect.String:
		return StringType, func(v reflect.Value) any { return types.String(v.String()) }, notZero, nil
	case reflect.Bool:
		return BoolType, func(v reflect.Value) any { return types.Bool(v.Bool()) }, notZero, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return IntType, func(v reflect.Value) any { return types.Int(v.Int()) }, notZero, nil
	case reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return IntType, func(v reflect.Value) any { return types.Int(int64(v.Uint())) }, notZero, nil
	case reflect.Struct:
		dep := b.build(ft, nestedName(ft))
		return dep.typ, func(v reflect.Value) any { return v.Addr().Interface() }, notZero, dep
	case reflect.Pointer:
		et := ft.Elem()
		if et.Kind() == reflect.Struct && et != decimalGoType && et != timeGoType && et != periodGoType {
			dep := b.build(et, nestedName(et))
			return dep.typ, func(v reflect.Value) any {
				if v.IsNil() {
					return types.NullValue
				}
				return v.Interface()
			}, func(v reflect.Value) bool { return !v.IsNil() }, dep
		}
		inner, conv, _, dep := b.fieldKind(et, path)
		if inner == nil {
			return nil, nil, nil, nil
		}
		return inner, func(v reflect.Value) any {
			if v.IsNil() {
				return types.NullValue
			}
			return conv(v.Elem())
		}, func(v reflect.Value) bool { return !v.IsNil() }, dep
	case reflect.Slice:
		et := ft.Elem()
		elemType, conv, _, dep := b.fieldKind(et, path+"[]")
		if elemType == nil {
			return nil, nil, nil, nil
		}
		if et.Kind() == reflect.String {
			return ListType(StringType), func(v reflect.Value) any {
				return types.NewStringList(plainAdapter, *(*[]string)(unsafe.Pointer(v.UnsafeAddr())))
			}, func(v reflect.Value) bool { return v.Len() > 0 }, nil
		}
		return ListType(elemType), func(v reflect.Value) any {
			return reflectListVal{v: v, conv: conv, dep: dep}
		}, func(v reflect.Value) bool { return v.Len() > 0 }, dep
	case reflect.Map:
		if ft.Key().Kind() != reflect.String {
			return nil, nil, nil, nil
		}
		valType, conv, _, dep := b.fieldKind(ft.Elem(), path+"{}")
		if valType == nil {
			return nil, nil, nil, nil
		}
		return MapType(StringType, valType), func(v reflect.Value) any {
			m := make(map[string]ref.Val, v.Len())
			it := v.MapRange()
			for it.Next() {
				e := reflect.New(ft.Elem()).Elem()
				e.Set(it.Value())
				m[it.Key().String()] = wrapFor(dep)(conv(e))
			}
			return types.NewStringInterfaceMap(plainAdapter, toAnyMap(m))
		}, func(v reflect.Value) bool { return v.Len() > 0 }, dep
	case reflect.Interface:
		return DynType, func(v reflect.Value) any {
			if v.IsNil() {
				return types.NullValue
			}
			return plainAdapter.NativeToValue(nativeIn(v.Elem().Interface()))
		}, func(v reflect.Value) bool { return !v.IsNil() }, nil
	}
	return nil, nil, nil, nil
}

func toAnyMap(m map[string]ref.Val) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// register makes reflectType an ObjectDesc.
func (t *reflectType) register(reg *types.Registry, typed map[*types.FieldType]typedRead) error {
	if _, done := reg.FindStructType(t.name); done {
		return nil
	}
	if err := reg.RegisterType(t); err != nil {
		return err
	}
	for name, tr := range t.typed {
		typed[t.fields[name]] = tr
	}
	for _, d := range t.deps {
		if err := d.register(reg, typed); err != nil {
			return err
		}
	}
	return nil
}

func (t *reflectType) Type() *Type  { return t.typ }
func (t *reflectType) Name() string { return t.name }
func (t *reflectType) HasTrait(trait int) bool {
	return trait&(traits.FieldTesterType|traits.IndexerType) == trait
}
func (t *reflectType) TypeName() string          { return t.name }
func (t *reflectType) ReflectType() reflect.Type { return t.rt }
func (t *reflectType) FieldNames() []string      { return append([]string(nil), t.names...) }
func (t *reflectType) FindFieldType(n string) (*types.FieldType, bool) {
	f, ok := t.fields[n]
	return f, ok
}
func (t *reflectType) NewValue(types.Adapter, map[string]ref.Val) ref.Val {
	return types.NewErr("objects of type %s cannot be constructed in an expression", t.name)
}
func (t *reflectType) Adapt(_ types.Adapter, value any) ref.Val {
	v, ok := structValue(value, t.rt)
	if !ok {
		return types.NullValue
	}
	return reflectObjVal{v: v, t: t}
}

// reflectObjVal is a reflected struct seen as a whole by CEL.
type reflectObjVal struct {
	v reflect.Value // addressable struct
	t *reflectType
}

func (o reflectObjVal) ConvertToNative(t reflect.Type) (any, error) {
	switch {
	case t == reflect.PointerTo(o.t.rt) || t.Kind() == reflect.Interface:
		return o.v.Addr().Interface(), nil
	case t == o.t.rt:
		return o.v.Interface(), nil
	}
	return nil, fmt.Errorf("type conversion error from %s to %v", o.t.name, t)
}
func (o reflectObjVal) ConvertToType(t ref.Type) ref.Val {
	if t.TypeName() == o.t.name {
		return o
	}
	if t == types.TypeType {
		return o.t.typ
	}
	return types.NewErr("type conversion error from %s to %s", o.t.name, t.TypeName())
}
func (o reflectObjVal) Equal(other ref.Val) ref.Val {
	p, ok := other.(reflectObjVal)
	return types.Bool(ok && p.t == o.t && p.v.Addr().Pointer() == o.v.Addr().Pointer())
}
func (o reflectObjVal) Type() ref.Type { return o.t.typ }
func (o reflectObjVal) Value() any     { return o.v.Addr().Interface() }
func (o reflectObjVal) IsSet(field ref.Val) ref.Val {
	name, ok := field.(types.String)
	if !ok {
		return types.MaybeNoSuchOverloadErr(field)
	}
	f, ok := o.t.fields[string(name)]
	if !ok {
		return types.NewErr("no such field '%s' on %s", name, o.t.name)
	}
	return types.Bool(f.IsSet(o))
}
func (o reflectObjVal) Get(field ref.Val) ref.Val {
	name, ok := field.(types.String)
	if !ok {
		return types.MaybeNoSuchOverloadErr(field)
	}
	f, ok := o.t.fields[string(name)]
	if !ok {
		return types.NewErr("no such field '%s' on %s", name, o.t.name)
	}
	out, err := f.GetFrom(o)
	if err != nil {
		return types.WrapErr(err)
	}
	return o.t.wraps[string(name)](out)
}

// reflectListVal is a slice field seen as a CEL list; elements convert
// lazily.
type reflectListVal struct {
	v    reflect.Value
	conv func(reflect.Value) any
	dep  *reflectType
}

func (l reflectListVal) elem(i int) ref.Val { return wrapFor(l.dep)(l.conv(l.v.Index(i))) }
func (l reflectListVal) all() []ref.Val {
	out := make([]ref.Val, l.v.Len())
	for i := range out {
		out[i] = l.elem(i)
	}
	return out
}
func (l reflectListVal) Add(other ref.Val) ref.Val {
	return types.NewRefValList(plainAdapter, l.all()).Add(other)
}
func (l reflectListVal) Contains(x ref.Val) ref.Val {
	for i := 0; i < l.v.Len(); i++ {
		if l.elem(i).Equal(x) == types.True {
			return types.True
		}
	}
	return types.False
}
func (l reflectListVal) Get(index ref.Val) ref.Val {
	i, ok := index.(types.Int)
	if !ok {
		return types.MaybeNoSuchOverloadErr(index)
	}
	if i < 0 || int(i) >= l.v.Len() {
		return types.NewErr("index '%d' out of range in list size '%d'", i, l.v.Len())
	}
	return l.elem(int(i))
}
func (l reflectListVal) Size() ref.Val { return types.Int(l.v.Len()) }
func (l reflectListVal) Iterator() traits.Iterator {
	return types.NewRefValList(plainAdapter, l.all()).Iterator()
}
func (l reflectListVal) ConvertToNative(t reflect.Type) (any, error) {
	if t == l.v.Type() || t.Kind() == reflect.Interface {
		return l.v.Interface(), nil
	}
	return types.NewRefValList(plainAdapter, l.all()).ConvertToNative(t)
}
func (l reflectListVal) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case types.ListType:
		return l
	case types.TypeType:
		return types.ListType
	}
	return types.NewErr("type conversion error from list to %s", t.TypeName())
}
func (l reflectListVal) Equal(other ref.Val) ref.Val {
	return types.NewRefValList(plainAdapter, l.all()).Equal(other)
}
func (l reflectListVal) Type() ref.Type { return types.ListType }
func (l reflectListVal) Value() any     { return l.v.Interface() }
