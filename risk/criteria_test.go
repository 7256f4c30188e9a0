package risk

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
)

// problemKeys flattens a validation error into sortable keys: the path of
// each FieldError, and "cel:<field>" for each compile error.
func problemKeys(err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		var fe *FieldError
		var ce *rules.CompileError
		switch {
		case errors.As(err, &fe) && fe == err:
			out = append(out, fe.Path)
		case errors.As(err, &ce) && ce == err:
			out = append(out, "cel:"+ce.Field)
		default:
			if u, ok := err.(interface{ Unwrap() []error }); ok {
				for _, e := range u.Unwrap() {
					walk(e)
				}
				return
			}
			if u := errors.Unwrap(err); u != nil {
				walk(u)
				return
			}
			out = append(out, "other:"+err.Error())
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(c *Criteria)
		want   []string
	}{
		{"default 5x5 is valid", func(c *Criteria) {}, nil},
		{"no id or version", func(c *Criteria) { c.ID, c.Version = "", " " }, []string{"id", "version"}},
		{"approval without date", func(c *Criteria) { c.Approval.By = "board" }, []string{"approval.on"}},
		{"approval without approver", func(c *Criteria) { c.Approval.On = day(2026, 1, 1) }, []string{"approval.by"}},
		{"duplicate scale value", func(c *Criteria) { c.Likelihood.Levels[2].Value = num("2.0") }, []string{"likelihood.levels[2].value"}},
		{"descending scale value", func(c *Criteria) { c.Likelihood.Levels[3].Value = num("2.5") },
			[]string{"likelihood.levels[3].value"}},
		{"empty and duplicate level names", func(c *Criteria) {
			c.Consequence.Levels[1].Name = ""
			c.Consequence.Levels[3].Name = "moderate"
		}, []string{"consequence.levels[1].name", "consequence.levels[3].name"}},
		{"unknown and missing kinds", func(c *Criteria) {
			c.Consequence.Kind = "fuzzy"
			c.Dimensions[2].Scale.Kind = ""
		}, []string{"consequence.kind", "dimensions[2].scale.kind"}},
		{"qualitative scale without levels", func(c *Criteria) { c.Likelihood.Levels = nil }, []string{"likelihood.levels"}},
		{"continuous quantitative scale is fine", func(c *Criteria) {
			c.Dimensions[0].Scale = Scale{Kind: Quantitative, Unit: "EUR"}
		}, nil},
		{"value out of range", func(c *Criteria) { c.Likelihood.Levels[4].Value = decimal.New(5, 200) }, []string{"likelihood.levels[4].value"}},
		{"dimensions", func(c *Criteria) {
			c.Dimensions[1].ID = c.Dimensions[0].ID
			c.Dimensions[3].ID = ""
		}, []string{"dimensions[1].id", "dimensions[3].id"}},
		{"no dimensions", func(c *Criteria) { c.Dimensions = nil }, []string{"dimensions"}},
		{"risk levels", func(c *Criteria) {
			c.Levels[1].Name = "low"
			c.Levels[2].Rank = 1
			c.Levels[3].Color = "red"
		}, []string{"levels[1].name", "levels[2].rank", "levels[3].color"}},
		{"no levels", func(c *Criteria) { c.Levels = nil }, []string{"levels"}},
		{"missing rules", func(c *Criteria) { c.LevelRule, c.AcceptanceRule = "", "" }, []string{"levelRule", "acceptanceRule"}},
		{"rules that do not compile", func(c *Criteria) {
			c.LevelRule = `score <= "4" ? "low" : "high"`
			c.AcceptanceRule = `rank <=`
			c.PriorityRule = `"urgent"`
			c.CombineRule = `decimals.max(consequences.values())`
		}, []string{"cel:combineRule", "cel:levelRule", "cel:acceptanceRule", "cel:priorityRule"}},
		{"level rule cannot read the level", func(c *Criteria) { c.LevelRule = `level` }, []string{"cel:levelRule"}},
		{"level rule naming unknown levels on some cells", func(c *Criteria) {
			c.LevelRule = `score >= 20 ? "extreme" : score > 9 ? "high" : "low"`
		}, []string{
			"levelRule[likelihood=4,consequence=5]",
			"levelRule[likelihood=5,consequence=4]",
			"levelRule[likelihood=5,consequence=5]",
		}},
		{"level rule failing on a cell", func(c *Criteria) {
			c.LevelRule = `["low", "medium", "high", "critical"][int(score.div(5, 0, "floor"))]`
		}, []string{"levelRule[likelihood=4,consequence=5]", "levelRule[likelihood=5,consequence=4]", "levelRule[likelihood=5,consequence=5]"}},
		{"acceptance rule failing on some levels", func(c *Criteria) {
			c.AcceptanceRule = `rank <= 2 ? true : [true][rank]`
		}, []string{"acceptanceRule[level=high]", "acceptanceRule[level=critical]"}},
		{"priority rule failing on a cell", func(c *Criteria) {
			c.PriorityRule = `score.div(score - decimal(25), 2)`
		}, []string{"priorityRule[likelihood=5,consequence=5]"}},
		{"rules reading attributes are checked at rating time", func(c *Criteria) {
			c.LevelRule = `attributes["x"] == true ? "nonsense" : "low"`
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Default5x5()
			tc.change(&c)
			err := c.Validate()
			if d := gocmp.Diff(tc.want, problemKeys(err)); d != "" {
				t.Errorf("problems (-want +got):\n%s\nerror: %v", d, err)
			}
			_, cerr := Compile(c)
			if (err == nil) != (cerr == nil) {
				t.Errorf("Validate: %v, but Compile: %v", err, cerr)
			}
			if err != nil && !slices.Equal(problemKeys(err), problemKeys(cerr)) {
				t.Errorf("Compile reports other problems than Validate: %v", cerr)
			}
		})
	}
}

