package iso27003_test

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"cel.dev/cel-go/cel"
	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/rules"
)

var updateDocs = flag.Bool("update", false, "rewrite the generated parts of docs/cel.md")

const celDoc = "docs/cel.md"

// celNames lists what an environment declares that a rule author can
// call: functions (operators and cel-go internals left out) and macros.
func celNames(env *cel.Env) []string {
	var out []string
	for name := range env.Functions() {
		if strings.HasPrefix(name, "_") || strings.HasPrefix(name, "!") || strings.Contains(name, "@") ||
			name == "-_" || name == "in" { // operators and internals
			continue
		}
		out = append(out, name)
	}
	for _, m := range env.Macros() {
		out = append(out, m.Function())
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// documented reports whether name appears in the doc as code: `name`,
// `x.name(`, `name(` and so on, not as a word of prose.
func documented(doc, name string) bool {
	re := regexp.MustCompile("`[^`]*\\b" + regexp.QuoteMeta(name) + "\\b[^`]*`")
	return re.MatchString(doc)
}

// The reference lists every function, macro and variable the
// environments declare, and its generated tables match the Go types.
func TestCELReferenceCoversTheEnvironment(t *testing.T) {
	raw, err := os.ReadFile(celDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	base, err := rules.NewEnv()
	if err != nil {
		t.Fatal(err)
	}
	ismsEnv, err := isms.NewEnv()
	if err != nil {
		t.Fatal(err)
	}
	names := celNames(base.CEL())
	if len(names) < 50 {
		t.Fatalf("only %d functions found: the enumeration is broken", len(names))
	}
	for _, name := range names {
		if !documented(doc, name) {
			t.Errorf("%s does not document the CEL function or macro %q", celDoc, name)
		}
	}
	for _, v := range ismsEnv.CEL().Variables() {
		if !strings.Contains(doc, "| `"+v.Name()+"` |") {
			t.Errorf("%s has no table row for the isms variable %q (%s)", celDoc, v.Name(), v.Type())
		}
	}

	want := doc
	want = replaceGenerated(t, want, "collections", collectionsTable())
	want = replaceGenerated(t, want, "fields", fieldsTables(t, ismsEnv.CEL()))
	if want == doc {
		return
	}
	if *updateDocs {
		if err := os.WriteFile(celDoc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("the generated parts of %s are out of date: run go test . -run CELReference -update", celDoc)
}

func replaceGenerated(t *testing.T, doc, name, body string) string {
	begin, end := "<!-- BEGIN GENERATED: "+name+" -->\n", "<!-- END GENERATED: "+name+" -->"
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the markers of the generated part %q", celDoc, name)
	}
	return doc[:i+len(begin)] + body + doc[j:]
}

func collectionsTable() string {
	var b strings.Builder
	b.WriteString("| subjects | variable | kind | type |\n|---|---|---|---|\n")
	for _, c := range isms.Collections() {
		fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s |\n", c.Name, c.Var, c.Kind, c.Type)
	}
	return b.String()
}

// fieldsTables lists, for isms.System and every object type reachable
// from it or from a collection, its fields by JSON name and CEL type.
func fieldsTables(t *testing.T, env *cel.Env) string {
	p := env.CELTypeProvider()
	queue := []string{"isms.System"}
	for _, c := range isms.Collections() {
		queue = append(queue, c.Type.String())
	}
	seen := map[string]bool{}
	var typesSeen []string
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		fields, ok := p.FindStructFieldNames(name)
		if !ok {
			continue
		}
		typesSeen = append(typesSeen, name)
		for _, f := range fields {
			ft, _ := p.FindStructFieldType(name, f)
			queue = append(queue, objectTypesIn(ft.Type)...)
		}
	}
	slices.Sort(typesSeen)
	var b strings.Builder
	for i, name := range typesSeen {
		if i > 0 {
			b.WriteString("\n")
		}
		fields, _ := p.FindStructFieldNames(name)
		slices.Sort(fields)
		fmt.Fprintf(&b, "### %s\n\n| field | type |\n|---|---|\n", name)
		for _, f := range fields {
			ft, _ := p.FindStructFieldType(name, f)
			fmt.Fprintf(&b, "| `%s` | %s |\n", f, celTypeName(ft.Type))
		}
	}
	if len(typesSeen) < 10 {
		t.Fatalf("only %d object types found: the walk is broken", len(typesSeen))
	}
	return b.String()
}

// objectTypesIn returns the struct types in t, in lists and maps too.
func objectTypesIn(t *cel.Type) []string {
	if t == nil {
		return nil
	}
	if t.Kind() == cel.StructKind {
		return []string{t.TypeName()}
	}
	var out []string
	for _, p := range t.Parameters() {
		out = append(out, objectTypesIn(p)...)
	}
	return out
}

// celTypeName writes a type as rule authors write it: "timestamp", not
// the protobuf name cel-go prints.
func celTypeName(t *cel.Type) string {
	return strings.NewReplacer("google.protobuf.Timestamp", "timestamp", "google.protobuf.Duration", "duration").Replace(t.String())
}
