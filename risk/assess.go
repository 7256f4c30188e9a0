package risk

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"cel.dev/cel-go/common/types"
	"github.com/isms-go/iso27003/rules"
)

// AssessOption configures one call of Engine.Assess. A nil AssessOption
// is ignored, as the rules package ignores a nil EnvOption; an option
// with a bad value makes Assess return an error.
type AssessOption func(*assessConfig)

type assessConfig struct {
	parallelism  int
	prevalidated bool
	omitInputs   bool
	bad          []error
}

// OmitInputs leaves the rated values out of every evaluation's
// explanation (Explanation.Inputs is nil); the rest of the explanation,
// how the consequence, level, acceptance and priority were found and the
// grid cell, is kept. It is for callers who need levels and priorities
// of a large register and explain a risk only when asked: Engine.Rate
// gives one rating's evaluation with its inputs.
//
// Without inputs, the evaluations of ratings in the same grid cell are
// equal, and Assess lets such results share one Evaluation (as it lets a
// residual taken from the inherent rating share the inherent one). An
// Assessment is read-only; copy an Evaluation before changing it.
func OmitInputs() AssessOption {
	return func(c *assessConfig) { c.omitInputs = true }
}

// Prevalidated tells Assess that the register passed ValidateRegister
// under this engine and has not changed since, so that the checks of IDs,
// kinds, approaches, properties, attributes and treatments are skipped.
// The ratings are still placed on the scales, which evaluation needs, and
// a bad rating still gives the same *FieldError as without the option:
// Assess never panics on a register that was not in fact valid. What it
// no longer reports are empty or duplicate IDs (duplicates then keep
// their register order among themselves) and the other fields' problems;
// the assessment is otherwise the same, byte for byte.
func Prevalidated() AssessOption {
	return func(c *assessConfig) { c.prevalidated = true }
}

// Parallelism sets how many goroutines evaluate the register; the
// default is runtime.GOMAXPROCS(0). It must be at least 1. The result does
// not depend on it.
func Parallelism(n int) AssessOption {
	return func(c *assessConfig) {
		if n < 1 {
			c.bad = append(c.bad, fmt.Errorf("parallelism must be at least 1, got %d", n))
			return
		}
		c.parallelism = n
	}
}

// Status says what became of a risk in an assessment.
type Status string

// Statuses of a risk result.
const (
	// Assessed: the inherent and residual ratings were evaluated.
	Assessed Status = "assessed"
	// NotAnalysed: the risk has no inherent rating yet; it is listed so
	// that it is not forgotten.
	NotAnalysed Status = "not-analysed"
	// Failed: a rule failed on the risk's ratings; Error says why.
	Failed Status = "failed"
)

// RiskResult is one risk of an assessment.
type RiskResult struct {
	ID     string `json:"id"`
	Title  string `json:"title,omitempty"`
	Owner  string `json:"owner,omitempty"`
	Kind   Kind   `json:"kind"`
	Status Status `json:"status"`
	// Inherent is the evaluation of the inherent rating.
	Inherent *Evaluation `json:"inherent,omitempty"`
	// Residual is the evaluation of the expected residual rating, or a
	// copy of Inherent when the risk has no residual rating (then
	// ResidualFromInherent is set).
	Residual             *Evaluation `json:"residual,omitempty"`
	ResidualFromInherent bool        `json:"residualFromInherent,omitempty"`
	Error                string      `json:"error,omitempty"`
}

// LevelCount counts the risks at one level, inherent and residual.
type LevelCount struct {
	Level    string `json:"level"`
	Rank     int    `json:"rank"`
	Inherent int    `json:"inherent"`
	Residual int    `json:"residual"`
}

// Summary counts an assessment's results.
type Summary struct {
	Risks       int `json:"risks"`
	Assessed    int `json:"assessed"`
	NotAnalysed int `json:"notAnalysed"`
	Failed      int `json:"failed"`
	// Unacceptable counts assessed risks whose inherent level is not
	// acceptable; ResidualUnacceptable those whose residual level is not.
	Unacceptable         int `json:"unacceptable"`
	ResidualUnacceptable int `json:"residualUnacceptable"`
	// Levels has every risk level of the criteria, most serious first.
	Levels []LevelCount `json:"levels"`
}