func TestValidateErrors(t *testing.T) {
	c := Default5x5()
	c.Levels[0].Color = "green"
	c.LevelRule = "score >\n  "
	err := c.Validate()
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("errors.Is(err, ErrInvalid) = false for %v", err)
	}
	if !errors.Is(err, rules.ErrCompile) {
		t.Errorf("errors.Is(err, rules.ErrCompile) = false for %v", err)
	}
	var ces rules.CompileErrors
	if !errors.As(err, &ces) {
		t.Fatalf("no rules.CompileErrors in %v", err)
	}
	ce := ces[0]
	if ce.ID != "default-5x5" || ce.Field != "levelRule" || ce.Line == 0 {
		t.Errorf("compile error = %+v, want ID default-5x5, field levelRule and a line", ce)
	}
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Path != "levels[0].color" || !strings.Contains(fe.Error(), `"green"`) {
		t.Errorf("field error = %v", fe)
	}
	_, err = Compile(c)
	if err == nil || !strings.HasPrefix(err.Error(), `risk: criteria "default-5x5" version "1.0.0": `) {
		t.Errorf("Compile error = %v", err)
	}
}

func TestCompileOptions(t *testing.T) {
	c := Default5x5()
	c.LevelRule = `[1, 2, 3].map(x, [1, 2, 3].map(y, x * y)).size() > 0 ? "low" : "high"`
	if _, err := Compile(c); err != nil {
		t.Fatal(err)
	}
	_, err := Compile(c, rules.WithCostLimit(5))
	if !errors.Is(err, rules.ErrLimit) {
		t.Errorf("with a cost limit of 5: %v, want a limit error", err)
	}
	if _, err := Compile(c, rules.Variable("score", rules.IntType)); err == nil {
		t.Error("declaring score again should fail")
	}
}

