package rules

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/functions"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/ext"
	"cel.dev/cel-go/interpreter"
)

// Default limits. Every one can be changed with an EnvOption; none can be
// switched off.
const (
	// DefaultCostLimit bounds the runtime cost of one evaluation, in
	// cel-go cost units (roughly one per operation, more for string and
	// list work). Rules over one subject typically cost under 100.
	DefaultCostLimit = 100_000
	// DefaultMaxExpressionLength bounds an expression's length in code points.
	DefaultMaxExpressionLength = 4096
	// DefaultMaxNestingDepth bounds how deeply an expression may nest.
	DefaultMaxNestingDepth = 32
	// DefaultMaxNodes bounds the number of nodes after macro expansion.
	DefaultMaxNodes = 2000
	// DefaultInterruptCheckFrequency is how many comprehension iterations
	// run between checks of the context.
	DefaultInterruptCheckFrequency = 64
	// DefaultMaxListSize bounds the items of a list or map that a call
	// produces during an evaluation (concatenation, split, lists.range,
	// flatten, ...). Lists handed in as variables are not capped; what an
	// expression builds from them is.
	DefaultMaxListSize = 100_000
	// DefaultMaxStringSize bounds the bytes of a string that a call
	// produces during an evaluation (concatenation, replace, join,
	// format, ...), and of a rendered message.
	DefaultMaxStringSize = 1 << 20
)

// EnvOption configures an Env.
type EnvOption func(*envConfig) error

type varDecl struct {
	name string
	typ  *Type
}

type envConfig struct {
	costLimit      uint64
	maxLen         int
	maxDepth       int
	maxNodes       int
	interruptEvery uint
	// plainPlan leaves programs as cel-go plans them (no field reads,
	// unit calls or direct root), for tests that compare the two.
	plainPlan bool
	maxList   int
	maxString int
	vars      []varDecl
	objects   []ObjectDesc
}

// WithCostLimit sets the runtime cost limit of every program compiled in
// the environment. It must be positive.
func WithCostLimit(n uint64) EnvOption {
	return func(c *envConfig) error {
		if n == 0 {
			return errors.New("cost limit must be positive")
		}
		c.costLimit = n
		return nil
	}
}

// WithMaxExpressionLength sets the longest expression accepted, in code points.
func WithMaxExpressionLength(n int) EnvOption {
	return func(c *envConfig) error {
		if n <= 0 {
			return errors.New("max expression length must be positive")
		}
		c.maxLen = n
		return nil
	}
}

// WithMaxNestingDepth sets the deepest nesting accepted.
func WithMaxNestingDepth(n int) EnvOption {
	return func(c *envConfig) error {
		if n <= 0 {
			return errors.New("max nesting depth must be positive")
		}
		c.maxDepth = n
		return nil
	}
}

// WithMaxNodes sets the largest expression accepted, counted in nodes
// after macro expansion.
func WithMaxNodes(n int) EnvOption {
	return func(c *envConfig) error {
		if n <= 0 {
			return errors.New("max nodes must be positive")
		}
		c.maxNodes = n
		return nil
	}
}

// WithInterruptCheckFrequency sets how many comprehension iterations run
// between checks of the context. Lower reacts faster to cancellation and
// costs more.
func WithInterruptCheckFrequency(n uint) EnvOption {
	return func(c *envConfig) error {
		if n == 0 {
			return errors.New("interrupt check frequency must be positive")
		}
		c.interruptEvery = n
		return nil
	}
}

// WithMaxListSize sets the most items a list or map produced by a call
// during an evaluation may hold (default DefaultMaxListSize). A larger
// one ends the evaluation with a *LimitError naming LimitSize, before it
// is built when its size is known in advance.
func WithMaxListSize(n int) EnvOption {
	return func(c *envConfig) error {
		if n <= 0 {
			return errors.New("max list size must be positive")
		}
		c.maxList = n
		return nil
	}
}

// WithMaxStringSize sets the most bytes a string produced by a call
// during an evaluation, or a rendered message, may hold (default
// DefaultMaxStringSize). A longer one ends the evaluation with a
// *LimitError naming LimitSize, before it is built when its length is
// known in advance.
func WithMaxStringSize(n int) EnvOption {
	return func(c *envConfig) error {
		if n <= 0 {
			return errors.New("max string size must be positive")
		}
		c.maxString = n
		return nil
	}
}

