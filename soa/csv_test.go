package soa

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got); run go test -update if the change is intended:\n%s", path, diff)
	}
}

// goldenStatement exercises every column and every character the formats
// must escape.
func goldenStatement() Statement {
	return Statement{Edition: Edition2022, Entries: []Entry{
		{ControlID: "5.1", Title: "Policies for information security", Decision: Included, Status: Implemented,
			Owner: "CISO", Reference: "ISMS-POL-01 v3", Implementation: "Approved by the board; published on the intranet",
			LastReviewed: time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC),
			Justification: Justification{Risks: []string{"R-1", "R-12"}, Actions: []string{"A-7"},
				Requirements: []Requirement{{Legal, "GDPR Art. 24"}, {Contractual, "MSA-7, annex 2: security"}}}},
		{ControlID: "5.23", Title: "Information security for use of cloud services", Decision: Included, Status: InProgress,
			Owner: `Head of IT "Ops" <ops@example.com>`, Reference: "https://wiki.example/cloud|policy",
			LastReviewed:  time.Date(2025, 2, 3, 14, 30, 15, 250000000, time.FixedZone("", 2*3600)),
			Justification: Justification{Risks: []string{"R-10"}, Note: "multi-line\nnote with a back\\slash; and = signs"}},
		{ControlID: "7.5", Title: "Protecting against physical and environmental threats", Decision: Excluded,
			Justification: Justification{Exclusion: OutOfScope, Note: " leading space kept"}},
		{ControlID: "8.1", Title: "User endpoint devices", Decision: Excluded,
			Justification: Justification{Exclusion: Obviated, ObviatedBy: "C-MDM"}},
		{ControlID: "8.9", Title: "Configuration management", Decision: Undecided},
		{ControlID: "C-MDM", Title: "Mobile device management", Decision: Included, Status: Partial, Owner: "IT",
			Justification: Justification{Risks: []string{"R-1"}, Actions: []string{"A-1", "A-2"}}},
	}}
}

func TestWriteCSVGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, goldenStatement()); err != nil {
		t.Fatal(err)
	}
	golden(t, "statement.csv", b.Bytes())

	back, err := ReadCSV(bytes.NewReader(b.Bytes()), Edition2022)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(goldenStatement(), back, cmpOpts); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestWriteMarkdownGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMarkdown(&b, goldenStatement()); err != nil {
		t.Fatal(err)
	}
	golden(t, "statement.md", b.Bytes())
	for i, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		// Every row has 8 unescaped pipes: the table has 7 columns.
		if n := strings.Count(line, "|") - strings.Count(line, `\|`); n != 8 {
			t.Errorf("line %d has %d cell borders, want 8: %s", i+1, n, line)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWritersReportWriteErrors(t *testing.T) {
	if err := WriteCSV(failWriter{}, goldenStatement()); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("WriteCSV to a failing writer: %v", err)
	}
	if err := WriteMarkdown(failWriter{}, goldenStatement()); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("WriteMarkdown to a failing writer: %v", err)
	}
}

