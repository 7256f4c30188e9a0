// Command soamigration carries a Statement of Applicability written for
// the 2013 Annex A over to the 2022 edition. The 2013 statement is an
// embedded CSV export; the migration follows the lineage between the
// editions, and the report says what became of every entry, where
// entries disagreed, and which 2022 controls need a first decision.
//
//	go run ./examples/soamigration
package main

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/soa"
)

//go:embed soa2013.csv
var soa2013 []byte

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "soamigration:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	old, err := soa.ReadCSV(bytes.NewReader(soa2013), soa.Edition2013)
	if err != nil {
		return err
	}
	mdm, err := soa.NewCustomControl("C-MDM", "Mobile device management", "Every laptop is enrolled and policed by MDM.")
	if err != nil {
		return err
	}
	old.ID, old.Version = "SOA", "2025.1"
	old.Custom = []soa.Control{mdm}
	old.Approval = risk.Approval{By: "Maren Holt", Role: "CEO", On: time.Date(2025, 3, 12, 0, 0, 0, 0, time.UTC)}

	migrated, rep, err := soa.Migrate(old)
	if err != nil {
		return err
	}

	fmt.Fprintf(w, "Migrating SoA %s %s: %d entries (Annex A 2013)\n", old.ID, old.Version, len(old.Entries))
	fmt.Fprintf(w, "Previous approval by %s on %s;\nthe new statement starts unapproved.\n\n",
		rep.PreviousApproval.By, rep.PreviousApproval.On.Format(time.DateOnly))

	fmt.Fprintln(w, "What became of each 2013 entry:")
	for _, f := range rep.Entries {
		wrap(w, "  ", f.String())
	}

	fmt.Fprintf(w, "\nConflicts (%d): the 2022 entry is left for a person to decide\n", len(rep.Conflicts))
	for _, c := range rep.Conflicts {
		wrap(w, "  ", c.String())
	}

	fmt.Fprintf(w, "\nControls new in 2022 (%d), undecided:\n", len(rep.New))
	for _, id := range rep.New {
		e, _ := migrated.Entry(id)
		fmt.Fprintf(w, "  %-5s %s\n", id, e.Title)
	}
	fmt.Fprintf(w, "\n2022 controls whose predecessors had no entry: %d, undecided.\n", len(rep.Uncovered))

	fmt.Fprintln(w, "\nSample of migrated entries:")
	for _, id := range []string{"5.1", "5.15", "8.15", "8.1", "7.1", "C-MDM"} {
		e, ok := migrated.Entry(id)
		if !ok {
			continue
		}
		fmt.Fprintf(w, "  %-5s %-9s %-11s owner %q\n", e.ControlID, e.Decision, orDash(string(e.Status)), e.Owner)
		if j := soa.FormatJustification(e.Justification); j != "" {
			for _, line := range strings.Split(j, "\n") {
				wrap(w, "        ", line)
			}
		}
	}

	s := soa.Summarize(migrated, nil)
	fmt.Fprintf(w, "\nMigrated statement: %d entries;", s.Entries)
	for _, t := range s.ByDecision {
		fmt.Fprintf(w, " %s %d", t.Key, t.Count)
	}
	fmt.Fprintln(w, ".")
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// wrap writes head and text, wrapped at 80 columns with continuation
// lines indented two more than the head.
func wrap(w io.Writer, head, text string) {
	line := head
	indent := head + "    "
	for _, word := range strings.Fields(text) {
		if len(line)+len(word) > 80 && len(line) > len(indent) {
			fmt.Fprintln(w, strings.TrimRight(line, " "))
			line = indent
		}
		line += word + " "
	}
	fmt.Fprintln(w, strings.TrimRight(line, " "))
}
