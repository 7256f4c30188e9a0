package risk

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
	"pgregory.net/rapid"
)

func cisoSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "ciso", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cisoTB is what the helpers need of *testing.T and *rapid.T.
type cisoTB interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// cisoCells evaluates the level rule on every cell with the rules layer
// alone, rows by likelihood.
func cisoCells(t cisoTB, c Criteria) [][]string {
	t.Helper()
	env, err := rules.NewEnv(
		rules.Variable("likelihood", rules.DecimalType),
		rules.Variable("consequence", rules.DecimalType))
	if err != nil {
		t.Fatal(err)
	}
	prg, err := env.Compile(c.ID, "levelRule", c.LevelRule, rules.StringType)
	if err != nil {
		t.Fatalf("level rule %s: %v", c.LevelRule, err)
	}
	var out [][]string
	for _, l := range c.Likelihood.Levels {
		var row []string
		for _, k := range c.Consequence.Levels {
			name, err := prg.EvalString(context.Background(), rules.NewVars(nil).Set("likelihood", l.Value).Set("consequence", k.Value))
			if err != nil {
				t.Fatalf("cell %s,%s: %v", l.Value, k.Value, err)
			}
			row = append(row, name)
		}
		out = append(out, row)
	}
	return out
}

// cisoAccepted evaluates the acceptance rule for every risk level.
func cisoAccepted(t cisoTB, c Criteria) []string {
	t.Helper()
	env, err := rules.NewEnv(rules.Variable("level", rules.StringType), rules.Variable("rank", rules.IntType))
	if err != nil {
		t.Fatal(err)
	}
	prg, err := env.Compile(c.ID, "acceptanceRule", c.AcceptanceRule, rules.BoolType)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range c.Levels {
		ok, err := prg.EvalBool(context.Background(), rules.NewVars(nil).Set("level", l.Name).Set("rank", l.Rank))
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			out = append(out, l.Name)
		}
	}
	return out
}

func cisoNames(s Scale) []string {
	var out []string
	for i, l := range s.Levels {
		if !l.Value.Equal(decimal.NewFromInt(int64(i + 1))) {
			return nil
		}
		out = append(out, l.Name)
	}
	return out
}

