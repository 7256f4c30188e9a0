package main

import (
	"fmt"
	"html/template"
	"regexp"
	"strconv"
	"strings"

	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
	"github.com/isms-go/iso27003/soa"
	"github.com/shopspring/decimal"
)

// The helpers below turn the library's data forms (P12M, 0.8167,
// risks=R-1; exclusion=obviated) into what a reader of the report
// expects. They are deterministic, as the library's renderers are.

// percent writes a fraction as a percentage with two decimals, computed
// exactly: 0.81666 is "81.67 %".
func percent(d decimal.Decimal) string {
	return d.Shift(2).StringFixed(2) + " %"
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// duration writes a period in words: "12 months", "1 year and 6 months",
// "90 days".
func duration(p rules.Period) string {
	var parts []string
	if p.Years > 0 {
		parts = append(parts, count(p.Years, "year", "years"))
	}
	if p.Months > 0 {
		parts = append(parts, count(p.Months, "month", "months"))
	}
	if p.Days > 0 {
		parts = append(parts, count(p.Days, "day", "days"))
	}
	switch len(parts) {
	case 0:
		return "no time"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// every writes a period as a cycle: "every 12 months".
func every(p rules.Period) string { return "every " + duration(p) }

// isoPeriod matches an ISO 8601 period of whole years, months, weeks and
// days as the rules' messages print them.
var isoPeriod = regexp.MustCompile(`\bP(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?\b`)

// humane rewrites the periods in a finding's message in words ("within
// P12M" becomes "within 12 months").
func humane(msg string) string {
	return isoPeriod.ReplaceAllStringFunc(msg, func(s string) string {
		if s == "P" {
			return s
		}
		p, err := rules.ParsePeriod(s)
		if err != nil {
			return s
		}
		return duration(p)
	})
}

// list joins items in prose: "a", "a and b", "a, b and c".
func list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

var requirementWords = map[soa.RequirementKind]string{
	soa.Legal: "the law", soa.Regulatory: "a regulation", soa.Contractual: "a contract", soa.Business: "a business requirement",
}

var exclusionWords = map[soa.ExclusionReason]string{
	soa.NotNeeded: "Not needed: no risk calls for it", soa.OutOfScope: "Outside the scope of the ISMS",
	soa.Obviated: "Made unnecessary by another control",
}

// justify writes a justification as sentences.
func justify(j soa.Justification) string {
	var out []string
	var why []string
	if len(j.Risks) > 0 {
		why = append(why, "it treats "+map[bool]string{true: "risk ", false: "risks "}[len(j.Risks) == 1]+list(j.Risks))
	}
	if len(j.Actions) > 0 {
		if len(j.Actions) == 1 {
			why = append(why, "treatment action "+j.Actions[0]+" relies on it")
		} else {
			why = append(why, "treatment actions "+list(j.Actions)+" rely on it")
		}
	}
	byKind := map[soa.RequirementKind][]string{}
	for _, r := range j.Requirements {
		byKind[r.Kind] = append(byKind[r.Kind], r.Reference)
	}
	for _, k := range soa.RequirementKinds() {
		if refs := byKind[k]; len(refs) > 0 {
			why = append(why, fmt.Sprintf("%s requires it (%s)", requirementWords[k], list(refs)))
		}
	}
	if len(why) > 0 {
		s := "Included because " + list(why) + "."
		out = append(out, s)
	}
	if j.Exclusion != "" {
		s, ok := exclusionWords[j.Exclusion]
		if !ok {
			s = "Excluded: " + string(j.Exclusion)
		}
		if j.ObviatedBy != "" {
			s += " (" + j.ObviatedBy + ")"
		}
		out = append(out, s+".")
	} else if j.ObviatedBy != "" {
		out = append(out, "Covered by "+j.ObviatedBy+".")
	}
	if n := strings.TrimSpace(j.Note); n != "" {
		if !strings.HasSuffix(n, ".") {
			n += "."
		}
		out = append(out, strings.ToUpper(n[:1])+n[1:])
	}
	return strings.Join(out, " ")
}

// badge draws a risk level as the heat map does: its tag and name on the
// level's fill, in the text colour that contrasts with it.
func badge(h risk.HeatMap, e *risk.Evaluation) template.HTML {
	st := risk.LevelStyle{Level: e.Level, Tag: "?", Fill: "#59636e", Text: "#ffffff"}
	for _, s := range h.Styles() {
		if s.Level == e.Level {
			st = s
		}
	}
	out := fmt.Sprintf(`<span class="lvl" style="background:%s;color:%s"><b>%s</b> %s</span>`,
		template.HTMLEscapeString(st.Fill), template.HTMLEscapeString(st.Text),
		template.HTMLEscapeString(st.Tag), template.HTMLEscapeString(e.Level))
	if !e.Acceptable {
		out += ` <span class="bad" title="outside the acceptance criteria">not acceptable</span>`
	}
	return template.HTML(out)
}

// offMap says in words which risks the heat map leaves out.
func offMap(h risk.HeatMap) string {
	var parts []string
	if h.NotAnalysed > 0 {
		parts = append(parts, count(h.NotAnalysed, "risk is not analysed", "risks are not analysed"))
	}
	if h.Failed > 0 {
		parts = append(parts, count(h.Failed, "risk could not be rated", "risks could not be rated"))
	}
	if n := h.OffGrid.Inherent + h.OffGrid.Residual; n > 0 {
		parts = append(parts, count(n, "rating lies off the scales", "ratings lie off the scales"))
	}
	if len(parts) == 0 {
		return "Every assessed risk is on the map."
	}
	return "Not on the map: " + list(parts) + "."
}
