package risk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"github.com/isms-go/iso27003/internal/dec"
	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
)

// Engine is compiled Criteria: the rules compiled once, and whatever
// depends only on the grid cell or the risk level tabulated. It rates
// risks and assesses registers.
//
// An Engine is immutable and safe for concurrent use: one engine may
// assess many registers from many goroutines at once.
//
// Make one with Compile. The zero Engine (and a nil *Engine) has no
// criteria: Assess, Rate and ValidateRegister return an error matching
// ErrNotCompiled, Criteria the zero Criteria and Fingerprint "".
type Engine struct {
	env *rules.Env // the rules' environment
	c   Criteria
	fp  string

	combine, level, accept, priority          *rules.Program
	reads, levelReads, acceptReads, prioReads refSet

	lik, cons scaleInfo
	dims      []dimInfo
	dimIdx    map[string]int
	levels    []levelInfo
	levelIdx  map[string]int

	// cells is the likelihood × consequence grid, row-major by
	// likelihood, when both scales are discrete (nil otherwise).
	cells            []cellInfo
	nCons            int
	levelTab         bool
	acceptBy, prioBy tableKind
	// gridDims is set when the grid and every dimension are discrete, and
	// the dimensions' levels are filled for the fast path (see gridFast).
	gridDims bool
	// cellEvals are the cells' evaluations for the grid fast path with
	// inputs (see initCellEvals); nil when it does not apply.
	cellEvals []Evaluation
}

type dimInfo struct {
	id    string
	input string // "consequences.<id>", the name in explanations
	scale scaleInfo
	// levels has what the grid fast path needs of each level of scale
	// (see initGrid); nil when it does not apply.
	levels []dimLevel
}

type levelInfo struct {
	name             string
	rank             int
	nameVal, rankVal ref.Val
	rankDec          decimal.Decimal
	accept           bool            // when acceptance is tabulated by level
	prio             decimal.Decimal // the default, or tabulated by level
}

type cellInfo struct {
	score    decimal.Decimal
	scoreVal ref.Val
	label    string // "likelihood=3,consequence=5"
	level    int    // index into levels; -1 when not tabulated
	accept   bool
	prio     decimal.Decimal
	// ord ranks the cells in result order (priority, rank and score, all
	// descending; equal for equal triples), so that results on the grid
	// sort by an integer; -1 when the priority is not known per cell.
	ord int32
}

// Criteria returns a copy of the criteria the engine was compiled from;
// the zero Criteria for an Engine not made by Compile.
func (e *Engine) Criteria() Criteria {
	if e == nil {
		return Criteria{}
	}
	return e.c.clone()
}

// Fingerprint returns the criteria's fingerprint (see
// Criteria.Fingerprint), which every assessment records; "" for an
// Engine not made by Compile.
func (e *Engine) Fingerprint() string {
	if e == nil {
		return ""
	}
	return e.fp
}

// untabulated returns a copy of the engine that runs every rule through
// CEL, for tests comparing both paths.
func (e *Engine) untabulated() *Engine {
	u := *e
	u.levelTab = false
	u.acceptBy, u.prioBy = tabNone, tabNone
	u.cellEvals = nil
	return &u
}

// Method says how a result was obtained.
type Method uint8

// Methods.
const (
	// MethodTabulated: looked up in a table computed when the criteria
	// were compiled (by cell or by level).
	MethodTabulated Method = iota + 1
	// MethodCEL: the criteria's CEL rule ran for this rating.
	MethodCEL
	// MethodDefault: the criteria have no rule for this; the built-in
	// default applied (the largest dimension for the consequence, the
	// rank for the priority).
	MethodDefault
)

var methodNames = [...]string{"", "tabulated", "cel", "default"}

// String returns the method's name: "tabulated", "cel" or "default".
func (m Method) String() string {
	if int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("method(%d)", int(m))
}