func TestImportCISOSamples(t *testing.T) {
	const (
		lo, me, hi, vh = "Low", "Medium", "High", "Very high"
		gr, am, rd     = "Green", "Amber", "Red"
		ok, tt         = "Acceptable", "To treat"
	)
	for _, c := range []struct {
		file        string
		opts        []CISOOption
		id, version string
		title       string
		likelihood  []string
		consequence []string
		levels      []Level
		grid        [][]string
		accepted    []string
	}{
		{
			file: "matrix-5x5.yaml", id: "sample-5x5", version: "3", title: "Sample 5x5 risk matrix",
			likelihood:  []string{"Rare", "Unlikely", "Possible", "Likely", "Almost certain"},
			consequence: []string{"Negligible", "Minor", "Moderate", "Major", "Severe"},
			levels: []Level{
				{Name: lo, Rank: 0, Color: "#86efac", Description: "Accept and keep an eye on it."},
				{Name: me, Rank: 1, Color: "#fde047", Description: "Treat when it is cheap to do so."},
				{Name: hi, Rank: 2, Color: "#fb923c", Description: "Treat with priority."},
				{Name: vh, Rank: 3, Color: "#ef4444", Description: "Treat at once; escalate to management."},
			},
			grid: [][]string{
				{lo, lo, me, me, hi},
				{lo, me, me, hi, hi},
				{lo, me, hi, hi, vh},
				{me, me, hi, vh, vh},
				{me, hi, vh, vh, vh},
			},
			accepted: []string{lo},
		},
		{
			file: "matrix-5x5.yaml", opts: []CISOOption{WithCISOAcceptance("M")}, id: "sample-5x5", version: "3", title: "Sample 5x5 risk matrix",
			likelihood:  []string{"Rare", "Unlikely", "Possible", "Likely", "Almost certain"},
			consequence: []string{"Negligible", "Minor", "Moderate", "Major", "Severe"},
			grid: [][]string{
				{lo, lo, me, me, hi},
				{lo, me, me, hi, hi},
				{lo, me, hi, hi, vh},
				{me, me, hi, vh, vh},
				{me, hi, vh, vh, vh},
			},
			accepted: []string{lo, me},
		},
		{
			file: "matrix-3x3.yaml", id: "sample-3x3", version: "2", title: "Sample 3x3 risk matrix",
			likelihood:  []string{lo, me, hi},
			consequence: []string{lo, me, hi},
			levels: []Level{
				{Name: gr, Rank: 0, Color: "#00ff00", Description: "Acceptable."},
				{Name: am, Rank: 1, Color: "#ffbf00", Description: "Needs a plan."},
				{Name: rd, Rank: 2, Color: "#ff0000", Description: "Needs action now."},
			},
			grid: [][]string{
				{gr, gr, am},
				{gr, am, rd},
				{am, rd, rd},
			},
			accepted: []string{gr},
		},
		{
			file: "matrix-3x3.yaml", opts: []CISOOption{WithCISOAcceptance("Red")}, id: "sample-3x3", version: "2", title: "Sample 3x3 risk matrix",
			likelihood:  []string{lo, me, hi},
			consequence: []string{lo, me, hi},
			grid:        [][]string{{gr, gr, am}, {gr, am, rd}, {am, rd, rd}},
			accepted:    []string{gr, am, rd},
		},
		{
			file: "library-two-matrices.yaml", opts: []CISOOption{WithCISOMatrix("two-by-three")},
			id: "two-by-three", version: "5", title: "Two probability and three impact levels",
			likelihood:  []string{"Unlikely", "Likely"},
			consequence: []string{"Small", "Medium", "Big"},
			levels:      []Level{{Name: ok, Rank: 0, Color: "#22c55e"}, {Name: tt, Rank: 1, Color: "#f97316"}},
			grid:        [][]string{{ok, ok, tt}, {ok, tt, tt}},
			accepted:    []string{ok},
		},
		{
			file: "library-two-matrices.yaml", opts: []CISOOption{WithCISOMatrix("urn:example:risk:matrix:single")},
			id: "urn:example:risk:matrix:single", version: "5", title: "One cell",
			likelihood: []string{"Any"}, consequence: []string{"Any"},
			levels:   []Level{{Name: "Noted"}},
			grid:     [][]string{{"Noted"}},
			accepted: []string{"Noted"},
		},
	} {
		t.Run(c.file+"/"+c.id+fmt.Sprint(len(c.opts)), func(t *testing.T) {
			crit, err := ImportCISOMatrix(cisoSample(t, c.file), c.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if crit.ID != c.id || crit.Version != c.version || crit.Title != c.title {
				t.Errorf("ID %q version %q title %q, want %q %q %q", crit.ID, crit.Version, crit.Title, c.id, c.version, c.title)
			}
			if diff := cmp.Diff(c.likelihood, cisoNames(crit.Likelihood)); diff != "" {
				t.Errorf("likelihood levels (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.consequence, cisoNames(crit.Consequence)); diff != "" {
				t.Errorf("consequence levels (-want +got):\n%s", diff)
			}
			if len(crit.Dimensions) != 1 || crit.Dimensions[0].ID != CISODimension ||
				!cmp.Equal(cisoNames(crit.Dimensions[0].Scale), c.consequence) {
				t.Errorf("dimensions = %+v, want one %q on the impact scale", crit.Dimensions, CISODimension)
			}
			if crit.Likelihood.Kind != Qualitative || crit.Consequence.Kind != Qualitative {
				t.Errorf("scale kinds %s, %s, want qualitative", crit.Likelihood.Kind, crit.Consequence.Kind)
			}
			if c.levels != nil {
				if diff := cmp.Diff(c.levels, crit.Levels); diff != "" {
					t.Errorf("risk levels (-want +got):\n%s", diff)
				}
			}
			if diff := cmp.Diff(c.grid, cisoCells(t, crit)); diff != "" {
				t.Errorf("grid from the level rule (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.accepted, cisoAccepted(t, crit)); diff != "" {
				t.Errorf("accepted levels (-want +got):\n%s", diff)
			}
			cisoCheckEngine(t, crit, c.grid, c.accepted)
		})
	}
}

// cisoCheckEngine compiles the criteria and rates every cell.
func cisoCheckEngine(t testing.TB, crit Criteria, grid [][]string, accepted []string) {
	t.Helper()
	if err := crit.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	eng, err := Compile(crit)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	asOf := time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)
	for i, l := range crit.Likelihood.Levels {
		for j, k := range crit.Consequence.Levels {
			ev, err := eng.Rate(context.Background(), &Rating{
				Likelihood:   l.Value,
				Consequences: map[string]decimal.Decimal{CISODimension: k.Value},
			}, nil, asOf)
			if err != nil {
				t.Fatalf("Rate(%s, %s): %v", l.Name, k.Name, err)
			}
			wantOK := false
			for _, a := range accepted {
				wantOK = wantOK || a == grid[i][j]
			}
			if ev.Level != grid[i][j] || ev.Acceptable != wantOK {
				t.Errorf("Rate(%s, %s) = %s acceptable %v, want %s %v", l.Name, k.Name, ev.Level, ev.Acceptable, grid[i][j], wantOK)
			}
		}
	}
}

// cisoFieldErrors flattens an error into the messages of its FieldErrors.
func cisoFieldErrors(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		var fe *FieldError
		if fe2, ok := e.(*FieldError); ok {
			fe = fe2
		}
		switch {
		case fe != nil:
			msg := fe.Path + ": " + fe.Msg
			if fe.Err != nil {
				msg += ": …"
			}
			out = append(out, msg)
		case e == nil:
		default:
			if u, ok := e.(interface{ Unwrap() []error }); ok {
				for _, x := range u.Unwrap() {
					walk(x)
				}
			} else if x := errors.Unwrap(e); x != nil {
				walk(x)
			} else {
				out = append(out, "other: "+e.Error())
			}
		}
	}
	walk(err)
	return out
}

const cisoOK3 = `
    probability: [{name: A}, {name: B}, {name: C}]
    impact: [{name: X}, {name: Y}]
    risk: [{name: low}, {name: high}]
    grid: [[0, 0], [0, 1], [1, 1]]
`

func TestImportCISOErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		doc  string
		opts []CISOOption
		want []string
	}{
		{"not yaml", "objects: [unclosed", nil, []string{"document: not a YAML or JSON document: …"}},
		{"empty", "", nil, []string{"document: not a YAML or JSON document: …"}},
		{"scalar", "42", nil, []string{"document: want a mapping with an objects.risk_matrices entry"}},
		{"no matrix", "objects: {framework: {}}", nil, []string{"objects.risk_matrices: the document holds no risk matrix"}},
		{"objects not a mapping", "objects: [1]", nil, []string{"objects: want a mapping, not a list"}},
		{"matrix scalar", "objects: {risk_matrix: 3}", nil, []string{`risk_matrix: want a matrix or a list of matrices, not a value "3"`}},
		{"empty list", "objects: {risk_matrix: []}", nil, []string{"risk_matrix: the list of risk matrices is empty"}},
		{"the example of the brief", `
objects:
  risk_matrix:
    - ref_id: m
      probability: [{name: A}, {name: B}, {name: C}]
      impact: [{name: X}, {name: Y}]
      risk: [{name: a}, {name: b}, {name: c}, {name: d}]
      grid: [[0, 1], [2, 3], [1, 7]]
`, nil, []string{"risk_matrix[0].grid[2][1]: index 7 out of range (4 risk levels)"}},
		{"everything wrong at once", `
objects:
  risk_matrix:
    - name: [not text]
      probability:
        - {name: A, id: 0}
        - {name: A, abbreviation: Q, id: 5}
        - {abbreviation: Q}
        - {description: nameless}
      impact: {name: X}
      risk:
        - {name: low, hexcolor: green}
        - {name: "bad\tname", hexcolor: "#12345"}
        - 7
      grid:
        - [0, 1]
        - [0, x, -1]
        - notarow
`, nil, []string{
			"risk_matrix[0].name: want text, not a list",
			"risk_matrix[0].probability[1].id: value \"5\" does not match the level's position 1: ids number the levels in order, from 0 or from 1",
			"risk_matrix[0].probability[1].name: duplicate name \"A\" (also risk_matrix[0].probability[0])",
			"risk_matrix[0].probability[2].abbreviation: duplicate abbreviation \"Q\" (also risk_matrix[0].probability[1])",
			"risk_matrix[0].probability[3]: the level needs a name or an abbreviation",
			"risk_matrix[0].impact: want a list of levels, not a mapping",
			`risk_matrix[0].risk[0].hexcolor: "green" is not a colour of the form #rrggbb or #rgb`,
			`risk_matrix[0].risk[1].hexcolor: "#12345" is not a colour of the form #rrggbb or #rgb`,
			"risk_matrix[0].risk[1].name: \"bad\\tname\" holds control characters or is longer than 100 characters",
			"risk_matrix[0].risk[2]: want a mapping with abbreviation, name and description",
			"risk_matrix[0].grid: 3 rows, want one per probability level (4)",
			"risk_matrix[0].grid[1][1]: value \"x\" is not a risk index",
			"risk_matrix[0].grid[1][2]: index -1 out of range (3 risk levels)",
			"risk_matrix[0].grid[2]: want a list of risk indices",
			"risk_matrix[0]: the matrix needs a ref_id or a urn to identify the criteria",
		}},
		{"ragged grid", `
objects:
  risk_matrix:
    ref_id: r
    probability: [{name: A}, {name: B}]
    impact: [{name: X}, {name: Y}, {name: Z}]
    risk: [{name: low}, {name: high}]
    grid: [[0, 0, 1], [0, 1], [1, 1, 1, 1]]
`, nil, []string{
			"risk_matrix.grid: 3 rows, want one per probability level (2)",
			"risk_matrix.grid[1]: 2 cells, want one per impact level (3)",
			"risk_matrix.grid[2]: 4 cells, want one per impact level (3)",
		}},
		{"missing lists", "objects: {risk_matrix: {ref_id: r}}", nil, []string{
			"risk_matrix.probability: missing: the matrix needs this list of levels",
			"risk_matrix.impact: missing: the matrix needs this list of levels",
			"risk_matrix.risk: missing: the matrix needs this list of levels",
			"risk_matrix.grid: missing: the matrix needs a grid",
		}},
		{"empty lists", "objects: {risk_matrix: {ref_id: r, probability: [], impact: [], risk: [], grid: []}}", nil, []string{
			"risk_matrix.probability: the list of levels is empty",
			"risk_matrix.impact: the list of levels is empty",
			"risk_matrix.risk: the list of levels is empty",
		}},
		{"too many levels", "objects: {risk_matrix: {ref_id: r, probability: [" + strings.Repeat("{name: a}, ", 21) + "], impact: [{name: x}], risk: [{name: r}], grid: [[0]]}}", nil, []string{
			"risk_matrix.probability: 21 levels, at most 20 are supported",
		}},
		{"repeated key", "objects: {risk_matrix: {ref_id: r, ref_id: s" + strings.TrimSuffix(strings.ReplaceAll(cisoOK3, "\n    ", ", "), "\n") + "}}", nil, []string{
			"risk_matrix.ref_id: key given twice",
		}},
		{"both inline and json_definition", `
objects:
  risk_matrix:
    ref_id: r
    json_definition: '{"probability": [{"name": "A"}], "impact": [{"name": "X"}], "risk": [{"name": "r"}], "grid": [[0]]}'
    grid: [[0]]
`, nil, []string{"risk_matrix.grid: given both inline and in json_definition: give one of them"}},
		{"bad json_definition", `
objects:
  risk_matrix:
    ref_id: r
    json_definition: '{"probability": [}'
`, nil, []string{"risk_matrix.json_definition: not a YAML or JSON document: …"}},
		{"json_definition not a mapping", `
objects:
  risk_matrix:
    ref_id: r
    json_definition: '[1, 2]'
`, nil, []string{"risk_matrix.json_definition: want a mapping with probability, impact, risk and grid, not a list"}},
		{"errors inside json_definition", `
objects:
  risk_matrix:
    ref_id: r
    json_definition: '{"probability": [{"name": "A"}], "impact": [{"name": "X"}], "risk": [{"name": "r"}], "grid": [[1]]}'
`, nil, []string{"risk_matrix.json_definition.grid[0][0]: index 1 out of range (1 risk levels)"}},
		{"several, none chosen", `
objects:
  risk_matrix:
    - {ref_id: a, urn: "urn:a"}
    - {urn: "urn:b"}
    - 3
`, nil, []string{`risk_matrix: the document holds 3 risk matrices ("a", "urn:b", "?"): choose one with WithCISOMatrix`}},
		{"unknown choice", "objects: {risk_matrix: [{ref_id: a}, {ref_id: b}]}", []CISOOption{WithCISOMatrix("c")}, []string{
			`risk_matrix: no risk matrix has the ref_id or urn "c" (the document holds "a", "b")`,
		}},
		{"unknown acceptance level", "objects:\n  risk_matrix:\n    ref_id: r" + cisoOK3, []CISOOption{WithCISOAcceptance("medium")}, []string{
			`risk_matrix.risk: WithCISOAcceptance names "medium", which is not a risk level (want one of "low", "high")`,
		}},
		{"too large", "#" + strings.Repeat("x", MaxCISODocumentSize), nil, []string{
			fmt.Sprintf("document: %d bytes, more than the %d accepted", MaxCISODocumentSize+1, MaxCISODocumentSize),
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ImportCISOMatrix([]byte(c.doc), c.opts...)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error does not match ErrInvalid: %v", err)
			}
			if diff := cmp.Diff(c.want, cisoFieldErrors(err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if !strings.HasPrefix(err.Error(), "risk: import CISO Assistant risk matrix: ") {
				t.Errorf("message %q lacks the prefix", err)
			}
		})
	}
}

