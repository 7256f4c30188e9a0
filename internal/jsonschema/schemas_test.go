package jsonschema_test

// This file generates the checked-in schemas under schema/ from the
// model types and checks that they have not drifted:
//
//	go test ./internal/jsonschema -run TestSchemas -update
//
// rewrites them (or `go generate ./internal/jsonschema`). Enum values and
// descriptions are read from the Go sources of the model packages, so a
// new constant or a new doc comment reaches the schema on regeneration
// without editing this file.

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/isms-go/iso27003/internal/jsonschema"
	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
)

var update = flag.Bool("update", false, "rewrite the schemas under schema/")

const (
	modulePath = "github.com/isms-go/iso27003"
	repoRoot   = "../.."
	schemaDir  = repoRoot + "/schema"
	idBase     = "https://github.com/isms-go/iso27003/schema/"
)

// roots are the documents that get a schema, by file name.
// Inputs require no property (the decoder does not; isms.Validate says
// what must be present); the report, which the library writes, requires
// every property it always writes.
var roots = []struct {
	file, title string
	typ         reflect.Type
	output      bool
}{
	{"system.schema.json", "ISMS system snapshot (isms.System)", reflect.TypeFor[isms.System](), false},
	{"criteria.schema.json", "Risk criteria (risk.Criteria)", reflect.TypeFor[risk.Criteria](), false},
	{"register.schema.json", "Risk register (risk.Register)", reflect.TypeFor[risk.Register](), false},
	{"report.schema.json", "Conformance report (isms.Report)", reflect.TypeFor[isms.Report](), true},
}

// decimalPattern accepts what decimal.NewFromString accepts in practice:
// an optional sign, digits with an optional fraction, an optional
// exponent of at most four digits (the decoder refuses exponents beyond
// 10000). decimal.Decimal writes itself as a quoted string.
const decimalPattern = `^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]{1,4})?$`

// periodPart is a whole number from 0 to 100000 in at most six digits,
// the bounds of rules.ParsePeriod.
const periodPart = `([0-9]{1,5}|0[0-9]{5}|100000)`

// periodPattern is the string form of rules.Period. Weeks count as 7
// days against the bound, which a pattern cannot add up: "P14286W" passes
// it and fails to decode.
const periodPattern = `^P(` + periodPart + `Y)?(` + periodPart + `M)?(` + periodPart + `W)?(` + periodPart + `D)?$`

// custom are the schemas of the types that encode themselves.
func custom() map[reflect.Type]*jsonschema.Schema {
	maxPart := uint64(100000)
	zero := int64(0)
	return map[reflect.Type]*jsonschema.Schema{
		reflect.TypeFor[decimal.Decimal](): {
			Description: "An exact decimal number. It is written as a string such as \"0.95\"; a JSON number is read exactly too.",
			AnyOf: []*jsonschema.Schema{
				{Type: jsonschema.Types{"string"}, Pattern: decimalPattern},
				{Type: jsonschema.Types{"number"}},
			},
		},
		reflect.TypeFor[time.Time](): {
			Description: "An instant in RFC 3339 form, such as \"2024-03-01T00:00:00Z\".",
			Type:        jsonschema.Types{"string"},
			Format:      "date-time",
			Pattern:     `^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2})$`,
		},
		reflect.TypeFor[rules.Period](): {
			Description: "A calendar period: an ISO 8601 period of whole years, months, weeks and days such as \"P12M\" or \"P90D\" (written in canonical form, weeks as days), or a whole number of days.",
			AnyOf: []*jsonschema.Schema{
				{Type: jsonschema.Types{"string"}, Pattern: periodPattern, MinLength: 3},
				{Type: jsonschema.Types{"integer"}, Minimum: &zero, Maximum: &maxPart},
			},
		},
		reflect.TypeFor[risk.Attr](): {
			Description: "An organization-defined attribute value: a string, a number (read exactly) or a boolean.",
			Type:        jsonschema.Types{"string", "number", "boolean"},
		},
	}
}

// source is what the generator test reads from the Go files of one
// model package: the string constants per type, and the doc comments.
type source struct {
	consts map[string][]string          // type name -> constant values, in source order
	docs   map[string]map[string]string // type name -> field ("" for the type) -> doc
}

var sources = map[string]*source{}