// MarshalText encodes the method as its name.
func (m Method) MarshalText() ([]byte, error) {
	if int(m) >= len(methodNames) {
		return nil, fmt.Errorf("invalid method %d", int(m))
	}
	return []byte(methodNames[m]), nil
}

// UnmarshalText decodes a method name.
func (m *Method) UnmarshalText(b []byte) error {
	for i, n := range methodNames {
		if n == string(b) {
			*m = Method(i)
			return nil
		}
	}
	return fmt.Errorf("unknown method %q (want tabulated, cel or default)", b)
}

// Input is one value a rating's rules saw, formatted as text: "likelihood",
// "consequences.financial", "frequency", "magnitude", or
// "attributes.<name>".
type Input struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Explanation says how an evaluation came about, so that an auditor can
// repeat it: the criteria, the inputs, and how each result was found.
type Explanation struct {
	CriteriaID      string `json:"criteriaId"`
	CriteriaVersion string `json:"criteriaVersion"`
	// Inputs are the rated values in a fixed order: likelihood, the
	// consequence dimensions in the criteria's order, the quantitative
	// inputs when given, and the attributes (by name) when a rule reads
	// attributes.
	Inputs []Input `json:"inputs"`
	// Cell names the grid cell, "likelihood=3,consequence=5", when the
	// rating lies on the grid.
	Cell         string `json:"cell,omitempty"`
	CombinedBy   Method `json:"combinedBy"`
	LevelBy      Method `json:"levelBy"`
	AcceptanceBy Method `json:"acceptanceBy"`
	PriorityBy   Method `json:"priorityBy"`
}

// Evaluation is one rating evaluated under the criteria.
type Evaluation struct {
	Likelihood decimal.Decimal `json:"likelihood"`
	// Consequence is the combined consequence (the largest dimension,
	// unless the criteria's combine rule says otherwise).
	Consequence decimal.Decimal `json:"consequence"`
	// Score is likelihood × consequence.
	Score decimal.Decimal `json:"score"`
	// ALE is the annualized loss expectancy, frequency × magnitude, when
	// the rating has quantitative inputs (omitted when zero).
	ALE         decimal.Decimal `json:"ale,omitzero"`
	Level       string          `json:"level"`
	Rank        int             `json:"rank"`
	Acceptable  bool            `json:"acceptable"`
	Priority    decimal.Decimal `json:"priority"`
	Explanation Explanation     `json:"explanation"`
}

// RatingError reports that evaluating a rating failed: a rule failed or
// hit a limit, or the level rule named no risk level.
type RatingError struct {
	RiskID string // the risk, empty for Engine.Rate
	Rating string // "inherent", "residual" or "rating"
	Err    error
}

// Error describes the failure, naming the risk and the rating.
func (e *RatingError) Error() string {
	if e.RiskID == "" {
		return e.Rating + ": " + e.Err.Error()
	}
	return fmt.Sprintf("risk %s: %s rating: %v", e.RiskID, e.Rating, e.Err)
}

// Unwrap returns the cause.
func (e *RatingError) Unwrap() error { return e.Err }

// where names a rating in error paths: risks[i].inherent, or "rating".
type where struct {
	risk  int // -1 for a lone rating
	field string
}

func (w where) path(sub string) string {
	var b strings.Builder
	if w.risk >= 0 {
		fmt.Fprintf(&b, "risks[%d].", w.risk)
	}
	b.WriteString(w.field)
	if sub != "" {
		b.WriteByte('.')
		b.WriteString(sub)
	}
	return b.String()
}

// prepared is a checked rating: its positions on the scales.
type prepared struct {
	li   int // likelihood level, -1 when continuous
	dims []dimVal
}

type dimVal struct {
	dim int             // index into Engine.dims
	val decimal.Decimal // the rated value
	idx int             // level on the dimension's scale, -1 when continuous
}

