package rules

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"cel.dev/cel-go/common/types"
)

// Rule is one conformance check. Built-in rules and the rules an
// organization writes are the same type, so each can be disabled,
// re-graded or waived by ID.
//
// Condition is a CEL expression that is true when a subject violates the
// rule; Message is a template (see Template) rendered for each violation.
// Subjects names the collection the rule iterates over, whose item is
// bound to the collection's variable; an empty Subjects evaluates the
// rule once for the input as a whole.
type Rule struct {
	ID        string   `json:"id"`
	Clause    string   `json:"clause"`
	Severity  Severity `json:"severity"`
	Title     string   `json:"title"`
	Subjects  string   `json:"subjects,omitempty"`
	Condition string   `json:"condition"`
	Message   string   `json:"message"`
	Guidance  string   `json:"guidance,omitempty"`
}

// Collection declares a kind of subject rules can iterate over: rules
// name it in Rule.Subjects, each item is bound to Var while the rule
// runs, and findings about it carry Kind and the item's ID.
type Collection struct {
	Name string // e.g. "risks"
	Var  string // e.g. "risk"
	Kind string // e.g. "risk"
	Type *Type  // the CEL type of an item
}

// Items is the subjects of one collection at evaluation time. Slice
// builds one from a Go slice.
type Items interface {
	Len() int
	At(i int) any    // the item as a Go value of the collection's type, e.g. *Risk
	ID(i int) string // the item's ID, for findings
}

// Slice returns Items over xs; At yields &xs[i], so registered object
// types are read in place without copying.
func Slice[T any](xs []T, id func(*T) string) Items { return sliceItems[T]{xs, id} }

type sliceItems[T any] struct {
	xs []T
	id func(*T) string
}

func (s sliceItems[T]) Len() int        { return len(s.xs) }
func (s sliceItems[T]) At(i int) any    { return &s.xs[i] }
func (s sliceItems[T]) ID(i int) string { return s.id(&s.xs[i]) }

// Input is what a rule set is evaluated against.
type Input struct {
	// AsOf is the evaluation instant, bound to asOf. Waivers expire
	// against it.
	AsOf time.Time
	// Vars holds the other variables the rules read (may be nil).
	Vars Activation
	// Subjects holds the items of each collection by collection name. A
	// collection with no entry has no items.
	Subjects map[string]Items
}

// Waiver suppresses the finding of one rule about one subject until it
// expires. Once AsOf reaches Expires the finding is reported again,
// together with a finding that the waiver expired.
type Waiver struct {
	RuleID        string    `json:"ruleId"`
	Subject       Subject   `json:"subject"`
	Justification string    `json:"justification"`
	ApprovedBy    string    `json:"approvedBy,omitempty"`
	Expires       time.Time `json:"expires"`
}

// WaiverExpiredRuleID is the rule ID of findings that report an expired
// waiver.
const WaiverExpiredRuleID = "waiver-expired"

// EvalOption adjusts one evaluation of a rule set.
type EvalOption func(*evalConfig)

type evalConfig struct {
	disabled    map[string]bool
	regrade     map[string]Severity
	waivers     []Waiver
	parallelism int
}

// Disable skips the rules with these IDs.
func Disable(ids ...string) EvalOption {
	return func(c *evalConfig) {
		for _, id := range ids {
			c.disabled[id] = true
		}
	}
}

// Regrade gives the findings of rule id severity s.
func Regrade(id string, s Severity) EvalOption {
	return func(c *evalConfig) { c.regrade[id] = s }
}

// Waive adds waivers.
func Waive(ws ...Waiver) EvalOption {
	return func(c *evalConfig) { c.waivers = append(c.waivers, ws...) }
}

// Parallelism sets how many goroutines evaluate; the default is
// GOMAXPROCS. Results do not depend on it.
func Parallelism(n int) EvalOption {
	return func(c *evalConfig) { c.parallelism = n }
}

