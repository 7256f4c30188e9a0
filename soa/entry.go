package soa

import (
	"errors"
	"slices"
	"strings"
)

// More sentinel errors, beside those of the catalog. Returned errors wrap
// them with the offending value and where it was found.
var (
	// ErrUnknownControl is returned when a control ID is neither in the
	// catalog nor a custom control the caller declared.
	ErrUnknownControl = errors.New("soa: unknown control")
	// ErrEditionMismatch is returned when a statement is of another
	// Annex A edition than the operation needs.
	ErrEditionMismatch = errors.New("soa: wrong Annex A edition")
	// ErrInvalidCSV is matched by every problem ReadCSV reports; the
	// concrete errors are *CSVError values.
	ErrInvalidCSV = errors.New("soa: invalid statement CSV")
	// ErrInvalidEntry is returned by the writers for an entry value they
	// cannot represent so that it reads back unchanged.
	ErrInvalidEntry = errors.New("soa: entry cannot be exported")
)

// Decisions returns the three decisions: Included, Excluded, Undecided.
func Decisions() []Decision { return []Decision{Included, Excluded, Undecided} }

// Valid reports whether d is Included, Excluded or Undecided.
func (d Decision) Valid() bool { return d == Included || d == Excluded || d == Undecided }

// Statuses returns the implementation states in order of progress.
func Statuses() []Status { return []Status{NotStarted, InProgress, Partial, Implemented} }

// Valid reports whether s is one of the four implementation states. The
// empty status is not valid: an included control needs one.
func (s Status) Valid() bool { return s.rank() >= 0 }

// rank orders states by progress; unknown and empty states rank below
// NotStarted, because nothing can be claimed for them.
func (s Status) rank() int {
	return slices.Index(Statuses(), s)
}

// ExclusionReasons returns the exclusion reasons.
func ExclusionReasons() []ExclusionReason { return []ExclusionReason{NotNeeded, OutOfScope, Obviated} }

// Valid reports whether r is one of the exclusion reasons.
func (r ExclusionReason) Valid() bool { return slices.Contains(ExclusionReasons(), r) }

// RequirementKinds returns the requirement kinds.
func RequirementKinds() []RequirementKind {
	return []RequirementKind{Legal, Regulatory, Contractual, Business}
}

// Valid reports whether k is one of the requirement kinds.
func (k RequirementKind) Valid() bool { return slices.Contains(RequirementKinds(), k) }

// justifiesInclusion reports whether j names something an inclusion can
// rest on: a risk, a treatment action or a requirement. A note alone is
// not enough.
func (j Justification) justifiesInclusion() bool {
	return len(j.Risks) > 0 || len(j.Actions) > 0 || len(j.Requirements) > 0
}

func (j Justification) clone() Justification {
	j.Risks = slices.Clone(j.Risks)
	j.Actions = slices.Clone(j.Actions)
	j.Requirements = slices.Clone(j.Requirements)
	return j
}

func (e Entry) clone() Entry {
	e.Justification = e.Justification.clone()
	return e
}

// Clone returns a deep copy of st: changing the copy's slices never
// changes st.
func (st Statement) Clone() Statement {
	st.Custom = cloneControls(st.Custom)
	st.Entries = cloneEntries(st.Entries)
	return st
}

func cloneControls(cs []Control) []Control {
	if cs == nil {
		return nil
	}
	out := make([]Control, len(cs))
	for i, c := range cs {
		out[i] = c.clone()
	}
	return out
}

func cloneEntries(es []Entry) []Entry {
	if es == nil {
		return nil
	}
	out := make([]Entry, len(es))
	for i, e := range es {
		out[i] = e.clone()
	}
	return out
}

// Entry returns a copy of the first entry for control id and whether there
// is one. IDs are compared exactly.
func (st Statement) Entry(id string) (Entry, bool) {
	for _, e := range st.Entries {
		if e.ControlID == id {
			return e.clone(), true
		}
	}
	return Entry{}, false
}

// compareEntryIDs is the order of entries in the statements this package
// builds: Annex A controls in natural order, then custom controls in
// natural order. CompareControlIDs alone already puts "C-…" after the
// Annex A IDs of both editions; grouping explicitly keeps custom controls
// last also against IDs of any other form.
func compareEntryIDs(a, b string) int {
	ca, cb := IsCustomID(a), IsCustomID(b)
	if ca != cb {
		if ca {
			return 1
		}
		return -1
	}
	return CompareControlIDs(a, b)
}

// sortEntries puts entries in the order of compareEntryIDs, keeping the
// relative order of entries for the same control.
func sortEntries(es []Entry) {
	slices.SortStableFunc(es, func(a, b Entry) int { return compareEntryIDs(a.ControlID, b.ControlID) })
}

// appendUnique appends the values of add that are not yet in list, in
// order, skipping empty strings.
func appendUnique(list []string, add ...string) []string {
	for _, v := range add {
		if v != "" && !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

// appendUniqueRequirements is appendUnique for requirements.
func appendUniqueRequirements(list []Requirement, add ...Requirement) []Requirement {
	for _, r := range add {
		if !slices.Contains(list, r) {
			list = append(list, r)
		}
	}
	return list
}

// joinIDs lists IDs for a message: "R-1, R-2".
func joinIDs(ids []string) string { return strings.Join(ids, ", ") }