// checkRating checks r against the scales, reporting into p, and fills
// prep. It returns whether r is usable. The common case, a good rating,
// takes the fast path of prepare; only a bad one is walked again to
// describe what is wrong.
func (e *Engine) checkRating(p *problems, w where, r *Rating, prep *prepared) bool {
	if e.prepare(r, prep) {
		return true
	}
	return e.reportRating(p, w, r, prep)
}

// prepare fills prep from r and reports whether r is good: its values on
// their scales (or in range and not negative on continuous ones), at
// least one consequence, and every consequence on a known dimension. It
// formats nothing and allocates nothing once prep has grown; prep.dims is
// in the criteria's dimension order whatever the map's iteration order.
func (e *Engine) prepare(r *Rating, prep *prepared) bool {
	prep.li = -1
	prep.dims = prep.dims[:0]
	if e.lik.discrete() {
		if prep.li = e.lik.index(r.Likelihood); prep.li < 0 {
			return false
		}
	} else if !goodAmount(r.Likelihood) {
		return false
	}
	if len(r.Consequences) == 0 {
		return false
	}
	if 2*len(r.Consequences) <= len(e.dims) {
		// Few dimensions rated: iterating the map and finding each key
		// costs less than looking up every dimension.
		for k, v := range r.Consequences {
			di := e.dimIndex(k)
			if di < 0 || !e.dims[di].prepareVal(prep, di, v) {
				return false
			}
		}
		sortDims(prep.dims)
	} else if len(e.dims) <= lookupDims {
		// Looking each dimension up costs less than iterating a small map.
		for di := range e.dims {
			d := &e.dims[di]
			v, ok := r.Consequences[d.id]
			if !ok {
				continue
			}
			if !d.prepareVal(prep, di, v) {
				return false
			}
		}
		// A key left over names an unknown dimension.
		if len(prep.dims) != len(r.Consequences) {
			return false
		}
	} else {
		for k, v := range r.Consequences {
			di := e.dimIndex(k)
			if di < 0 || !e.dims[di].prepareVal(prep, di, v) {
				return false
			}
		}
		sortDims(prep.dims)
	}
	if q := r.Quantitative; q != nil && (!goodAmount(q.Frequency) || !goodAmount(q.Magnitude)) {
		return false
	}
	return true
}

// sortDims puts dims in the criteria's order: an insertion sort, as a
// rating has few.
func sortDims(dims []dimVal) {
	for i := 1; i < len(dims); i++ {
		for j := i; j > 0 && dims[j].dim < dims[j-1].dim; j-- {
			dims[j], dims[j-1] = dims[j-1], dims[j]
		}
	}
}

// lookupDims is up to how many dimensions prepare looks each one up in
// a rating's map rather than iterating the map.
const lookupDims = 8

// prepareVal places v, the rating of dimension di (d), on its scale and
// appends it to prep.dims; it reports whether v is good.
func (d *dimInfo) prepareVal(prep *prepared, di int, v decimal.Decimal) bool {
	idx := -1
	if d.scale.discrete() {
		if idx = d.scale.index(v); idx < 0 {
			return false
		}
	} else if !goodAmount(v) {
		return false
	}
	prep.dims = append(prep.dims, dimVal{dim: di, val: v, idx: idx})
	return true
}

// dimIndex finds a dimension by ID: a scan over a few, the map over many.
func (e *Engine) dimIndex(id string) int {
	if len(e.dims) <= lookupDims {
		for i := range e.dims {
			if e.dims[i].id == id {
				return i
			}
		}
		return -1
	}
	if i, ok := e.dimIdx[id]; ok {
		return i
	}
	return -1
}

func goodAmount(d decimal.Decimal) bool { return inBounds(d) && d.Sign() >= 0 }

