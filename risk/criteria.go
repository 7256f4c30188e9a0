package risk

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
)

// maxGridCells bounds the likelihood × consequence grid that Compile
// tabulates and Validate checks cell by cell (100 levels on each axis).
// Larger grids are evaluated rule by rule.
const maxGridCells = 10_000

// Validate checks the criteria and reports every problem at once, joined
// with errors.Join: *FieldError values naming the field
// ("likelihood.levels[2].value", "levels[1].name", "dimensions[0].id"),
// and rules.CompileErrors for rules that do not compile (their ID is the
// criteria ID, their Field the rule's JSON name such as "levelRule").
//
// When both the likelihood and the consequence scale are discrete and the
// level rule reads nothing but likelihood, consequence and score, the rule
// is run on every cell of the grid, and each cell where it fails or yields
// a name that is not a risk level is reported with the cell in the path:
// "levelRule[likelihood=3,consequence=5]". The acceptance and priority
// rules are checked the same way over the cells (or over the risk levels,
// "acceptanceRule[level=high]") when they depend only on those values.
// Rules that read anything else (attributes, asOf, the consequences per
// dimension, quantitative inputs) can only fail when a risk is rated.
//
// A rule that names a consequence dimension the criteria do not declare,
// as consequences.x, has(consequences.x) or consequences["x"], is
// reported as a rules.CompileError at the place it is named: such a
// dimension is never rated, so the rule could never see it.
//
// Validate uses the default limits of the rules package; Compile applies
// the same checks under the options it is given.
func (c Criteria) Validate() error {
	_, errs := build(c, nil, true)
	return errors.Join(errs...)
}

// Compile validates the criteria (see Validate) and compiles them into an
// Engine. Options set the limits of the CEL environment the rules run in,
// such as rules.WithCostLimit. All problems are reported at once.
//
// Compiling tabulates what can be tabulated: when the scales are discrete
// and a rule depends only on the cell (likelihood, consequence, score) or
// only on the risk level, its result for every cell or level is computed
// here, and rating a risk becomes a table lookup.
func Compile(c Criteria, opts ...rules.EnvOption) (*Engine, error) {
	e, errs := build(c, opts, true)
	if len(errs) > 0 {
		return nil, fmt.Errorf("risk: criteria %q version %q: %w", c.ID, c.Version, errors.Join(errs...))
	}
	return e, nil
}

// newRulesEnv builds the one environment every rule compiles in. It
// declares all the variables; which rule may read which is checked on
// the rule's references (see forbidden), so that one environment serves
// all four rules.
func newRulesEnv(opts []rules.EnvOption) (*rules.Env, error) {
	vars := []rules.EnvOption{
		rules.Variable(varLikelihood, rules.DecimalType),
		rules.Variable(varConsequences, rules.MapType(rules.StringType, rules.DecimalType)),
		rules.Variable(varConsequence, rules.DecimalType),
		rules.Variable(varScore, rules.DecimalType),
		rules.Variable(varFrequency, rules.DecimalType),
		rules.Variable(varMagnitude, rules.DecimalType),
		rules.Variable(varALE, rules.DecimalType),
		rules.Variable(varAttributes, rules.MapType(rules.StringType, rules.DynType)),
		rules.Variable(varLevel, rules.StringType),
		rules.Variable(varRank, rules.IntType),
	}
	return rules.NewEnv(append(vars, opts...)...)
}

// defaultEnv is built once: environments are immutable, and building one
// costs far more than compiling a rule in it.
var defaultEnv = sync.OnceValues(func() (*rules.Env, error) { return newRulesEnv(nil) })

// refSet records which variables an expression reads.
type refSet uint16

const (
	refLikelihood refSet = 1 << iota
	refConsequences
	refConsequence
	refScore
	refFrequency
	refMagnitude
	refALE
	refAttributes
	refAsOf
	refLevel
	refRank
	refOther // anything not known: never tabulated
)

var refNames = map[string]refSet{
	varLikelihood: refLikelihood, varConsequences: refConsequences, varConsequence: refConsequence,
	varScore: refScore, varFrequency: refFrequency, varMagnitude: refMagnitude, varALE: refALE,
	varAttributes: refAttributes, rules.AsOfVar: refAsOf, varLevel: refLevel, varRank: refRank,
}

