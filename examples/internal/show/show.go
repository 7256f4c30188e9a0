// Package show analyses an ISMS snapshot and renders the results as text,
// for the example programs. It is not part of the library's API.
package show

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
	"github.com/isms-go/iso27003/soa"
)

// Width is the terminal width the text output fits.
const Width = 80

// Result is everything the examples show about one system. Analyse
// fills it in; a program can also build it from its own calls.
type Result struct {
	Organization string           `json:"organization"`
	AsOf         time.Time        `json:"asOf"`
	Assessment   *risk.Assessment `json:"assessment"`
	HeatMap      risk.HeatMap     `json:"heatMap"`
	Plan         risk.Plan        `json:"plan"`
	SoA          soa.Summary      `json:"soa"`
	Findings     []rules.Finding  `json:"findings"`
	// Report is the report of isms.Check.
	Report *isms.Report `json:"-"`
}

// Analyse compiles the system's criteria, assesses its register, draws
// the heat map and the treatment plan, summarizes the SoA and collects
// findings, all as of asOf.
func Analyse(ctx context.Context, sys *isms.System, asOf time.Time) (*Result, error) {
	eng, err := risk.Compile(sys.Criteria)
	if err != nil {
		return nil, fmt.Errorf("compile criteria: %w", err)
	}
	a, err := eng.Assess(ctx, sys.Register, asOf)
	if err != nil {
		return nil, fmt.Errorf("assess register: %w", err)
	}
	hm, err := eng.HeatMap(a)
	if err != nil {
		return nil, fmt.Errorf("heat map: %w", err)
	}
	fs, rep, err := findings(ctx, sys, asOf)
	if err != nil {
		return nil, err
	}
	r := &Result{
		Organization: sys.Organization,
		AsOf:         asOf,
		Assessment:   a,
		HeatMap:      hm,
		Plan:         eng.Plan(sys.Register, a, asOf),
		SoA:          soa.Summarize(sys.SoA, nil),
		Findings:     fs,
		Report:       rep,
	}
	return r, nil
}