// reportRating is checkRating's slow path: it reports every problem of r.
func (e *Engine) reportRating(p *problems, w where, r *Rating, prep *prepared) bool {
	n := len(p.errs)
	prep.li = -1
	prep.dims = prep.dims[:0]
	if e.lik.discrete() {
		prep.li = e.lik.index(r.Likelihood)
		if prep.li < 0 {
			p.addf(w.path(varLikelihood), "%s is not a value of the likelihood scale (%s)",
				decString(r.Likelihood), e.lik.valueList())
		}
	} else {
		checkAmount(p, w, varLikelihood, r.Likelihood)
	}
	if len(r.Consequences) == 0 {
		p.addf(w.path(varConsequences), "no consequence is rated (want at least one of the dimensions %s)", strings.Join(e.dimIDs(), ", "))
	}
	for i := range e.dims {
		d := &e.dims[i]
		v, ok := r.Consequences[d.id]
		if !ok {
			continue
		}
		idx := -1
		if d.scale.discrete() {
			idx = d.scale.index(v)
			if idx < 0 {
				p.addf(w.path(varConsequences+"."+d.id), "%s is not a value of the %s scale (%s)",
					decString(v), d.id, d.scale.valueList())
			}
		} else {
			checkAmount(p, w, varConsequences+"."+d.id, v)
		}
		prep.dims = append(prep.dims, dimVal{dim: i, val: v, idx: idx})
	}
	if len(prep.dims) < len(r.Consequences) {
		var unknown []string
		for k := range r.Consequences {
			if _, ok := e.dimIdx[k]; !ok {
				unknown = append(unknown, k)
			}
		}
		slices.Sort(unknown)
		for _, k := range unknown {
			p.addf(w.path(varConsequences+"."+k), "unknown consequence dimension %q (want %s)", k, oneOf(quoted(e.dimIDs())...))
		}
	}
	if q := r.Quantitative; q != nil {
		checkAmount(p, w, "quantitative.frequency", q.Frequency)
		checkAmount(p, w, "quantitative.magnitude", q.Magnitude)
	}
	return len(p.errs) == n
}

func checkAmount(p *problems, w where, field string, d decimal.Decimal) {
	if !inBounds(d) {
		p.addf(w.path(field), "%s is out of range (at most %d digits and %d decimal places)",
			decString(d), rules.MaxDecimalDigits, rules.MaxDecimalScale)
	} else if d.Sign() < 0 {
		p.addf(w.path(field), "%s is negative", rules.FormatDecimal(d))
	}
}

func (e *Engine) dimIDs() []string {
	out := make([]string, len(e.dims))
	for i, d := range e.dims {
		out[i] = d.id
	}
	return out
}

// inputCount is the number of Inputs rate records for a prepared rating.
func (e *Engine) inputCount(r *Rating, prep *prepared, attrs map[string]Attr) int {
	n := 1 + len(prep.dims)
	if r.Quantitative != nil {
		n += 2
	}
	if e.reads&refAttributes != 0 {
		n += len(attrs)
	}
	return n
}

// rated is what rate tells its caller besides the evaluation.
type rated struct {
	// ord is the cell's ord when the level, rank, score and priority came
	// wholly from the cell's table, else -1 (see cellInfo).
	ord int32
	// cell is the index of the cell in Engine.cells when the evaluation
	// is the cell's alone: the level, acceptance and priority from its
	// table, no quantitative inputs, and the likelihood and combined
	// consequence written exactly as on their scales; else -1. Equal
	// cells give equal evaluations (but for the inputs).
	cell int32
	lv   int // the level's index
}