// Variable declares a variable that expressions may read. Declaring the
// same name twice is an error; asOf is always declared, as a timestamp.
func Variable(name string, t *Type) EnvOption {
	return func(c *envConfig) error {
		if name == "" || t == nil {
			return errors.New("variable needs a name and a type")
		}
		c.vars = append(c.vars, varDecl{name, t})
		return nil
	}
}

// Objects registers Go struct types described with NewObjectType, so that
// variables and fields may have their types.
func Objects(objs ...ObjectDesc) EnvOption {
	return func(c *envConfig) error {
		for _, o := range objs {
			if o == nil {
				return errors.New("nil object type")
			}
		}
		c.objects = append(c.objects, objs...)
		return nil
	}
}

// Env is a CEL environment with the layer's extensions: the decimal type,
// clock-free time helpers, the cel-go strings, lists, sets, math and
// optional-type extensions, the asOf variable, and whatever variables and
// object types the caller declared. It compiles expressions into Programs.
//
// An Env is immutable and safe for concurrent use.
//
// The zero Env (and a nil *Env) has no CEL environment: its methods
// return an error matching ErrZeroValue (use errors.Is) instead of
// compiling anything. Build environments with NewEnv.
type Env struct {
	cfg     envConfig
	cel     *cel.Env
	guard   *guard
	tracker *cost.Tracker // the configuration runs clone; never charged
	typed   map[*types.FieldType]typedRead
}

// NewEnv builds an environment. Options that conflict (a variable declared
// twice, two object types with one name) make it fail.
func NewEnv(opts ...EnvOption) (*Env, error) {
	cfg := envConfig{
		costLimit:      DefaultCostLimit,
		maxLen:         DefaultMaxExpressionLength,
		maxDepth:       DefaultMaxNestingDepth,
		maxNodes:       DefaultMaxNodes,
		interruptEvery: DefaultInterruptCheckFrequency,
		maxList:        DefaultMaxListSize,
		maxString:      DefaultMaxStringSize,
	}
	return newEnv(cfg, opts)
}

// Extend returns a new environment with the receiver's declarations and
// limits plus opts. The receiver is unchanged.
func (e *Env) Extend(opts ...EnvOption) (*Env, error) {
	if e == nil || e.cel == nil {
		return nil, fmt.Errorf("rules: extend: %w", ErrZeroValue)
	}
	cfg := e.cfg
	cfg.vars = slices.Clip(cfg.vars)
	cfg.objects = slices.Clip(cfg.objects)
	return newEnv(cfg, opts)
}

func newEnv(cfg envConfig, opts []EnvOption) (*Env, error) {
	var errs []error
	for i, o := range opts {
		if o == nil {
			errs = append(errs, fmt.Errorf("option %d is nil", i))
			continue
		}
		if err := o(&cfg); err != nil {
			errs = append(errs, err)
		}
	}
	seen := map[string]bool{AsOfVar: true}
	for _, v := range cfg.vars {
		if seen[v.name] {
			errs = append(errs, fmt.Errorf("variable %q declared twice", v.name))
		}
		seen[v.name] = true
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("rules: new environment: %w", err)
	}

	reg, err := types.NewRegistry()
	if err != nil {
		return nil, err
	}
	typed := map[*types.FieldType]typedRead{}
	for _, o := range cfg.objects {
		if err := o.register(reg, typed); err != nil {
			return nil, fmt.Errorf("rules: new environment: object type %s: %w", o.Name(), err)
		}
	}
	celOpts := []cel.EnvOption{
		cel.CustomTypeProvider(reg),
		cel.CustomTypeAdapter(adapter{base: reg}),
		cel.DefaultUTCTimeZone(true),
		cel.CrossTypeNumericComparisons(true),
		cel.OptionalTypes(),
		ext.Strings(ext.StringsValidateFormatCalls(true)),
		ext.Lists(),
		ext.Sets(),
		ext.Math(),
		ext.Bindings(),
		cel.ParserExpressionSizeLimit(cfg.maxLen),
		cel.ParserRecursionLimit(cfg.maxDepth),
		cel.ExpressionNodeLimit(cfg.maxNodes),
		cel.RegexProgramSizeLimit(1000),
	}
	celOpts = append(celOpts, decimalLib()...)
	celOpts = append(celOpts, timeLib()...)
	for _, v := range cfg.vars {
		celOpts = append(celOpts, cel.Variable(v.name, v.typ))
	}
	ce, err := cel.NewEnv(celOpts...)
	if err != nil {
		return nil, fmt.Errorf("rules: new environment: %w", err)
	}
	g := &guard{maxList: cfg.maxList, maxString: cfg.maxString, maxWalk: 4 * cfg.maxList, impls: map[string]*functions.Overload{},
		priced: map[string]bool{}}
	for id := range cost.StandardOverloadTrackers() {
		g.priced[id] = true
	}
	for _, fn := range ce.Functions() {
		bs, err := fn.Bindings()
		if err != nil {
			return nil, fmt.Errorf("rules: new environment: %w", err)
		}
		for _, b := range bs {
			g.impls[b.Operator] = b
		}
	}
	e := &Env{cfg: cfg, cel: ce, guard: g, typed: typed}
	if e.tracker, err = e.costTracker(); err != nil {
		return nil, fmt.Errorf("rules: new environment: %w", err)
	}
	g.scalarEq = !cfg.plainPlan && e.tracker.ModelVersion() >= 1
	return e, nil
}