func TestWriteCSVRefusesWhatCannotBeRead(t *testing.T) {
	st := Statement{Edition: Edition2022, Entries: []Entry{
		{ControlID: "5.1", Decision: ""},
		{ControlID: "nope", Decision: Included, Status: "done"},
		{ControlID: "5.2", Decision: Excluded, Justification: Justification{Risks: []string{""}, Exclusion: "whim",
			Requirements: []Requirement{{Kind: "moral", Reference: ""}}}},
		{ControlID: "5.3", Decision: Included, LastReviewed: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
	}}
	var b bytes.Buffer
	err := WriteCSV(&b, st)
	if !errors.Is(err, ErrInvalidEntry) || b.Len() != 0 {
		t.Fatalf("WriteCSV = %v and %d bytes, want ErrInvalidEntry and nothing written", err, b.Len())
	}
	want := []string{
		`entries[0].decision: "" is not included, excluded or undecided: soa: entry cannot be exported`,
		`entries[1].controlId: "nope" is neither a 2022 Annex A ID nor a custom ID: soa: entry cannot be exported`,
		`entries[1].status: "done" is not a known implementation status: soa: entry cannot be exported`,
		`entries[2].justification.risks[0] is empty: soa: entry cannot be exported`,
		`entries[2].justification.requirements[0].kind "moral" is not one of legal, regulatory, contractual, business: soa: entry cannot be exported`,
		`entries[2].justification.requirements[0].reference is empty: soa: entry cannot be exported`,
		`entries[2].justification.exclusion "whim" is not one of not-needed, out-of-scope, obviated: soa: entry cannot be exported`,
		`entries[3].lastReviewed: year 10000 is outside 0–9999: soa: entry cannot be exported`,
	}
	if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if err := ValidateForExport(Statement{Edition: "2019"}); !errors.Is(err, ErrUnknownEdition) {
		t.Errorf("unknown edition: %v", err)
	}
}

func TestReadCSVFlexibleHeader(t *testing.T) {
	in := "\ufeffIncluded,Control,Title,JUSTIFICATION,Status,Owner,Reference,Last_Reviewed\n" +
		"YES,A.5.1,Policies,risks=R-1,implemented,CISO,,2025-01-02\n" +
		",,,,,,,\n" + // blank rows are skipped
		" no ,5.4,Management responsibilities,exclusion = not-needed ; note=\\ x ,,,,\n"
	st, err := ReadCSV(strings.NewReader(in), Edition2022)
	if err != nil {
		t.Fatal(err)
	}
	want := Statement{Edition: Edition2022, Entries: []Entry{
		{ControlID: "5.1", Title: "Policies", Decision: Included, Status: Implemented, Owner: "CISO",
			Justification: Justification{Risks: []string{"R-1"}}, LastReviewed: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)},
		{ControlID: "5.4", Title: "Management responsibilities", Decision: Excluded, Justification: Justification{Exclusion: NotNeeded, Note: " x"}},
	}}
	if diff := cmp.Diff(want, st, cmpOpts); diff != "" {
		t.Errorf("ReadCSV (-want +got):\n%s", diff)
	}
	st, err = ReadCSV(strings.NewReader("control,title,included,justification,status,owner,reference\n"), Edition2013)
	if err != nil || st.Edition != Edition2013 || len(st.Entries) != 0 {
		t.Errorf("header only: %+v, %v", st, err)
	}
}