const (
	cellRefs  = refLikelihood | refConsequence | refScore
	levelRefs = refLevel | refRank
)

// within reports whether s reads nothing outside allowed.
func (s refSet) within(allowed refSet) bool { return s&^allowed == 0 }

// refsOf is the set of variables a compiled rule reads, from
// Program.References (which leaves out comprehension and cel.bind
// variables). A name the set does not know counts as refOther, which can
// only forbid tabulation.
func refsOf(prg *rules.Program) refSet {
	var s refSet
	for _, name := range prg.References() {
		if bit, ok := refNames[name]; ok {
			s |= bit
		} else {
			s |= refOther
		}
	}
	return s
}

// ruleAST parses expr, without checking it again, to find where things
// are read. It is used only when a rule needs a closer look: it reads a
// variable it may not, or it reads the consequences map.
func ruleAST(env *rules.Env, expr string) *ast.AST {
	parsed, iss := env.CEL().Parse(expr)
	if iss.Err() != nil {
		return nil
	}
	return parsed.NativeRep()
}

// firstReads returns where each of the variables in bits is first read
// (line and column, 1-based).
func firstReads(a *ast.AST, bits refSet) map[refSet][2]int {
	where := map[refSet][2]int{}
	if a == nil {
		return where
	}
	ast.PostOrderVisit(a.Expr(), ast.NewExprVisitor(func(e ast.Expr) {
		if e.Kind() != ast.IdentKind {
			return
		}
		bit, ok := refNames[e.AsIdent()]
		if !ok || bits&bit == 0 {
			return
		}
		pos := position(a, e.ID())
		if old, seen := where[bit]; !seen || pos[0] < old[0] || pos[0] == old[0] && pos[1] < old[1] {
			where[bit] = pos
		}
	}))
	return where
}

func position(a *ast.AST, id int64) [2]int {
	loc := a.SourceInfo().GetStartLocation(id)
	return [2]int{loc.Line(), loc.Column() + 1}
}

// dimensionReads returns the consequence dimensions the expression names
// by constant, consequences.x, has(consequences.x) or
// consequences["x"], that are not in dims, each with where it is first
// named, sorted by position. When a comprehension binds a variable called
// consequences, the names cannot be told apart and nothing is returned.
func dimensionReads(a *ast.AST, dims map[string]int) []dimRead {
	if a == nil {
		return nil
	}
	shadowed := false
	var out []dimRead
	seen := map[string]bool{}
	isCons := func(e ast.Expr) bool { return e.Kind() == ast.IdentKind && e.AsIdent() == varConsequences }
	add := func(name string, id int64) {
		if _, ok := dims[name]; ok || seen[name] {
			return
		}
		seen[name] = true
		out = append(out, dimRead{name: name, pos: position(a, id)})
	}
	ast.PostOrderVisit(a.Expr(), ast.NewExprVisitor(func(e ast.Expr) {
		switch e.Kind() {
		case ast.ComprehensionKind:
			c := e.AsComprehension()
			if c.IterVar() == varConsequences || c.IterVar2() == varConsequences || c.AccuVar() == varConsequences {
				shadowed = true
			}
		case ast.SelectKind:
			if sel := e.AsSelect(); isCons(sel.Operand()) {
				add(sel.FieldName(), e.ID())
			}
		case ast.CallKind:
			call := e.AsCall()
			if call.FunctionName() == "_[_]" && len(call.Args()) == 2 && isCons(call.Args()[0]) {
				if k := call.Args()[1]; k.Kind() == ast.LiteralKind {
					if str, ok := k.AsLiteral().(types.String); ok {
						add(string(str), e.ID())
					}
				}
			}
		}
	}))
	if shadowed {
		return nil
	}
	slices.SortFunc(out, func(x, y dimRead) int {
		if c := cmp.Compare(x.pos[0], y.pos[0]); c != 0 {
			return c
		}
		return cmp.Compare(x.pos[1], y.pos[1])
	})
	return out
}

type dimRead struct {
	name string
	pos  [2]int
}

// forbidden says which variables each rule may not read: the combine
// rule runs before the combined consequence, score and level exist, and
// the level rule decides the level.
var forbidden = map[string]refSet{
	"combineRule": refConsequence | refScore | refLevel | refRank,
	"levelRule":   refLevel | refRank,
}

var refVarNames = map[refSet]string{}

