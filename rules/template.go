package rules

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// Template is a compiled message template: text with CEL expressions in
// braces, such as "risk {risk.id} has no owner". "{{" and "}}" stand for
// literal braces. Values are formatted plainly: decimals in plain
// notation, timestamps at midnight UTC as dates, lists joined with ", ",
// null as "none".
//
// A Template is immutable and safe for concurrent use. A rendered
// message longer than the environment's WithMaxStringSize is an error
// (a *LimitError naming LimitSize).
//
// The zero Template (and a nil *Template) was never compiled: Execute
// returns an error matching ErrZeroValue (use errors.Is) rather than an
// empty message. Templates come from Env.CompileTemplate.
type Template struct {
	src    string
	parts  []templatePart
	size   int // a first guess of the rendered length
	maxLen int // 0 only in the zero Template
}

type templatePart struct {
	text string
	prg  *Program // nil for a text part
}

// CompileTemplate compiles a message template in env. id and field name
// it in errors, whose line and column point into the template text.
func (e *Env) CompileTemplate(id, field, src string) (*Template, error) {
	if e == nil || e.cel == nil {
		return nil, fmt.Errorf("rules: compile template %s: %w", id, ErrZeroValue)
	}
	t := &Template{src: src, maxLen: e.cfg.maxString}
	var errs CompileErrors
	var text strings.Builder
	line, col := 1, 1
	advance := func(s string) {
		for _, r := range s {
			if r == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
	}
	rest := src
	for rest != "" {
		switch {
		case strings.HasPrefix(rest, "{{"):
			text.WriteByte('{')
			advance("{{")
			rest = rest[2:]
		case strings.HasPrefix(rest, "}}"):
			text.WriteByte('}')
			advance("}}")
			rest = rest[2:]
		case rest[0] == '}':
			errs = append(errs, &CompileError{Code: CodeSyntax, ID: id, Field: field, Expr: src, Line: line, Column: col, Message: "unmatched '}' in template (write '}}' for a literal brace)"})
			advance("}")
			rest = rest[1:]
		case rest[0] == '{':
			end := strings.IndexByte(rest, '}')
			if end < 0 {
				errs = append(errs, &CompileError{Code: CodeSyntax, ID: id, Field: field, Expr: src, Line: line, Column: col, Message: "unclosed '{' in template"})
				rest = ""
				continue
			}
			if text.Len() > 0 {
				t.parts = append(t.parts, templatePart{text: text.String()})
				text.Reset()
			}
			expr := rest[1:end]
			startLine, startCol := line, col+1
			prg, err := e.Compile(id, field, expr, nil)
			if err != nil {
				for _, ce := range err.(CompileErrors) {
					ce.Expr = src
					if ce.Line == 1 {
						ce.Column += startCol - 1
					}
					if ce.Line >= 1 {
						ce.Line += startLine - 1
					} else {
						ce.Line, ce.Column = startLine, startCol
					}
					errs = append(errs, ce)
				}
			} else {
				t.parts = append(t.parts, templatePart{prg: prg})
			}
			advance(rest[:end+1])
			rest = rest[end+1:]
		default:
			n := strings.IndexAny(rest, "{}")
			if n < 0 {
				n = len(rest)
			}
			text.WriteString(rest[:n])
			advance(rest[:n])
			rest = rest[n:]
		}
	}
	if text.Len() > 0 {
		t.parts = append(t.parts, templatePart{text: text.String()})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	for _, p := range t.parts {
		t.size += len(p.text)
		if p.prg != nil {
			t.size += 16
		}
	}
	return t, nil
}

// Source returns the template text ("" for the zero Template).
func (t *Template) Source() string {
	if t == nil {
		return ""
	}
	return t.src
}

// Execute renders the template with vars. A nil ctx is an error matching
// ErrNilContext.
func (t *Template) Execute(ctx context.Context, vars Activation) (string, error) {
	return t.execute(ctx, nil, vars, Subject{})
}

func (t *Template) execute(ctx context.Context, r *run, vars Activation, subj Subject) (string, error) {
	if t == nil || t.maxLen == 0 {
		return "", fmt.Errorf("rules: execute template: %w", ErrZeroValue)
	}
	if ctx == nil {
		return "", fmt.Errorf("rules: execute template: %w", ErrNilContext)
	}
	if len(t.parts) == 1 && t.parts[0].prg == nil {
		return t.parts[0].text, nil
	}
	var b strings.Builder
	b.Grow(t.size)
	for _, p := range t.parts {
		if p.prg == nil {
			b.WriteString(p.text)
			continue
		}
		s, v, err := p.prg.evalText(ctx, r, vars, subj, true)
		if err != nil {
			return "", err
		}
		if v == nil {
			b.WriteString(s)
		} else {
			formatValue(&b, v, 0, t.maxLen)
		}
		if b.Len() > t.maxLen {
			return "", &EvalError{ID: p.prg.id, Field: p.prg.field, Subject: subj,
				Err: &LimitError{Limit: LimitSize, Value: uint64(t.maxLen), Cause: errors.New("the rendered message is too long")}}
		}
	}
	return b.String(), nil
}

// FormatValue writes a CEL value as messages show it.
//
// At most DefaultMaxStringSize bytes (and a little more) are written:
// a value nested or repeated beyond that is cut short.
func FormatValue(v Value) string {
	var b strings.Builder
	formatValue(&b, v, 0, DefaultMaxStringSize)
	return b.String()
}

// formatValue stops once b holds more than limit bytes, so that a list
// sharing one big item many times cannot make it write without end.
func formatValue(b *strings.Builder, v ref.Val, depth, limit int) {
	if b.Len() > limit {
		return
	}
	switch x := v.(type) {
	case types.String:
		b.WriteString(string(x))
	case Decimal:
		b.WriteString(FormatDecimal(x.D))
	case periodVal:
		b.WriteString(x.p.String())
	case types.Timestamp:
		tt := x.Time.UTC()
		if tt.Hour() == 0 && tt.Minute() == 0 && tt.Second() == 0 && tt.Nanosecond() == 0 {
			b.WriteString(tt.Format(time.DateOnly))
		} else {
			b.WriteString(tt.Format(time.RFC3339))
		}
	case types.Null:
		b.WriteString("none")
	case traits.Lister:
		if depth > 4 {
			b.WriteString("…")
			return
		}
		it := x.Iterator()
		first := true
		for it.HasNext() == types.True && b.Len() <= limit {
			if !first {
				b.WriteString(", ")
			}
			first = false
			formatValue(b, it.Next(), depth+1, limit)
		}
	default:
		// Not fmt.Fprint(b, ...): b would escape, and every rendering
		// would allocate its builder.
		b.WriteString(fmt.Sprint(v.Value()))
	}
}