// programOptions are the options every program of the environment is
// planned with; decorators come after them.
func (e *Env) programOptions() []cel.ProgramOption {
	return []cel.ProgramOption{
		cel.CostLimit(e.cfg.costLimit),
		cel.CostTrackerOptions(cost.OverloadTracker(chargeOverload, chargeTracker)),
		cel.InterruptCheckFrequency(e.cfg.interruptEvery),
		cel.EvalOptions(cel.OptOptimize),
	}
}

// costTracker returns the cost tracker cel-go gives each evaluation of
// the environment's programs, configured as cel-go configures it (limit
// handler, cost model, the guard's charges), by evaluating a constant
// program once. Runs clone it (see newRun).
func (e *Env) costTracker() (*cost.Tracker, error) {
	a, iss := e.cel.Compile("true")
	if iss.Err() != nil {
		return nil, iss.Err()
	}
	prg, err := e.cel.Program(a, e.programOptions()...)
	if err != nil {
		return nil, err
	}
	f, err := interpreter.NewExecutionFrame(emptyVars)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, _, err := prg.Eval(f); err != nil {
		return nil, err
	}
	t := f.CostTracker()
	if t == nil {
		return nil, errors.New("cel-go set no cost tracker")
	}
	return t.Clone()
}

// CostLimit returns the runtime cost limit programs compiled here run
// under (0 for the zero Env).
func (e *Env) CostLimit() uint64 {
	if e == nil {
		return 0
	}
	return e.cfg.costLimit
}

// MaxListSize returns the cap on lists produced during an evaluation
// (0 for the zero Env).
func (e *Env) MaxListSize() int {
	if e == nil {
		return 0
	}
	return e.cfg.maxList
}

// MaxStringSize returns the cap on strings produced during an evaluation
// (0 for the zero Env).
func (e *Env) MaxStringSize() int {
	if e == nil {
		return 0
	}
	return e.cfg.maxString
}

// CEL returns the underlying cel-go environment, for callers that need
// cel-go features the layer does not wrap. Programs built from it
// directly do not get the layer's limits. It is nil for the zero Env.
func (e *Env) CEL() *cel.Env {
	if e == nil {
		return nil
	}
	return e.cel
}

