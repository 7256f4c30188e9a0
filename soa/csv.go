package soa

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// CSV column names, in the order WriteCSV writes them. The first eight are
// the statement's table; the last two carry the rest of an entry so that
// an export reads back without loss.
const (
	ColumnControl                = "control"
	ColumnTitle                  = "title"
	ColumnIncluded               = "included"
	ColumnInclusionJustification = "inclusion justification"
	ColumnExclusionJustification = "exclusion justification"
	ColumnStatus                 = "status"
	ColumnOwner                  = "owner"
	ColumnReference              = "reference"
	ColumnImplementation         = "implementation"
	ColumnLastReviewed           = "last reviewed"
)

// ColumnJustification is the single justification column of files written
// before the inclusion and exclusion justifications had a column each.
// ReadCSV still reads it; WriteCSV no longer writes it.
const ColumnJustification = "justification"

// Columns returns the CSV columns in the order WriteCSV writes them.
func Columns() []string {
	return []string{ColumnControl, ColumnTitle, ColumnIncluded, ColumnInclusionJustification, ColumnExclusionJustification,
		ColumnStatus, ColumnOwner, ColumnReference, ColumnImplementation, ColumnLastReviewed}
}

// requiredColumns are the columns ReadCSV insists on, besides the
// justification: ColumnJustification, or both of the split columns.
var requiredColumns = []string{ColumnControl, ColumnTitle, ColumnIncluded, ColumnStatus, ColumnOwner, ColumnReference}

// csvControlID writes a control ID for CSV: a 2022 Annex A ID with the
// "A." prefix, so that a spreadsheet takes "A.5.10" for text and does not
// turn it into the number 5.1; other IDs as they are.
func csvControlID(e Edition, id string) string {
	if e == Edition2022 && IsAnnexAID(Edition2022, id) {
		return "A." + id
	}
	return id
}

// ambiguousBareID reports whether id, read from a 2022 CSV without the
// "A." prefix, may be what a spreadsheet made of another control: "5.1"
// is what becomes of 5.10 once it is taken for a number, and 2022 has
// both. Only such IDs are ambiguous: "5.10" or "5.4" cannot come from
// another ID that way. The twin is looked up in the built-in catalog.
func ambiguousBareID(e Edition, id string) (twin string, ambiguous bool) {
	if e != Edition2022 || !IsAnnexAID(Edition2022, id) {
		return "", false
	}
	twin = id + "0"
	_, exists := Catalog2022().Control(twin)
	return twin, exists
}

// splitJustification cuts a justification into the part that argues for
// inclusion (risks, actions, requirements) and the part that argues for
// exclusion (reason, obviating control). The note goes with the entry's
// decision: with the exclusion for an excluded control, else with the
// inclusion.
func splitJustification(j Justification, d Decision) (inclusion, exclusion Justification) {
	inclusion = Justification{Risks: j.Risks, Actions: j.Actions, Requirements: j.Requirements}
	exclusion = Justification{Exclusion: j.Exclusion, ObviatedBy: j.ObviatedBy}
	if d == Excluded {
		exclusion.Note = j.Note
	} else {
		inclusion.Note = j.Note
	}
	return inclusion, exclusion
}

// mergeJustification joins the two columns' justifications, naming every
// field given in both.
func mergeJustification(a, b Justification) (Justification, []string) {
	var both []string
	out := a
	pick := func(name string, aSet, bSet bool, take func()) {
		switch {
		case aSet && bSet:
			both = append(both, name)
		case bSet:
			take()
		}
	}
	pick(keyRisks, len(a.Risks) > 0, len(b.Risks) > 0, func() { out.Risks = b.Risks })
	pick(keyActions, len(a.Actions) > 0, len(b.Actions) > 0, func() { out.Actions = b.Actions })
	pick(keyRequirements, len(a.Requirements) > 0, len(b.Requirements) > 0, func() { out.Requirements = b.Requirements })
	pick(keyExclusion, a.Exclusion != "", b.Exclusion != "", func() { out.Exclusion = b.Exclusion })
	pick(keyObviatedBy, a.ObviatedBy != "", b.ObviatedBy != "", func() { out.ObviatedBy = b.ObviatedBy })
	pick(keyNote, a.Note != "", b.Note != "", func() { out.Note = b.Note })
	return out, both
}

// Values of the "included" column.
const (
	includedYes       = "yes"
	includedNo        = "no"
	includedUndecided = "undecided"
)

func includedCell(d Decision) string {
	switch d {
	case Included:
		return includedYes
	case Excluded:
		return includedNo
	case Undecided:
		return includedUndecided
	}
	return string(d)
}