// rate evaluates a checked rating into ev. in must have room for
// inputCount inputs; rate appends to it and keeps the result. Values not
// on a scale are formatted into txt, and their Input.Value is set when
// txt is resolved. A nil txt records no inputs (OmitInputs).
func (e *Engine) rate(ctx context.Context, sess *rules.Session, act *activation, r *Rating, prep *prepared, attrs map[string]Attr, ev *Evaluation, in []Input, txt *inputText) (rated, error) {
	fail := rated{ord: -1, cell: -1, lv: -1}
	act.reset(attrs)
	act.e, act.prep = e, prep
	x := &ev.Explanation
	x.CriteriaID, x.CriteriaVersion = e.c.ID, e.c.Version

	ev.Likelihood = r.Likelihood
	act.likD = r.Likelihood
	if prep.li >= 0 {
		act.lik = e.lik.vals[prep.li]
	}
	if txt != nil {
		in = txt.add(in, varLikelihood, &e.lik, prep.li, r.Likelihood)
		for _, dv := range prep.dims {
			d := &e.dims[dv.dim]
			in = txt.add(in, d.input, &d.scale, dv.idx, dv.val)
		}
	}
	if q := r.Quantitative; q != nil {
		act.freqD, act.magD, act.freq, act.mag = q.Frequency, q.Magnitude, nil, nil
		act.aleD, act.ale = dec.Mul(q.Frequency, q.Magnitude), nil
		ev.ALE = act.aleD
		if txt != nil {
			in = txt.add(in, varFrequency, nil, -1, q.Frequency)
			in = txt.add(in, varMagnitude, nil, -1, q.Magnitude)
		}
	} else {
		ev.ALE = decimal.Decimal{}
	}
	if e.reads&refAttributes != 0 && len(attrs) > 0 {
		act.buildAttrs()
		if txt != nil {
			for _, k := range act.attrMap.keys {
				in = append(in, Input{Name: varAttributes + "." + k, Value: formatAttr(attrs[k])})
			}
		}
	}
	x.Inputs = in

	// The combined consequence.
	var cons decimal.Decimal
	var consVal ref.Val
	if e.combine == nil {
		x.CombinedBy = MethodDefault
		best := 0
		for k := 1; k < len(prep.dims); k++ {
			if prep.dims[k].val.Cmp(prep.dims[best].val) > 0 {
				best = k
			}
		}
		cons = prep.dims[best].val
	} else {
		x.CombinedBy = MethodCEL
		var err error
		cons, err = evalDecimal(ctx, sess, e.combine, act)
		if err != nil {
			return fail, err
		}
		if !inBounds(cons) || cons.Sign() < 0 {
			return fail, fmt.Errorf("the combine rule yields %s, which is negative or out of range", decString(cons))
		}
	}
	ci := -1
	if e.cons.discrete() {
		if ci = e.cons.index(cons); ci >= 0 {
			consVal = e.cons.vals[ci]
		}
	}
	ev.Consequence = cons
	act.consD, act.cons = cons, consVal

	var cell *cellInfo
	if e.cells != nil && prep.li >= 0 && ci >= 0 {
		cell = &e.cells[prep.li*e.nCons+ci]
		ev.Score = cell.score
		act.scoreD, act.score = cell.score, cell.scoreVal
		x.Cell = cell.label
	} else {
		ev.Score = dec.Mul(r.Likelihood, cons)
		act.scoreD = ev.Score
		x.Cell = ""
	}
	tabCellOK := cell != nil && e.levelTab

	// The level.
	var li int
	if tabCellOK {
		li = cell.level
		x.LevelBy = MethodTabulated
	} else {
		x.LevelBy = MethodCEL
		name, err := evalString(ctx, sess, e.level, act)
		if err != nil {
			return fail, err
		}
		var ok bool
		if li, ok = e.levelIdx[name]; !ok {
			return fail, fmt.Errorf("the level rule yields %q, which is not a risk level (want %s)", name, oneOf(quoted(e.levelNames())...))
		}
	}
	lv := &e.levels[li]
	ev.Level, ev.Rank = lv.name, lv.rank
	act.level, act.rank = lv.nameVal, lv.rankVal

	// Acceptance.
	switch {
	case e.acceptBy == tabLevel:
		ev.Acceptable, x.AcceptanceBy = lv.accept, MethodTabulated
	case e.acceptBy == tabCell && tabCellOK:
		ev.Acceptable, x.AcceptanceBy = cell.accept, MethodTabulated
	default:
		x.AcceptanceBy = MethodCEL
		ok, err := evalBool(ctx, sess, e.accept, act)
		if err != nil {
			return fail, err
		}
		ev.Acceptable = ok
	}

	// Priority.
	switch {
	case e.priority == nil:
		ev.Priority, x.PriorityBy = lv.rankDec, MethodDefault
	case e.prioBy == tabLevel:
		ev.Priority, x.PriorityBy = lv.prio, MethodTabulated
	case e.prioBy == tabCell && tabCellOK:
		ev.Priority, x.PriorityBy = cell.prio, MethodTabulated
	default:
		x.PriorityBy = MethodCEL
		d, err := evalDecimal(ctx, sess, e.priority, act)
		if err != nil {
			return fail, err
		}
		if !inBounds(d) {
			return fail, errors.New("the priority rule yields a number out of range")
		}
		ev.Priority = d
	}
	out := rated{ord: -1, cell: -1, lv: li}
	if tabCellOK && x.PriorityBy != MethodCEL {
		out.ord = cell.ord
		if x.AcceptanceBy != MethodCEL && r.Quantitative == nil &&
			e.lik.sameText(prep.li, r.Likelihood) && e.cons.sameText(ci, cons) {
			out.cell = int32(prep.li*e.nCons + ci)
		}
	}
	return out, nil
}