// Assessment is the result of assessing a register under criteria as of
// an instant. Results are in treatment-priority order: assessed risks by
// inherent priority (highest first), then rank (highest first), then
// score (highest first), then ID (rules.NaturalCompare, "R-2" before
// "R-10"); then failed risks and then risks not analysed, each by ID. The
// same register and criteria give the same assessment, byte for byte in
// JSON, whatever the order of the risks and however many goroutines did
// the work.
//
// An Assessment is read-only: with OmitInputs, results may share one
// Evaluation. It shares no memory with the register it came from.
type Assessment struct {
	CriteriaID      string `json:"criteriaId"`
	CriteriaVersion string `json:"criteriaVersion"`
	// Fingerprint identifies the criteria exactly (Criteria.Fingerprint).
	Fingerprint string       `json:"fingerprint"`
	RegisterID  string       `json:"registerId,omitempty"`
	AsOf        time.Time    `json:"asOf"`
	Results     []RiskResult `json:"results"`
	Summary     Summary      `json:"summary"`
}

// Result returns the result for the risk id.
func (a *Assessment) Result(id string) (*RiskResult, bool) {
	for i := range a.Results {
		if a.Results[i].ID == id {
			return &a.Results[i], true
		}
	}
	return nil, false
}

// assessChunk is how many risks one task evaluates. Tasks are handed to
// the workers in order and write only their own slots, so the result does
// not depend on the number of workers.
const assessChunk = 1024

var (
	riskKinds  = []Kind{InformationSecurity, ISMSRisk, ISMSOpportunity}
	approaches = []Approach{EventBased, AssetBased}
	properties = []Property{Confidentiality, Integrity, Availability}
	options    = []Option{Avoid, Take, Modify, Share, Retain}
	statuses   = []ActionStatus{Planned, InProgress, Done, Cancelled}
)

// ValidateRegister checks a register against the criteria and reports
// every problem at once as *FieldError values joined with errors.Join,
// with paths such as "risks[3].inherent.likelihood": empty or duplicate
// risk IDs, unknown kinds, approaches, properties, treatment options and
// action statuses, ratings off the scales or on unknown dimensions, and a
// residual rating without an inherent one. Assess runs the same checks.
//
// An Engine not made by Compile gives an error matching ErrNotCompiled.
func (e *Engine) ValidateRegister(reg Register) error {
	if err := e.usable(context.Background()); err != nil {
		return fmt.Errorf("risk: validate register: %w", err)
	}
	var p problems
	idErrs := checkIDs(reg.Risks)
	var prep prepared
	for i := range reg.Risks {
		if err := idErrs[i]; err != nil {
			p.add(err)
		}
		e.checkRisk(&p, i, &reg.Risks[i], &prep, &prep)
	}
	return p.err()
}

// checkIDs finds empty and duplicate risk IDs; the problems are keyed by
// the index of the risk, so that they can be reported in register order.
func checkIDs(risks []Risk) map[int]error {
	var bad map[int]error
	seen := make(map[string]int, len(risks))
	for i := range risks {
		id := risks[i].ID
		var err error
		if strings.TrimSpace(id) == "" {
			err = &FieldError{Path: fmt.Sprintf("risks[%d].id", i), Msg: "risk needs an ID"}
		} else if j, dup := seen[id]; dup {
			err = &FieldError{Path: fmt.Sprintf("risks[%d].id", i), Msg: fmt.Sprintf("duplicate risk ID %q (also risks[%d])", id, j)}
		} else {
			seen[id] = i
			continue
		}
		if bad == nil {
			bad = map[int]error{}
		}
		bad[i] = err
	}
	return bad
}

// checkRisk checks everything of one risk but its ID; inh and res receive
// the prepared ratings. It returns whether the risk is usable.
func (e *Engine) checkRisk(p *problems, i int, r *Risk, inh, res *prepared) bool {
	n := len(p.errs)
	e.checkRiskHead(p, i, r)
	e.checkRatings(p, i, r, inh, res)
	checkTreatment(p, i, r)
	return len(p.errs) == n
}