// reviewedCell writes a review instant: the date alone when it is midnight
// UTC, RFC 3339 with the offset otherwise, empty when never reviewed.
func reviewedCell(t time.Time) string {
	switch {
	case t.IsZero():
		return ""
	case t.Location() == time.UTC && t.Equal(t.Truncate(24*time.Hour)):
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339Nano)
}

// ValidateForExport reports, all at once, what in st the CSV export cannot
// write so that [ReadCSV] gives it back: a control ID that is neither an
// Annex A ID of st.Edition nor a custom ID, a decision other than the
// three, a status outside the four (empty is allowed), a justification
// [ValidateJustification] rejects, or a review date outside years 0–9999;
// and an edition other than 2022 or 2013 ([ErrUnknownEdition]). Each
// entry error names the field, such as "entries[3].decision", and wraps
// [ErrInvalidEntry].
func ValidateForExport(st Statement) error {
	var errs []error
	bad := func(i int, field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("entries[%d].%s: %s: %w", i, field, fmt.Sprintf(format, args...), ErrInvalidEntry))
	}
	if !st.Edition.Valid() {
		errs = append(errs, fmt.Errorf("edition %q: %w", st.Edition, ErrUnknownEdition))
	}
	for i, e := range st.Entries {
		if st.Edition.Valid() && !validControlID(st.Edition, e.ControlID) {
			bad(i, "controlId", "%q is neither a %s Annex A ID nor a custom ID", e.ControlID, st.Edition)
		}
		if !e.Decision.Valid() {
			bad(i, "decision", "%q is not included, excluded or undecided", e.Decision)
		}
		if e.Status != "" && !e.Status.Valid() {
			bad(i, "status", "%q is not a known implementation status", e.Status)
		}
		if err := ValidateJustification(e.Justification); err != nil {
			for _, one := range unjoin(err) {
				errs = append(errs, fmt.Errorf("entries[%d].justification.%v: %w", i, one, ErrInvalidEntry))
			}
		}
		if y := e.LastReviewed.Year(); !e.LastReviewed.IsZero() && (y < 0 || y > 9999) {
			bad(i, "lastReviewed", "year %d is outside 0–9999", y)
		}
	}
	return errors.Join(errs...)
}

// unjoin splits an errors.Join result into its parts.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// validControlID reports whether id is an Annex A ID of edition e, in
// either accepted spelling, or a custom ID.
func validControlID(e Edition, id string) bool {
	return IsCustomID(id) || IsAnnexAID(e, normalizeID(e, id))
}

// WriteCSV writes the statement's entries to w as CSV (RFC 4180, via
// encoding/csv, "\n" line ends): a header row, then one row per entry in
// the statement's order. The columns are those of [Columns]:
//
//   - control: a 2022 Annex A ID with its "A." prefix ("A.5.10"), so that
//     a spreadsheet keeps it as text instead of turning it into the
//     number 5.1; 2013 and custom IDs as they are;
//   - title, owner, reference, implementation: the entry's text as is;
//   - included: "yes", "no" or "undecided";
//   - inclusion justification: risks, actions and requirements, in the
//     one-line form of [FormatJustification];
//   - exclusion justification: the exclusion reason and the obviating
//     control, in the same form; the note goes in this column for an
//     excluded control and in the inclusion column otherwise;
//   - status: the status, empty when unset;
//   - last reviewed: "2025-03-31" for midnight UTC, otherwise RFC 3339
//     with fractional seconds and offset; empty when never reviewed.
//
// The statement's ID, version, approval and custom control list are not
// written; the edition is given again to [ReadCSV]. Reading the output
// back with ReadCSV gives the same entries, except that a control ID
// comes back in the catalog's spelling (as [Catalog.Control] accepts
// either), encoding/csv turns a carriage return followed by a newline
// inside text into a newline, and a review instant comes back in a
// fixed-offset zone (the same instant).
//
// WriteCSV first checks the statement with [ValidateForExport] and writes
// nothing when it finds a problem. Spreadsheet programs may treat cells
// starting with "=", "+", "-" or "@" as formulas; WriteCSV does not alter
// them, since that would change the data.
func WriteCSV(w io.Writer, st Statement) error {
	if err := ValidateForExport(st); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns()); err != nil {
		return fmt.Errorf("soa: writing CSV: %w", err)
	}
	for _, e := range st.Entries {
		inc, exc := splitJustification(e.Justification, e.Decision)
		rec := []string{csvControlID(st.Edition, normalizeID(st.Edition, e.ControlID)), e.Title, includedCell(e.Decision),
			FormatJustification(inc), FormatJustification(exc),
			string(e.Status), e.Owner, e.Reference, e.Implementation, reviewedCell(e.LastReviewed)}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("soa: writing CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("soa: writing CSV: %w", err)
	}
	return nil
}

