package risk

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrInvalid is matched (with errors.Is) by every *FieldError: criteria, a
// register or a rating break a rule of the model.
var ErrInvalid = errors.New("risk: invalid input")

// ErrNotCompiled is matched (use errors.Is) by the error of every method
// called on an Engine that Compile did not make: a nil *Engine or the
// zero Engine, which has no criteria and cannot rate anything.
var ErrNotCompiled = errors.New("risk: engine not compiled (use risk.Compile)")

// ErrNilContext is matched (use errors.Is) by the error of every method
// given a nil context.Context; pass context.Background() instead.
var ErrNilContext = errors.New("risk: nil context")

// FieldError is one problem with one field, named by its path in the
// input, such as "risks[3].inherent.likelihood" or
// "likelihood.levels[2].value". Validation reports every problem it finds,
// each as a FieldError, joined with errors.Join.
type FieldError struct {
	Path string // where the problem is
	Msg  string // what is wrong, lower-case
	Err  error  // the cause, when there is one (an evaluation error)
}

// Error returns "path: message", and the cause after a colon when there is one.
func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Is reports whether target is ErrInvalid.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns the cause.
func (e *FieldError) Unwrap() error { return e.Err }

// problems collects validation errors in the order they are found.
type problems struct{ errs []error }

func (p *problems) addf(path, format string, args ...any) {
	p.errs = append(p.errs, &FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (p *problems) add(err error) { p.errs = append(p.errs, err) }

func (p *problems) err() error { return errors.Join(p.errs...) }

// oneOf lists allowed values for messages: "a, b or c".
func oneOf[S ~string](vals ...S) string {
	ss := make([]string, len(vals))
	for i, v := range vals {
		ss[i] = string(v)
	}
	switch len(ss) {
	case 0:
		return ""
	case 1:
		return ss[0]
	}
	return strings.Join(ss[:len(ss)-1], ", ") + " or " + ss[len(ss)-1]
}

// quoted quotes every string of ss.
func quoted(ss []string) []string {
	out := slices.Clone(ss)
	for i, s := range out {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