func init() {
	for name, bit := range refNames {
		refVarNames[bit] = name
	}
}

// scaleInfo is a scale prepared for lookups: its level values boxed for
// CEL and formatted for explanations, and a cheap key per level.
type scaleInfo struct {
	levels []ScaleLevel
	vals   []ref.Val
	strs   []string
	coef   []int64
	exp    []int32
	exact  []bool // whether coef is the level's whole coefficient
	// small[c] is one more than the level written with coefficient c and
	// exponent 0 (see sameIndex), 0 when there is none.
	small [smallInts]int32
}

// smallInts bounds the coefficients scaleInfo.small looks up.
const smallInts = 16

func newScaleInfo(s Scale) scaleInfo {
	si := scaleInfo{levels: s.Levels}
	for _, l := range s.Levels {
		si.vals = append(si.vals, rules.Decimal{D: l.Value})
		si.strs = append(si.strs, rules.FormatDecimal(l.Value))
		si.coef = append(si.coef, l.Value.CoefficientInt64())
		si.exp = append(si.exp, l.Value.Exponent())
		si.exact = append(si.exact, l.Value.NumDigits() <= maxKeyDigits)
	}
	for i := len(s.Levels) - 1; i >= 0; i-- {
		if c := si.coef[i]; si.exact[i] && si.exp[i] == 0 && c >= 0 && c < smallInts {
			si.small[c] = int32(i + 1)
		}
	}
	return si
}

func (si *scaleInfo) discrete() bool { return len(si.levels) > 0 }

// sameText reports whether d is level i's value written the same way,
// coefficient and exponent, so that it formats and marshals the same.
func (si *scaleInfo) sameText(i int, d decimal.Decimal) bool {
	return si.exact[i] && d.Exponent() == si.exp[i] && d.NumDigits() <= maxKeyDigits && d.CoefficientInt64() == si.coef[i]
}

// sameIndex returns the position of the level written exactly as d,
// coefficient and exponent (the i for which sameText(i, d) holds), or -1.
// A small integer is looked up without a scan.
func (si *scaleInfo) sameIndex(d decimal.Decimal) int {
	if d.NumDigits() > maxKeyDigits {
		return -1
	}
	c, x := d.CoefficientInt64(), d.Exponent()
	if x == 0 && c >= 0 && c < smallInts {
		return int(si.small[c]) - 1
	}
	for i := range si.coef {
		if si.coef[i] == c && si.exp[i] == x && si.exact[i] {
			return i
		}
	}
	return -1
}

// index returns the position of the level whose value equals d, or -1.
// The coefficient and exponent are compared first, so that the common
// case (a value written as on the scale) costs a few integer compares.
func (si *scaleInfo) index(d decimal.Decimal) int {
	c, x := d.CoefficientInt64(), d.Exponent()
	// The same coefficient and exponent is the same value, when the
	// coefficient is exact (CoefficientInt64 truncates larger ones).
	exact := d.NumDigits() <= maxKeyDigits
	for i := range si.coef {
		if si.coef[i] == c && si.exp[i] == x && (exact && si.exact[i] || si.levels[i].Value.Equal(d)) {
			return i
		}
	}
	// Scale values are within the rules layer's bounds; comparing with a
	// value far outside them would scale one by a huge power of ten.
	if x < -2*rules.MaxDecimalScale || x > 2*rules.MaxDecimalScale {
		return -1
	}
	for i := range si.levels {
		if si.levels[i].Value.Equal(d) {
			return i
		}
	}
	return -1
}

func (si *scaleInfo) valueList() string {
	return strings.Join(si.strs, ", ")
}

// inBounds reports whether d fits the rules layer's decimal bounds.
func inBounds(d decimal.Decimal) bool {
	e := d.Exponent()
	return e >= -rules.MaxDecimalScale && e <= rules.MaxDecimalScale && d.NumDigits() <= rules.MaxDecimalDigits
}

var scaleKinds = []ScaleKind{Qualitative, Quantitative, SemiQuantitative}