// CSVError is one problem ReadCSV found. It matches [ErrInvalidCSV] with
// errors.Is.
type CSVError struct {
	// Row is the record number, counting the header as row 1, as a
	// spreadsheet numbers rows; 0 for a problem with the whole document.
	Row int
	// Line is the line the record starts on (records may span lines).
	Line int
	// Column is the column's name; empty for a problem with a whole row.
	Column string
	// Control is the control ID of the row, when known.
	Control string
	// Err is the problem itself.
	Err error
}

// Error returns "soa: statement CSV row R (line L, control C) column
// "name": problem", leaving out the parts that do not apply.
func (e *CSVError) Error() string {
	var b strings.Builder
	b.WriteString("soa: statement CSV")
	if e.Row > 0 {
		fmt.Fprintf(&b, " row %d (line %d", e.Row, e.Line)
		if e.Control != "" {
			fmt.Fprintf(&b, ", control %s", e.Control)
		}
		b.WriteString(")")
	}
	if e.Column != "" {
		fmt.Fprintf(&b, " column %q", e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Is reports whether target is ErrInvalidCSV.
func (e *CSVError) Is(target error) bool { return target == ErrInvalidCSV }

// Unwrap returns the underlying problem.
func (e *CSVError) Unwrap() error { return e.Err }

// headerKey normalizes a header cell: case, spaces, '_' and '-' do not
// matter, so "Last reviewed", "last_reviewed" and "lastReviewed" are one
// column.
func headerKey(s string) string {
	s = strings.TrimPrefix(s, "\ufeff") // a byte order mark some spreadsheets write
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '_', '-':
			return -1
		}
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// ReadCSV reads a statement of the given edition from CSV in the form
// [WriteCSV] writes, or in the older form with one justification column.
// The header names the columns, in any order (case, spaces, '_' and '-'
// in names do not matter); control, title, included, status, owner and
// reference must be there, and either both inclusion justification and
// exclusion justification or the single justification column;
// implementation and last reviewed may be. Rows whose cells are all blank
// are skipped; every other row becomes an entry, in file order.
//
// A row must have a control ID that is an Annex A ID of the edition, in
// either spelling the catalog accepts, or a custom ID; the entry gets the
// catalog's spelling ("A.5.10" reads as "5.10" in 2022, "5.1.1" as
// "A.5.1.1" in 2013). A bare 2022 ID that a spreadsheet may have made
// from another one, such as "5.1" (which is what becomes of 5.10 taken
// for a number), is refused as ambiguous: write "A.5.1" or "A.5.10". IDs
// that no other ID shortens to, such as "5.4" or "5.10", are read bare.
// "included" must be yes, no or undecided (any case); status must be
// empty or one of the four; each justification cell must parse with
// [ParseJustification], and a field may be given in only one of the two
// columns; the review date must be a date (2006-01-02, taken as midnight
// UTC) or an RFC 3339 instant. ReadCSV does not look controls up in a
// catalog and does not reject duplicates: [Check] reports those.
//
// Every problem is reported at once, joined with errors.Join, each a
// *[CSVError] naming row, line and column and matching [ErrInvalidCSV];
// ReadCSV then returns a zero Statement. A CSV syntax error (such as a
// stray quote) ends reading there.
func ReadCSV(r io.Reader, edition Edition) (Statement, error) {
	if !edition.Valid() {
		return Statement{}, fmt.Errorf("soa: reading CSV: edition %q: %w", edition, ErrUnknownEdition)
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return Statement{}, &CSVError{Err: errors.New("the document is empty; want a header row")}
	}
	if err != nil {
		return Statement{}, &CSVError{Err: fmt.Errorf("reading the header: %w", err)}
	}
	col := map[string]int{}
	var errs []error
	known := Columns()
	readable := append(Columns(), ColumnJustification)
	for i, h := range header {
		name := ""
		for _, k := range readable {
			if headerKey(h) == headerKey(k) {
				name = k
			}
		}
		switch {
		case name == "":
			errs = append(errs, &CSVError{Row: 1, Line: 1, Err: fmt.Errorf("unknown column %q (want %s, or %s in older files)", h, strings.Join(known, ", "), ColumnJustification)})
		case col[name] != 0:
			errs = append(errs, &CSVError{Row: 1, Line: 1, Err: fmt.Errorf("column %q appears twice", name)})
		default:
			col[name] = i + 1 // 0 means absent
		}
	}
	for _, k := range requiredColumns {
		if col[k] == 0 {
			errs = append(errs, &CSVError{Row: 1, Line: 1, Err: fmt.Errorf("column %q is missing", k)})
		}
	}
	split := col[ColumnInclusionJustification] != 0 || col[ColumnExclusionJustification] != 0
	switch {
	case split && col[ColumnJustification] != 0:
		errs = append(errs, &CSVError{Row: 1, Line: 1, Err: fmt.Errorf("column %q is given together with %q and %q: give the single column or the two", ColumnJustification, ColumnInclusionJustification, ColumnExclusionJustification)})
	case split:
		for _, k := range []string{ColumnInclusionJustification, ColumnExclusionJustification} {
			if col[k] == 0 {
				errs = append(errs, &CSVError{Row: 1, Line: 1, Err: fmt.Errorf("column %q is missing", k)})
			}
		}
	case col[ColumnJustification] == 0:
		errs = append(errs, &CSVError{Row: 1, Line: 1, Err: fmt.Errorf("columns %q and %q are missing", ColumnInclusionJustification, ColumnExclusionJustification)})
	}
	if len(errs) > 0 {
		return Statement{}, errors.Join(errs...)
	}

	st := Statement{Edition: edition, Entries: []Entry{}}
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			errs = append(errs, &CSVError{Row: row, Line: line, Err: err})
			break
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		if len(rec) != len(header) {
			errs = append(errs, &CSVError{Row: row, Line: line, Err: fmt.Errorf("the row has %d cells, the header %d", len(rec), len(header))})
			continue
		}
		e, rowErrs := parseRow(rec, col, edition)
		for _, re := range rowErrs {
			re.Row, re.Line, re.Control = row, line, e.ControlID
			errs = append(errs, re)
		}
		st.Entries = append(st.Entries, e)
	}
	if len(errs) > 0 {
		return Statement{}, errors.Join(errs...)
	}
	return st, nil
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// parseRow turns one record into an entry, collecting cell problems.
func parseRow(rec []string, col map[string]int, edition Edition) (Entry, []*CSVError) {
	var errs []*CSVError
	cell := func(name string) string {
		if i := col[name]; i > 0 {
			return rec[i-1]
		}
		return ""
	}
	bad := func(column string, err error) { errs = append(errs, &CSVError{Column: column, Err: err}) }

	e := Entry{
		ControlID:      cell(ColumnControl),
		Title:          cell(ColumnTitle),
		Owner:          cell(ColumnOwner),
		Reference:      cell(ColumnReference),
		Implementation: cell(ColumnImplementation),
	}
	switch twin, ambiguous := ambiguousBareID(edition, e.ControlID); {
	case e.ControlID == "":
		bad(ColumnControl, errors.New("the control ID is empty"))
	case !validControlID(edition, e.ControlID):
		bad(ColumnControl, fmt.Errorf("%q is neither a %s Annex A ID nor a custom ID (C-…)", e.ControlID, edition))
	case ambiguous:
		bad(ColumnControl, fmt.Errorf("%q is ambiguous: a spreadsheet turns %s into %s; write A.%s or A.%s", e.ControlID, twin, e.ControlID, e.ControlID, twin))
	default:
		e.ControlID = normalizeID(edition, e.ControlID)
	}
	switch v := strings.ToLower(strings.TrimSpace(cell(ColumnIncluded))); v {
	case includedYes:
		e.Decision = Included
	case includedNo:
		e.Decision = Excluded
	case includedUndecided:
		e.Decision = Undecided
	default:
		bad(ColumnIncluded, fmt.Errorf("%q is not yes, no or undecided", cell(ColumnIncluded)))
	}
	if s := Status(cell(ColumnStatus)); s != "" && !s.Valid() {
		bad(ColumnStatus, fmt.Errorf("%q is not one of not-started, in-progress, partial, implemented (or empty)", s))
	} else {
		e.Status = s
	}
	justification := func(column string) Justification {
		j, err := ParseJustification(cell(column))
		if err != nil {
			for _, one := range unjoin(err) {
				bad(column, one)
			}
		}
		return j
	}
	if col[ColumnJustification] != 0 {
		e.Justification = justification(ColumnJustification)
	} else {
		j, both := mergeJustification(justification(ColumnInclusionJustification), justification(ColumnExclusionJustification))
		for _, k := range both {
			bad(ColumnExclusionJustification, fmt.Errorf("%s is also given in column %q: give it once", k, ColumnInclusionJustification))
		}
		e.Justification = j
	}
	if v := strings.TrimSpace(cell(ColumnLastReviewed)); v != "" {
		t, err := parseReviewed(v)
		if err != nil {
			bad(ColumnLastReviewed, err)
		}
		e.LastReviewed = t
	}
	return e, errs
}

func parseReviewed(v string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is neither a date such as 2025-03-31 nor an RFC 3339 instant", v)
}
