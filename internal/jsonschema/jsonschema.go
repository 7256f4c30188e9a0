// Package jsonschema derives JSON Schema (draft 2020-12) documents from
// Go types by reflection, following the rules of encoding/json: json
// tags name the properties, "-" drops a field, omitempty and omitzero
// make a property optional (see [Options.RequireWritten]), embedded structs are flattened, nil slices,
// maps and pointers that are always written may be null.
//
// Types that encode themselves (json.Marshaler, encoding.TextMarshaler)
// cannot be read by reflection. Integer types with a MarshalText are
// enumerated by calling it over their range; every other such type needs
// a schema in [Options.Custom], and Generate fails naming it, so that a
// new self-encoding type is never described wrongly. String types whose
// values form a closed set get their values from [Options.Enum].
//
// The package does no I/O: descriptions come from the caller through
// [Options.Describe] (the repository's generator test reads them from
// the Go doc comments).
package jsonschema

// Regenerate the checked-in schemas under schema/ with `go generate
// ./internal/jsonschema` (the same as the test run below).
//go:generate go test -run TestSchemas -update .

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Draft is the meta-schema every generated document declares.
const Draft = "https://json-schema.org/draft/2020-12/schema"

// Schema is one JSON Schema node. Only the keywords the generator writes
// are fields; the zero Schema accepts everything.
type Schema struct {
	Schema      string `json:"$schema,omitempty"`
	ID          string `json:"$id,omitempty"`
	Ref         string `json:"$ref,omitempty"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	// Type is one JSON type name or several ("array", "null").
	Type Types    `json:"type,omitempty"`
	Enum []string `json:"enum,omitempty"`
	// Const, when not empty, is the one string value allowed.
	Const   string `json:"const,omitempty"`
	Format  string `json:"format,omitempty"`
	Pattern string `json:"pattern,omitempty"`
	// MinLength, when not zero, is the shortest string allowed.
	MinLength int `json:"minLength,omitempty"`
	// Minimum, when set, is the smallest number allowed.
	Minimum *int64 `json:"minimum,omitempty"`
	// Maximum, when set, is the largest number allowed.
	Maximum              *uint64     `json:"maximum,omitempty"`
	Properties           *Properties `json:"properties,omitempty"`
	Required             []string    `json:"required,omitempty"`
	AdditionalProperties *Schema     `json:"additionalProperties,omitempty"`
	Items                *Schema     `json:"items,omitempty"`
	AnyOf                []*Schema   `json:"anyOf,omitempty"`
	// Defs holds the named schemas of a root document; encoding/json
	// writes them sorted by name.
	Defs map[string]*Schema `json:"$defs,omitempty"`

	// False, when set, makes the schema the boolean schema false (it
	// accepts nothing); every other field is then ignored.
	False bool `json:"-"`
}

// MarshalJSON writes the schema, or false for a False schema.
func (s *Schema) MarshalJSON() ([]byte, error) {
	if s.False {
		return []byte("false"), nil
	}
	type plain Schema
	return json.Marshal((*plain)(s))
}

// Types is the value of the "type" keyword: one name is written as a
// string, several as an array.
type Types []string

// MarshalJSON writes a single type as a string.
func (t Types) MarshalJSON() ([]byte, error) {
	if len(t) == 1 {
		return json.Marshal(t[0])
	}
	return json.Marshal([]string(t))
}

// Property is one named property of an object schema.
type Property struct {
	Name   string
	Schema *Schema
}

// Properties are an object's properties in Go field order; they are
// written as a JSON object in that order, so that a schema reads like the
// struct it comes from.
type Properties []Property

// MarshalJSON writes the properties as one object, in order.
func (p Properties) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, prop := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(prop.Name)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(prop.Schema)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Options configure a Generator. The zero Options describe plain Go
// types only and fail on any self-encoding type.
type Options struct {
	// Custom gives the schema of types that encode themselves. Each is
	// placed in $defs under its type's name and referenced from there.
	Custom map[reflect.Type]*Schema
	// Enum returns the allowed values of a string type whose values form
	// a closed set, in the order to write them, or nil for an open string
	// type. Nil means every string type is open.
	Enum func(t reflect.Type) []string
	// Describe returns the description of a named type (field "") or of
	// one of its struct fields (by Go field name); "" means none. Nil
	// means no descriptions.
	Describe func(t reflect.Type, field string) string
	// RequireWritten makes every property that encoding/json always
	// writes (no omitempty or omitzero) required. Use it for documents the
	// library writes, such as a report. Without it no property is
	// required, as with encoding/json's decoder: the schema then checks
	// the shape of an input document (names, types, values, formats) and
	// leaves what must be present to the model's Validate.
	RequireWritten bool
	// Strict forbids properties a struct does not have
	// (additionalProperties false), matching a decoder that disallows
	// unknown fields.
	Strict bool
}

// ErrUnsupported is wrapped by the errors of Generate for a Go type that
// has no JSON Schema (a channel, a func, an interface, a map with
// non-string keys, or a self-encoding type without a Custom schema). Use
// errors.Is.
var ErrUnsupported = errors.New("jsonschema: unsupported type")

// Generate returns a root schema for t with the given $id and title:
// a $ref to t's definition, and $defs holding every named type reached
// from t. The result depends only on the types and the options.
func Generate(t reflect.Type, id, title string, opts Options) (*Schema, error) {
	g := &generator{opts: opts, defs: map[string]*Schema{}, names: map[string]reflect.Type{}}
	ref, err := g.schema(t, t.String())
	if err != nil {
		return nil, err
	}
	root := &Schema{Schema: Draft, ID: id, Title: title, Defs: g.defs}
	if ref.Ref != "" {
		root.Ref = ref.Ref
	} else {
		*root = *ref
		root.Schema, root.ID, root.Title, root.Defs = Draft, id, title, g.defs
	}
	if len(root.Defs) == 0 {
		root.Defs = nil
	}
	return root, nil
}

type generator struct {
	opts  Options
	defs  map[string]*Schema
	names map[string]reflect.Type // def name -> type, to catch clashes
}

var (
	jsonMarshaler   = reflect.TypeFor[json.Marshaler]()
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func implements(t, iface reflect.Type) bool {
	return t.Implements(iface) || reflect.PointerTo(t).Implements(iface)
}

// defName names t in $defs: the package's last path element and the
// type name, such as "risk.Criteria".
func defName(t reflect.Type) string {
	pkg := t.PkgPath()
	if i := strings.LastIndexByte(pkg, '/'); i >= 0 {
		pkg = pkg[i+1:]
	}
	if pkg == "" {
		return t.Name()
	}
	return pkg + "." + t.Name()
}

// ref returns a $ref to t's definition, building it with build the first
// time t is met. The placeholder stored first ends recursion.
func (g *generator) ref(t reflect.Type, build func() (*Schema, error)) (*Schema, error) {
	name := defName(t)
	if other, ok := g.names[name]; ok && other != t {
		return nil, fmt.Errorf("jsonschema: types %s and %s share the definition name %q", other, t, name)
	}
	ref := &Schema{Ref: "#/$defs/" + name}
	if _, ok := g.defs[name]; ok {
		return ref, nil
	}
	g.names[name] = t
	g.defs[name] = &Schema{}
	s, err := build()
	if err != nil {
		return nil, err
	}
	if s.Description == "" && g.opts.Describe != nil {
		s.Description = g.opts.Describe(t, "")
	}
	g.defs[name] = s
	return ref, nil
}

// schema returns the schema of t; path names where t was met, for errors.
func (g *generator) schema(t reflect.Type, path string) (*Schema, error) {
	if c, ok := g.opts.Custom[t]; ok {
		if t.Name() == "" {
			return c, nil
		}
		return g.ref(t, func() (*Schema, error) { cp := *c; return &cp, nil })
	}
	if t.Kind() == reflect.Pointer {
		return g.schema(t.Elem(), path)
	}
	if vals := g.enum(t); vals != nil {
		return g.ref(t, func() (*Schema, error) {
			return &Schema{Type: Types{"string"}, Enum: slices.Clone(vals)}, nil
		})
	}
	if implements(t, jsonMarshaler) || implements(t, jsonUnmarshaler) {
		return nil, fmt.Errorf("%w: %s at %s has its own JSON encoding: give it a Custom schema", ErrUnsupported, t, path)
	}
	if implements(t, textMarshaler) || implements(t, textUnmarshaler) {
		if isInt(t.Kind()) && t.Implements(textMarshaler) {
			return g.ref(t, func() (*Schema, error) { return enumerateText(t, path) })
		}
		return nil, fmt.Errorf("%w: %s at %s has its own text encoding: give it a Custom schema", ErrUnsupported, t, path)
	}
	switch t.Kind() {
	case reflect.Bool:
		return &Schema{Type: Types{"boolean"}}, nil
	case reflect.String:
		return &Schema{Type: Types{"string"}}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &Schema{Type: Types{"integer"}}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		zero := int64(0)
		return &Schema{Type: Types{"integer"}, Minimum: &zero}, nil
	case reflect.Float32, reflect.Float64:
		return &Schema{Type: Types{"number"}}, nil
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			return &Schema{Type: Types{"string"}, Format: "byte"}, nil
		}
		items, err := g.schema(t.Elem(), path+"[]")
		if err != nil {
			return nil, err
		}
		return &Schema{Type: Types{"array"}, Items: items}, nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil, fmt.Errorf("%w: %s at %s: map keys must be strings", ErrUnsupported, t, path)
		}
		vals, err := g.schema(t.Elem(), path+"{}")
		if err != nil {
			return nil, err
		}
		return &Schema{Type: Types{"object"}, AdditionalProperties: vals}, nil
	case reflect.Struct:
		if t.Name() == "" {
			return g.object(t, path)
		}
		return g.ref(t, func() (*Schema, error) { return g.object(t, path) })
	}
	return nil, fmt.Errorf("%w: %s at %s", ErrUnsupported, t, path)
}

func (g *generator) enum(t reflect.Type) []string {
	if g.opts.Enum == nil || t.Kind() != reflect.String || t.Name() == "" {
		return nil
	}
	return g.opts.Enum(t)
}

func isInt(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// maxEnum bounds the values tried when an integer enum is enumerated.
const maxEnum = 256

// enumerateText lists the names an integer type's MarshalText gives for
// 0 to maxEnum-1, skipping values it refuses and empty names (the usual
// "unset" zero value, which encoding/json cannot tell from a name).
func enumerateText(t reflect.Type, path string) (*Schema, error) {
	var names []string
	for i := range maxEnum {
		v := reflect.New(t).Elem()
		if t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uint64 {
			v.SetUint(uint64(i))
		} else {
			v.SetInt(int64(i))
		}
		b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil || len(b) == 0 {
			continue
		}
		if !slices.Contains(names, string(b)) {
			names = append(names, string(b))
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%w: %s at %s: MarshalText accepts no value below %d", ErrUnsupported, t, path, maxEnum)
	}
	return &Schema{Type: Types{"string"}, Enum: names}, nil
}

// field is one JSON property of a struct, after flattening.
type field struct {
	name     string
	optional bool // omitempty or omitzero
	typ      reflect.Type
	owner    reflect.Type // the struct that declares the field
	goName   string
}

// fields lists t's JSON properties in encoding/json's order. A name
// declared twice at the same depth is an error here (encoding/json would
// drop both silently); a shallower field hides a deeper one as in Go.
func fields(t reflect.Type, path string) ([]field, error) {
	var out []field
	depth := map[string]int{}
	var walk func(t reflect.Type, level int) error
	walk = func(t reflect.Type, level int) error {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					if err := walk(ft, level+1); err != nil {
						return err
					}
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if slices.Contains(strings.Split(opts, ","), "string") {
				return fmt.Errorf("%w: %s.%s at %s: the json \",string\" option", ErrUnsupported, t, f.Name, path)
			}
			if d, ok := depth[name]; ok {
				if d == level {
					return fmt.Errorf("%w: %s at %s: property %q is declared twice", ErrUnsupported, t, path, name)
				}
				if d < level {
					continue
				}
				out = slices.DeleteFunc(out, func(x field) bool { return x.name == name })
			}
			depth[name] = level
			optional := false
			for _, o := range strings.Split(opts, ",") {
				if o == "omitempty" || o == "omitzero" {
					optional = true
				}
			}
			out = append(out, field{name: name, optional: optional, typ: f.Type, owner: t, goName: f.Name})
		}
		return nil
	}
	if err := walk(t, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// object builds the schema of a struct type.
func (g *generator) object(t reflect.Type, path string) (*Schema, error) {
	fs, err := fields(t, path)
	if err != nil {
		return nil, err
	}
	s := &Schema{Type: Types{"object"}, Properties: &Properties{}}
	for _, f := range fs {
		fs, err := g.schema(f.typ, path+"."+f.name)
		if err != nil {
			return nil, err
		}
		if !f.optional {
			if g.opts.RequireWritten {
				s.Required = append(s.Required, f.name)
			}
			if nullable(f.typ) {
				fs = orNull(fs)
			}
		}
		if g.opts.Describe != nil {
			if d := g.opts.Describe(f.owner, f.goName); d != "" {
				fs = described(fs, d)
			}
		}
		*s.Properties = append(*s.Properties, Property{Name: f.name, Schema: fs})
	}
	if g.opts.Strict {
		s.AdditionalProperties = &Schema{False: true}
	}
	return s, nil
}

// nullable reports whether encoding/json writes null for t's zero value.
func nullable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return true
	}
	return false
}

// orNull lets s also be null: by adding "null" to a plain type list, or
// with anyOf around a reference.
func orNull(s *Schema) *Schema {
	if s.Ref == "" && len(s.Type) > 0 && len(s.AnyOf) == 0 {
		cp := *s
		cp.Type = append(slices.Clone(s.Type), "null")
		return &cp
	}
	return &Schema{AnyOf: []*Schema{s, {Type: Types{"null"}}}}
}

// described returns s with a description. A description next to $ref is
// allowed in 2020-12 and does not change what the schema accepts.
func described(s *Schema, d string) *Schema {
	cp := *s
	cp.Description = d
	return &cp
}