// RuleStats summarizes one rule in one evaluation.
type RuleStats struct {
	RuleID    string   `json:"ruleId"`
	Clause    string   `json:"clause"`
	Severity  Severity `json:"severity"`
	Disabled  bool     `json:"disabled,omitempty"`
	Evaluated int      `json:"evaluated"` // subjects the condition ran on
	Failed    int      `json:"failed"`    // findings reported
	Waived    int      `json:"waived"`    // findings suppressed by a waiver
	Errors    int      `json:"errors"`    // subjects whose evaluation failed
}

// Passed reports whether the rule ran and reported nothing and failed nowhere.
func (s RuleStats) Passed() bool { return !s.Disabled && s.Failed == 0 && s.Errors == 0 }

// Result is the outcome of evaluating a rule set.
type Result struct {
	// Findings in CompareFindings order.
	Findings []Finding `json:"findings"`
	// Rules in rule-set order (clause, then ID).
	Rules []RuleStats `json:"rules"`
}

type compiledRule struct {
	Rule
	col  *Collection
	cond *Program
	msg  *Template
}

// RuleSet is a compiled list of rules. It is immutable and safe for
// concurrent use: one RuleSet may be evaluated from many goroutines.
//
// The zero RuleSet (and a nil *RuleSet) was never compiled: Evaluate
// returns an error matching ErrZeroValue (use errors.Is) rather than an
// empty result, and Rules returns nil. A RuleSet compiled from no rules
// is not the zero value: it evaluates to an empty result. Rule sets come
// from CompileRules.
type RuleSet struct {
	rules []*compiledRule
	byID  map[string]*compiledRule
	env   *Env // the environment the rules were compiled in
}

