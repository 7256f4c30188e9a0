package soa

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/isms-go/iso27003/risk"
)

// MigrateOption adjusts Migrate.
type MigrateOption func(*migrateConfig)

type migrateConfig struct {
	target *Catalog
}

// MigrateTo sets the 2022 catalog the migrated statement covers, for
// example one made with [Catalog.WithCustom] so that the organization's
// custom controls get entries. The default is [Catalog2022]. Migrate
// returns an error for a catalog of another edition.
func MigrateTo(cat *Catalog) MigrateOption {
	return func(c *migrateConfig) { c.target = cat }
}

// Conflict fields of a [MigrationConflict].
const (
	// ConflictDecision: the sources differ in decision, or are excluded
	// for different reasons or obviated by different controls. The 2022
	// entry is left Undecided.
	ConflictDecision = "decision"
	// ConflictOwner: the sources name different owners. The 2022 entry's
	// owner is left empty.
	ConflictOwner = "owner"
)

// MigrationSource is one 2013 entry taking part in a conflict.
type MigrationSource struct {
	// Index is the entry's position in the 2013 statement's Entries.
	Index int `json:"index"`
	// ControlID is the 2013 control ID as the entry spells it.
	ControlID string `json:"controlId"`
	// Value is the entry's value of the conflicting field: for a decision
	// "included", "undecided", "excluded: out-of-scope" or
	// "excluded: obviated by C-MDM"; for an owner the owner.
	Value string `json:"value"`
}

// MigrationConflict reports 2013 entries that disagree about a field of
// the 2022 entry they all map to.
type MigrationConflict struct {
	ControlID string            `json:"controlId"` // the 2022 control
	Field     string            `json:"field"`     // ConflictDecision or ConflictOwner
	Sources   []MigrationSource `json:"sources"`   // the disagreeing entries, in statement order
}

// String returns a line such as
// "5.15 decision: A.9.1.1 included, A.9.1.2 excluded: not-needed".
func (c MigrationConflict) String() string {
	parts := make([]string, len(c.Sources))
	for i, s := range c.Sources {
		parts[i] = s.ControlID + " " + s.Value
	}
	return c.ControlID + " " + c.Field + ": " + strings.Join(parts, ", ")
}

// EntryFate says what became of one entry of the 2013 statement.
type EntryFate struct {
	// Index is the entry's position in the 2013 statement's Entries.
	Index int `json:"index"`
	// ControlID is the entry's control ID, as written.
	ControlID string `json:"controlId"`
	// Decision is the entry's decision, as written.
	Decision Decision `json:"decision"`
	// CarriedTo lists the 2022 entries the entry contributes to: the
	// successors of a 2013 control, or the same ID for a custom control.
	CarriedTo []string `json:"carriedTo,omitempty"`
	// Conflicts lists the controls of CarriedTo whose decision could not
	// be carried because other sources disagree; they are Undecided.
	Conflicts []string `json:"conflicts,omitempty"`
	// Dropped says why the entry was not carried at all. It is set only
	// when CarriedTo is empty.
	Dropped string `json:"dropped,omitempty"`
}

// String returns a line such as "A.18.2.3 (included): carried to 5.36, 8.8
// (conflict)".
func (f EntryFate) String() string {
	head := fmt.Sprintf("%s (%s)", f.ControlID, f.Decision)
	if len(f.CarriedTo) == 0 {
		return head + ": not carried: " + f.Dropped
	}
	to := make([]string, len(f.CarriedTo))
	for i, id := range f.CarriedTo {
		to[i] = id
		if slices.Contains(f.Conflicts, id) {
			to[i] += " (conflict)"
		}
	}
	return head + ": carried to " + strings.Join(to, ", ")
}