// checkScale reports the problems of one scale; it returns whether the
// scale is usable for lookups (its levels are well formed).
func checkScale(p *problems, path string, s Scale) bool {
	ok := true
	switch s.Kind {
	case Qualitative, Quantitative, SemiQuantitative:
	case "":
		p.addf(path+".kind", "scale kind is missing (want %s)", oneOf(scaleKinds...))
	default:
		p.addf(path+".kind", "unknown scale kind %q (want %s)", s.Kind, oneOf(scaleKinds...))
	}
	if len(s.Levels) == 0 && s.Kind != Quantitative {
		p.addf(path+".levels", "a %s scale needs levels; only a quantitative scale may be continuous", kindName(s.Kind))
	}
	names := map[string]int{}
	for i, l := range s.Levels {
		lp := fmt.Sprintf("%s.levels[%d]", path, i)
		if strings.TrimSpace(l.Name) == "" {
			p.addf(lp+".name", "scale level needs a name")
			ok = false
		} else if j, dup := names[l.Name]; dup {
			p.addf(lp+".name", "duplicate level name %q (also %s.levels[%d])", l.Name, path, j)
			ok = false
		} else {
			names[l.Name] = i
		}
		if !inBounds(l.Value) {
			p.addf(lp+".value", "value %s is out of range (at most %d digits and %d decimal places)",
				decString(l.Value), rules.MaxDecimalDigits, rules.MaxDecimalScale)
			ok = false
			continue
		}
		if i == 0 || !inBounds(s.Levels[i-1].Value) {
			continue
		}
		prev := s.Levels[i-1].Value
		switch l.Value.Cmp(prev) {
		case 0:
			p.addf(lp+".value", "duplicate value %s (also %s.levels[%d])", rules.FormatDecimal(l.Value), path, i-1)
			ok = false
		case -1:
			p.addf(lp+".value", "values must ascend strictly, but %s follows %s",
				rules.FormatDecimal(l.Value), rules.FormatDecimal(prev))
			ok = false
		}
	}
	return ok
}

func kindName(k ScaleKind) string {
	if k == "" {
		return "qualitative"
	}
	return string(k)
}

// decString formats d for a message without ever expanding a huge
// exponent into digits.
func decString(d decimal.Decimal) string {
	if e := d.Exponent(); e < -1000 || e > 1000 {
		return abbrev(d.Coefficient().String()) + "e" + strconv.Itoa(int(e))
	}
	return abbrev(d.String())
}

