// Command report writes a self-contained HTML report of an ISMS snapshot:
// findings grouped by clause, the heat map as inline SVG, the risks in
// treatment-priority order, overdue actions and the Statement of
// Applicability. It reads a System as JSON (a file argument, or the
// embedded sample when there is none) and writes the file -o names.
//
//	go run ./examples/report -o report.html
package main

import (
	"bytes"
	"context"
	_ "embed"
	"flag"
	"fmt"
	"html/template"
	"io"
	"os"
	"time"

	"github.com/isms-go/iso27003/examples/internal/show"
	"github.com/isms-go/iso27003/examples/sample"
	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
	"github.com/isms-go/iso27003/soa"
)

//go:embed report.html.tmpl
var reportTemplate string

func main() {
	out := flag.String("o", "report.html", "write the report to `file`")
	asOfFlag := flag.String("asof", "", "report as of this date, YYYY-MM-DD (default: the sample's date for the sample, else today)")
	flag.Parse()
	if err := main1(*out, *asOfFlag, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func main1(out, asOfFlag string, args []string) error {
	data, asOf := sample.JSON(), sample.AsOf
	if len(args) > 0 {
		var err error
		if data, err = os.ReadFile(args[0]); err != nil {
			return err
		}
		asOf = time.Now().UTC().Truncate(24 * time.Hour)
	}
	if asOfFlag != "" {
		t, err := time.Parse(time.DateOnly, asOfFlag)
		if err != nil {
			return fmt.Errorf("-asof: %w", err)
		}
		asOf = t
	}
	var buf bytes.Buffer
	if err := run(&buf, data, asOf); err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "report: wrote %s (%d bytes)\n", out, buf.Len())
	return nil
}

type clauseGroup struct {
	Clause   string
	Findings []rules.Finding
}

type severityCard struct {
	Key, Title string
	Count      int
}

type page struct {
	*show.Result
	HeatMapSVG template.HTML
	Clauses    []clauseGroup
	Severities []severityCard
	Entries    []soa.Entry
	Settings   isms.Settings
	people     map[string]string
}

// Person returns the name of a person ID, or the ID itself.
func (p *page) Person(id string) string {
	if n, ok := p.people[id]; ok {
		return n
	}
	return id
}

func run(w io.Writer, data []byte, asOf time.Time) error {
	sys, err := isms.DecodeJSON(data)
	if err != nil {
		return err
	}
	if err := sys.Validate(); err != nil {
		return err
	}
	res, err := show.Analyse(context.Background(), sys, asOf)
	if err != nil {
		return err
	}
	var svg bytes.Buffer
	if err := res.WriteSVG(&svg); err != nil {
		return err
	}
	p := &page{
		Result: res,
		// The SVG comes from the library's renderer, which escapes every
		// text it writes, so it can be inlined as it is.
		HeatMapSVG: template.HTML(svg.String()),
		Entries:    sys.SoA.Entries,
		Settings:   sys.Settings,
		people:     map[string]string{},
	}
	for _, person := range sys.People {
		p.people[person.ID] = person.Name
	}
	for _, f := range res.Findings {
		if n := len(p.Clauses); n == 0 || p.Clauses[n-1].Clause != f.Clause {
			p.Clauses = append(p.Clauses, clauseGroup{Clause: f.Clause})
		}
		g := &p.Clauses[len(p.Clauses)-1]
		g.Findings = append(g.Findings, f)
	}
	for _, s := range rules.Severities() {
		p.Severities = append(p.Severities, severityCard{Key: s.String(), Title: s.Title(), Count: res.Count(s)})
	}
	funcs := template.FuncMap{
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format(time.DateOnly)
		},
		"percent":       percent,
		"every":         every,
		"humane":        humane,
		"offMap":        offMap,
		"justification": justify,
		"subject": func(s rules.Subject) string {
			if s == (rules.Subject{}) {
				return "the ISMS"
			}
			return s.String()
		},
		"level": func(p *page, e *risk.Evaluation) template.HTML { return badge(p.HeatMap, e) },
	}
	t, err := template.New("report").Funcs(funcs).Parse(reportTemplate)
	if err != nil {
		return err
	}
	return t.Execute(w, p)
}
