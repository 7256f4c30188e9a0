// Command ismscheck checks an ISMS snapshot, a System in JSON, as of a
// date and writes the report.
//
//	ismscheck [-asof 2006-01-02] [-format text|json] [-svg prefix] [file.json]
//
// It reads the file named, or standard input when there is none or the
// name is "-". The report goes to standard output; with -svg the heat map
// (inherent beside residual) is written to prefix + "heatmap.svg".
//
// Exit status: 0 when no major nonconformity was found, 1 when one was,
// 2 when the input is invalid (every problem is listed on standard error)
// or the command is used wrongly, 3 on any other failure.
//
//	go run ./examples/ismscheck examples/ismscheck/testdata/sample.json
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/isms-go/iso27003/examples/internal/show"
	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
)

// Exit statuses.
const (
	exitOK      = 0
	exitMajor   = 1
	exitInvalid = 2
	exitFailure = 3
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr, time.Now))
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, now func() time.Time) int {
	fs := flag.NewFlagSet("ismscheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asOfFlag := fs.String("asof", "", "check as of this date, YYYY-MM-DD (default today, UTC)")
	format := fs.String("format", "text", "report format: text or json")
	svg := fs.String("svg", "", "write the heat map to `prefix`heatmap.svg")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ismscheck [-asof date] [-format text|json] [-svg prefix] [file.json]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitInvalid
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return exitInvalid
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "ismscheck: unknown format %q (want text or json)\n", *format)
		return exitInvalid
	}
	asOf := now().UTC().Truncate(24 * time.Hour)
	if *asOfFlag != "" {
		t, err := time.Parse(time.DateOnly, *asOfFlag)
		if err != nil {
			fmt.Fprintf(stderr, "ismscheck: -asof: %v\n", err)
			return exitInvalid
		}
		asOf = t
	}

	name, data, err := readInput(fs.Arg(0), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "ismscheck: %v\n", err)
		return exitInvalid
	}
	sys, err := isms.DecodeJSON(data)
	if err != nil {
		fmt.Fprintf(stderr, "ismscheck: %s: %v\n", name, err)
		return exitInvalid
	}
	if err := sys.Validate(); err != nil {
		listErrors(stderr, name, "", err)
		return exitInvalid
	}
	// The criteria and the register must also make sense to the risk
	// engine; their problems are input problems too.
	engine, err := risk.Compile(sys.Criteria)
	if err != nil {
		listErrors(stderr, name, "criteria.", err)
		return exitInvalid
	}
	if err := engine.ValidateRegister(sys.Register); err != nil {
		listErrors(stderr, name, "register.", err)
		return exitInvalid
	}

	res, err := show.Analyse(ctx, sys, asOf)
	if err != nil {
		fmt.Fprintf(stderr, "ismscheck: %s: %v\n", name, err)
		return exitFailure
	}
	if *svg != "" {
		var buf bytes.Buffer
		if err := res.WriteSVG(&buf); err != nil {
			fmt.Fprintf(stderr, "ismscheck: heat map: %v\n", err)
			return exitFailure
		}
		if err := os.WriteFile(*svg+"heatmap.svg", buf.Bytes(), 0o644); err != nil {
			fmt.Fprintf(stderr, "ismscheck: %v\n", err)
			return exitFailure
		}
	}
	switch *format {
	case "json":
		out, err := json.MarshalIndent(res.Report, "", "  ")
		if err != nil {
			fmt.Fprintf(stderr, "ismscheck: %v\n", err)
			return exitFailure
		}
		stdout.Write(append(out, '\n'))
	default:
		if err := res.WriteText(stdout); err != nil {
			fmt.Fprintf(stderr, "ismscheck: %v\n", err)
			return exitFailure
		}
	}
	if res.HasMajor() {
		return exitMajor
	}
	return exitOK
}

func readInput(name string, stdin io.Reader) (string, []byte, error) {
	if name == "" || name == "-" {
		data, err := io.ReadAll(stdin)
		return "stdin", data, err
	}
	data, err := os.ReadFile(name)
	return name, data, err
}

// listErrors writes every problem of a (possibly joined and wrapped)
// error on its own line, field paths prefixed with prefix.
func listErrors(w io.Writer, name, prefix string, err error) {
	var lines []string
	var walk func(error)
	walk = func(e error) {
		switch fe := e.(type) {
		case *isms.FieldError:
			lines = append(lines, prefix+fe.Path+": "+fe.Message)
			return
		case *risk.FieldError:
			lines = append(lines, prefix+fe.Error())
			return
		case *rules.CompileError:
			lines = append(lines, fmt.Sprintf("%s%s: line %d, column %d: %s", prefix, fe.Field, fe.Line, fe.Column, fe.Message))
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			if x := u.Unwrap(); x != nil {
				walk(x)
			} else {
				lines = append(lines, e.Error())
			}
		default:
			lines = append(lines, e.Error())
		}
	}
	walk(err)
	fmt.Fprintf(w, "ismscheck: %s is not a valid system (%d problems):\n", name, len(lines))
	for _, l := range lines {
		fmt.Fprintf(w, "  %s\n", l)
	}
}