func TestTabulation(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		change                 func(c *Criteria)
		levelTab               bool
		acceptBy, prioBy       tableKind
		readsAttrs, hasCombine bool
	}{
		{"default", func(c *Criteria) {}, true, tabLevel, tabNone, false, false},
		{"acceptance by cell", func(c *Criteria) { c.AcceptanceRule = `rank <= 2 && likelihood < 5` }, true, tabCell, tabNone, false, false},
		{"priority by level", func(c *Criteria) { c.PriorityRule = `rank * 10` }, true, tabLevel, tabLevel, false, false},
		{"priority by cell", func(c *Criteria) { c.PriorityRule = `score + decimal(rank * 100)` }, true, tabLevel, tabCell, false, false},
		{"locals are not variables", func(c *Criteria) {
			c.LevelRule = `cel.bind(s, score, [4, 9, 16].filter(x, s > x).size() == 0 ? "low" : "high")`
		}, true, tabLevel, tabNone, false, false},
		{"acceptance reading attributes", func(c *Criteria) {
			c.AcceptanceRule = `rank <= 2 || attributes["waived"] == true`
		}, true, tabNone, tabNone, true, false},
		{"acceptance reading asOf", func(c *Criteria) {
			c.AcceptanceRule = `rank <= 2 || asOf < timestamp("2020-01-01T00:00:00Z")`
		}, true, tabNone, tabNone, false, false},
		{"level reading consequences", func(c *Criteria) {
			c.LevelRule = `consequences.exists(k, consequences[k] > 4) ? "critical" : "low"`
		}, false, tabLevel, tabNone, false, false},
		{"cell acceptance needs a tabulated level", func(c *Criteria) {
			c.LevelRule = `attributes.size() > 9 ? "critical" : "low"`
			c.AcceptanceRule = `rank <= 2 && likelihood < 5`
		}, false, tabNone, tabNone, true, false},
		{"combine rule", func(c *Criteria) {
			c.CombineRule = `decimals.sum(consequences.map(k, consequences[k])).div(2, 0, "ceil")`
		},
			true, tabLevel, tabNone, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Default5x5()
			tc.change(&c)
			e, err := Compile(c)
			if err != nil {
				t.Fatal(err)
			}
			got := []any{e.levelTab, e.acceptBy, e.prioBy, e.reads&refAttributes != 0, e.combine != nil}
			want := []any{tc.levelTab, tc.acceptBy, tc.prioBy, tc.readsAttrs, tc.hasCombine}
			if d := gocmp.Diff(want, got); d != "" {
				t.Errorf("levelTab, acceptBy, prioBy, readsAttrs, combine (-want +got):\n%s", d)
			}
		})
	}
}

func TestFingerprint(t *testing.T) {
	c := Default5x5()
	e, err := Compile(c)
	if err != nil {
		t.Fatal(err)
	}
	// Pinned, so that a change of the defaults or of the canonical
	// encoding does not go unnoticed: assessments on record carry it.
	const want = "sha256:53d8339ac48e534c940b9684724a2bcea530dbcaa5e2c6184bfc9e406adb0222"
	if got := e.Fingerprint(); got != c.Fingerprint() {
		t.Errorf("engine fingerprint %s, criteria fingerprint %s", got, c.Fingerprint())
	}
	if got := c.Fingerprint(); got != want {
		t.Errorf("Default5x5 fingerprint = %s, want %s", got, want)
	}

	same := Default5x5()
	same.Likelihood.Levels[1].Value = num("2.000")
	same.Approval.On = time.Time{}.In(time.FixedZone("X", 3600))
	if same.Fingerprint() != c.Fingerprint() {
		t.Error("numerically equal values should give the same fingerprint")
	}
	b, _ := json.Marshal(c)
	var back Criteria
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Fingerprint() != c.Fingerprint() {
		t.Error("a JSON round trip changed the fingerprint")
	}

	fps := map[string]string{c.Fingerprint(): "default"}
	for name, change := range map[string]func(*Criteria){
		"approval":    func(c *Criteria) { c.Approval = Approval{By: "board", On: day(2026, 1, 1)} },
		"approval on": func(c *Criteria) { c.Approval = Approval{By: "board", On: day(2026, 1, 2)} },
		"rule":        func(c *Criteria) { c.AcceptanceRule = "rank <= 1" },
		"value":       func(c *Criteria) { c.Likelihood.Levels[4].Value = num("5.5") },
		"colour":      func(c *Criteria) { c.Levels[0].Color = "#00ff00" },
		"description": func(c *Criteria) { c.Dimensions[0].Scale.Levels[0].Description = "x" },
		"version":     func(c *Criteria) { c.Version = "1.0.1" },
		"dims order":  func(c *Criteria) { c.Dimensions[0], c.Dimensions[1] = c.Dimensions[1], c.Dimensions[0] },
	} {
		x := Default5x5()
		change(&x)
		fp := x.Fingerprint()
		if other, dup := fps[fp]; dup {
			t.Errorf("changing %s gives the fingerprint of %s", name, other)
		}
		fps[fp] = name
	}
}