func TestReadCSVErrors(t *testing.T) {
	const header = "control,title,included,justification,status,owner,reference\n"
	tests := []struct {
		name    string
		edition Edition
		in      string
		want    []string
	}{
		{"empty document", Edition2022, "", []string{"soa: statement CSV: the document is empty; want a header row"}},
		{"unknown edition", "2019", header, []string{`soa: reading CSV: edition "2019": soa: unknown Annex A edition`}},
		{"header problems", Edition2022, "control,title,included,included,colour,owner\n", []string{
			`soa: statement CSV row 1 (line 1): column "included" appears twice`,
			`soa: statement CSV row 1 (line 1): unknown column "colour" (want control, title, included, inclusion justification, exclusion justification, status, owner, reference, implementation, last reviewed, or justification in older files)`,
			`soa: statement CSV row 1 (line 1): column "status" is missing`,
			`soa: statement CSV row 1 (line 1): column "reference" is missing`,
			`soa: statement CSV row 1 (line 1): columns "inclusion justification" and "exclusion justification" are missing`,
		}},
		{"bad cells, all reported", Edition2022, header +
			"5.4,ok,yes,risks=R-1,implemented,,\n" +
			"A.5.1.1,t,maybe,risk=R-1; risks=R-2,,R,\n" +
			",t,no,exclusion=whim,done,,\n" +
			"5.3,short row\n" +
			"C-X,t,yes,\"requirements=legal:GDPR,moral:x,legal: ,oops; risks=,; note=a\\\",,,\n",
			[]string{
				`soa: statement CSV row 3 (line 3, control A.5.1.1) column "control": "A.5.1.1" is neither a 2022 Annex A ID nor a custom ID (C-…)`,
				`soa: statement CSV row 3 (line 3, control A.5.1.1) column "included": "maybe" is not yes, no or undecided`,
				`soa: statement CSV row 3 (line 3, control A.5.1.1) column "justification": unknown key "risk" (want one of risks, actions, requirements, exclusion, obviatedBy, note)`,
				`soa: statement CSV row 4 (line 4) column "control": the control ID is empty`,
				`soa: statement CSV row 4 (line 4) column "status": "done" is not one of not-started, in-progress, partial, implemented (or empty)`,
				`soa: statement CSV row 4 (line 4) column "justification": exclusion "whim" is not one of not-needed, out-of-scope, obviated`,
				`soa: statement CSV row 5 (line 5): the row has 2 cells, the header 7`,
				`soa: statement CSV row 6 (line 6, control C-X) column "justification": ends with a lone backslash`,
			}},
		{"justification details", Edition2022, header +
			"C-X,t,yes,\"requirements=legal:GDPR,moral:x,legal: ,oops; risks=,; actions=; note=a; note=b; x\",,,\n",
			[]string{
				`soa: statement CSV row 2 (line 2, control C-X) column "justification": requirements: item 2 has kind "moral", want legal, regulatory, contractual or business`,
				`soa: statement CSV row 2 (line 2, control C-X) column "justification": requirements: item 3 has no reference`,
				`soa: statement CSV row 2 (line 2, control C-X) column "justification": requirements: item 4 "oops" is not kind:reference`,
				`soa: statement CSV row 2 (line 2, control C-X) column "justification": risks: item 1 is empty`,
				`soa: statement CSV row 2 (line 2, control C-X) column "justification": risks: item 2 is empty`,
				`soa: statement CSV row 2 (line 2, control C-X) column "justification": key actions has no value`,
				`soa: statement CSV row 2 (line 2, control C-X) column "justification": key note appears more than once`,
				`soa: statement CSV row 2 (line 2, control C-X) column "justification": part 6 "x" has no key=value form`,
			}},
		{"bad dates", Edition2022, "control,title,included,justification,status,owner,reference,last reviewed\n" +
			"A.5.1,t,yes,risks=R-1,,,,31/12/2024\n", []string{
			`soa: statement CSV row 2 (line 2, control 5.1) column "last reviewed": "31/12/2024" is neither a date such as 2025-03-31 nor an RFC 3339 instant`,
		}},
		{"syntax error stops reading", Edition2022, header +
			"5.4,t,maybe,,,,\n" +
			"5.5,\"unterminated,yes,,,,\n", []string{
			`soa: statement CSV row 2 (line 2, control 5.4) column "included": "maybe" is not yes, no or undecided`,
			`soa: statement CSV row 3 (line 3): parse error on line 3, column 27: extraneous or missing " in quoted-field`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := ReadCSV(strings.NewReader(tt.in), tt.edition)
			if err == nil {
				t.Fatalf("ReadCSV succeeded: %+v", st)
			}
			if len(st.Entries) != 0 {
				t.Errorf("ReadCSV returned %d entries with the error", len(st.Entries))
			}
			if diff := cmp.Diff(tt.want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if tt.edition.Valid() && !errors.Is(err, ErrInvalidCSV) {
				t.Errorf("error does not match ErrInvalidCSV")
			}
			var ce *CSVError
			if tt.edition.Valid() && !errors.As(err, &ce) {
				t.Errorf("error is not a *CSVError")
			}
		})
	}
}

func TestJustificationFormat(t *testing.T) {
	tests := []struct {
		j    Justification
		want string
	}{
		{Justification{}, ""},
		{Justification{Risks: []string{"R-1", "R-2"}, Actions: []string{"A-1"}}, "risks=R-1,R-2; actions=A-1"},
		{Justification{Requirements: []Requirement{{Legal, "GDPR: Art. 32, (1)"}}}, `requirements=legal:GDPR: Art. 32\, (1)`},
		{Justification{Exclusion: Obviated, ObviatedBy: "C-MDM"}, "exclusion=obviated; obviatedBy=C-MDM"},
		{Justification{Note: `a;b,c\d=e`}, `note=a\;b,c\\d=e`},
		{Justification{Risks: []string{" R-1 ", "x,y"}}, `risks=\ R-1\ ,x\,y`},
		{Justification{Note: " "}, `note=\ `},
		{Justification{Note: "\n two \n"}, "note=\\\n two \\\n"},
	}
	for _, tt := range tests {
		got := FormatJustification(tt.j)
		if got != tt.want {
			t.Errorf("FormatJustification(%+v) = %q, want %q", tt.j, got, tt.want)
		}
		back, err := ParseJustification(got)
		if err != nil {
			t.Errorf("ParseJustification(%q): %v", got, err)
		}
		if diff := cmp.Diff(tt.j, back, cmpOpts); diff != "" {
			t.Errorf("round trip of %q (-want +got):\n%s", got, diff)
		}
	}
	// The reader is lenient about case, spacing, order and empty parts.
	j, err := ParseJustification("  NOTE = hello ;; Risks = R-2 , R-1 ;")
	if err != nil || j.Note != "hello" || !cmp.Equal(j.Risks, []string{"R-2", "R-1"}) {
		t.Errorf("lenient parse = %+v, %v", j, err)
	}
}

// TestCSVRoundTripProperty: export then import gives the statement back,
// for every statement ValidateForExport accepts.
func TestCSVRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		edition := rapid.SampledFrom([]Edition{Edition2022, Edition2013}).Draw(t, "edition")
		st := statementGen(edition, false).Draw(t, "statement")
		st.ID, st.Custom = "", nil // not carried by the CSV
		var b bytes.Buffer
		if err := WriteCSV(&b, st); err != nil {
			t.Fatalf("WriteCSV: %v", err)
		}
		back, err := ReadCSV(&b, edition)
		if err != nil {
			t.Fatalf("ReadCSV: %v\n%s", err, b.String())
		}
		if diff := cmp.Diff(st, back, cmpOpts); diff != "" {
			t.Fatalf("round trip (-want +got):\n%s", diff)
		}
	})
}