// A minimal matrix with no IDs of its own takes the library's, and the
// top-level risk_matrix (outside objects) is found too.
func TestImportCISOFallbacks(t *testing.T) {
	c, err := ImportCISOMatrix([]byte("ref_id: lib\nrisk_matrix:" + strings.ReplaceAll(cisoOK3, "\n    ", "\n  ")))
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != "lib" || c.Version != "1" || c.Title != "lib" || c.AcceptanceRule != "rank <= 0" {
		t.Errorf("ID %q version %q title %q acceptance %q", c.ID, c.Version, c.Title, c.AcceptanceRule)
	}
	if diff := cmp.Diff([][]string{{"low", "low"}, {"low", "high"}, {"high", "high"}}, cisoCells(t, c)); diff != "" {
		t.Errorf("grid (-want +got):\n%s", diff)
	}
	// Anchors and aliases are followed.
	c, err = ImportCISOMatrix([]byte(`
objects:
  risk_matrix:
    ref_id: r
    probability: &levels [{name: A}, {name: B}]
    impact: *levels
    risk: [{name: "say \"hi\"\\"}, {name: "näive ☂"}, {name: "zero\u200bwidth"}]
    grid: [&row [0, 1], [2, 2]]
`))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][]string{{`say "hi"\`, "näive ☂"}, {"zero\u200bwidth", "zero\u200bwidth"}}, cisoCells(t, c)); diff != "" {
		t.Errorf("grid (-want +got):\n%s", diff)
	}
	cisoCheckEngine(t, c, [][]string{{`say "hi"\`, "näive ☂"}, {"zero\u200bwidth", "zero\u200bwidth"}}, []string{`say "hi"\`})
}

// cisoDoc is the shape of a generated library document.
type cisoDocLevel struct {
	ID       int    `yaml:"id"`
	Abbrev   string `yaml:"abbreviation"`
	Name     string `yaml:"name"`
	Desc     string `yaml:"description,omitempty"`
	HexColor string `yaml:"hexcolor,omitempty"`
}

type cisoDocMatrix struct {
	URN            string         `yaml:"urn"`
	RefID          string         `yaml:"ref_id"`
	Name           string         `yaml:"name"`
	JSONDefinition any            `yaml:"json_definition,omitempty"`
	Probability    []cisoDocLevel `yaml:"probability,omitempty"`
	Impact         []cisoDocLevel `yaml:"impact,omitempty"`
	Risk           []cisoDocLevel `yaml:"risk,omitempty"`
	Grid           [][]int        `yaml:"grid,omitempty"`
}

// Any well-formed matrix imports into criteria whose level rule gives the
// grid's risk level in every cell, and whose engine agrees.
func TestImportCISOProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		name := rapid.StringMatching(`[A-Za-z][A-Za-z0-9 "\\'_.-]{0,12}`)
		idBase := rapid.IntRange(0, 1).Draw(t, "idBase") // libraries count from 0, some exports from 1
		levels := func(label string, n int) []cisoDocLevel {
			seen := map[string]bool{}
			var out []cisoDocLevel
			for i := range n {
				nm := strings.TrimSpace(name.Draw(t, label))
				for seen[nm] {
					nm += "+"
				}
				seen[nm] = true
				out = append(out, cisoDocLevel{ID: i + idBase, Abbrev: fmt.Sprintf("%s%d", label[:1], i), Name: nm,
					HexColor: fmt.Sprintf("#%06x", rapid.IntRange(0, 0xffffff).Draw(t, "color"))})
			}
			return out
		}
		rows, cols, risks := rapid.IntRange(1, 8).Draw(t, "rows"), rapid.IntRange(1, 8).Draw(t, "cols"), rapid.IntRange(1, 6).Draw(t, "risks")
		m := cisoDocMatrix{URN: "urn:x", RefID: "x", Name: "generated",
			Probability: levels("probability", rows), Impact: levels("impact", cols), Risk: levels("risk", risks)}
		want := make([][]string, rows)
		for i := range rows {
			m.Grid = append(m.Grid, nil)
			for range cols {
				k := rapid.IntRange(0, risks-1).Draw(t, "cell")
				m.Grid[i] = append(m.Grid[i], k)
				want[i] = append(want[i], m.Risk[k].Name)
			}
		}
		switch rapid.IntRange(0, 2).Draw(t, "definition") {
		case 1: // json_definition as text, as libraries hold it
			def, err := yaml.Marshal(map[string]any{"probability": m.Probability, "impact": m.Impact, "risk": m.Risk, "grid": m.Grid})
			if err != nil {
				t.Fatal(err)
			}
			m.JSONDefinition = string(def)
			m.Probability, m.Impact, m.Risk, m.Grid = nil, nil, nil, nil
		case 2: // json_definition as an object, as exports write it
			m.JSONDefinition = map[string]any{"probability": m.Probability, "impact": m.Impact, "risk": m.Risk, "grid": m.Grid}
			m.Probability, m.Impact, m.Risk, m.Grid = nil, nil, nil, nil
		}
		key := rapid.SampledFrom([]string{"risk_matrix", "risk_matrices"}).Draw(t, "key")
		doc, err := yaml.Marshal(map[string]any{"version": 7, "objects": map[string]any{key: []cisoDocMatrix{m}}})
		if err != nil {
			t.Fatal(err)
		}
		// Accept up to the level of the first cell, or only the lowest.
		acceptFirst := rapid.Bool().Draw(t, "acceptFirst")
		var opts []CISOOption
		if acceptFirst {
			opts = append(opts, WithCISOAcceptance(want[0][0]))
		}
		c, err := ImportCISOMatrix(doc, opts...)
		if err != nil {
			t.Fatalf("import: %v\n%s", err, doc)
		}
		if c.ID != "x" || c.Version != "7" {
			t.Fatalf("ID %q version %q", c.ID, c.Version)
		}
		if diff := cmp.Diff(want, cisoCells(t, c)); diff != "" {
			t.Fatalf("grid (-want +got):\n%s\nrule: %s", diff, c.LevelRule)
		}
		top := 0
		if acceptFirst {
			for i, l := range c.Levels {
				if l.Name == want[0][0] {
					top = i
				}
			}
		}
		var accepted []string
		for _, l := range c.Levels[:top+1] {
			accepted = append(accepted, l.Name)
		}
		if diff := cmp.Diff(accepted, cisoAccepted(t, c)); diff != "" {
			t.Fatalf("accepted (-want +got):\n%s", diff)
		}
	})
}

