package jsonschema_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// The patterns of the custom schemas agree with the parsers the decoder
// uses: a string the schema accepts decodes, and (for periods without
// weeks, for decimals as the library writes them) a string that decodes
// is accepted.

func TestPeriodPatternMatchesParser(t *testing.T) {
	re := regexp.MustCompile(periodPattern)
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringOfN(rapid.SampledFrom([]rune("P0123456789YMWD")), 0, 12, -1).Draw(t, "s")
		matches := re.MatchString(s) && len(s) >= 3
		var p rules.Period
		err := json.Unmarshal([]byte(`"`+s+`"`), &p)
		if matches && err != nil {
			t.Fatalf("the schema accepts %q, the decoder says %v", s, err)
		}
		if !matches && err == nil && !strings.Contains(s, "W") {
			t.Fatalf("the decoder accepts %q, the schema does not", s)
		}
	})
	// Canonical forms always match.
	rapid.Check(t, func(t *rapid.T) {
		p := rules.Period{
			Years:  rapid.IntRange(0, 100000).Draw(t, "y"),
			Months: rapid.IntRange(0, 100000).Draw(t, "m"),
			Days:   rapid.IntRange(0, 100000).Draw(t, "d"),
		}
		if s := p.String(); !re.MatchString(s) {
			t.Fatalf("the schema rejects the canonical period %q", s)
		}
	})
}

func TestDecimalPatternMatchesParser(t *testing.T) {
	re := regexp.MustCompile(decimalPattern)
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringOfN(rapid.SampledFrom([]rune("0123456789.-+eE")), 1, 12, -1).Draw(t, "s")
		var d decimal.Decimal
		err := json.Unmarshal([]byte(`"`+s+`"`), &d)
		if re.MatchString(s) && err != nil {
			t.Fatalf("the schema accepts %q, the decoder says %v", s, err)
		}
	})
	rapid.Check(t, func(t *rapid.T) {
		d := decimal.New(rapid.Int64().Draw(t, "v"), rapid.Int32Range(-20, 20).Draw(t, "exp"))
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatalf("decimal.Decimal no longer writes a string: %s", b)
		}
		if !re.MatchString(s) {
			t.Fatalf("the schema rejects %q, as the library writes it", s)
		}
	})
}