// TestJustificationRoundTripProperty: the text form reads back exactly.
func TestJustificationRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		j := justificationGen().Draw(t, "j")
		j.Note = rapid.String().Draw(t, "note") // any text, carriage returns included
		s := FormatJustification(j)
		back, err := ParseJustification(s)
		if err != nil {
			t.Fatalf("ParseJustification(%q): %v", s, err)
		}
		if diff := cmp.Diff(j, back, cmpOpts); diff != "" {
			t.Fatalf("round trip of %q (-want +got):\n%s", s, diff)
		}
	})
}

// FuzzReadCSV: ReadCSV never panics, and whatever it accepts exports and
// reads back to the same statement.
func FuzzReadCSV(f *testing.F) {
	var b bytes.Buffer
	if err := WriteCSV(&b, goldenStatement()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.String())
	f.Add("control,title,included,justification,status,owner,reference\n5.1,t,yes,risks=R-1\\,x; note=\\;,implemented,,\n")
	f.Add("control,title,included,justification,status,owner,reference\n,,,,,,\n\"a\nb\",\"\r\n\",no,,,,\n")
	f.Add("included,control\n")
	f.Add("control,title,included,inclusion justification,exclusion justification,status,owner,reference\n5.1,t,yes,note=a,note=b,,,\nA.5.10,t,no,,exclusion=obviated,,,\n8.3,,,,,,,\n")
	f.Add("control,title,included,justification,inclusion justification,status,owner,reference\n")
	f.Add("\"")
	f.Fuzz(func(t *testing.T, in string) {
		for _, edition := range []Edition{Edition2022, Edition2013} {
			st, err := ReadCSV(strings.NewReader(in), edition)
			if err != nil {
				continue
			}
			var out bytes.Buffer
			if err := WriteCSV(&out, st); err != nil {
				t.Fatalf("WriteCSV of an imported statement: %v", err)
			}
			back, err := ReadCSV(bytes.NewReader(out.Bytes()), edition)
			if err != nil {
				t.Fatalf("re-import: %v\n%q", err, out.String())
			}
			if diff := cmp.Diff(st, back, cmpOpts); diff != "" {
				t.Fatalf("export and re-import changed the statement (-first +second):\n%s", diff)
			}
		}
	})
}