func FuzzImportCISOMatrix(f *testing.F) {
	for _, name := range []string{"matrix-5x5.yaml", "matrix-3x3.yaml", "library-two-matrices.yaml"} {
		f.Add(cisoSample(f, name), "")
	}
	f.Add(cisoSample(f, "library-two-matrices.yaml"), "two-by-three")
	f.Add([]byte("objects: {risk_matrix: {ref_id: r, json_definition: '{\"grid\": [[0]]}'}}"), "r")
	f.Add([]byte("a: &a [*a]"), "")
	f.Add([]byte(`{"objects": {"risk_matrix": [{"ref_id": "j", "probability": [{"name": "p"}], "impact": [{"name": "i"}], "risk": [{"name": "r"}], "grid": [[0]]}]}}`), "j")
	f.Add(cisoSample(f, "export-2x3.json"), "")
	f.Add([]byte(`{"objects": {"risk_matrices": {"ref_id": "e", "is_enabled": true, "translations": {"fr": {"name": "x"}, "": 1}, "json_definition": {"probability": [{"name": "p", "id": 1}], "impact": [{"name": "i", "id": 1}], "risk": [{"name": "r", "id": 1, "translations": []}], "grid": [[0]]}}}}`), "e")
	f.Fuzz(func(t *testing.T, data []byte, matrix string) {
		var opts []CISOOption
		if matrix != "" {
			opts = append(opts, WithCISOMatrix(matrix))
		}
		im, err := ImportCISO(data, opts...)
		c := im.Criteria
		if err == nil {
			// Translations point at levels that exist.
			for _, tr := range im.Translations {
				var i int
				var group string
				if tr.Target == "criteria" {
					continue
				}
				if _, err := fmt.Sscanf(strings.ReplaceAll(strings.ReplaceAll(tr.Target, "[", " "), "]", ""), "%s %d", &group, &i); err != nil {
					t.Fatalf("target %q: %v", tr.Target, err)
				}
				n := map[string]int{"likelihood": len(c.Likelihood.Levels), "consequence": len(c.Consequence.Levels), "levels": len(c.Levels)}[group]
				if i < 0 || i >= n {
					t.Fatalf("translation target %q out of range (%d)", tr.Target, n)
				}
			}
		}
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error does not match ErrInvalid: %v", err)
			}
			return
		}
		// Whatever imports evaluates on every cell to one of its levels.
		names := map[string]bool{}
		for _, l := range c.Levels {
			names[l.Name] = true
		}
		for _, row := range cisoCells(t, c) {
			for _, cell := range row {
				if !names[cell] {
					t.Fatalf("cell gives %q, not a risk level", cell)
				}
			}
		}
	})
}

