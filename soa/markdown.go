package soa

import (
	"fmt"
	"io"
	"strings"
)

// markdownColumns are the columns of the Markdown table: the statement's
// table as the standard's readers expect it.
var markdownColumns = []string{"Control", "Title", "Included", "Justification", "Status", "Owner", "Reference"}

// WriteMarkdown writes the statement's entries to w as a GitHub-flavoured
// Markdown table with the columns control, title, included,
// justification, status, owner and reference, one row per entry in the
// statement's order. Cells hold the same text as the CSV export of
// [WriteCSV] (the justification in the form of [FormatJustification]),
// with "|" escaped as "\|", "<" and ">" as "&lt;" and "&gt;", and line
// breaks written as "<br>". The table is
// for reading: implementation text and review dates are left out, and no
// value is validated.
func WriteMarkdown(w io.Writer, st Statement) error {
	var b strings.Builder
	b.WriteString("| " + strings.Join(markdownColumns, " | ") + " |\n")
	b.WriteString("|" + strings.Repeat(" --- |", len(markdownColumns)) + "\n")
	for _, e := range st.Entries {
		cells := []string{e.ControlID, e.Title, includedCell(e.Decision), FormatJustification(e.Justification),
			string(e.Status), e.Owner, e.Reference}
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + markdownCell(c) + " |")
		}
		b.WriteByte('\n')
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("soa: writing Markdown: %w", err)
	}
	return nil
}

// markdownEscaper keeps cell text inside its cell and out of HTML: pipes
// are escaped, line breaks become <br>, and angle brackets become entities
// so that text from the statement cannot inject markup into a rendered
// page.
var markdownEscaper = strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;", "\r\n", "<br>", "\n", "<br>", "\r", "<br>")

func markdownCell(s string) string {
	return strings.TrimSpace(markdownEscaper.Replace(s))
}