// MigrationReport accounts for a migration: what became of every 2013
// entry, where sources disagreed, and which 2022 controls need a first
// decision.
type MigrationReport struct {
	// Entries has one fate per entry of the 2013 statement, in its order.
	Entries []EntryFate `json:"entries"`
	// Conflicts are ordered by 2022 control, then field.
	Conflicts []MigrationConflict `json:"conflicts,omitempty"`
	// New lists the 2022 controls without a 2013 predecessor, in standard
	// order; their entries are Undecided.
	New []string `json:"new"`
	// Uncovered lists the 2022 controls that have 2013 predecessors none of
	// which had an entry; their entries are Undecided.
	Uncovered []string `json:"uncovered,omitempty"`
	// PreviousApproval is the 2013 statement's approval. The migrated
	// statement starts unapproved, so it is kept here.
	PreviousApproval risk.Approval `json:"previousApproval,omitzero"`
}

// String renders the report as lines of text: one per 2013 entry, one per
// conflict, then the new and uncovered 2022 controls.
func (r MigrationReport) String() string {
	var b strings.Builder
	for _, f := range r.Entries {
		b.WriteString(f.String())
		b.WriteByte('\n')
	}
	for _, c := range r.Conflicts {
		b.WriteString("conflict at " + c.String() + "\n")
	}
	if len(r.New) > 0 {
		b.WriteString("new in 2022, undecided: " + joinIDs(r.New) + "\n")
	}
	if len(r.Uncovered) > 0 {
		b.WriteString("no 2013 entry to carry, undecided: " + joinIDs(r.Uncovered) + "\n")
	}
	if !r.PreviousApproval.IsZero() {
		fmt.Fprintf(&b, "approval of the 2013 statement not carried: %s on %s\n",
			r.PreviousApproval.By, r.PreviousApproval.On.Format(time.DateOnly))
	}
	return b.String()
}

