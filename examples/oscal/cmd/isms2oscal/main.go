// Command isms2oscal checks an ISMS snapshot, a System in JSON, and
// writes the report as an OSCAL assessment-results document.
//
//	isms2oscal [-asof 2006-01-02] [-title text] [-plan href] [file.json]
//
// It reads the file named, or standard input when there is none or the
// name is "-", and writes indented OSCAL JSON to standard output. The
// output depends only on the input and the flags: with the same -asof it
// is byte-identical on every run.
//
// Exit status: 0 on success, 2 when the input is invalid (every problem
// is listed on standard error) or the command is used wrongly, 3 on any
// other failure.
//
//	cd examples/oscal && go run ./cmd/isms2oscal -asof 2026-11-23 ../sample/system.json
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/isms-go/iso27003/examples/oscal"
	"github.com/isms-go/iso27003/isms"
)

const (
	exitOK      = 0
	exitInvalid = 2
	exitFailure = 3
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr, time.Now))
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, now func() time.Time) int {
	fs := flag.NewFlagSet("isms2oscal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asOfFlag := fs.String("asof", "", "check as of this date, YYYY-MM-DD (default today, UTC)")
	title := fs.String("title", "", "the document title (default from the organization)")
	plan := fs.String("plan", "", "href of the OSCAL assessment plan (default: none, said in back-matter)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: isms2oscal [-asof date] [-title text] [-plan href] [file.json]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitInvalid
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return exitInvalid
	}
	var asOf time.Time
	if *asOfFlag == "" {
		asOf = now().UTC().Truncate(24 * time.Hour)
	} else {
		t, err := time.Parse(time.DateOnly, *asOfFlag)
		if err != nil {
			fmt.Fprintf(stderr, "isms2oscal: -asof: %v\n", err)
			return exitInvalid
		}
		asOf = t
	}

	var data []byte
	var err error
	if name := fs.Arg(0); name == "" || name == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		fmt.Fprintf(stderr, "isms2oscal: %v\n", err)
		return exitInvalid
	}
	sys, err := isms.DecodeJSON(data)
	if err != nil {
		fmt.Fprintf(stderr, "isms2oscal: %v\n", err)
		return exitInvalid
	}
	report, err := isms.Check(ctx, sys, asOf)
	if err != nil {
		fmt.Fprintf(stderr, "isms2oscal: %v\n", err)
		if errors.Is(err, isms.ErrInvalid) {
			return exitInvalid
		}
		return exitFailure
	}
	doc, err := oscal.Export(report, oscal.Options{Title: *title, AssessmentPlan: *plan})
	if err != nil {
		fmt.Fprintf(stderr, "isms2oscal: %v\n", err)
		return exitFailure
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		fmt.Fprintf(stderr, "isms2oscal: %v\n", err)
		return exitFailure
	}
	if _, err := stdout.Write(append(out, '\n')); err != nil {
		fmt.Fprintf(stderr, "isms2oscal: %v\n", err)
		return exitFailure
	}
	return exitOK
}