// CompileRules compiles rules in env, with the collections' variables
// declared. It checks every rule (ID present and unique, valid severity,
// clause, known collection, both expressions) and reports every problem
// at once as CompileErrors.
func CompileRules(env *Env, cols []Collection, rules ...Rule) (*RuleSet, error) {
	if env == nil || env.cel == nil {
		return nil, fmt.Errorf("rules: compile rules: %w", ErrZeroValue)
	}
	var errs CompileErrors
	ruleErr := func(id, field, msg string) {
		errs = append(errs, &CompileError{Code: CodeRule, ID: id, Field: field, Message: msg})
	}
	byName := map[string]*Collection{}
	var opts []EnvOption
	for i := range cols {
		c := &cols[i]
		switch {
		case c.Name == "" || c.Var == "" || c.Kind == "" || c.Type == nil:
			ruleErr("", "collections", fmt.Sprintf("collection %d needs a name, a variable, a kind and a type", i))
			continue
		case byName[c.Name] != nil:
			ruleErr("", "collections", fmt.Sprintf("collection %q declared twice", c.Name))
			continue
		}
		byName[c.Name] = c
		if !slices.ContainsFunc(cols[:i], func(o Collection) bool { return o.Var == c.Var }) {
			opts = append(opts, Variable(c.Var, c.Type))
		}
	}
	ext, err := env.Extend(opts...)
	if err != nil {
		return nil, err
	}
	rs := &RuleSet{byID: map[string]*compiledRule{}, env: ext}
	for i, r := range rules {
		label := r.ID
		if label == "" {
			label = fmt.Sprintf("rules[%d]", i)
			ruleErr(label, "id", "rule has no ID")
		} else if rs.byID[r.ID] != nil {
			ruleErr(label, "id", "duplicate rule ID")
		}
		if r.ID == WaiverExpiredRuleID {
			ruleErr(label, "id", "rule ID is reserved")
		}
		if !r.Severity.Valid() {
			ruleErr(label, "severity", "severity must be major, minor, observation or opportunity")
		}
		if strings.TrimSpace(r.Clause) == "" {
			ruleErr(label, "clause", "rule cites no clause")
		}
		cr := &compiledRule{Rule: r}
		if r.Subjects != "" {
			if cr.col = byName[r.Subjects]; cr.col == nil {
				ruleErr(label, "subjects", fmt.Sprintf("unknown subjects %q", r.Subjects))
			}
		}
		if cr.cond, err = ext.Compile(label, "condition", r.Condition, BoolType); err != nil {
			errs = append(errs, err.(CompileErrors)...)
		}
		if strings.TrimSpace(r.Message) == "" {
			ruleErr(label, "message", "rule has no message")
		} else if cr.msg, err = ext.CompileTemplate(label, "message", r.Message); err != nil {
			errs = append(errs, err.(CompileErrors)...)
		}
		if r.ID != "" && rs.byID[r.ID] == nil {
			rs.byID[r.ID] = cr
		}
		rs.rules = append(rs.rules, cr)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	slices.SortStableFunc(rs.rules, func(a, b *compiledRule) int {
		if c := CompareClauses(a.Clause, b.Clause); c != 0 {
			return c
		}
		return NaturalCompare(a.ID, b.ID)
	})
	return rs, nil
}

// Rules returns the rules in evaluation order (clause, then ID).
func (rs *RuleSet) Rules() []Rule {
	if rs == nil || rs.byID == nil {
		return nil
	}
	out := make([]Rule, len(rs.rules))
	for i, r := range rs.rules {
		out[i] = r.Rule
	}
	return out
}

// Rule returns the rule with the given ID.
func (rs *RuleSet) Rule(id string) (Rule, bool) {
	if rs == nil {
		return Rule{}, false
	}
	r, ok := rs.byID[id]
	if !ok {
		return Rule{}, false
	}
	return r.Rule, true
}

// maxErrorsPerRule caps how many evaluation errors one rule contributes
// to the returned error; the count in RuleStats stays exact.
const maxErrorsPerRule = 20

type waiverKey struct {
	rule string
	subj Subject
}

// Evaluate runs every enabled rule over its subjects and returns the
// findings, sorted, with statistics per rule. Options apply to this call
// only. Bad options (an unknown rule ID, a waiver without justification or
// expiry) are reported all at once before anything runs. Evaluation errors
// of single subjects do not stop the others: the result holds everything
// that could be evaluated and the error joins the *EvalError values. A
// cancelled ctx stops the evaluation with a *LimitError naming
// LimitContext; a nil ctx is an error matching ErrNilContext.
func (rs *RuleSet) Evaluate(ctx context.Context, in Input, opts ...EvalOption) (*Result, error) {
	if rs == nil || rs.byID == nil {
		return nil, fmt.Errorf("rules: evaluate: %w", ErrZeroValue)
	}
	if ctx == nil {
		return nil, fmt.Errorf("rules: evaluate: %w", ErrNilContext)
	}
	cfg := evalConfig{disabled: map[string]bool{}, regrade: map[string]Severity{}, parallelism: runtime.GOMAXPROCS(0)}
	var bad []error
	for i, o := range opts {
		if o == nil {
			bad = append(bad, fmt.Errorf("option %d is nil", i))
			continue
		}
		o(&cfg)
	}
	for _, id := range slices.Sorted(mapKeys(cfg.disabled)) {
		if rs.byID[id] == nil {
			bad = append(bad, fmt.Errorf("disable: unknown rule %q", id))
		}
	}
	for _, id := range slices.Sorted(mapKeys(cfg.regrade)) {
		if rs.byID[id] == nil {
			bad = append(bad, fmt.Errorf("regrade: unknown rule %q", id))
		} else if !cfg.regrade[id].Valid() {
			bad = append(bad, fmt.Errorf("regrade: rule %q: invalid severity", id))
		}
	}
	waivers := map[waiverKey]*Waiver{}
	for i := range cfg.waivers {
		w := &cfg.waivers[i]
		path := fmt.Sprintf("waivers[%d]", i)
		if rs.byID[w.RuleID] == nil {
			bad = append(bad, fmt.Errorf("%s.ruleId: unknown rule %q", path, w.RuleID))
		}
		if strings.TrimSpace(w.Justification) == "" {
			bad = append(bad, fmt.Errorf("%s.justification: a waiver needs a justification", path))
		}
		if w.Expires.IsZero() {
			bad = append(bad, fmt.Errorf("%s.expires: a waiver needs an expiry", path))
		}
		k := waiverKey{w.RuleID, w.Subject}
		if waivers[k] != nil {
			bad = append(bad, fmt.Errorf("%s: a second waiver for rule %q on %q", path, w.RuleID, w.Subject))
		}
		waivers[k] = w
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("rules: evaluate: %w", errors.Join(bad...))
	}

	// Split the work into tasks of at most chunk subjects; each task
	// writes only its own slot, and slots are merged in task order.
	const chunk = 512
	type task struct {
		rule   *compiledRule
		items  Items
		lo, hi int
	}
	// A task records its findings as the subject's index and the
	// message; the findings are built once, in the merge, at their final
	// place (a Finding is ten words, and most of a task's would be copied
	// as its slice grows, then again into the result).
	type hit struct {
		i   int
		msg string
	}
	type taskOut struct {
		hits      []hit
		evaluated int
		errs      []error
		nerr      int
	}
	var tasks []task
	stats := make([]RuleStats, len(rs.rules))
	for i, r := range rs.rules {
		stats[i] = RuleStats{RuleID: r.ID, Clause: r.Clause, Severity: r.Severity, Disabled: cfg.disabled[r.ID]}
		if s, ok := cfg.regrade[r.ID]; ok {
			stats[i].Severity = s
		}
		if stats[i].Disabled {
			continue
		}
		if r.col == nil {
			tasks = append(tasks, task{rule: r, lo: 0, hi: 1})
			continue
		}
		items := in.Subjects[r.col.Name]
		if items == nil {
			continue
		}
		for lo := 0; lo < items.Len(); lo += chunk {
			tasks = append(tasks, task{rule: r, items: items, lo: lo, hi: min(lo+chunk, items.Len())})
		}
	}
	outs := make([]taskOut, len(tasks))
	var asOf any = types.Timestamp{Time: in.AsOf} // boxed once, not per lookup
	// Each worker has one activation and one run (frame, context watch
	// and cost tracker) for all its tasks.
	work := func(act *subjectAct, r *run, ti int) {
		t := tasks[ti]
		o := &outs[ti]
		act.name, act.val = "", nil
		if t.rule.col != nil {
			act.name = t.rule.col.Var
		}
		for i := t.lo; i < t.hi; i++ {
			// Comprehensions watch the context themselves; between
			// subjects it is checked here, every few subjects.
			if (i-t.lo)%16 == 15 && ctx.Err() != nil {
				return
			}
			var subj Subject
			if t.items != nil {
				act.val = t.items.At(i)
				subj = Subject{Kind: t.rule.col.Kind, ID: t.items.ID(i)}
			}
			o.evaluated++
			violated, err := evalIn[bool](t.rule.cond, ctx, r, act, subj)
			if err == nil && violated {
				var msg string
				msg, err = t.rule.msg.execute(ctx, r, act, subj)
				if err == nil {
					o.hits = append(o.hits, hit{i: i, msg: msg})
				}
			}
			if err != nil {
				o.nerr++
				if len(o.errs) < maxErrorsPerRule {
					o.errs = append(o.errs, err)
				}
				if ctx.Err() != nil {
					return
				}
			}
		}
	}
	var setupErr error
	var setupOnce sync.Once
	worker := func(next func() (int, bool)) {
		act := &subjectAct{asOf: asOf, parent: in.Vars}
		r, err := newRun(ctx, act, rs.env)
		if err != nil {
			setupOnce.Do(func() { setupErr = err })
			for _, ok := next(); ok; _, ok = next() {
			}
			return
		}
		defer r.close()
		for ti, ok := next(); ok; ti, ok = next() {
			work(act, r, ti)
		}
	}
	workers := max(1, min(cfg.parallelism, len(tasks)))
	if workers == 1 {
		i := 0
		worker(func() (int, bool) {
			if i >= len(tasks) || ctx.Err() != nil {
				return 0, false
			}
			i++
			return i - 1, true
		})
	} else {
		var wg sync.WaitGroup
		next := make(chan int)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				worker(func() (int, bool) { i, ok := <-next; return i, ok })
			}()
		}
		for i := range tasks {
			if ctx.Err() != nil {
				break
			}
			next <- i
		}
		close(next)
		wg.Wait()
	}
	if setupErr != nil {
		return nil, fmt.Errorf("rules: evaluate: %w", setupErr)
	}
	if err := ctx.Err(); err != nil {
		return nil, &LimitError{Limit: LimitContext, Cause: context.Cause(ctx)}
	}

	total := 0
	for _, o := range outs {
		total += len(o.hits)
	}
	res := &Result{Findings: make([]Finding, 0, total)}
	index := map[string]int{}
	for i, s := range stats {
		index[s.RuleID] = i
	}
	var evalErrs []error
	errsPerRule := map[string]int{}
	for ti, o := range outs {
		si := index[tasks[ti].rule.ID]
		st := &stats[si]
		st.Evaluated += o.evaluated
		st.Errors += o.nerr
		for _, e := range o.errs {
			if errsPerRule[st.RuleID] < maxErrorsPerRule {
				evalErrs = append(evalErrs, e)
			}
			errsPerRule[st.RuleID]++
		}
		t := &tasks[ti]
		for _, h := range o.hits {
			f := Finding{RuleID: t.rule.ID, Clause: t.rule.Clause, Severity: st.Severity, Message: h.msg, Guidance: t.rule.Guidance}
			if t.items != nil {
				f.Subject = Subject{Kind: t.rule.col.Kind, ID: t.items.ID(h.i)}
			}
			if w := waivers[waiverKey{f.RuleID, f.Subject}]; w != nil {
				if in.AsOf.Before(w.Expires) {
					st.Waived++
					continue
				}
				res.Findings = append(res.Findings, Finding{
					RuleID:   WaiverExpiredRuleID,
					Clause:   f.Clause,
					Severity: Observation,
					Subject:  f.Subject,
					Message: fmt.Sprintf("the waiver of rule %s for %s expired on %s; the finding applies again",
						f.RuleID, f.Subject, w.Expires.UTC().Format(time.DateOnly)),
				})
			}
			st.Failed++
			res.Findings = append(res.Findings, f)
		}
	}
	for id, n := range errsPerRule {
		if n > maxErrorsPerRule {
			evalErrs = append(evalErrs, fmt.Errorf("rule %s: %d more evaluation errors not shown", id, n-maxErrorsPerRule))
		}
	}
	slices.SortFunc(res.Findings, CompareFindings)
	res.Rules = stats
	if len(evalErrs) > 0 {
		slices.SortFunc(evalErrs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
		return res, errors.Join(evalErrs...)
	}
	return res, nil
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// subjectAct is the activation of one rule evaluation: the subject, asOf,
// and the caller's variables. One per worker is reused across subjects,
// so evaluating a subject allocates no activation.
type subjectAct struct {
	name   string
	val    any
	asOf   any // a types.Timestamp
	parent Activation
}

func (a *subjectAct) ResolveName(name string) (any, bool) {
	if name == a.name && a.name != "" {
		return a.val, true
	}
	if name == AsOfVar {
		return a.asOf, true
	}
	if a.parent != nil {
		return a.parent.ResolveName(name)
	}
	return nil, false
}

func (a *subjectAct) Parent() Activation { return a.parent }