// Migrate turns a Statement of Applicability for the 2013 Annex A into one
// for 2022, following [Mapping2013To2022], and reports what it did.
//
// Every 2022 control of the target catalog (see [MigrateTo]) gets one
// entry. A control whose 2013 predecessors have entries takes from them:
//
//   - the decision, when all of them agree on it (and, for exclusions, on
//     the reason and the obviating control); otherwise the entry is left
//     Undecided and a ConflictDecision is reported;
//   - the risks, actions and requirements of every source, merged in
//     order without repeats, so a conflict loses no justification;
//   - the exclusion reason and obviating control, when decided;
//   - the least advanced implementation status (an empty or unknown
//     status counts as less than not-started);
//   - the owner, when the sources name at most one; different owners are
//     reported as a ConflictOwner and leave the owner empty;
//   - the distinct implementation texts and references, joined with "; ";
//   - the oldest review date, or none when a source was never reviewed.
//
// A single agreeing source keeps its note. Otherwise the note's first line
// lists the sources, with their decisions when they disagree, and each
// source's note follows on a line of its own:
//
//	from 2013 A.9.1.1 (included), A.9.1.2 (excluded: not-needed)
//	A.9.1.2: <its note>
//
// Titles come from the 2022 catalog.
//
// The 11 controls new in 2022, and controls whose predecessors have no
// entry, are Undecided and listed in the report. Entries for custom
// controls are carried unchanged, and the statement's custom controls
// move to the 2022 edition. An entry that is neither for a 2013 control
// nor for a custom control cannot be carried; its fate in the report says
// so. The report has a fate for every 2013 entry: nothing is dropped
// without a trace. The migrated statement keeps the ID and version and
// starts unapproved; the old approval is in the report.
//
// Migrate returns an error matching [ErrEditionMismatch] when st is not a
// 2013 statement or the target catalog is not a 2022 one. It never
// modifies st.
func Migrate(st Statement, opts ...MigrateOption) (Statement, MigrationReport, error) {
	cfg := migrateConfig{target: Catalog2022()}
	for _, o := range opts {
		o(&cfg)
	}
	var errs []error
	if st.Edition != Edition2013 {
		errs = append(errs, fmt.Errorf("soa: migrate: the statement is of edition %q, want %q: %w", st.Edition, Edition2013, ErrEditionMismatch))
	}
	switch {
	case cfg.target == nil:
		errs = append(errs, errors.New("soa: migrate: target catalog is nil"))
	case cfg.target.Edition() != Edition2022:
		errs = append(errs, fmt.Errorf("soa: migrate: the target catalog is of edition %q, want %q: %w", cfg.target.Edition(), Edition2022, ErrEditionMismatch))
	}
	if len(errs) > 0 {
		return Statement{}, MigrationReport{}, errors.Join(errs...)
	}
	target := cfg.target
	mapping := Mapping2013To2022()
	c2013 := Catalog2013()

	report := MigrationReport{Entries: make([]EntryFate, len(st.Entries)), PreviousApproval: st.Approval}
	sources := map[string][]int{} // 2022 ID → indexes of 2013 entries
	var customEntries []Entry
	for i, e := range st.Entries {
		fate := EntryFate{Index: i, ControlID: e.ControlID, Decision: e.Decision}
		if IsCustomID(e.ControlID) {
			fate.CarriedTo = []string{e.ControlID}
			customEntries = append(customEntries, e.clone())
		} else if ctl, ok := c2013.Control(e.ControlID); ok {
			fate.CarriedTo = mapping.Successors(ctl.ID)
			for _, to := range fate.CarriedTo {
				sources[to] = append(sources[to], i)
			}
		} else {
			fate.Dropped = "not a control of the 2013 catalog, nor a custom control"
		}
		report.Entries[i] = fate
	}

	out := Statement{ID: st.ID, Version: st.Version, Edition: Edition2022}
	customSeen := map[string]bool{}
	for _, c := range st.Custom {
		c = c.clone()
		c.Edition = Edition2022
		out.Custom = append(out.Custom, c)
		customSeen[c.ID] = true
	}
	carriedCustom := map[string]bool{}
	for _, e := range customEntries {
		carriedCustom[e.ControlID] = true
	}
	for _, ctl := range target.Controls() {
		if ctl.Custom {
			if !customSeen[ctl.ID] {
				out.Custom = append(out.Custom, ctl)
			}
			if !carriedCustom[ctl.ID] {
				out.Entries = append(out.Entries, Entry{ControlID: ctl.ID, Title: ctl.Title, Decision: Undecided})
			}
			continue
		}
		idx := sources[ctl.ID]
		if len(idx) == 0 {
			out.Entries = append(out.Entries, Entry{ControlID: ctl.ID, Title: ctl.Title, Decision: Undecided})
			if len(mapping.Predecessors(ctl.ID)) == 0 {
				report.New = append(report.New, ctl.ID)
			} else {
				report.Uncovered = append(report.Uncovered, ctl.ID)
			}
			continue
		}
		e, conflicts := mergeSources(ctl, st.Entries, idx)
		out.Entries = append(out.Entries, e)
		report.Conflicts = append(report.Conflicts, conflicts...)
		for _, c := range conflicts {
			if c.Field != ConflictDecision {
				continue
			}
			for _, s := range c.Sources {
				report.Entries[s.Index].Conflicts = append(report.Entries[s.Index].Conflicts, ctl.ID)
			}
		}
	}
	out.Entries = append(out.Entries, customEntries...)
	sortEntries(out.Entries)
	slices.SortStableFunc(out.Custom, func(a, b Control) int { return CompareControlIDs(a.ID, b.ID) })
	return out, report, nil
}

