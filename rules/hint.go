package rules

import "strings"

// compileHint appends advice to a cel-go checker message whose usual
// cause is not obvious from the message itself. Decimals have no / or %
// operator on purpose (every division names its scale and rounding), and
// the checker only says that no overload matches.
func compileHint(msg string) string {
	if !strings.Contains(msg, "decimal") || !strings.Contains(msg, "no matching overload") {
		return msg
	}
	switch {
	case strings.Contains(msg, "'_/_'"):
		return msg + ": decimals have no / operator; write a.div(b, places) or a.div(b, places, \"half_even\") (see docs/cel.md)"
	case strings.Contains(msg, "'_%_'"):
		return msg + ": decimals have no % operator; compare a.div(b, 0, \"down\") * b with a, or convert whole numbers with int(a)"
	}
	return msg
}