// checkRiskHead is checkRisk up to the ratings: kind, approach,
// properties and attributes.
func (e *Engine) checkRiskHead(p *problems, i int, r *Risk) {
	path := func(f string) string { return fmt.Sprintf("risks[%d].%s", i, f) }
	if r.Kind != "" && !slices.Contains(riskKinds, r.Kind) {
		p.addf(path("kind"), "unknown kind %q (want %s)", r.Kind, oneOf(riskKinds...))
	}
	if r.Approach != "" && !slices.Contains(approaches, r.Approach) {
		p.addf(path("approach"), "unknown identification approach %q (want %s)", r.Approach, oneOf(approaches...))
	}
	for j, pr := range r.Properties {
		if !slices.Contains(properties, pr) {
			p.addf(path(fmt.Sprintf("properties[%d]", j)), "unknown security property %q (want %s)", pr, oneOf(properties...))
		} else if k := slices.Index(r.Properties, pr); k < j {
			p.addf(path(fmt.Sprintf("properties[%d]", j)), "property %q is listed twice", pr)
		}
	}
	if e.reads&refAttributes != 0 && len(r.Attributes) > 0 {
		var bad []string
		for k, v := range r.Attributes {
			if v.kind == attrNumber && !inBounds(v.d) {
				bad = append(bad, k)
			}
		}
		slices.Sort(bad)
		for _, k := range bad {
			p.addf(path("attributes."+k), "%s is out of range (at most %d digits and %d decimal places)",
				decString(r.Attributes[k].d), rules.MaxDecimalDigits, rules.MaxDecimalScale)
		}
	}
}

// checkRatings is the part of checkRisk that checks the ratings.
func (e *Engine) checkRatings(p *problems, i int, r *Risk, inh, res *prepared) {
	if r.Inherent != nil {
		e.checkRating(p, where{risk: i, field: "inherent"}, r.Inherent, inh)
	}
	if r.Residual != nil {
		if r.Inherent == nil {
			p.addf(fmt.Sprintf("risks[%d].residual", i), "a residual rating needs an inherent rating")
		} else {
			e.checkRating(p, where{risk: i, field: "residual"}, r.Residual, res)
		}
	}
}

// checkTreatment is the part of checkRisk after the ratings: the
// treatment.
func checkTreatment(p *problems, i int, r *Risk) {
	path := func(f string) string { return fmt.Sprintf("risks[%d].%s", i, f) }
	if t := r.Treatment; t != nil {
		if len(t.Options) == 0 {
			p.addf(path("treatment.options"), "no treatment option is chosen (want one or more of %s)", oneOf(options...))
		}
		for j, o := range t.Options {
			if !slices.Contains(options, o) {
				p.addf(path(fmt.Sprintf("treatment.options[%d]", j)), "unknown treatment option %q (want %s)", o, oneOf(options...))
			} else if k := slices.Index(t.Options, o); k < j {
				p.addf(path(fmt.Sprintf("treatment.options[%d]", j)), "option %q is chosen twice", o)
			}
		}
		for j, c := range t.Controls {
			if strings.TrimSpace(c) == "" {
				p.addf(path(fmt.Sprintf("treatment.controls[%d]", j)), "control ID is empty")
			}
		}
		for j, a := range t.Actions {
			ap := func() string { return path(fmt.Sprintf("treatment.actions[%d]", j)) }
			if !slices.Contains(statuses, a.Status) {
				if a.Status == "" {
					p.addf(ap()+".status", "action status is missing (want %s)", oneOf(statuses...))
				} else {
					p.addf(ap()+".status", "unknown action status %q (want %s)", a.Status, oneOf(statuses...))
				}
			}
			if a.ID != "" {
				for k := range j {
					if t.Actions[k].ID == a.ID {
						p.addf(ap()+".id", "duplicate action ID %q (also actions[%d])", a.ID, k)
						break
					}
				}
			}
		}
	}
}

// worker is one goroutine's reusable state.
type worker struct {
	act      activation
	sess     *rules.Session // evaluates the rules, reading act
	inh, res prepared
	txt      inputText

	// With OmitInputs: the evaluation being made, the cells' evaluations
	// met so far (by cell index), and a slab the kept ones are copied to.
	scratch Evaluation
	cellEv  []*Evaluation
	slab    []Evaluation
}