// spreadsheet does to a CSV what a spreadsheet program does when it opens
// the file and saves it again: every cell that reads as a number is
// stored as one, and saved in its shortest form ("5.10" becomes "5.1").
func spreadsheet(t *testing.T, in []byte) []byte {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(in)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		for i, c := range rec {
			if f, err := strconv.ParseFloat(c, 64); err == nil {
				rec[i] = strconv.FormatFloat(f, 'f', -1, 64)
			}
		}
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// allControls2022 is a statement with every 2022 control, 5.10 and 8.10
// among them.
func allControls2022() Statement {
	st := Statement{Edition: Edition2022}
	for i, c := range Catalog2022().Controls() {
		e := Entry{ControlID: c.ID, Title: c.Title, Decision: Included, Justification: Justification{Risks: []string{"R-1"}}}
		if i%3 == 0 {
			e.Decision, e.Justification = Excluded, Justification{Exclusion: NotNeeded, Note: "no such activity"}
		}
		st.Entries = append(st.Entries, e)
	}
	return st
}

// IDs written by WriteCSV survive a spreadsheet round trip; the older
// bare form does not, and ReadCSV refuses it rather than read 5.10 as 5.1.
func TestCSVSpreadsheetRoundTrip(t *testing.T) {
	st := allControls2022()
	var b bytes.Buffer
	if err := WriteCSV(&b, st); err != nil {
		t.Fatal(err)
	}
	back, err := ReadCSV(bytes.NewReader(spreadsheet(t, b.Bytes())), Edition2022)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(st, back, cmpOpts); diff != "" {
		t.Errorf("through a spreadsheet (-want +got):\n%s", diff)
	}

	// The older form: bare IDs, one justification column.
	var old bytes.Buffer
	w := csv.NewWriter(&old)
	_ = w.Write([]string{"control", "title", "included", "justification", "status", "owner", "reference"})
	for _, e := range st.Entries {
		_ = w.Write([]string{e.ControlID, e.Title, includedCell(e.Decision), FormatJustification(e.Justification), "", "", ""})
	}
	w.Flush()
	_, err = ReadCSV(bytes.NewReader(spreadsheet(t, old.Bytes())), Edition2022)
	var got []string
	for _, e := range unjoin(err) {
		var ce *CSVError
		if !errors.As(e, &ce) || ce.Column != ColumnControl {
			t.Errorf("unexpected problem %v", e)
			continue
		}
		got = append(got, fmt.Sprintf("row %d: %s", ce.Row, ce.Control))
	}
	// Rows: header 1, then 5.1 at row 2. The bare 5.1, 5.2, 5.3, 7.1, 8.1,
	// 8.2, 8.3 are refused, and so are 5.10, 5.20, 5.30, 7.10, 8.10,
	// 8.20, 8.30, which came out of the spreadsheet as those same IDs.
	want := []string{"row 2: 5.1", "row 3: 5.2", "row 4: 5.3",
		"row 11: 5.1", "row 21: 5.2", "row 31: 5.3",
		"row 47: 7.1", "row 56: 7.1", // 6.1 to 6.8 sit at rows 39 to 46
		"row 61: 8.1", "row 62: 8.2", "row 63: 8.3",
		"row 70: 8.1", "row 80: 8.2", "row 90: 8.3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ambiguous IDs reported (-want +got):\n%s", diff)
	}
}