// evalString, evalBool and evalDecimal evaluate p in sess, which reads
// act, or on its own when there is no session.
func evalString(ctx context.Context, sess *rules.Session, p *rules.Program, act *activation) (string, error) {
	if sess != nil {
		return sess.EvalString(p)
	}
	return p.EvalString(ctx, act)
}

func evalBool(ctx context.Context, sess *rules.Session, p *rules.Program, act *activation) (bool, error) {
	if sess != nil {
		return sess.EvalBool(p)
	}
	return p.EvalBool(ctx, act)
}

func evalDecimal(ctx context.Context, sess *rules.Session, p *rules.Program, act *activation) (decimal.Decimal, error) {
	if sess != nil {
		return sess.EvalDecimal(p)
	}
	return p.EvalDecimal(ctx, act)
}

func formatAttr(a Attr) string {
	switch v := a.Value().(type) {
	case decimal.Decimal:
		return rules.FormatDecimal(v)
	case bool:
		if v {
			return "true"
		}
		return "false"
	case string:
		return v
	}
	return ""
}

// Rate evaluates one rating under the criteria, with the risk's
// attributes and the evaluation instant asOf. The rating is checked
// against the scales first (errors name "rating.likelihood" and so on and
// match ErrInvalid); a failing rule gives a *RatingError.
//
// A nil ctx gives an error matching ErrNilContext, an Engine not made by
// Compile one matching ErrNotCompiled.
func (e *Engine) Rate(ctx context.Context, rating *Rating, attrs map[string]Attr, asOf time.Time) (Evaluation, error) {
	if err := e.usable(ctx); err != nil {
		return Evaluation{}, fmt.Errorf("risk: rate: %w", err)
	}
	if rating == nil {
		return Evaluation{}, fmt.Errorf("risk: rate: %w", &FieldError{Path: "rating", Msg: "no rating given"})
	}
	var p problems
	var prep prepared
	if !e.checkRating(&p, where{risk: -1, field: "rating"}, rating, &prep) {
		return Evaluation{}, fmt.Errorf("risk: rate: %w", p.err())
	}
	act := &activation{asOf: types.Timestamp{Time: asOf}}
	in := make([]Input, 0, e.inputCount(rating, &prep, attrs))
	var ev Evaluation
	var txt inputText
	if _, err := e.rate(ctx, nil, act, rating, &prep, attrs, &ev, in, &txt); err != nil {
		return Evaluation{}, fmt.Errorf("risk: %w", &RatingError{Rating: "rating", Err: err})
	}
	txt.resolve()
	return ev, nil
}