// newWorker makes a worker whose rules run in one session under ctx.
// Without a session (it cannot fail for an engine made by Compile) each
// rule runs on its own, which gives the same results.
func (e *Engine) newWorker(ctx context.Context) *worker {
	w := &worker{}
	if e.env != nil {
		if s, err := e.env.NewSession(ctx, &w.act); err == nil {
			w.sess = s
		}
	}
	return w
}

func (w *worker) close() { w.sess.Close() }

// evalSlab is how many evaluations a worker allocates at once with
// OmitInputs.
const evalSlab = 256

// keep returns where the evaluation in w.scratch is kept: the evaluation
// of its cell when rd says it is the cell's alone, else a copy.
func (w *worker) keep(e *Engine, rd rated) *Evaluation {
	if rd.cell >= 0 {
		if w.cellEv == nil {
			w.cellEv = make([]*Evaluation, len(e.cells))
		}
		if p := w.cellEv[rd.cell]; p != nil {
			return p
		}
	}
	if len(w.slab) == 0 {
		w.slab = make([]Evaluation, evalSlab)
	}
	p := &w.slab[0]
	w.slab = w.slab[1:]
	*p = w.scratch
	if rd.cell >= 0 {
		w.cellEv[rd.cell] = p
	}
	return p
}

// riskRec is what evaluating one risk leaves for the final pass, free of
// pointers so that the sort and the GC pass over it cheaply.
type riskRec struct {
	status  uint8 // recAssessed, recFailed, recNotAnalysed
	fromInh bool
	ord     int32 // the inherent cell's ord, or -1 (see cellInfo)
	inhLv   int32 // level indexes, when assessed
	resLv   int32
	// Whether the inherent and residual levels are acceptable, when
	// assessed.
	inhOK, resOK bool
	// byCell is set when the evaluations are the worker's for the cells
	// inhCell and resCell (taskOut.cellEv), by the grid fast path with
	// OmitInputs; they are in taskOut.ptrs otherwise.
	byCell           bool
	inhCell, resCell int16
}

// A cell index fits riskRec's int16.
const _ = uint(math.MaxInt16 - maxGridCells)

const (
	recAssessed uint8 = iota
	recFailed
	recNotAnalysed
)

type taskOut struct {
	problems []error
	failures []error
	failIdx  []int32 // the risk index of each failure
	// The inherent and residual evaluation of each risk of the task: in
	// evals, or with OmitInputs where ptrs point (nil until a risk of the
	// task needs it) or, for the risks of the grid fast path, in cellEv,
	// the evaluations of the cells of the worker that ran the task.
	evals  []Evaluation
	ptrs   []*Evaluation
	cellEv []*Evaluation
}

// ctxCheckEvery is how many risks a worker rates between looks at the
// context, so that a cancelled assessment stops within a few microseconds
// of work per worker.
const ctxCheckEvery = 32

