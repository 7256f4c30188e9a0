package main

import (
	"bytes"
	"math"
	"regexp"
	"strconv"
	"testing"

	"github.com/isms-go/iso27003/examples/sample"
	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
	"github.com/isms-go/iso27003/soa"
	"github.com/shopspring/decimal"
)

func TestHumanForms(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{percent(decimal.RequireFromString("0.81666")), "81.67 %"},
		{percent(decimal.RequireFromString("0.9")), "90.00 %"},
		{percent(decimal.Zero), "0.00 %"},
		{every(rules.MustParsePeriod("P12M")), "every 12 months"},
		{duration(rules.MustParsePeriod("P1Y")), "1 year"},
		{duration(rules.MustParsePeriod("P1Y6M")), "1 year and 6 months"},
		{duration(rules.MustParsePeriod("P1Y2M3D")), "1 year, 2 months and 3 days"},
		{duration(rules.MustParsePeriod("P2W")), "14 days"},
		{duration(rules.Period{}), "no time"},
		{humane("not looked at again within P12M, nor P90D; PR-2 and P stay"), "not looked at again within 12 months, nor 90 days; PR-2 and P stay"},
		{justify(soa.Justification{}), ""},
		{offMap(risk.HeatMap{}), "Every assessed risk is on the map."},
		{offMap(risk.HeatMap{NotAnalysed: 1, Failed: 2, OffGrid: risk.GridCount{Inherent: 1}}), "Not on the map: 1 risk is not analysed, 2 risks could not be rated and 1 rating lies off the scales."},
		{justify(soa.Justification{Risks: []string{"R-1"}, Actions: []string{"A-1", "A-2"},
			Requirements: []soa.Requirement{{Kind: soa.Legal, Reference: "GDPR Art. 32"}, {Kind: soa.Contractual, Reference: "MSA-7"}, {Kind: soa.Legal, Reference: "NIS2"}}}),
			"Included because it treats risk R-1, treatment actions A-1 and A-2 rely on it, the law requires it (GDPR Art. 32 and NIS2) and a contract requires it (MSA-7)."},
		{justify(soa.Justification{Risks: []string{"R-1", "R-2", "R-3"}, Actions: []string{"A-9"}}),
			"Included because it treats risks R-1, R-2 and R-3 and treatment action A-9 relies on it."},
		{justify(soa.Justification{Exclusion: soa.Obviated, ObviatedBy: "C-MDM", Note: "devices are managed"}),
			"Made unnecessary by another control (C-MDM). Devices are managed."},
		{justify(soa.Justification{Exclusion: soa.OutOfScope}), "Outside the scope of the ISMS."},
	} {
		if c.got != c.want {
			t.Errorf("got %q\nwant %q", c.got, c.want)
		}
	}
}

func luminance(hex string) float64 {
	var l [3]float64
	for i := range l {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.04045 {
			l[i] = c / 12.92
		} else {
			l[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
}

// The HTML report shows no data-format values, and its level badges
// carry a letter and text that contrasts with their colour.
func TestReportIsHumanReadable(t *testing.T) {
	var buf bytes.Buffer
	if err := run(&buf, sample.JSON(), sample.AsOf); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`\bP\d+[YMWD]\b`),                                 // ISO periods
		regexp.MustCompile(`\b(risks|actions|requirements|exclusion|note)=`), // justification key=value
	} {
		if m := bad.FindAllString(html, 5); len(m) > 0 {
			t.Errorf("the report shows %q", m)
		}
	}
	badges := regexp.MustCompile(`<span class="lvl" style="background:(#[0-9a-f]{6});color:(#[0-9a-f]{6})"><b>([^<]+)</b> ([^<]+)</span>`).FindAllStringSubmatch(html, -1)
	if len(badges) < 20 {
		t.Fatalf("only %d level badges", len(badges))
	}
	tagOf := map[string]string{}
	for _, b := range badges {
		l1, l2 := luminance(b[1]), luminance(b[2])
		if r := (max(l1, l2) + 0.05) / (min(l1, l2) + 0.05); r < 4.5 {
			t.Errorf("badge %s: %s on %s has contrast %.2f", b[4], b[2], b[1], r)
		}
		if prev, ok := tagOf[b[4]]; ok && prev != b[3] {
			t.Errorf("level %s tagged %s and %s", b[4], prev, b[3])
		}
		tagOf[b[4]] = b[3]
	}
	levelOf := map[string]string{}
	for level, tag := range tagOf {
		if other, ok := levelOf[tag]; ok {
			t.Errorf("levels %s and %s share the tag %s", level, other, tag)
		}
		levelOf[tag] = level
	}
}
