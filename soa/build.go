package soa

import (
	"errors"
	"fmt"
	"slices"

	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
)

// UnknownControlError reports a control ID that a risk treatment names
// but that is neither in the catalog nor a custom control known to the
// operation. It matches [ErrUnknownControl] with errors.Is.
type UnknownControlError struct {
	// Path locates the reference: "risks[3].treatment.controls[1]".
	Path string
	// RiskID is the risk whose treatment names the control (may be empty
	// when the risk has no ID).
	RiskID string
	// ControlID is the unknown ID as written.
	ControlID string
	// Edition is the edition of the catalog that was searched.
	Edition Edition
}

// Error names the reference, the risk and the control, with a hint when
// the ID belongs to the other edition or to the custom namespace.
func (e *UnknownControlError) Error() string {
	hint := ""
	switch {
	case e.Edition == Edition2022 && IsAnnexAID(Edition2013, normalizeID(Edition2013, e.ControlID)):
		hint = " (it is a 2013 ID: migrate the references to the 2022 controls)"
	case e.Edition == Edition2013 && IsAnnexAID(Edition2022, normalizeID(Edition2022, e.ControlID)):
		hint = " (it is a 2022 ID)"
	case IsCustomID(e.ControlID):
		hint = " (add the custom control to the catalog with Catalog.WithCustom)"
	}
	of := ""
	if e.RiskID != "" {
		of = " of risk " + e.RiskID
	}
	return fmt.Sprintf("%s: treatment%s names control %q, which is not in the %s catalog%s: %v",
		e.Path, of, e.ControlID, e.Edition, hint, ErrUnknownControl)
}

// Is reports whether target is ErrUnknownControl.
func (e *UnknownControlError) Is(target error) bool { return target == ErrUnknownControl }

// BuildOption adjusts Build.
type BuildOption func(*buildConfig)

type buildConfig struct {
	previous *Statement
}

// WithPrevious makes Build start from an earlier statement of the same
// edition instead of from nothing. For every control the previous
// statement has an entry for, the draft keeps its status, owner,
// implementation, reference, last review date, requirements and note.
// Risks and actions are always regenerated from the register. The
// decision is:
//
//   - Included when a treatment chooses the control (as without a
//     previous statement);
//   - otherwise the previous exclusion, with its reason, when it was
//     excluded;
//   - otherwise Included when the previous inclusion named requirements,
//     which do not depend on the register;
//   - otherwise Undecided: the inclusion rested on risks that no longer
//     choose the control.
//
// The previous statement's custom controls count as known controls, and
// its entries for controls that are in neither the catalog nor its custom
// list are carried over unchanged, so that nothing is lost; [Check]
// reports them. The draft takes the previous ID; version and approval
// start empty, since the draft has yet to be approved.
func WithPrevious(prev Statement) BuildOption {
	p := prev.Clone()
	return func(c *buildConfig) { c.previous = &p }
}

// choice collects the risks and actions that chose one control.
type choice struct {
	risks, actions []string
}