// Assess evaluates every risk of the register as of asOf: the inherent
// rating, the residual rating (or the inherent again when there is none),
// and the explanation of each. The register is checked first, as by
// ValidateRegister; when anything is wrong Assess returns no assessment
// and every problem. Risks without an inherent rating are listed as not
// analysed. When a rule fails on a risk (a runtime error, a limit hit, a
// level name that does not exist), the risk is listed as failed, the
// other risks are assessed, and the error joins every *RatingError. A
// cancelled ctx ends the assessment with a rules.LimitError; workers look
// at ctx between risks, so Assess returns soon after the cancellation.
//
// A nil ctx gives an error matching ErrNilContext, and an Engine that was
// not made by Compile (the zero Engine, or a nil *Engine) one matching
// ErrNotCompiled; neither panics.
//
// The register is only read; the results share no memory with it.
func (e *Engine) Assess(ctx context.Context, reg Register, asOf time.Time, opts ...AssessOption) (*Assessment, error) {
	if err := e.usable(ctx); err != nil {
		return nil, fmt.Errorf("risk: assess: %w", err)
	}
	cfg := assessConfig{parallelism: runtime.GOMAXPROCS(0)}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if len(cfg.bad) > 0 {
		return nil, fmt.Errorf("risk: assess: %w", errors.Join(cfg.bad...))
	}
	var idErrs map[int]error
	if !cfg.prevalidated {
		idErrs = checkIDs(reg.Risks)
	}

	risks := reg.Risks
	n := len(risks)
	recs := make([]riskRec, n)
	ntasks := (n + assessChunk - 1) / assessChunk
	outs := make([]taskOut, ntasks)
	asOfVal := types.Timestamp{Time: asOf}
	// On a grid whose rules are all tabulated, ratings take the grid fast
	// path where they can (see fastgrid.go): without inputs when the
	// register is prevalidated (brief), with inputs otherwise.
	brief := cfg.prevalidated && cfg.omitInputs && e.gridFast()
	withInputs := cfg.prevalidated && !cfg.omitInputs && e.cellEvals != nil
	gridFull := !cfg.prevalidated && !cfg.omitInputs && e.cellEvals != nil
	run := func(w *worker, t int) {
		lo, hi := t*assessChunk, min((t+1)*assessChunk, n)
		out := &outs[t]
		p := problems{}
		// One allocation for the evaluations, one for the inputs and one
		// for the inputs' formatted text of the whole task; with
		// OmitInputs, pointers to evaluations the worker keeps.
		var evals []Evaluation
		var inputs []Input
		if cfg.omitInputs {
		} else {
			evals = make([]Evaluation, 2*(hi-lo))
			out.evals = evals
			ninputs := 0
			for i := lo; i < hi; i++ {
				r := &risks[i]
				ninputs += e.inputBound(r.Inherent, r.Attributes) + e.inputBound(r.Residual, r.Attributes)
			}
			inputs = make([]Input, 0, ninputs)
			w.txt.reset()
		}
		w.act.asOf = asOfVal
		for i := lo; i < hi; i++ {
			if (i-lo)%ctxCheckEvery == 0 && ctx.Err() != nil {
				return
			}
			r := &risks[i]
			rec := &recs[i]
			rec.ord = -1
			if brief && e.gridBrief(w, r, rec) {
				continue
			}
			if withInputs && e.gridRisk(r, rec, &evals[2*(i-lo)], &evals[2*(i-lo)+1], &inputs) {
				continue
			}
			if cfg.prevalidated {
				if !e.prepareRisk(&p, i, r, &w.inh, &w.res) {
					continue
				}
			} else {
				if err := idErrs[i]; err != nil {
					p.add(err)
				}
				if gridFull {
					// checkRisk, with the ratings checked by the grid
					// fast path when it takes them.
					e.checkRiskHead(&p, i, r)
					if e.gridRisk(r, rec, &evals[2*(i-lo)], &evals[2*(i-lo)+1], &inputs) {
						checkTreatment(&p, i, r)
						continue
					}
					e.checkRatings(&p, i, r, &w.inh, &w.res)
					checkTreatment(&p, i, r)
					if len(p.errs) > 0 {
						continue
					}
				} else if !e.checkRisk(&p, i, r, &w.inh, &w.res) || len(p.errs) > 0 {
					continue
				}
			}
			if r.Inherent == nil {
				rec.status = recNotAnalysed
				continue
			}
			if cfg.omitInputs {
				if out.ptrs == nil {
					out.ptrs = make([]*Evaluation, 2*(hi-lo))
				}
				e.rateBrief(ctx, w, i, r, rec, out, 2*(i-lo))
				continue
			}
			inh, rsd := &evals[2*(i-lo)], &evals[2*(i-lo)+1]
			k := len(inputs)
			m := e.inputCount(r.Inherent, &w.inh, r.Attributes)
			mark := w.txt.mark()
			rd, err := e.rate(ctx, w.sess, &w.act, r.Inherent, &w.inh, r.Attributes, inh, inputs[k:k:k+m], &w.txt)
			if err != nil {
				w.txt.rollback(mark)
				rec.status = recFailed
				out.failures = append(out.failures, &RatingError{RiskID: r.ID, Rating: "inherent", Err: err})
				out.failIdx = append(out.failIdx, int32(i))
				continue
			}
			inputs = inputs[:k+m]
			rec.ord, rec.inhLv, rec.resLv = rd.ord, int32(rd.lv), int32(rd.lv)
			rec.inhOK, rec.resOK = inh.Acceptable, inh.Acceptable
			if r.Residual == nil {
				*rsd = *inh
				rec.fromInh = true
			} else {
				k := len(inputs)
				m := e.inputCount(r.Residual, &w.res, r.Attributes)
				rd, err := e.rate(ctx, w.sess, &w.act, r.Residual, &w.res, r.Attributes, rsd, inputs[k:k:k+m], &w.txt)
				if err != nil {
					w.txt.rollback(mark)
					rec.status = recFailed
					out.failures = append(out.failures, &RatingError{RiskID: r.ID, Rating: "residual", Err: err})
					out.failIdx = append(out.failIdx, int32(i))
					continue
				}
				inputs = inputs[:k+m]
				rec.resLv, rec.resOK = int32(rd.lv), rsd.Acceptable
			}
			rec.status = recAssessed
		}
		if !cfg.omitInputs {
			w.txt.resolve()
		}
		out.cellEv = w.cellEv
		out.problems = p.errs
	}
	workers := max(1, min(cfg.parallelism, ntasks))
	if workers == 1 {
		w := e.newWorker(ctx)
		defer w.close()
		for t := range ntasks {
			if ctx.Err() != nil {
				break
			}
			run(w, t)
		}
	} else {
		var wg sync.WaitGroup
		next := make(chan int)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := e.newWorker(ctx)
				defer w.close()
				for t := range next {
					run(w, t)
				}
			}()
		}
		for t := range ntasks {
			if ctx.Err() != nil {
				break
			}
			next <- t
		}
		close(next)
		wg.Wait()
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("risk: assess: %w", &rules.LimitError{Limit: rules.LimitContext, Cause: context.Cause(ctx)})
	}
	var errs, failures []error
	var failMsg map[int32]string
	for _, o := range outs {
		errs = append(errs, o.problems...)
		failures = append(failures, o.failures...)
		for j, i := range o.failIdx {
			if failMsg == nil {
				failMsg = map[int32]string{}
			}
			failMsg[i] = o.failures[j].(*RatingError).Err.Error()
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("risk: assess: register %q: %w", reg.ID, errors.Join(errs...))
	}

	evalOf := func(i int32) (inh, res *Evaluation) {
		t := int(i) / assessChunk
		j := 2 * (int(i) - t*assessChunk)
		if cfg.omitInputs {
			if rec := &recs[i]; rec.byCell {
				c := outs[t].cellEv
				return c[rec.inhCell], c[rec.resCell]
			}
			return outs[t].ptrs[j], outs[t].ptrs[j+1]
		}
		return &outs[t].evals[j], &outs[t].evals[j+1]
	}
	order := e.sortRisks(risks, recs, evalOf)
	a := &Assessment{
		CriteriaID: e.c.ID, CriteriaVersion: e.c.Version, Fingerprint: e.fp,
		RegisterID: reg.ID, AsOf: asOf.UTC(),
		Results: make([]RiskResult, n),
	}
	// The results are written in register order, each to its place: the
	// register is read in the order it lies in memory.
	pos := make([]int32, n)
	for k, i := range order {
		pos[i] = int32(k)
	}
	inhCount := make([]int, len(e.levels))
	resCount := make([]int, len(e.levels))
	s := &a.Summary
	s.Risks = n
	for i := range risks {
		r, rec := &risks[i], &recs[i]
		res := &a.Results[pos[i]]
		res.ID, res.Title, res.Owner, res.Kind = r.ID, r.Title, r.Owner, r.EffectiveKind()
		switch rec.status {
		case recAssessed:
			res.Status = Assessed
			res.Inherent, res.Residual = evalOf(int32(i))
			res.ResidualFromInherent = rec.fromInh
			s.Assessed++
			if !rec.inhOK {
				s.Unacceptable++
			}
			if !rec.resOK {
				s.ResidualUnacceptable++
			}
			inhCount[rec.inhLv]++
			resCount[rec.resLv]++
		case recFailed:
			res.Status, res.Error = Failed, failMsg[int32(i)]
			s.Failed++
		default:
			res.Status = NotAnalysed
			s.NotAnalysed++
		}
	}
	s.Levels = e.levelCounts(inhCount, resCount)
	if len(failures) > 0 {
		slices.SortFunc(failures, func(x, y error) int {
			return rules.NaturalCompare(x.(*RatingError).RiskID, y.(*RatingError).RiskID)
		})
		return a, fmt.Errorf("risk: assess: %w", errors.Join(failures...))
	}
	return a, nil
}