func BenchmarkImportCISOMatrix(b *testing.B) {
	doc := cisoSample(b, "matrix-5x5.yaml")
	for b.Loop() {
		if _, err := ImportCISOMatrix(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// A current export: risk_matrices, json_definition as an object, level
// ids from 1, a disabled matrix, translations kept, the rest warned about.
func TestImportCISOExport(t *testing.T) {
	im, err := ImportCISO(cisoSample(t, "export-2x3.json"))
	if err != nil {
		t.Fatal(err)
	}
	if im.Criteria.ID != "export-2x3" || im.Criteria.Version != "9" || im.Enabled || im.Locale != "en" {
		t.Errorf("ID %q version %q enabled %v locale %q", im.Criteria.ID, im.Criteria.Version, im.Enabled, im.Locale)
	}
	if diff := cmp.Diff([][]string{{"Low", "Low", "High"}, {"Low", "High", "High"}}, cisoCells(t, im.Criteria)); diff != "" {
		t.Errorf("grid (-want +got):\n%s", diff)
	}
	wantTr := []CISOTranslation{
		{Locale: "de", Target: "likelihood[1]", Name: "Wahrscheinlich"},
		{Locale: "fr", Target: "criteria", Name: "Matrice exportée", Description: "Deux niveaux de probabilité, trois d'impact."},
		{Locale: "fr", Target: "likelihood[0]", Name: "Peu probable"},
		{Locale: "fr", Target: "likelihood[1]", Name: "Probable"},
		{Locale: "fr", Target: "levels[0]", Name: "Faible", Description: "Acceptable."},
	}
	if diff := cmp.Diff(wantTr, im.Translations); diff != "" {
		t.Errorf("translations (-want +got):\n%s", diff)
	}
	wantWarn := []string{
		"risk_matrices[0].is_enabled: false: CISO Assistant offers this matrix for no new risk assessment",
		"risk_matrices[0].json_definition.impact[2].translations: want a mapping from locale to name and description, not a value \"sévère\": translations skipped",
		"risk_matrices[0].json_definition.strength_of_knowledge: not imported: the criteria have no strength-of-knowledge scale",
	}
	if diff := cmp.Diff(wantWarn, im.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	// ImportCISOMatrix gives the same criteria.
	c, err := ImportCISOMatrix(cisoSample(t, "export-2x3.json"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(im.Criteria, c); diff != "" {
		t.Errorf("ImportCISOMatrix (-ImportCISO +ImportCISOMatrix):\n%s", diff)
	}
	// A library without is_enabled is enabled, and warns of nothing.
	im, err = ImportCISO(cisoSample(t, "matrix-3x3.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !im.Enabled || len(im.Warnings) != 0 || len(im.Translations) != 0 {
		t.Errorf("enabled %v warnings %q translations %v", im.Enabled, im.Warnings, im.Translations)
	}
}

func TestImportCISOExportErrors(t *testing.T) {
	def := `{"probability": [{"name": "A"}, {"name": "B"}], "impact": [{"name": "X"}], "risk": [{"name": "r"}], "grid": [[0], [0]]}`
	for _, c := range []struct {
		name, doc string
		want      []string
	}{
		{"both keys", `{"objects": {"risk_matrix": [], "risk_matrices": []}}`, []string{
			"objects.risk_matrices: given together with risk_matrix: give one of them"}},
		{"top-level risk_matrices", `{"risk_matrices": {"ref_id": "r", "json_definition": ` + def + `, "is_enabled": "yes"}}`, []string{
			`risk_matrices.is_enabled: want true or false, not a value "yes"`}},
		{"ids from 1 then a gap", `{"objects": {"risk_matrices": {"ref_id": "r", "json_definition": {"probability": [{"name": "A", "id": 1}, {"name": "B", "id": 3}], "impact": [{"name": "X", "id": 0}], "risk": [{"name": "r", "id": 2}], "grid": [[0], [0]]}}}}`, []string{
			`risk_matrices.json_definition.probability[1].id: value "3" does not match the level's position 1: ids number the levels in order, from 0 or from 1`,
			`risk_matrices.json_definition.risk[0].id: value "2" does not match the level's position 0: ids number the levels in order, from 0 or from 1`,
		}},
		{"json_definition a number", `{"objects": {"risk_matrices": {"ref_id": "r", "json_definition": 3}}}`, []string{
			`risk_matrices.json_definition: want a mapping with probability, impact, risk and grid, not a value "3"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ImportCISO([]byte(c.doc))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%v does not match ErrInvalid", err)
			}
			if diff := cmp.Diff(c.want, cisoFieldErrors(err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}
