package isms

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/isms-go/iso27003/soa"
)

// MoveKind says how a control reference fared in ConvertControls when it
// did not map one to one.
type MoveKind string

// Kinds of moves.
const (
	// MoveSplit: the control has several counterparts. A list of controls
	// gets all of them, which covers exactly what the original covered.
	MoveSplit MoveKind = "split"
	// MoveMerged: several controls of one list have the same counterpart,
	// which the list now holds once.
	MoveMerged MoveKind = "merged"
	// MoveUnmapped: the control has no counterpart in the target edition.
	// A list drops it; a single field keeps it (Kept) for a person to
	// resolve.
	MoveUnmapped MoveKind = "unmapped"
	// MoveAmbiguous: a single field (such as an audit finding's control)
	// whose control has several counterparts. It is kept as it was
	// (Kept): picking one would be a guess.
	MoveAmbiguous MoveKind = "ambiguous"
	// MoveConflict: statement entries that become one entry disagree on
	// the decision; the new entry is left undecided.
	MoveConflict MoveKind = "conflict"
)

// ControlMove is one control reference that did not convert one to one.
type ControlMove struct {
	Path string   `json:"path"` // field path, such as "processes[2].controls[0]"
	From string   `json:"from"`
	To   []string `json:"to,omitempty"` // the counterparts, sorted
	Kind MoveKind `json:"kind"`
	// Kept is true when the original ID was left in place; the converted
	// system does not validate until someone resolves it.
	Kept bool `json:"kept,omitempty"`
}

// ControlConversion reports what ConvertControls did.
type ControlConversion struct {
	From soa.Edition `json:"from"`
	To   soa.Edition `json:"to"`
	// Converted counts the references rewritten one to one.
	Converted int `json:"converted"`
	// Moves lists every other reference, sorted by path.
	Moves []ControlMove `json:"moves"`
	// SoA is the report of soa.Migrate when a 2013 statement was migrated
	// to 2022; it is the zero value in the other direction, whose entry
	// conflicts are in Moves.
	SoA soa.MigrationReport `json:"soa,omitzero"`
}

// Resolved reports whether no reference was kept unconverted.
func (c ControlConversion) Resolved() bool {
	return !slices.ContainsFunc(c.Moves, func(m ControlMove) bool { return m.Kept })
}

// ErrSameEdition is returned by ConvertControls when the system already
// follows the target edition; use errors.Is.
var ErrSameEdition = errors.New("isms: the system already follows that edition")

// ConvertControls returns a copy of sys whose Annex A control references
// follow edition to, with a report, and leaves sys untouched. It goes
// through soa.Mapping2013To2022 in either direction. The mapping is many
// to many, so:
//
//   - a list of controls (process, measure, audit scope and programme
//     controls; a risk's existing and treatment controls) gets every
//     counterpart of a control that was split, holds a merged control
//     once, and drops a control without counterpart; each case is a Move;
//   - a single reference (an audit finding's control) is rewritten only
//     when there is exactly one counterpart, and is otherwise kept as it
//     was and reported with Kept, for a person to decide;
//   - the Statement of Applicability goes through soa.Migrate from 2013 to
//     2022; from 2022 to 2013 each 2013 control gets one entry from the
//     entries of its counterparts, undecided (a MoveConflict) when they
//     disagree, and entries without counterpart are dropped (MoveUnmapped);
//   - custom controls ("C-...") and free text (such as
//     Nonconformity.Requirement) are not touched.
//
// The copy's Edition is to. It returns ErrSameEdition when sys already
// follows to, and an error for an unknown edition or a nil system.
func ConvertControls(sys *System, to soa.Edition) (*System, ControlConversion, error) {
	if sys == nil {
		return nil, ControlConversion{}, fmt.Errorf("%w: nil system", ErrInvalid)
	}
	from := sys.EffectiveEdition()
	if !to.Valid() {
		return nil, ControlConversion{}, fmt.Errorf("isms: convert: unknown edition %q", to)
	}
	if from == to {
		return nil, ControlConversion{}, fmt.Errorf("isms: convert to %s: %w", to, ErrSameEdition)
	}
	b, err := json.Marshal(sys)
	if err != nil {
		return nil, ControlConversion{}, fmt.Errorf("isms: convert: copy: %w", err)
	}
	out := &System{}
	if err := json.Unmarshal(b, out); err != nil {
		return nil, ControlConversion{}, fmt.Errorf("isms: convert: copy: %w", err)
	}
	cv := &converter{m: soa.Mapping2013To2022(), to: to, rep: ControlConversion{From: from, To: to, Moves: []ControlMove{}}}
	for i := range out.Register.Risks {
		r := &out.Register.Risks[i]
		at := fmt.Sprintf("register.risks[%d]", i)
		r.ExistingControls = cv.list(at+".existingControls", r.ExistingControls)
		if r.Treatment != nil {
			r.Treatment.Controls = cv.list(at+".treatment.controls", r.Treatment.Controls)
		}
	}
	for i := range out.Processes {
		out.Processes[i].Controls = cv.list(fmt.Sprintf("processes[%d].controls", i), out.Processes[i].Controls)
	}
	for i := range out.Measures {
		out.Measures[i].Controls = cv.list(fmt.Sprintf("measures[%d].controls", i), out.Measures[i].Controls)
	}
	out.AuditProgramme.Controls = cv.list("auditProgramme.controls", out.AuditProgramme.Controls)
	out.AuditProgramme.KeyControls = cv.list("auditProgramme.keyControls", out.AuditProgramme.KeyControls)
	for i := range out.Audits {
		a := &out.Audits[i]
		a.Scope.Controls = cv.list(fmt.Sprintf("audits[%d].scope.controls", i), a.Scope.Controls)
		for j := range a.Findings {
			a.Findings[j].Control = cv.single(fmt.Sprintf("audits[%d].findings[%d].control", i, j), a.Findings[j].Control)
		}
	}
	if len(out.SoA.Entries) > 0 || out.SoA.Edition != "" {
		if to == soa.Edition2022 && out.SoA.Edition == soa.Edition2013 {
			st, mr, err := soa.Migrate(out.SoA)
			if err != nil {
				return nil, ControlConversion{}, fmt.Errorf("isms: convert: %w", err)
			}
			out.SoA, cv.rep.SoA = st, mr
		} else if to == soa.Edition2013 && out.SoA.Edition == soa.Edition2022 {
			out.SoA = cv.statementTo2013(out.SoA)
		}
	}
	out.Edition = to
	slices.SortStableFunc(cv.rep.Moves, func(a, b ControlMove) int { return strings.Compare(a.Path, b.Path) })
	return out, cv.rep, nil
}