func TestReadCSVControlIDs(t *testing.T) {
	const header = "control,title,included,inclusion justification,exclusion justification,status,owner,reference\n"
	in := header + "A.5.1,,yes,,,,,\n5.10,,yes,,,,,\n5.4,,yes,,,,,\nA.8.10,,yes,,,,,\n6.1,,yes,,,,,\nC-X,,yes,,,,,\n"
	st, err := ReadCSV(strings.NewReader(in), Edition2022)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range st.Entries {
		ids = append(ids, e.ControlID)
	}
	// 6.1 is unambiguous: 2022 has no 6.10.
	if diff := cmp.Diff([]string{"5.1", "5.10", "5.4", "8.10", "6.1", "C-X"}, ids); diff != "" {
		t.Errorf("IDs (-want +got):\n%s", diff)
	}
	_, err = ReadCSV(strings.NewReader(header+"5.1,,yes,,,,,\n7.1,,yes,,,,,\n"), Edition2022)
	want := []string{
		`soa: statement CSV row 2 (line 2, control 5.1) column "control": "5.1" is ambiguous: a spreadsheet turns 5.10 into 5.1; write A.5.1 or A.5.10`,
		`soa: statement CSV row 3 (line 3, control 7.1) column "control": "7.1" is ambiguous: a spreadsheet turns 7.10 into 7.1; write A.7.1 or A.7.10`,
	}
	if err == nil {
		t.Fatal("no error")
	}
	if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	// 2013 IDs read in the catalog's spelling too.
	st, err = ReadCSV(strings.NewReader(header+"5.1.1,,yes,,,,,\nA.18.1.1,,yes,,,,,\n"), Edition2013)
	if err != nil {
		t.Fatal(err)
	}
	if st.Entries[0].ControlID != "A.5.1.1" || st.Entries[1].ControlID != "A.18.1.1" {
		t.Errorf("2013 IDs: %q %q", st.Entries[0].ControlID, st.Entries[1].ControlID)
	}
}

func TestReadCSVJustificationColumns(t *testing.T) {
	st, err := ReadCSV(strings.NewReader("control,title,included,exclusion justification,inclusion justification,status,owner,reference\n"+
		"A.5.4,,no,exclusion=obviated; obviatedBy=C-X; note=covered,risks=R-1,,,\n"), Edition2022)
	if err != nil {
		t.Fatal(err)
	}
	want := Justification{Risks: []string{"R-1"}, Exclusion: Obviated, ObviatedBy: "C-X", Note: "covered"}
	if diff := cmp.Diff(want, st.Entries[0].Justification, cmpOpts); diff != "" {
		t.Errorf("merged justification (-want +got):\n%s", diff)
	}
	for _, c := range []struct{ name, in, want string }{
		{"both forms", "control,title,included,justification,inclusion justification,exclusion justification,status,owner,reference\n",
			`soa: statement CSV row 1 (line 1): column "justification" is given together with "inclusion justification" and "exclusion justification": give the single column or the two`},
		{"one of the two", "control,title,included,inclusion justification,status,owner,reference\n",
			`soa: statement CSV row 1 (line 1): column "exclusion justification" is missing`},
		{"a field twice", "control,title,included,inclusion justification,exclusion justification,status,owner,reference\n" +
			"A.5.4,,no,note=a; risks=R-1,note=b; risks=R-2; exclusion=not-needed,,,\n",
			"soa: statement CSV row 2 (line 2, control 5.4) column \"exclusion justification\": risks is also given in column \"inclusion justification\": give it once\n" +
				"soa: statement CSV row 2 (line 2, control 5.4) column \"exclusion justification\": note is also given in column \"inclusion justification\": give it once"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadCSV(strings.NewReader(c.in), Edition2022)
			if err == nil || err.Error() != c.want {
				t.Errorf("got %v\nwant %s", err, c.want)
			}
		})
	}
}