// Build drafts a Statement of Applicability for the catalog's edition from
// the risk treatment plans in reg (ISO/IEC 27001 6.1.3 d).
//
// Every control that some risk's treatment names in Treatment.Controls is
// Included, with status NotStarted and a justification listing those risks
// and the IDs of their treatment actions (cancelled actions left out),
// each list in natural order without repeats. Every other control of the
// catalog, custom ones included, gets an Undecided entry for a person to
// decide. Entries carry the catalog's title and are sorted Annex A first,
// then custom controls, each in the order of [CompareControlIDs]. The
// draft's Custom lists the catalog's custom controls, by ID. Use [WithPrevious]
// to keep the work of an earlier statement.
//
// Treatments name controls by ID; every spelling [Catalog.Control]
// accepts is resolved to the canonical ID. A treatment naming a control
// that is neither in the catalog nor a known custom control is an error:
// Build then returns a zero Statement and every such reference at once,
// each an *[UnknownControlError] (matching [ErrUnknownControl]) naming the
// field path. A draft that silently dropped a control a treatment relies
// on would misstate the treatment plan; add missing custom controls with
// [Catalog.WithCustom] or correct the register.
//
// Build never modifies its inputs. A nil catalog is an error.
func Build(cat *Catalog, reg risk.Register, opts ...BuildOption) (Statement, error) {
	if cat == nil {
		return Statement{}, errors.New("soa: build: catalog is nil")
	}
	var cfg buildConfig
	for _, o := range opts {
		o(&cfg)
	}
	prev := cfg.previous
	if prev != nil && prev.Edition != cat.Edition() {
		return Statement{}, fmt.Errorf("soa: build: previous statement is of edition %q, the catalog of %q: %w",
			prev.Edition, cat.Edition(), ErrEditionMismatch)
	}

	// The known controls: the catalog, then the previous statement's
	// custom controls that the catalog does not have.
	controls := cat.Controls()
	var custom []Control
	for _, c := range controls {
		if c.Custom {
			custom = append(custom, c)
		}
	}
	extraCustom := map[string]bool{}
	if prev != nil {
		for _, c := range prev.Custom {
			if _, inCatalog := cat.Control(c.ID); inCatalog || !IsCustomID(c.ID) || extraCustom[c.ID] {
				continue
			}
			extraCustom[c.ID] = true
			c = c.clone()
			c.Custom, c.Edition = true, cat.Edition()
			controls = append(controls, c)
			custom = append(custom, c)
		}
	}
	resolve := func(id string) (string, bool) {
		if c, ok := cat.Control(id); ok {
			return c.ID, true
		}
		return id, extraCustom[id]
	}

	chosen := map[string]*choice{}
	var errs []error
	for i, r := range reg.Risks {
		if r.Treatment == nil {
			continue
		}
		var actions []string
		for _, a := range r.Treatment.Actions {
			if a.Status != risk.Cancelled {
				actions = append(actions, a.ID)
			}
		}
		for j, id := range r.Treatment.Controls {
			canon, ok := resolve(id)
			if !ok {
				errs = append(errs, &UnknownControlError{
					Path:      fmt.Sprintf("risks[%d].treatment.controls[%d]", i, j),
					RiskID:    r.ID,
					ControlID: id,
					Edition:   cat.Edition(),
				})
				continue
			}
			ch := chosen[canon]
			if ch == nil {
				ch = &choice{}
				chosen[canon] = ch
			}
			// Plain appends: sortedIDs removes repeats once at the end,
			// which keeps a large register linear.
			ch.risks = append(ch.risks, r.ID)
			ch.actions = append(ch.actions, actions...)
		}
	}
	if len(errs) > 0 {
		return Statement{}, errors.Join(errs...)
	}

	previous := map[string]Entry{}
	if prev != nil {
		for _, e := range prev.Entries {
			id, _ := resolve(e.ControlID)
			if _, dup := previous[id]; !dup {
				previous[id] = e
			}
		}
	}

	st := Statement{Edition: cat.Edition(), Custom: custom, Entries: make([]Entry, 0, len(controls))}
	if prev != nil {
		st.ID = prev.ID
	}
	seen := map[string]bool{}
	for _, c := range controls {
		seen[c.ID] = true
		p, hasPrev := previous[c.ID]
		st.Entries = append(st.Entries, draftEntry(c, chosen[c.ID], p, hasPrev))
	}
	if prev != nil {
		for _, e := range prev.Entries {
			if id, _ := resolve(e.ControlID); !seen[id] {
				st.Entries = append(st.Entries, e.clone())
			}
		}
	}
	sortEntries(st.Entries)
	slices.SortStableFunc(st.Custom, func(a, b Control) int { return CompareControlIDs(a.ID, b.ID) })
	return st, nil
}

// draftEntry is the entry of one known control: chosen by treatments when
// ch is not nil, with the previous entry p when hasPrev.
func draftEntry(c Control, ch *choice, p Entry, hasPrev bool) Entry {
	e := Entry{ControlID: c.ID, Title: c.Title, Decision: Undecided}
	if hasPrev {
		e.Status, e.Owner, e.Implementation, e.Reference, e.LastReviewed = p.Status, p.Owner, p.Implementation, p.Reference, p.LastReviewed
		e.Justification.Requirements = slices.Clone(p.Justification.Requirements)
		e.Justification.Note = p.Justification.Note
	}
	switch {
	case ch != nil:
		e.Decision = Included
		e.Justification.Risks = sortedIDs(ch.risks)
		e.Justification.Actions = sortedIDs(ch.actions)
		if e.Status == "" {
			e.Status = NotStarted
		}
	case hasPrev && p.Decision == Excluded:
		e.Decision = Excluded
		e.Justification.Exclusion, e.Justification.ObviatedBy = p.Justification.Exclusion, p.Justification.ObviatedBy
	case hasPrev && p.Decision == Included && len(p.Justification.Requirements) > 0:
		e.Decision = Included
	}
	return e
}

// sortedIDs returns ids in natural order (R-2 before R-10) without
// repeats, or nil when there are none.
func sortedIDs(ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	out := slices.Clone(ids)
	slices.SortFunc(out, rules.NaturalCompare)
	return slices.Compact(out)
}