// rateBrief rates risk i (r, with its ratings prepared in w) without
// inputs, for OmitInputs: the evaluations go to out.ptrs[j] and [j+1],
// kept by w.keep.
func (e *Engine) rateBrief(ctx context.Context, w *worker, i int, r *Risk, rec *riskRec, out *taskOut, j int) {
	fail := func(rating string, err error) {
		rec.status = recFailed
		out.ptrs[j], out.ptrs[j+1] = nil, nil
		out.failures = append(out.failures, &RatingError{RiskID: r.ID, Rating: rating, Err: err})
		out.failIdx = append(out.failIdx, int32(i))
	}
	rd, err := e.rate(ctx, w.sess, &w.act, r.Inherent, &w.inh, r.Attributes, &w.scratch, nil, nil)
	if err != nil {
		fail("inherent", err)
		return
	}
	out.ptrs[j] = w.keep(e, rd)
	rec.ord, rec.inhLv, rec.resLv = rd.ord, int32(rd.lv), int32(rd.lv)
	rec.inhOK, rec.resOK = out.ptrs[j].Acceptable, out.ptrs[j].Acceptable
	if r.Residual == nil {
		out.ptrs[j+1] = out.ptrs[j]
		rec.fromInh = true
	} else {
		rd, err := e.rate(ctx, w.sess, &w.act, r.Residual, &w.res, r.Attributes, &w.scratch, nil, nil)
		if err != nil {
			fail("residual", err)
			return
		}
		out.ptrs[j+1] = w.keep(e, rd)
		rec.resLv, rec.resOK = int32(rd.lv), out.ptrs[j+1].Acceptable
	}
	rec.status = recAssessed
}

