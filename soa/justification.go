package soa

import (
	"errors"
	"fmt"
	"strings"
)

// Keys of the justification text format, in the order FormatJustification
// writes them.
const (
	keyRisks        = "risks"
	keyActions      = "actions"
	keyRequirements = "requirements"
	keyExclusion    = "exclusion"
	keyObviatedBy   = "obviatedBy"
	keyNote         = "note"
)

var justificationKeys = []string{keyRisks, keyActions, keyRequirements, keyExclusion, keyObviatedBy, keyNote}

// FormatJustification writes a justification as one line of text, the
// form the CSV and Markdown exports use:
//
//	risks=R-1,R-2; actions=A-1; requirements=legal:GDPR Art. 32,contractual:MSA-7; exclusion=obviated; obviatedBy=C-MDM; note=free text
//
// Fields are written in this order, separated by "; ", and only when not
// empty; a zero justification is the empty string. Lists are separated by
// ","; a requirement is its kind, ":", and its reference. Within values a
// backslash escapes the next character: the writer escapes "\", ";" and,
// inside lists, ",", as well as whitespace at either end of a value, which
// the reader would otherwise trim. Everything else, "=" and ":" in
// references and notes included, is written as is.
//
// [ParseJustification] reads the form back. The round trip is exact for
// every justification that [ValidateJustification] accepts.
func FormatJustification(j Justification) string {
	var parts []string
	list := func(key string, items []string) {
		if len(items) == 0 {
			return
		}
		esc := make([]string, len(items))
		for i, it := range items {
			esc[i] = escapeValue(it, true)
		}
		parts = append(parts, key+"="+strings.Join(esc, ","))
	}
	list(keyRisks, j.Risks)
	list(keyActions, j.Actions)
	if len(j.Requirements) > 0 {
		reqs := make([]string, len(j.Requirements))
		for i, r := range j.Requirements {
			reqs[i] = escapeValue(string(r.Kind), true) + ":" + escapeValue(r.Reference, true)
		}
		parts = append(parts, keyRequirements+"="+strings.Join(reqs, ","))
	}
	scalar := func(key, v string) {
		if v != "" {
			parts = append(parts, key+"="+escapeValue(v, false))
		}
	}
	scalar(keyExclusion, string(j.Exclusion))
	scalar(keyObviatedBy, j.ObviatedBy)
	scalar(keyNote, j.Note)
	return strings.Join(parts, "; ")
}

// escapeValue escapes backslashes, semicolons, commas in list items, and
// whitespace at either end.
func escapeValue(s string, inList bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' || c == ';' || (inList && c == ','):
			b.WriteByte('\\')
		case isSpace(c) && (i == 0 || i == len(s)-1):
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// ValidateJustification reports, all at once, what in j the text form
// cannot carry or what no justification should contain: an empty risk,
// action or requirement reference, an unknown requirement kind or
// exclusion reason. Each error names the field, such as "risks[2]".
func ValidateJustification(j Justification) error {
	var errs []error
	for i, r := range j.Risks {
		if r == "" {
			errs = append(errs, fmt.Errorf("risks[%d] is empty", i))
		}
	}
	for i, a := range j.Actions {
		if a == "" {
			errs = append(errs, fmt.Errorf("actions[%d] is empty", i))
		}
	}
	for i, r := range j.Requirements {
		if !r.Kind.Valid() {
			errs = append(errs, fmt.Errorf("requirements[%d].kind %q is not one of legal, regulatory, contractual, business", i, r.Kind))
		}
		if r.Reference == "" {
			errs = append(errs, fmt.Errorf("requirements[%d].reference is empty", i))
		}
	}
	if j.Exclusion != "" && !j.Exclusion.Valid() {
		errs = append(errs, fmt.Errorf("exclusion %q is not one of not-needed, out-of-scope, obviated", j.Exclusion))
	}
	return errors.Join(errs...)
}

// escByte is one byte of a value and whether a backslash escaped it.
type escByte struct {
	b   byte
	esc bool
}

type escString []escByte

func unescape(s string) (escString, error) {
	out := make(escString, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			if i+1 == len(s) {
				return nil, errors.New("ends with a lone backslash")
			}
			i++
			out = append(out, escByte{s[i], true})
			continue
		}
		out = append(out, escByte{s[i], false})
	}
	return out, nil
}