// Compile parses and type-checks expr and plans it into a Program. id and
// field name the expression in errors (e.g. the rule ID and "condition").
// When want is not nil the expression must yield that type (or dyn).
// Every problem is reported, as CompileErrors.
func (e *Env) Compile(id, field, expr string, want *Type) (*Program, error) {
	if e == nil || e.cel == nil {
		return nil, fmt.Errorf("rules: compile %s: %w", id, ErrZeroValue)
	}
	a, errs := e.check(id, field, expr, want)
	if len(errs) > 0 {
		return nil, errs
	}
	// The decorators run on every node, children first, so the root is
	// the last node decorated with the root's ID.
	rootID := a.NativeRep().Expr().ID()
	var root interpreter.InterpretableV2
	opts := append(e.programOptions(),
		cel.CustomDecoratorV2(e.guard.decorate),
		cel.CustomDecoratorV2(foldConstants))
	if !e.cfg.plainPlan {
		opts = append(opts,
			cel.CustomDecoratorV2(e.fieldReads(a.NativeRep())),
			cel.CustomDecoratorV2(e.guard.unitCalls),
			cel.CustomDecoratorV2(func(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
				if i.ID() == rootID {
					root = i
				}
				return i, nil
			}))
	}
	prg, err := e.cel.Program(a, opts...)
	if err != nil {
		ce := &CompileError{Code: CodeType, ID: id, Field: field, Expr: expr, Message: err.Error()}
		var fe *foldError
		if errors.As(err, &fe) {
			loc := a.NativeRep().SourceInfo().GetStartLocation(fe.id)
			if loc.Line() > 0 {
				ce.Line, ce.Column = loc.Line(), loc.Column()+1
			}
			ce.Message = fe.Error()
		}
		return nil, CompileErrors{ce}
	}
	root = directRoot(root)
	text, _ := root.(*fieldRead)
	if text != nil && (text.test || text.steps[len(text.steps)-1].typed.str == nil) {
		text = nil
	}
	return &Program{env: e, id: id, field: field, expr: expr, prg: prg, root: root, text: text, out: a.OutputType(), costLimit: e.cfg.costLimit,
		loops: hasComprehension(a.NativeRep()), refs: e.variableRefs(a.NativeRep())}, nil
}

// foldConstants evaluates decimal(...) and period(...) of a literal once,
// when the program is planned, instead of on every evaluation. A bad
// literal such as decimal("abc") is thereby a compile error.
func foldConstants(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
	call, ok := i.(interpreter.InterpretableCall)
	if !ok || (call.Function() != "decimal" && call.Function() != "period") || len(call.Args()) != 1 {
		return i, nil
	}
	if _, isConst := call.Args()[0].(interpreter.InterpretableConst); !isConst {
		return i, nil
	}
	frame, err := interpreter.NewExecutionFrame(interpreter.EmptyActivation())
	if err != nil {
		return i, nil
	}
	defer frame.Close()
	v := call.Exec(frame)
	if types.IsError(v) {
		return nil, &foldError{id: call.ID(), fn: call.Function(), err: v.(*types.Err)}
	}
	return interpreter.NewConstValue(call.ID(), v), nil
}