// load parses the package with import path pkg (inside this module).
func load(t *testing.T, pkg string) *source {
	t.Helper()
	if s, ok := sources[pkg]; ok {
		return s
	}
	rel, ok := strings.CutPrefix(pkg, modulePath+"/")
	if !ok {
		return nil // a package outside the module: no enums, no docs
	}
	dir := filepath.Join(repoRoot, filepath.FromSlash(rel))
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	s := &source{consts: map[string][]string{}, docs: map[string]map[string]string{}}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gd.Specs {
				switch spec := spec.(type) {
				case *ast.ValueSpec:
					if gd.Tok != token.CONST {
						continue
					}
					id, ok := spec.Type.(*ast.Ident)
					if !ok {
						continue
					}
					for _, v := range spec.Values {
						if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
							if u, err := strconv.Unquote(lit.Value); err == nil && u != "" {
								s.consts[id.Name] = append(s.consts[id.Name], u)
							}
						}
					}
				case *ast.TypeSpec:
					docs := map[string]string{}
					doc := spec.Doc
					if doc == nil && len(gd.Specs) == 1 {
						doc = gd.Doc
					}
					docs[""] = firstParagraph(doc)
					if st, ok := spec.Type.(*ast.StructType); ok {
						for _, fld := range st.Fields.List {
							d := firstParagraph(fld.Doc)
							if d == "" {
								d = firstParagraph(fld.Comment)
							}
							for _, n := range fld.Names {
								docs[n.Name] = d
							}
						}
					}
					s.docs[spec.Name.Name] = docs
				}
			}
		}
	}
	sources[pkg] = s
	return s
}

// firstParagraph returns a comment's first paragraph on one line.
func firstParagraph(c *ast.CommentGroup) string {
	if c == nil {
		return ""
	}
	text := c.Text()
	if i := strings.Index(text, "\n\n"); i >= 0 {
		text = text[:i]
	}
	return strings.Join(strings.Fields(text), " ")
}

func options(t *testing.T, output bool) jsonschema.Options {
	return jsonschema.Options{
		Custom:         custom(),
		RequireWritten: output,
		Strict:         true, // isms.DecodeJSON disallows unknown fields
		Enum: func(typ reflect.Type) []string {
			if s := load(t, typ.PkgPath()); s != nil {
				return s.consts[typ.Name()]
			}
			return nil
		},
		Describe: func(typ reflect.Type, field string) string {
			if s := load(t, typ.PkgPath()); s != nil {
				return s.docs[typ.Name()][field]
			}
			return ""
		},
	}
}

// generate returns the schema documents by file name, as written.
func generate(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, r := range roots {
		s, err := jsonschema.Generate(r.typ, idBase+r.file, r.title, options(t, r.output))
		if err != nil {
			t.Fatalf("%s: %v", r.file, err)
		}
		b, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		out[r.file] = append(b, '\n')
	}
	return out
}

// TestSchemas fails when a checked-in schema differs from the one the
// current types give; -update rewrites them.
func TestSchemas(t *testing.T) {
	for name, want := range generate(t) {
		path := filepath.Join(schemaDir, name)
		if *update {
			if err := os.MkdirAll(schemaDir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./internal/jsonschema -run TestSchemas -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("schema/%s has drifted from the Go types: run go test ./internal/jsonschema -run TestSchemas -update and review the diff", name)
		}
	}
}

// TestEnumsMatchValid checks the values read from the source against
// each enum type's own Valid method, so that a constant that is not a
// valid value (or a Valid that accepts more) is noticed.
func TestEnumsMatchValid(t *testing.T) {
	seen := 0
	for _, r := range roots {
		s, err := jsonschema.Generate(r.typ, "", "", options(t, r.output))
		if err != nil {
			t.Fatal(err)
		}
		for name, def := range s.Defs {
			if len(def.Enum) == 0 {
				continue
			}
			typ := findType(r.typ, name)
			if typ == nil {
				t.Fatalf("%s: no type for definition %s", r.file, name)
			}
			valid, ok := reflect.PointerTo(typ).MethodByName("Valid")
			if !ok {
				continue
			}
			for _, v := range def.Enum {
				seen++
				x := reflect.New(typ)
				if typ.Kind() == reflect.String {
					x.Elem().SetString(v)
				} else if err := x.Interface().(interface{ UnmarshalText([]byte) error }).UnmarshalText([]byte(v)); err != nil {
					t.Errorf("%s: %q does not decode: %v", name, v, err)
					continue
				}
				if !valid.Func.Call([]reflect.Value{x})[0].Bool() {
					t.Errorf("%s: enum value %q is not Valid", name, v)
				}
			}
		}
	}
	if seen == 0 {
		t.Fatal("no enum value checked")
	}
}

// findType finds the named type with definition name def reachable from t.
func findType(t reflect.Type, def string) reflect.Type {
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type) reflect.Type
	walk = func(t reflect.Type) reflect.Type {
		if seen[t] {
			return nil
		}
		seen[t] = true
		if t.Name() != "" && fmt.Sprintf("%s.%s", filepath.Base(t.PkgPath()), t.Name()) == def {
			return t
		}
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			return walk(t.Elem())
		case reflect.Struct:
			for i := range t.NumField() {
				if f := walk(t.Field(i).Type); f != nil {
					return f
				}
			}
		}
		return nil
	}
	return walk(t)
}