type converter struct {
	m   *soa.Mapping
	to  soa.Edition
	rep ControlConversion
}

// counterparts returns the controls of the target edition that id maps
// to, sorted.
func (c *converter) counterparts(id string) []string {
	var out []string
	if c.to == soa.Edition2022 {
		out = c.m.Successors(id)
	} else {
		out = c.m.Predecessors(id)
	}
	out = slices.Clone(out)
	slices.SortFunc(out, soa.CompareControlIDs)
	return out
}

func (c *converter) list(path string, ids []string) []string {
	if len(ids) == 0 {
		return ids
	}
	out := make([]string, 0, len(ids))
	from := map[string][]string{} // target -> sources
	for i, id := range ids {
		at := fmt.Sprintf("%s[%d]", path, i)
		if soa.IsCustomID(id) {
			out = append(out, id)
			continue
		}
		to := c.counterparts(id)
		switch len(to) {
		case 0:
			c.rep.Moves = append(c.rep.Moves, ControlMove{Path: at, From: id, Kind: MoveUnmapped})
		case 1:
			c.rep.Converted++
		default:
			c.rep.Moves = append(c.rep.Moves, ControlMove{Path: at, From: id, To: to, Kind: MoveSplit})
		}
		for _, t := range to {
			if len(from[t]) == 0 {
				out = append(out, t)
			}
			from[t] = append(from[t], id)
		}
	}
	for _, t := range out {
		if srcs := from[t]; len(srcs) > 1 {
			c.rep.Moves = append(c.rep.Moves, ControlMove{Path: path, From: strings.Join(srcs, ", "), To: []string{t}, Kind: MoveMerged})
		}
	}
	return out
}

func (c *converter) single(path, id string) string {
	if id == "" || soa.IsCustomID(id) {
		return id
	}
	to := c.counterparts(id)
	switch len(to) {
	case 1:
		c.rep.Converted++
		return to[0]
	case 0:
		c.rep.Moves = append(c.rep.Moves, ControlMove{Path: path, From: id, Kind: MoveUnmapped, Kept: true})
	default:
		c.rep.Moves = append(c.rep.Moves, ControlMove{Path: path, From: id, To: to, Kind: MoveAmbiguous, Kept: true})
	}
	return id
}

// statementTo2013 builds a 2013 statement from a 2022 one.
func (c *converter) statementTo2013(st soa.Statement) soa.Statement {
	out := soa.Statement{ID: st.ID, Version: st.Version, Edition: soa.Edition2013, Custom: st.Custom, Entries: []soa.Entry{}}
	byTarget := map[string][]soa.Entry{}
	var order []string
	for i, e := range st.Entries {
		if soa.IsCustomID(e.ControlID) {
			out.Entries = append(out.Entries, e)
			continue
		}
		to := c.counterparts(e.ControlID)
		if len(to) == 0 {
			c.rep.Moves = append(c.rep.Moves, ControlMove{Path: fmt.Sprintf("soa.entries[%d].controlId", i), From: e.ControlID, Kind: MoveUnmapped})
			continue
		}
		for _, t := range to {
			if len(byTarget[t]) == 0 {
				order = append(order, t)
			}
			byTarget[t] = append(byTarget[t], e)
		}
	}
	for _, t := range order {
		srcs := byTarget[t]
		e := srcs[0]
		e.ControlID, e.Title = t, ""
		if ctl, ok := soa.Catalog2013().Control(t); ok {
			e.Title = ctl.Title
		}
		if len(srcs) == 1 {
			c.rep.Converted++
		}
		for _, s := range srcs[1:] {
			if s.Decision != e.Decision {
				ids := make([]string, len(srcs))
				for k := range srcs {
					ids[k] = srcs[k].ControlID
				}
				c.rep.Moves = append(c.rep.Moves, ControlMove{Path: "soa.entries", From: strings.Join(ids, ", "), To: []string{t}, Kind: MoveConflict})
				e = soa.Entry{ControlID: t, Title: e.Title, Decision: soa.Undecided,
					Justification: soa.Justification{Note: "entries " + strings.Join(ids, ", ") + " disagreed when converted from 2022"}}
				break
			}
		}
		out.Entries = append(out.Entries, e)
	}
	slices.SortStableFunc(out.Entries, func(a, b soa.Entry) int { return soa.CompareControlIDs(a.ControlID, b.ControlID) })
	return out
}