func abbrev(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

func isColor(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	for i := 1; i < 7; i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// tableKind says how a rule's result is found.
type tableKind uint8

const (
	tabNone  tableKind = iota // run the CEL program (or the default)
	tabLevel                  // one result per risk level
	tabCell                   // one result per grid cell
)

// build validates c and, when every problem is absent, returns the
// engine. With tabulate false the engine runs every rule through CEL
// (used by tests that compare both paths).
func build(c Criteria, opts []rules.EnvOption, tabulate bool) (*Engine, []error) {
	var p problems
	if strings.TrimSpace(c.ID) == "" {
		p.addf("id", "criteria need an ID")
	}
	if strings.TrimSpace(c.Version) == "" {
		p.addf("version", "criteria need a version")
	}
	if c.Approval.By == "" && !c.Approval.On.IsZero() {
		p.addf("approval.by", "an approval date is given but not who approved")
	}
	if c.Approval.By != "" && c.Approval.On.IsZero() {
		p.addf("approval.on", "the approval by %q has no date", c.Approval.By)
	}
	gridOK := checkScale(&p, "likelihood", c.Likelihood)
	gridOK = checkScale(&p, "consequence", c.Consequence) && gridOK

	if len(c.Dimensions) == 0 {
		p.addf("dimensions", "at least one consequence dimension is needed")
	}
	dimIDs := map[string]int{}
	for i, d := range c.Dimensions {
		dp := fmt.Sprintf("dimensions[%d]", i)
		if strings.TrimSpace(d.ID) == "" {
			p.addf(dp+".id", "dimension needs an ID")
		} else if j, dup := dimIDs[d.ID]; dup {
			p.addf(dp+".id", "duplicate dimension ID %q (also dimensions[%d])", d.ID, j)
		} else {
			dimIDs[d.ID] = i
		}
		checkScale(&p, dp+".scale", d.Scale)
	}

	if len(c.Levels) == 0 {
		p.addf("levels", "at least one risk level is needed")
	}
	levelsOK := len(c.Levels) > 0
	levelNames, ranks := map[string]int{}, map[int]int{}
	for i, l := range c.Levels {
		lp := fmt.Sprintf("levels[%d]", i)
		if strings.TrimSpace(l.Name) == "" {
			p.addf(lp+".name", "risk level needs a name")
			levelsOK = false
		} else if j, dup := levelNames[l.Name]; dup {
			p.addf(lp+".name", "duplicate risk level name %q (also levels[%d])", l.Name, j)
			levelsOK = false
		} else {
			levelNames[l.Name] = i
		}
		if j, dup := ranks[l.Rank]; dup {
			p.addf(lp+".rank", "duplicate rank %d (also levels[%d])", l.Rank, j)
		} else {
			ranks[l.Rank] = i
		}
		if l.Color != "" && !isColor(l.Color) {
			p.addf(lp+".color", "%q is not a colour of the form #rrggbb", l.Color)
		}
	}

	if strings.TrimSpace(c.LevelRule) == "" {
		p.addf("levelRule", "criteria need a level rule")
	}
	if strings.TrimSpace(c.AcceptanceRule) == "" {
		p.addf("acceptanceRule", "criteria need an acceptance rule")
	}

	var env *rules.Env
	var err error
	if len(opts) == 0 {
		env, err = defaultEnv()
	} else {
		env, err = newRulesEnv(opts)
	}
	if err != nil {
		p.add(fmt.Errorf("environment: %w", err))
		return nil, p.errs
	}
	progsOK := true
	reads := map[string]refSet{}
	compile := func(field, expr string, want *rules.Type, number bool) *rules.Program {
		if strings.TrimSpace(expr) == "" {
			return nil
		}
		prg, err := env.Compile(c.ID, field, expr, want)
		if err == nil {
			refs := refsOf(prg)
			reads[field] = refs
			var ces rules.CompileErrors
			var a *ast.AST
			if bad := refs & forbidden[field]; bad != 0 {
				a = ruleAST(env, expr)
				where := firstReads(a, bad)
				for bit := refSet(1); bit < refOther; bit <<= 1 {
					if bad&bit != 0 {
						pos := where[bit]
						ces = append(ces, &rules.CompileError{Code: rules.CodeType, ID: c.ID, Field: field, Expr: expr,
							Line: pos[0], Column: pos[1],
							Message: fmt.Sprintf("the %s cannot read %s, which is not known yet when it runs", ruleName(field), refVarNames[bit])})
					}
				}
			}
			if refs&refConsequences != 0 && len(dimIDs) == len(c.Dimensions) {
				if a == nil {
					a = ruleAST(env, expr)
				}
				for _, d := range dimensionReads(a, dimIDs) {
					ces = append(ces, &rules.CompileError{Code: rules.CodeType, ID: c.ID, Field: field, Expr: expr,
						Line: d.pos[0], Column: d.pos[1],
						Message: fmt.Sprintf("the %s reads consequences.%s, but %q is not a consequence dimension (want %s)",
							ruleName(field), d.name, d.name, oneOf(quoted(dimList(c.Dimensions))...))})
				}
			}
			if len(ces) > 0 {
				err = ces
			}
		}
		if err == nil && number {
			out := prg.OutputType()
			if !out.IsExactType(rules.DecimalType) && !out.IsExactType(rules.IntType) && !out.IsExactType(rules.DynType) {
				err = rules.CompileErrors{{Code: rules.CodeType, ID: c.ID, Field: field, Expr: expr, Line: 1, Column: 1,
					Message: fmt.Sprintf("expression yields %s, want a decimal or an int", out)}}
			}
		}
		if err != nil {
			p.add(err)
			progsOK = false
			return nil
		}
		return prg
	}
	e := &Engine{
		env:      env,
		c:        c.clone(),
		combine:  compile("combineRule", c.CombineRule, nil, true),
		level:    compile("levelRule", c.LevelRule, rules.StringType, false),
		accept:   compile("acceptanceRule", c.AcceptanceRule, rules.BoolType, false),
		priority: compile("priorityRule", c.PriorityRule, nil, true),
	}
	if !progsOK || e.level == nil || e.accept == nil || !levelsOK || !gridOK {
		return nil, p.errs
	}
	e.init(reads)
	if tabulate {
		e.tabulate(&p)
	}
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	e.fp = fingerprint(e.c)
	return e, nil
}

// init prepares the lookups of a criteria whose scales and levels are
// well formed.
func (e *Engine) init(reads map[string]refSet) {
	c := &e.c
	e.lik = newScaleInfo(c.Likelihood)
	e.cons = newScaleInfo(c.Consequence)
	e.dimIdx = make(map[string]int, len(c.Dimensions))
	for i, d := range c.Dimensions {
		e.dims = append(e.dims, dimInfo{id: d.ID, input: varConsequences + "." + d.ID, scale: newScaleInfo(d.Scale)})
		e.dimIdx[d.ID] = i
	}
	e.levelIdx = make(map[string]int, len(c.Levels))
	for i, l := range c.Levels {
		e.levels = append(e.levels, levelInfo{
			name: l.Name, rank: l.Rank,
			nameVal: types.String(l.Name), rankVal: types.Int(l.Rank),
			rankDec: decimal.NewFromInt(int64(l.Rank)),
		})
		e.levelIdx[l.Name] = i
	}
	e.levelReads, e.acceptReads, e.prioReads = reads["levelRule"], reads["acceptanceRule"], reads["priorityRule"]
	e.reads = reads["combineRule"] | e.levelReads | e.acceptReads | e.prioReads
	if e.lik.discrete() && e.cons.discrete() && len(e.lik.levels)*len(e.cons.levels) <= maxGridCells {
		e.nCons = len(e.cons.levels)
		e.cells = make([]cellInfo, len(e.lik.levels)*e.nCons)
		for li, l := range e.lik.levels {
			for ci, cl := range e.cons.levels {
				s := l.Value.Mul(cl.Value)
				e.cells[li*e.nCons+ci] = cellInfo{
					score: s, scoreVal: rules.Decimal{D: s}, level: -1,
					label: "likelihood=" + e.lik.strs[li] + ",consequence=" + e.cons.strs[ci],
				}
			}
		}
	}
	e.initGrid()
}

// tabulate runs the rules that depend only on the cell or the level over
// every cell and level, reporting each failure.
func (e *Engine) tabulate(p *problems) {
	ctx := context.Background()
	var act activation
	levelTab := e.cells != nil && e.levelReads.within(cellRefs)
	if levelTab {
		bad := false
		for li := range e.lik.levels {
			for ci := range e.cons.levels {
				cell := &e.cells[li*e.nCons+ci]
				e.cellActivation(&act, li, ci)
				name, err := e.level.EvalString(ctx, &act)
				path := "levelRule[" + cell.label + "]"
				if err != nil {
					p.add(&FieldError{Path: path, Msg: "the level rule fails", Err: err})
					bad = true
					continue
				}
				i, ok := e.levelIdx[name]
				if !ok {
					p.addf(path, "the level rule yields %q, which is not a risk level (want %s)", name, oneOf(quoted(e.levelNames())...))
					bad = true
					continue
				}
				cell.level = i
			}
		}
		e.levelTab = !bad
	}
	tab := func(reads refSet, prg *rules.Program, field string, check func(act *activation) (string, error)) tableKind {
		if prg == nil {
			return tabNone
		}
		switch {
		case reads.within(levelRefs):
			bad := false
			for i := range e.levels {
				act.reset(nil)
				act.level, act.rank = e.levels[i].nameVal, e.levels[i].rankVal
				if msg, err := check(&act); err != nil || msg != "" {
					p.add(&FieldError{Path: field + "[level=" + e.levels[i].name + "]", Msg: msgOr(msg, "the rule fails"), Err: err})
					bad = true
				}
			}
			if !bad {
				return tabLevel
			}
		case e.levelTab && reads.within(cellRefs|levelRefs):
			bad := false
			for li := range e.lik.levels {
				for ci := range e.cons.levels {
					cell := &e.cells[li*e.nCons+ci]
					e.cellActivation(&act, li, ci)
					act.level, act.rank = e.levels[cell.level].nameVal, e.levels[cell.level].rankVal
					if msg, err := check(&act); err != nil || msg != "" {
						p.add(&FieldError{Path: field + "[" + cell.label + "]", Msg: msgOr(msg, "the rule fails"), Err: err})
						bad = true
					}
				}
			}
			if !bad {
				return tabCell
			}
		}
		return tabNone
	}
	e.acceptBy = tab(e.acceptReads, e.accept, "acceptanceRule", func(act *activation) (string, error) {
		_, err := e.accept.EvalBool(ctx, act)
		return "", err
	})
	e.prioBy = tab(e.prioReads, e.priority, "priorityRule", func(act *activation) (string, error) {
		d, err := e.priority.EvalDecimal(ctx, act)
		if err == nil && !inBounds(d) {
			return "the priority rule yields a number out of range", nil
		}
		return "", err
	})
	// Store the results now that the kinds are known. Evaluating twice
	// keeps the checks above simple, and only happens when compiling.
	e.fillTables(ctx, &act)
	if e.levelTab && (e.priority == nil || e.prioBy != tabNone) {
		e.rankCells()
	}
	e.initCellEvals()
}

// rankCells sets each cell's ord: its position among the distinct
// (priority, rank, score) triples of the grid in result order.
func (e *Engine) rankCells() {
	idx := make([]int, len(e.cells))
	for i := range idx {
		idx[i] = i
	}
	cmpCells := func(a, b *cellInfo) int {
		if c := b.prio.Cmp(a.prio); c != 0 {
			return c
		}
		if c := cmp.Compare(e.levels[b.level].rank, e.levels[a.level].rank); c != 0 {
			return c
		}
		return b.score.Cmp(a.score)
	}
	slices.SortFunc(idx, func(a, b int) int { return cmpCells(&e.cells[a], &e.cells[b]) })
	ord := int32(0)
	for k, i := range idx {
		if k > 0 && cmpCells(&e.cells[idx[k-1]], &e.cells[i]) != 0 {
			ord++
		}
		e.cells[i].ord = ord
	}
}

func dimList(ds []Dimension) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

func ruleName(field string) string {
	return strings.TrimSuffix(strings.ToLower(field[:1])+field[1:], "Rule") + " rule"
}

func msgOr(msg, def string) string {
	if msg != "" {
		return msg
	}
	return def
}

// cellActivation prepares act for the cell (li, ci).
func (e *Engine) cellActivation(act *activation, li, ci int) {
	act.reset(nil)
	cell := &e.cells[li*e.nCons+ci]
	act.likD, act.lik = e.lik.levels[li].Value, e.lik.vals[li]
	act.consD, act.cons = e.cons.levels[ci].Value, e.cons.vals[ci]
	act.scoreD, act.score = cell.score, cell.scoreVal
}

// fillTables stores the tabulated acceptance and priority results. The
// rules were checked on every slot by tabulate, so errors cannot occur.
func (e *Engine) fillTables(ctx context.Context, act *activation) {
	for i := range e.levels {
		l := &e.levels[i]
		l.prio = l.rankDec
		act.reset(nil)
		act.level, act.rank = l.nameVal, l.rankVal
		if e.acceptBy == tabLevel {
			l.accept, _ = e.accept.EvalBool(ctx, act)
		}
		if e.prioBy == tabLevel {
			l.prio, _ = e.priority.EvalDecimal(ctx, act)
		}
	}
	if !e.levelTab {
		return
	}
	for li := range e.lik.levels {
		for ci := range e.cons.levels {
			cell := &e.cells[li*e.nCons+ci]
			e.cellActivation(act, li, ci)
			lv := &e.levels[cell.level]
			act.level, act.rank = lv.nameVal, lv.rankVal
			switch e.acceptBy {
			case tabCell:
				cell.accept, _ = e.accept.EvalBool(ctx, act)
			case tabLevel:
				cell.accept = lv.accept
			}
			switch e.prioBy {
			case tabCell:
				cell.prio, _ = e.priority.EvalDecimal(ctx, act)
			default:
				cell.prio = lv.prio
			}
		}
	}
}

func (e *Engine) levelNames() []string {
	out := make([]string, len(e.levels))
	for i, l := range e.levels {
		out[i] = l.name
	}
	return out
}

// clone returns a deep copy of c.
func (c Criteria) clone() Criteria {
	out := c
	out.Likelihood = c.Likelihood.clone()
	out.Consequence = c.Consequence.clone()
	out.Dimensions = slices.Clone(c.Dimensions)
	for i := range out.Dimensions {
		out.Dimensions[i].Scale = c.Dimensions[i].Scale.clone()
	}
	out.Levels = slices.Clone(c.Levels)
	return out
}

func (s Scale) clone() Scale {
	s.Levels = slices.Clone(s.Levels)
	return s
}