// mergeSources builds the 2022 entry for ctl from the 2013 entries at idx.
func mergeSources(ctl Control, entries []Entry, idx []int) (Entry, []MigrationConflict) {
	src := make([]Entry, len(idx))
	for k, i := range idx {
		src[k] = entries[i]
	}
	e := Entry{ControlID: ctl.ID, Title: ctl.Title}
	var conflicts []MigrationConflict

	agree := true
	for _, s := range src[1:] {
		if !sameDecision(s, src[0]) {
			agree = false
		}
	}
	if agree {
		e.Decision = src[0].Decision
		e.Justification.Exclusion = src[0].Justification.Exclusion
		e.Justification.ObviatedBy = src[0].Justification.ObviatedBy
	} else {
		e.Decision = Undecided
		c := MigrationConflict{ControlID: ctl.ID, Field: ConflictDecision}
		for k, s := range src {
			c.Sources = append(c.Sources, MigrationSource{Index: idx[k], ControlID: s.ControlID, Value: decisionLabel(s)})
		}
		conflicts = append(conflicts, c)
	}

	var owners []string
	var ownerSources []MigrationSource
	var impl, refs []string
	least := -1
	for k, s := range src {
		j := s.Justification
		e.Justification.Risks = appendUnique(e.Justification.Risks, j.Risks...)
		e.Justification.Actions = appendUnique(e.Justification.Actions, j.Actions...)
		e.Justification.Requirements = appendUniqueRequirements(e.Justification.Requirements, j.Requirements...)
		if least < 0 || s.Status.rank() < src[least].Status.rank() {
			least = k
		}
		if s.Owner != "" {
			owners = appendUnique(owners, s.Owner)
			ownerSources = append(ownerSources, MigrationSource{Index: idx[k], ControlID: s.ControlID, Value: s.Owner})
		}
		impl = appendUnique(impl, s.Implementation)
		refs = appendUnique(refs, s.Reference)
		if k == 0 || (!e.LastReviewed.IsZero() && (s.LastReviewed.IsZero() || s.LastReviewed.Before(e.LastReviewed))) {
			e.LastReviewed = s.LastReviewed
		}
	}
	if len(src) == 1 {
		// A lone source keeps its lists exactly, empty ones included.
		e.Justification.Risks = slices.Clone(src[0].Justification.Risks)
		e.Justification.Actions = slices.Clone(src[0].Justification.Actions)
		e.Justification.Requirements = slices.Clone(src[0].Justification.Requirements)
	}
	e.Status = src[least].Status
	switch len(owners) {
	case 0:
	case 1:
		e.Owner = owners[0]
	default:
		conflicts = append(conflicts, MigrationConflict{ControlID: ctl.ID, Field: ConflictOwner, Sources: ownerSources})
	}
	e.Implementation = strings.Join(impl, "; ")
	e.Reference = strings.Join(refs, "; ")
	e.Justification.Note = mergedNote(src, agree)
	return e, conflicts
}

// decisionLabel describes an entry's decision with its exclusion reason
// and obviating control: "included", "excluded: out-of-scope",
// "excluded: obviated by C-MDM".
func decisionLabel(e Entry) string {
	s := string(e.Decision)
	if j := e.Justification; j.Exclusion != "" || j.ObviatedBy != "" {
		s += ": " + string(j.Exclusion)
		if j.ObviatedBy != "" {
			s += " by " + j.ObviatedBy
		}
	}
	return s
}

// sameDecision reports whether two entries agree on the decision, the
// exclusion reason and the obviating control.
func sameDecision(a, b Entry) bool {
	return a.Decision == b.Decision &&
		a.Justification.Exclusion == b.Justification.Exclusion &&
		a.Justification.ObviatedBy == b.Justification.ObviatedBy
}

// mergedNote keeps a lone agreeing source's note; otherwise it names the
// sources and keeps each one's note.
func mergedNote(src []Entry, agree bool) string {
	if len(src) == 1 && agree {
		return src[0].Justification.Note
	}
	labels := make([]string, len(src))
	for k, s := range src {
		labels[k] = s.ControlID
		if !agree {
			labels[k] += " (" + decisionLabel(s) + ")"
		}
	}
	note := "from 2013 " + strings.Join(labels, ", ")
	for _, s := range src {
		if s.Justification.Note != "" {
			note += "\n" + s.ControlID + ": " + s.Justification.Note
		}
	}
	return note
}