// gridBrief is rateBrief and the preparation before it on the grid fast
// path (see gridCell), for a prevalidated register with OmitInputs: when
// both ratings of r land on cells the worker has met, the evaluations
// are the cells' (rec says which), and it returns true. Else it does nothing and returns
// false, and r takes the general path.
func (e *Engine) gridBrief(w *worker, r *Risk, rec *riskRec) bool {
	if r.Inherent == nil {
		if r.Residual != nil {
			return false
		}
		rec.status = recNotAnalysed
		return true
	}
	if w.cellEv == nil {
		w.cellEv = make([]*Evaluation, len(e.cells))
	}
	ci, _, ok := e.gridCell(r.Inherent, nil)
	if !ok || w.cellEv[ci] == nil {
		return false
	}
	cr := ci
	if r.Residual != nil {
		if cr, _, ok = e.gridCell(r.Residual, nil); !ok || w.cellEv[cr] == nil {
			return false
		}
	}
	inh, res := &e.cells[ci], &e.cells[cr]
	rec.status, rec.fromInh = recAssessed, r.Residual == nil
	rec.byCell, rec.inhCell, rec.resCell = true, int16(ci), int16(cr)
	rec.ord, rec.inhLv, rec.resLv = inh.ord, int32(inh.level), int32(res.level)
	rec.inhOK, rec.resOK = w.cellEv[ci].Acceptable, w.cellEv[cr].Acceptable
	return true
}

