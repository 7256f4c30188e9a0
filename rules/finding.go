package rules

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
)

// Severity grades a finding. The zero value is not a valid severity; the
// order from most to least serious is Major, Minor, Observation,
// Opportunity, and Compare follows it.
type Severity int

// The severities, most serious first.
const (
	Major       Severity = iota + 1 // major nonconformity
	Minor                           // minor nonconformity
	Observation                     // observation
	Opportunity                     // opportunity for improvement
)

var severityNames = [...]string{"", "major", "minor", "observation", "opportunity"}

// Severities lists every valid severity, most serious first.
func Severities() []Severity { return []Severity{Major, Minor, Observation, Opportunity} }

// ParseSeverity parses the lowercase name of a severity ("major",
// "minor", "observation", "opportunity").
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if i > 0 && n == s {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want major, minor, observation or opportunity)", s)
}

// Valid reports whether s is one of the four severities.
func (s Severity) Valid() bool { return s >= Major && s <= Opportunity }

// String returns the lowercase name, or "severity(N)" for an invalid value.
func (s Severity) String() string {
	if s.Valid() {
		return severityNames[s]
	}
	return "severity(" + strconv.Itoa(int(s)) + ")"
}

// Title returns a human label such as "major nonconformity".
func (s Severity) Title() string {
	switch s {
	case Major:
		return "major nonconformity"
	case Minor:
		return "minor nonconformity"
	case Observation:
		return "observation"
	case Opportunity:
		return "opportunity for improvement"
	}
	return s.String()
}

// Compare returns -1 when s is more serious than t, +1 when less, 0 when equal.
func (s Severity) Compare(t Severity) int { return cmp.Compare(s, t) }

// MarshalText encodes the severity as its lowercase name.
func (s Severity) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("invalid severity %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a lowercase severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Subject names the thing a finding or an evaluation is about: a kind
// such as "risk" and an ID such as "R-12". The zero value means "the
// system as a whole".
type Subject struct {
	Kind string `json:"kind"`
	ID   string `json:"id,omitempty"`
}

// String returns "kind ID", or just the kind when there is no ID.
func (s Subject) String() string {
	if s.ID == "" {
		return s.Kind
	}
	return s.Kind + " " + s.ID
}

// Compare orders subjects by kind, then by ID in natural order (so that
// R-2 comes before R-10).
func (s Subject) Compare(t Subject) int {
	if c := strings.Compare(s.Kind, t.Kind); c != 0 {
		return c
	}
	return NaturalCompare(s.ID, t.ID)
}

// Finding is one result of a rule: a subject that violates it. Findings
// cite the clause the rule comes from.
type Finding struct {
	RuleID   string   `json:"ruleId"`
	Clause   string   `json:"clause"`
	Severity Severity `json:"severity"`
	Subject  Subject  `json:"subject"`
	Message  string   `json:"message"`
	Guidance string   `json:"guidance,omitempty"`
	// Instances lists, in order, the subjects of the findings a grouped
	// finding stands for (one rule, clause and severity over several
	// subjects, as an auditor writes one nonconformity with examples).
	// It is empty for a finding about one subject, which is in Subject.
	Instances []Subject `json:"instances,omitempty"`
}

// CompareFindings orders findings by clause (in clause order, so 4.2
// before 10.1), then rule ID, then subject. It is the order of every
// finding list the library returns.
func CompareFindings(a, b Finding) int {
	// Findings of one rule share its clause and ID, usually the same
	// strings: equality is a quick test before the natural order.
	if a.Clause != b.Clause {
		if c := CompareClauses(a.Clause, b.Clause); c != 0 {
			return c
		}
	}
	if a.RuleID != b.RuleID {
		if c := NaturalCompare(a.RuleID, b.RuleID); c != 0 {
			return c
		}
	}
	if c := a.Subject.Compare(b.Subject); c != 0 {
		return c
	}
	if c := a.Severity.Compare(b.Severity); c != 0 {
		return c
	}
	return strings.Compare(a.Message, b.Message)
}

// CompareClauses orders clause references such as "4.1", "6.1.3 d)" and
// "10.2" numerically, part by part. References that are not numeric sort
// after numeric ones, in byte order.
func CompareClauses(a, b string) int { return NaturalCompare(a, b) }

// NaturalCompare compares two strings so that runs of ASCII digits
// compare by numeric value: "R-2" < "R-10", "6.1.3" < "10.1". Other
// characters compare bytewise. It is a total order consistent with
// equality.
func NaturalCompare(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si := i
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			sj := j
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			na := strings.TrimLeft(a[si:i], "0")
			nb := strings.TrimLeft(b[sj:j], "0")
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			// Equal value: shorter run (fewer leading zeros) first, so
			// that the order stays total.
			if c := cmp.Compare(i-si, j-sj); c != 0 {
				return c
			}
			continue
		}
		if ca != cb {
			return cmp.Compare(ca, cb)
		}
		i++
		j++
	}
	return cmp.Compare(len(a)-i, len(b)-j)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