// variableRefs lists the declared variables an expression reads, from
// the checker's reference map (which also names comprehension
// variables; those are not declared and so are left out).
func (e *Env) variableRefs(a *ast.AST) []string {
	declared := map[string]bool{AsOfVar: true}
	for _, v := range e.cfg.vars {
		declared[v.name] = true
	}
	seen := map[string]bool{}
	for _, ref := range a.ReferenceMap() {
		if declared[ref.Name] && ref.Value == nil && len(ref.OverloadIDs) == 0 {
			seen[ref.Name] = true
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// foldError is a constant decimal(...) or period(...) that fails.
type foldError struct {
	id  int64
	fn  string
	err error
}

func (e *foldError) Error() string { return e.fn + "(...) of a constant: " + e.err.Error() }
func (e *foldError) Unwrap() error { return e.err }

// hasComprehension reports whether the expression loops. Programs that
// do not are bounded by their size and run without a context watch.
func hasComprehension(a *ast.AST) bool {
	found := false
	ast.PostOrderVisit(a.Expr(), ast.NewExprVisitor(func(e ast.Expr) {
		if e.Kind() == ast.ComprehensionKind {
			found = true
		}
	}))
	return found
}

// check parses, checks and rewrites expr.
func (e *Env) check(id, field, expr string, want *Type) (*cel.Ast, CompileErrors) {
	mk := func(code ErrorCode, line, col int, msg string) *CompileError {
		return &CompileError{Code: code, ID: id, Field: field, Expr: expr, Line: line, Column: col, Message: msg}
	}
	if strings.TrimSpace(expr) == "" {
		return nil, CompileErrors{mk(CodeSyntax, 0, 0, "expression is empty")}
	}
	if n := utf8.RuneCountInString(expr); n > e.cfg.maxLen {
		return nil, CompileErrors{mk(CodeLimit, 0, 0, fmt.Sprintf("expression is %d code points long, the limit is %d", n, e.cfg.maxLen))}
	}
	parsed, iss := e.cel.Parse(expr)
	if iss.Err() != nil {
		return nil, issuesToErrors(iss, CodeSyntax, mk)
	}
	checked, iss := e.cel.Check(parsed)
	if iss.Err() != nil {
		return nil, issuesToErrors(iss, CodeType, mk)
	}
	if hasMixedOperands(checked.NativeRep()) {
		opt, err := cel.NewStaticOptimizer(mixedOperands{})
		if err == nil {
			rewritten, iss := opt.Optimize(e.cel, checked)
			if iss.Err() != nil {
				return nil, issuesToErrors(iss, CodeType, mk)
			}
			checked = rewritten
		}
	}
	if want != nil {
		out := checked.OutputType()
		if !out.IsExactType(types.DynType) && !want.IsAssignableType(out) {
			return nil, CompileErrors{mk(CodeType, 1, 1, fmt.Sprintf("expression yields %s, want %s", out, want))}
		}
	}
	return checked, nil
}

func issuesToErrors(iss *cel.Issues, code ErrorCode, mk func(ErrorCode, int, int, string) *CompileError) CompileErrors {
	var out CompileErrors
	for _, ie := range iss.Errors() {
		c := code
		msg := compileHint(ie.Message)
		if isLimitMessage(msg) {
			c = CodeLimit
		}
		line, col := ie.Location.Line(), ie.Location.Column()+1
		if line <= 0 {
			line, col = 0, 0
		}
		out = append(out, mk(c, line, col, msg))
	}
	if len(out) == 0 {
		out = append(out, mk(code, 0, 0, iss.Err().Error()))
	}
	return out
}

func isLimitMessage(msg string) bool {
	for _, s := range []string{"recursion", "exceeds limit", "size exceeds", "max nodes", "node limit", "too many", "nesting"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// arithmeticAndComparison are the operators whose int operand, when the
// other is a decimal, is wrapped in decimal(...).
var mixedOps = map[string]bool{
	operators.Add: true, operators.Subtract: true, operators.Multiply: true,
	operators.Less: true, operators.LessEquals: true, operators.Greater: true,
	operators.GreaterEquals: true,
}

func mixedArg(a *ast.AST, e ast.Expr) int {
	if e.Kind() != ast.CallKind {
		return -1
	}
	c := e.AsCall()
	if !mixedOps[c.FunctionName()] || len(c.Args()) != 2 {
		return -1
	}
	t0, t1 := a.GetType(c.Args()[0].ID()), a.GetType(c.Args()[1].ID())
	switch {
	case t0.IsExactType(types.IntType) && t1.IsExactType(DecimalType):
		return 0
	case t0.IsExactType(DecimalType) && t1.IsExactType(types.IntType):
		return 1
	}
	return -1
}

func hasMixedOperands(a *ast.AST) bool {
	found := false
	ast.PostOrderVisit(a.Expr(), ast.NewExprVisitor(func(e ast.Expr) {
		if !found && mixedArg(a, e) >= 0 {
			found = true
		}
	}))
	return found
}

// mixedOperands rewrites `int OP decimal` and `decimal OP int` into
// decimal-only operations. cel-go's operators dispatch on the left
// operand's traits, so 2 < decimal("3") would otherwise fail at run time.
type mixedOperands struct{}

func (mixedOperands) Optimize(ctx *cel.OptimizerContext, a *ast.AST) *ast.AST {
	root := ast.NavigateAST(a)
	for _, m := range ast.MatchDescendants(root, func(e ast.NavigableExpr) bool { return mixedArg(a, e) >= 0 }) {
		i := mixedArg(a, m)
		c := m.AsCall()
		args := slices.Clone(c.Args())
		args[i] = ctx.NewCall("decimal", args[i])
		m.SetKindCase(ctx.NewCall(c.FunctionName(), args...))
	}
	return a
}