// gridRisk evaluates r with inputs on the grid fast path (see gridRate):
// when both ratings take it (they are then valid), it writes their
// evaluations to inh and rsd, appends their inputs to *inputs, and
// returns true. Else it returns false, *inputs is as it was, and r takes
// the general path, which checks the ratings and writes inh and rsd
// anew.
func (e *Engine) gridRisk(r *Risk, rec *riskRec, inh, rsd *Evaluation, inputs *[]Input) bool {
	if r.Inherent == nil {
		if r.Residual != nil {
			return false
		}
		rec.status = recNotAnalysed
		return true
	}
	in, ci, ok := e.gridRate(r.Inherent, inh, *inputs)
	if !ok {
		return false
	}
	cr := ci
	if r.Residual != nil {
		if in, cr, ok = e.gridRate(r.Residual, rsd, in); !ok {
			return false
		}
	} else {
		*rsd = *inh
		rec.fromInh = true
	}
	*inputs = in
	c, cres := &e.cells[ci], &e.cells[cr]
	rec.status = recAssessed
	rec.ord, rec.inhLv, rec.resLv = c.ord, int32(c.level), int32(cres.level)
	rec.inhOK, rec.resOK = inh.Acceptable, rsd.Acceptable
	return true
}

// usable reports why the engine cannot run with ctx, if it cannot.
func (e *Engine) usable(ctx context.Context) error {
	if e == nil || e.level == nil || e.accept == nil {
		return ErrNotCompiled
	}
	if ctx == nil {
		return ErrNilContext
	}
	return nil
}

// prepareRisk is checkRisk for a prevalidated register: it prepares the
// ratings, which evaluation needs, and reports a bad one as checkRisk
// would; it looks at nothing else.
func (e *Engine) prepareRisk(p *problems, i int, r *Risk, inh, res *prepared) bool {
	ok := true
	if r.Inherent != nil {
		ok = e.checkRating(p, where{risk: i, field: "inherent"}, r.Inherent, inh)
	}
	if r.Residual != nil {
		if r.Inherent == nil {
			p.addf(fmt.Sprintf("risks[%d].residual", i), "a residual rating needs an inherent rating")
			return false
		}
		ok = e.checkRating(p, where{risk: i, field: "residual"}, r.Residual, res) && ok
	}
	if ok && e.reads&refAttributes != 0 {
		for _, v := range r.Attributes {
			if v.kind == attrNumber && !inBounds(v.d) {
				// Let checkRisk name the attribute.
				return e.checkRisk(p, i, r, inh, res)
			}
		}
	}
	return ok
}

// levelCounts lists the counts of every level, most serious first.
func (e *Engine) levelCounts(inh, res []int) []LevelCount {
	out := make([]LevelCount, len(e.levels))
	for i, l := range e.levels {
		out[i] = LevelCount{Level: l.name, Rank: l.rank, Inherent: inh[i], Residual: res[i]}
	}
	slices.SortFunc(out, func(a, b LevelCount) int { return cmp.Compare(b.Rank, a.Rank) })
	return out
}

// inputBound is an upper bound of the inputs rate records for r.
func (e *Engine) inputBound(r *Rating, attrs map[string]Attr) int {
	if r == nil {
		return 0
	}
	n := 1 + len(r.Consequences)
	if r.Quantitative != nil {
		n += 2
	}
	if e.reads&refAttributes != 0 {
		n += len(attrs)
	}
	return n
}

// appendNaturalKey appends the sort key of s. Other bytes are copied; a
// run of digits becomes a length mark, the digits without leading zeros,
// and the count of leading zeros, so that runs compare by value and then
// by length, as rules.NaturalCompare does. The length mark is a digit
// character ('0' + length, or '9' and four bytes of length from 9 up), so
// a run still compares with a non-digit byte as a digit does.
//
// Only the first limit bytes of the key are needed: appending stops once
// they are there, and no more than limit digits of a run are copied.
func appendNaturalKey(dst []byte, s string, limit int) []byte {
	start := len(dst)
	for i := 0; i < len(s) && len(dst)-start < limit; {
		if !isDigitByte(s[i]) {
			dst = append(dst, s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] == '0' {
			j++
		}
		zeros := j - i
		k := j
		for k < len(s) && isDigitByte(s[k]) {
			k++
		}
		if l := k - j; l < 9 {
			dst = append(dst, byte('0'+l))
		} else {
			dst = append(dst, '9', byte(l>>24), byte(l>>16), byte(l>>8), byte(l))
		}
		dst = append(dst, s[j:j+min(k-j, limit)]...)
		dst = append(dst, byte(zeros>>24), byte(zeros>>16), byte(zeros>>8), byte(zeros))
		i = k
	}
	return dst
}

func isDigitByte(c byte) bool { return '0' <= c && c <= '9' }
