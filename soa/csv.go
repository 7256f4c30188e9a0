package soa

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// CSV column names, in the order WriteCSV writes them. The first seven are
// the statement's table; the last two carry the rest of an entry so that
// an export reads back without loss.
const (
	ColumnControl        = "control"
	ColumnTitle          = "title"
	ColumnIncluded       = "included"
	ColumnJustification  = "justification"
	ColumnStatus         = "status"
	ColumnOwner          = "owner"
	ColumnReference      = "reference"
	ColumnImplementation = "implementation"
	ColumnLastReviewed   = "last reviewed"
)

// Columns returns the CSV columns in the order WriteCSV writes them.
func Columns() []string {
	return []string{ColumnControl, ColumnTitle, ColumnIncluded, ColumnJustification, ColumnStatus,
		ColumnOwner, ColumnReference, ColumnImplementation, ColumnLastReviewed}
}

// requiredColumns is how many of the leading Columns ReadCSV insists on.
const requiredColumns = 7

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
//   - control, title, owner, reference, implementation: the entry's text
//     as is;
//   - included: "yes", "no" or "undecided";
//   - justification: the one-line form of [FormatJustification];
//   - status: the status, empty when unset;
//   - last reviewed: "2025-03-31" for midnight UTC, otherwise RFC 3339
//     with fractional seconds and offset; empty when never reviewed.
//
// The statement's ID, version, approval and custom control list are not
// written; the edition is given again to [ReadCSV]. Reading the output
// back with ReadCSV gives the same entries, except that encoding/csv turns
// a carriage return followed by a newline inside text into a newline, and
// a review instant comes back in a fixed-offset zone (the same instant).
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
		rec := []string{e.ControlID, e.Title, includedCell(e.Decision), FormatJustification(e.Justification),
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
// [WriteCSV] writes. The header names the columns, in any order (case,
// spaces, '_' and '-' in names do not matter); the seven columns control,
// title, included, justification, status, owner and reference must be
// there, and implementation and last reviewed may be. Rows whose cells are
// all blank are skipped; every other row becomes an entry, in file order.
//
// A row must have a control ID that is an Annex A ID of the edition, in
// either spelling the catalog accepts, or a custom ID; "included" must be
// yes, no or undecided (any case); status must be empty or one of the
// four; the justification must parse with [ParseJustification]; the
// review date must be a date (2006-01-02, taken as midnight UTC) or an
// RFC 3339 instant. ReadCSV does not look controls up in a catalog and
// does not reject duplicates: [Check] reports those.
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
	for i, h := range header {
		name := ""
		for _, k := range known {
			if headerKey(h) == headerKey(k) {
				name = k
			}
		}
		switch {
		case name == "":
			errs = append(errs, &CSVError{Row: 1, Line: 1, Err: fmt.Errorf("unknown column %q (want %s)", h, strings.Join(known, ", "))})
		case col[name] != 0:
			errs = append(errs, &CSVError{Row: 1, Line: 1, Err: fmt.Errorf("column %q appears twice", name)})
		default:
			col[name] = i + 1 // 0 means absent
		}
	}
	for _, k := range known[:requiredColumns] {
		if col[k] == 0 {
			errs = append(errs, &CSVError{Row: 1, Line: 1, Err: fmt.Errorf("column %q is missing", k)})
		}
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
	switch {
	case e.ControlID == "":
		bad(ColumnControl, errors.New("the control ID is empty"))
	case !validControlID(edition, e.ControlID):
		bad(ColumnControl, fmt.Errorf("%q is neither a %s Annex A ID nor a custom ID (C-…)", e.ControlID, edition))
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
	j, err := ParseJustification(cell(ColumnJustification))
	if err != nil {
		for _, one := range unjoin(err) {
			bad(ColumnJustification, one)
		}
	}
	e.Justification = j
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
