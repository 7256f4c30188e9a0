package rules

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in   string
		want Period
		ok   bool
	}{
		{"P12M", Period{Months: 12}, true},
		{"P90D", Period{Days: 90}, true},
		{"P1Y6M", Period{Years: 1, Months: 6}, true},
		{"P2W", Period{Days: 14}, true},
		{"P1Y2M3W4D", Period{Years: 1, Months: 2, Days: 25}, true},
		{"P0D", Period{}, true},
		{"P", Period{}, false},
		{"12M", Period{}, false},
		{"P1M1Y", Period{}, false},
		{"P1M1M", Period{}, false},
		{"P-1D", Period{}, false},
		{"P1H", Period{}, false},
		{"P1", Period{}, false},
		{"P9999999D", Period{}, false},
		{"PT1H", Period{}, false},
	}
	for _, tc := range tests {
		got, err := ParsePeriod(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParsePeriod(%q) error %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ParsePeriod(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestPeriodAddTo(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 9, 30, 0, 0, time.UTC) }
	tests := []struct {
		p    string
		from time.Time
		want time.Time
	}{
		{"P1M", d(2026, 1, 31), d(2026, 2, 28)},
		{"P1M", d(2024, 1, 31), d(2024, 2, 29)},
		{"P12M", d(2024, 2, 29), d(2025, 2, 28)},
		{"P1Y", d(2026, 3, 15), d(2027, 3, 15)},
		{"P90D", d(2026, 1, 1), d(2026, 4, 1)},
		{"P1M1D", d(2026, 1, 31), d(2026, 3, 1)},
		{"P25M", d(2026, 12, 1), d(2029, 1, 1)},
	}
	for _, tc := range tests {
		if got := MustParsePeriod(tc.p).AddTo(tc.from); !got.Equal(tc.want) {
			t.Errorf("%s after %s = %s, want %s", tc.p, tc.from, got, tc.want)
		}
	}
}

func TestPeriodJSON(t *testing.T) {
	var v struct {
		A, B Period
	}
	if err := json.Unmarshal([]byte(`{"A":"P1Y2M","B":30}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != (Period{Years: 1, Months: 2}) || v.B != Days(30) {
		t.Errorf("decoded %+v", v)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"A":"P1Y2M","B":"P30D"}` {
		t.Errorf("encoded %s", b)
	}
	for _, bad := range []string{`{"A":-3}`, `{"A":"x"}`, `{"A":1.5}`, `{"A":null}`} {
		var w struct{ A Period }
		if err := json.Unmarshal([]byte(bad), &w); err == nil && bad != `{"A":null}` {
			t.Errorf("%s decoded without error", bad)
		}
	}
}

// FuzzPeriod: parsing never panics, and what parses formats to a string
// that parses back to the same value.
func FuzzPeriod(f *testing.F) {
	for _, s := range []string{"P12M", "P90D", "P1Y2M3W4D", "P0D", "P", "P1M1Y", "P99999Y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod(s)
		if err != nil {
			return
		}
		q, err := ParsePeriod(p.String())
		if err != nil || q != p {
			t.Fatalf("%q → %v → %q → %v, %v", s, p, p.String(), q, err)
		}
		_ = p.AddTo(time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC))
	})
}

// TestPeriodLength: long inputs are refused before they are read.
func TestPeriodLength(t *testing.T) {
	for _, s := range []string{"P" + strings.Repeat("1", 1<<20) + "D", strings.Repeat("P1D", 1000)} {
		if _, err := ParsePeriod(s); err == nil || !strings.Contains(err.Error(), "longest accepted") {
			t.Errorf("ParsePeriod(%d characters) = %v", len(s), err)
		}
	}
	var p Period
	if err := json.Unmarshal([]byte(strings.Repeat("9", 1<<20)), &p); !errors.Is(err, ErrLimit) {
		t.Errorf("a million-digit period in JSON: %v", err)
	}
	if err := json.Unmarshal([]byte(`"P`+strings.Repeat("1", 1<<20)+`D"`), &p); err == nil {
		t.Error("a million-character period string in JSON decoded")
	}
}