// split cuts at every unescaped sep.
func (e escString) split(sep byte) []escString {
	var out []escString
	start := 0
	for i, c := range e {
		if c.b == sep && !c.esc {
			out = append(out, e[start:i])
			start = i + 1
		}
	}
	return append(out, e[start:])
}

// cut cuts at the first unescaped sep.
func (e escString) cut(sep byte) (before, after escString, found bool) {
	for i, c := range e {
		if c.b == sep && !c.esc {
			return e[:i], e[i+1:], true
		}
	}
	return e, nil, false
}

// trim removes unescaped whitespace at both ends.
func (e escString) trim() escString {
	for len(e) > 0 && !e[0].esc && isSpace(e[0].b) {
		e = e[1:]
	}
	for len(e) > 0 && !e[len(e)-1].esc && isSpace(e[len(e)-1].b) {
		e = e[:len(e)-1]
	}
	return e
}

// String returns the bytes without their escape marks.
func (e escString) String() string {
	b := make([]byte, len(e))
	for i, c := range e {
		b[i] = c.b
	}
	return string(b)
}

// ParseJustification reads the text form [FormatJustification] writes.
// Keys are matched without regard to case, may come in any order and
// appear at most once; whitespace around keys, values and list items is
// ignored unless escaped; a blank text is the zero justification. Every
// problem is reported at once, joined with errors.Join.
func ParseJustification(s string) (Justification, error) {
	var j Justification
	es, err := unescape(s)
	if err != nil {
		return Justification{}, err
	}
	if len(es.trim()) == 0 {
		return j, nil
	}
	var errs []error
	seen := map[string]bool{}
	for n, part := range es.split(';') {
		part = part.trim()
		if len(part) == 0 {
			continue // tolerate "a=1;" and "a=1;;b=2"
		}
		k, v, ok := part.cut('=')
		if !ok {
			errs = append(errs, fmt.Errorf("part %d %q has no key=value form", n+1, part.String()))
			continue
		}
		key := canonicalKey(k.trim().String())
		if key == "" {
			errs = append(errs, fmt.Errorf("unknown key %q (want one of %s)", k.trim().String(), strings.Join(justificationKeys, ", ")))
			continue
		}
		if seen[key] {
			errs = append(errs, fmt.Errorf("key %s appears more than once", key))
			continue
		}
		seen[key] = true
		v = v.trim()
		if len(v) == 0 {
			errs = append(errs, fmt.Errorf("key %s has no value", key))
			continue
		}
		switch key {
		case keyRisks, keyActions:
			var items []string
			for i, it := range v.split(',') {
				it = it.trim()
				if len(it) == 0 {
					errs = append(errs, fmt.Errorf("%s: item %d is empty", key, i+1))
					continue
				}
				items = append(items, it.String())
			}
			if key == keyRisks {
				j.Risks = items
			} else {
				j.Actions = items
			}
		case keyRequirements:
			for i, it := range v.split(',') {
				kind, ref, ok := it.cut(':')
				kind, ref = kind.trim(), ref.trim()
				switch {
				case !ok:
					errs = append(errs, fmt.Errorf("requirements: item %d %q is not kind:reference", i+1, it.trim().String()))
				case !RequirementKind(kind.String()).Valid():
					errs = append(errs, fmt.Errorf("requirements: item %d has kind %q, want legal, regulatory, contractual or business", i+1, kind.String()))
				case len(ref) == 0:
					errs = append(errs, fmt.Errorf("requirements: item %d has no reference", i+1))
				default:
					j.Requirements = append(j.Requirements, Requirement{Kind: RequirementKind(kind.String()), Reference: ref.String()})
				}
			}
		case keyExclusion:
			r := ExclusionReason(v.String())
			if !r.Valid() {
				errs = append(errs, fmt.Errorf("exclusion %q is not one of not-needed, out-of-scope, obviated", v.String()))
				continue
			}
			j.Exclusion = r
		case keyObviatedBy:
			j.ObviatedBy = v.String()
		case keyNote:
			j.Note = v.String()
		}
	}
	if len(errs) > 0 {
		return Justification{}, errors.Join(errs...)
	}
	return j, nil
}

// canonicalKey returns the key k names, or "" for an unknown key.
func canonicalKey(k string) string {
	for _, key := range justificationKeys {
		if strings.EqualFold(k, key) {
			return key
		}
	}
	return ""
}