func TestDefaultsAreFreshCopies(t *testing.T) {
	a := Default5x5()
	a.Levels[0].Name = "changed"
	a.Likelihood.Levels[0].Name = "changed"
	b := Default5x5()
	if b.Levels[0].Name != "low" || b.Likelihood.Levels[0].Name == "changed" {
		t.Error("Default5x5 returned shared data")
	}
	e, err := Compile(b)
	if err != nil {
		t.Fatal(err)
	}
	got := e.Criteria()
	got.Levels[0].Name = "changed"
	got.Dimensions[0].Scale.Levels[0].Name = "changed"
	if e.Criteria().Levels[0].Name != "low" || e.Criteria().Dimensions[0].Scale.Levels[0].Name == "changed" {
		t.Error("Engine.Criteria returned shared data")
	}
	for _, c := range []Criteria{Default5x5(), Default3x3()} {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", c.ID, err)
		}
	}
}

func TestRulesReadOnlyWhatExists(t *testing.T) {
	c := Default5x5()
	c.LevelRule = "score > 3 ?\n  level : \"low\""
	c.CombineRule = "score + decimal(rank)"
	var got []string
	var ces rules.CompileErrors
	for _, err := range c.Validate().(interface{ Unwrap() []error }).Unwrap() {
		if errors.As(err, &ces) {
			for _, ce := range ces {
				got = append(got, ce.Error())
			}
		}
	}
	want := []string{
		"default-5x5.combineRule:1:1: the combine rule cannot read score, which is not known yet when it runs",
		"default-5x5.combineRule:1:17: the combine rule cannot read rank, which is not known yet when it runs",
		"default-5x5.levelRule:2:3: the level rule cannot read level, which is not known yet when it runs",
	}
	if d := gocmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestValidateUndeclaredDimensions: rules that name a dimension the
// criteria do not declare are rejected where they name it.
func TestValidateUndeclaredDimensions(t *testing.T) {
	for _, tc := range []struct {
		name, field, expr string
		want              []string // "line:column name"
	}{
		{"select", "levelRule", `consequences.finacial > decimal(3) ? "high" : "low"`, []string{"1:13 finacial"}},
		{"has", "acceptanceRule", `has(consequences.legl) || rank <= 2`, []string{"1:4 legl"}},
		{"index", "priorityRule", "score +\n consequences[\"ops\"]", []string{"2:14 ops"}},
		{"several once each", "levelRule", `consequences.a > consequences.b || consequences.a > decimal(1) ? "high" : "low"`, []string{"1:13 a", "1:30 b"}},
		{"declared", "levelRule", `consequences.financial > decimal(3) ? "high" : "low"`, nil},
		{"dynamic key", "priorityRule", `consequences.map(k, consequences[k]).size() == 0 ? score : decimal(1)`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Default5x5()
			switch tc.field {
			case "levelRule":
				c.Levels = []Level{{Name: "low", Rank: 1}, {Name: "high", Rank: 2}}
				c.LevelRule = tc.expr
			case "acceptanceRule":
				c.AcceptanceRule = tc.expr
			case "priorityRule":
				c.PriorityRule = tc.expr
			}
			err := c.Validate()
			var got []string
			var ces rules.CompileErrors
			if errors.As(err, &ces) {
				for _, ce := range ces {
					if ce.Field != tc.field {
						t.Errorf("error on %q, want %q: %v", ce.Field, tc.field, ce)
					}
					name := ce.Message[strings.Index(ce.Message, "consequences.")+len("consequences."):]
					name = name[:strings.IndexByte(name, ',')]
					got = append(got, fmt.Sprintf("%d:%d %s", ce.Line, ce.Column, name))
				}
			} else if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if d := gocmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s\nerror: %v", d, err)
			}
		})
	}
}