// Count returns the number of findings of severity s.
func (r *Result) Count(s rules.Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// HasMajor reports whether a major nonconformity was found.
func (r *Result) HasMajor() bool {
	return slices.ContainsFunc(r.Findings, func(f rules.Finding) bool { return f.Severity == rules.Major })
}

// WriteText writes every section.
func (r *Result) WriteText(w io.Writer) error {
	for _, f := range []func(io.Writer) error{r.WriteRisks, r.WriteHeatMap, r.WriteSoA, r.WriteOverdue, r.WriteFindings} {
		if err := f(w); err != nil {
			return err
		}
		if _, err := io.WriteString(w, "\n"); err != nil {
			return err
		}
	}
	return nil
}

func heading(w io.Writer, title string) {
	fmt.Fprintf(w, "%s\n%s\n", title, strings.Repeat("=", len(title)))
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "~"
}

// WriteRisks writes the register in treatment-priority order.
func (r *Result) WriteRisks(w io.Writer) error {
	a := r.Assessment
	heading(w, fmt.Sprintf("Risks of %s as of %s (%s %s)", r.Organization, r.AsOf.Format(time.DateOnly), a.CriteriaID, a.CriteriaVersion))
	fmt.Fprintf(w, "%-5s %-14s %-14s %-6s %s\n", "ID", "INHERENT", "RESIDUAL", "OWNER", "TITLE")
	for _, res := range a.Results {
		inh, rsd := "-", "-"
		if res.Inherent != nil {
			inh = eval(res.Inherent)
		}
		if res.Residual != nil {
			rsd = eval(res.Residual)
			if res.ResidualFromInherent {
				rsd = "(same)"
			}
		}
		if res.Status != risk.Assessed {
			inh = string(res.Status)
		}
		owner := strings.TrimPrefix(res.Owner, "P-")
		fmt.Fprintf(w, "%-5s %-14s %-14s %-6s %s\n", res.ID, inh, rsd, owner, clip(res.Title, Width-43))
	}
	s := a.Summary
	fmt.Fprintf(w, "\n%d risks: %d assessed, %d not analysed, %d failed; %d not acceptable\nbefore treatment, %d after. Marked \"!\": outside the acceptance criteria.\n",
		s.Risks, s.Assessed, s.NotAnalysed, s.Failed, s.Unacceptable, s.ResidualUnacceptable)
	fmt.Fprintf(w, "Criteria fingerprint:\n  %s\n", a.Fingerprint)
	return nil
}

func eval(e *risk.Evaluation) string {
	mark := " "
	if !e.Acceptable {
		mark = "!"
	}
	return fmt.Sprintf("%-8s %2s %s", e.Level, e.Score.String(), mark)
}

// WriteHeatMap writes the inherent and the residual heat map.
func (r *Result) WriteHeatMap(w io.Writer) error {
	heading(w, "Heat map: inherent and residual risk")
	return r.HeatMap.WriteText(w)
}

// WriteSVG writes the heat map as SVG.
func (r *Result) WriteSVG(w io.Writer) error { return r.HeatMap.WriteSVG(w) }

// WriteSoA writes the Statement of Applicability summary.
func (r *Result) WriteSoA(w io.Writer) error {
	s := r.SoA
	heading(w, fmt.Sprintf("Statement of Applicability (Annex A %s)", s.Edition))
	fmt.Fprintf(w, "%d entries, %d controls missing.", s.Entries, s.Missing)
	for _, t := range s.ByDecision {
		fmt.Fprintf(w, " %s %d", t.Key, t.Count)
		if t.Key != string(soa.Undecided) {
			fmt.Fprint(w, ",")
		} else {
			fmt.Fprint(w, ".")
		}
	}
	fmt.Fprintf(w, "\nIncluded controls implemented: %d of %d (%s%%).\n", s.Implemented, s.Included, s.ImplementedShare.Shift(2).StringFixed(1))
	fmt.Fprint(w, "By status:")
	for i, t := range s.ByStatus {
		if i > 0 {
			fmt.Fprint(w, ",")
		}
		fmt.Fprintf(w, " %s %d", t.Key, t.Count)
	}
	fmt.Fprintf(w, "\n\n%-15s %8s %8s %8s %9s %11s\n", "THEME", "CONTROLS", "INCLUDED", "EXCLUDED", "UNDECIDED", "IMPLEMENTED")
	for _, g := range s.ByGroup {
		fmt.Fprintf(w, "%-15s %8d %8d %8d %9d %11d\n", clip(g.Title, 15), g.Controls, g.Included, g.Excluded, g.Undecided, g.Implemented)
	}
	return nil
}

// WriteOverdue writes the overdue treatment actions.
func (r *Result) WriteOverdue(w io.Writer) error {
	heading(w, fmt.Sprintf("Overdue treatment actions (%d)", len(r.Plan.Overdue)))
	for _, o := range r.Plan.Overdue {
		fmt.Fprintf(w, "%-5s %-5s %s %4dd %-6s %s\n", o.RiskID, o.ActionID, o.Due.Format(time.DateOnly), o.DaysOverdue,
			strings.TrimPrefix(o.Owner, "P-"), clip(o.Description, Width-36))
	}
	if len(r.Plan.Untreated) > 0 {
		fmt.Fprintf(w, "Unacceptable and untreated: %s\n", strings.Join(r.Plan.Untreated, ", "))
	}
	return nil
}

// WriteFindings writes the findings grouped by clause.
func (r *Result) WriteFindings(w io.Writer) error {
	heading(w, fmt.Sprintf("Findings by clause (%s)", FindingsSource))
	if len(r.Findings) == 0 {
		fmt.Fprintln(w, "No findings.")
		return nil
	}
	var parts []string
	for _, s := range rules.Severities() {
		if n := r.Count(s); n > 0 {
			parts = append(parts, fmt.Sprintf("%s: %d", s.Title(), n))
		}
	}
	fmt.Fprintln(w, strings.Join(parts, "; "))
	clause := "\x00"
	for _, f := range r.Findings {
		if f.Clause != clause {
			clause = f.Clause
			fmt.Fprintf(w, "\n%s\n", clauseTitle(clause))
		}
		subject := f.Subject.String()
		if subject == "" {
			subject = "ISMS"
		}
		head := fmt.Sprintf("  %-5s %s: ", severityTag(f.Severity), subject)
		wrap(w, head, f.Message, Width)
	}
	return nil
}

func clauseTitle(c string) string {
	if c == "" {
		return "(no clause)"
	}
	return "Clause " + c
}

func severityTag(s rules.Severity) string {
	switch s {
	case rules.Major:
		return "MAJOR"
	case rules.Minor:
		return "minor"
	case rules.Observation:
		return "obs"
	case rules.Opportunity:
		return "OFI"
	}
	return s.String()
}

// wrap writes head then text, wrapped to width, continuation lines
// indented to the text's start (or 8 columns when the head is long).
func wrap(w io.Writer, head, text string, width int) {
	indent := 8
	line := head
	for _, word := range strings.Fields(text) {
		if len(line)+len(word) > width && strings.TrimSpace(line) != "" && len(line) > indent {
			fmt.Fprintln(w, strings.TrimRight(line, " "))
			line = strings.Repeat(" ", indent)
		}
		line += word + " "
	}
	fmt.Fprintln(w, strings.TrimRight(line, " "))
}
