package risk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
)

// FuzzCriteriaJSON decodes criteria documents and validates, compiles
// and uses them: whatever the document, the result is an error or a
// working engine, never a panic or a hang.
func FuzzCriteriaJSON(f *testing.F) {
	for _, c := range []Criteria{Default5x5(), Default3x3(), formulaCriteria()} {
		b, _ := json.Marshal(c)
		f.Add(b)
	}
	f.Add([]byte(`{"id":"x","version":"1","likelihood":{"kind":"quantitative"},"consequence":{"kind":"qualitative","levels":[{"value":"1e999999999","name":"a"}]},"dimensions":[{"id":"d","scale":{"kind":"quantitative"}}],"levels":[{"name":"l","rank":1}],"levelRule":"\"l\"","acceptanceRule":"true"}`))
	f.Add([]byte(`{"id":"x","version":"1","likelihood":{"kind":"semi-quantitative","levels":[{"value":"1","name":"a"},{"value":"2","name":"b"}]},"consequence":{"kind":"semi-quantitative","levels":[{"value":"1","name":"a"}]},"dimensions":[{"id":"d","scale":{"kind":"semi-quantitative","levels":[{"value":"1","name":"a"}]}}],"levels":[{"name":"l","rank":1}],"levelRule":"score > 1 ? \"l\" : \"m\"","acceptanceRule":"rank < 2","priorityRule":"score.div(score - decimal(1), 2)","combineRule":"decimals.sum(consequences.map(k, consequences[k]))"}`))
	f.Add([]byte(`{"levels":[{"name":"","rank":1,"color":"#12345g"}],"levelRule":"(","acceptanceRule":"1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c Criteria
		if err := json.Unmarshal(data, &c); err != nil {
			return
		}
		_ = c.Fingerprint()
		verr := c.Validate()
		e, err := Compile(c)
		if err != nil {
			if verr == nil && !errors.Is(err, rules.ErrLimit) {
				t.Fatalf("Validate passed but Compile failed: %v", err)
			}
			return
		}
		if e.Fingerprint() != c.Fingerprint() {
			t.Fatal("engine and criteria fingerprints differ")
		}
		// Rate up to 50 cells (or continuous values) and assess a register
		// of them; rule failures are fine, panics are not.
		ctx := context.Background()
		reg := Register{ID: "fuzz"}
		dim := e.dims[0]
		value := func(s *scaleInfo, i int) decimal.Decimal {
			if s.discrete() {
				return s.levels[i%len(s.levels)].Value
			}
			return decimal.NewFromInt(int64(i))
		}
		for i := range 50 {
			r := &Rating{Likelihood: value(&e.lik, i/7), Consequences: map[string]decimal.Decimal{dim.id: value(&dim.scale, i)}}
			if _, err := e.Rate(ctx, r, nil, testAsOf); err != nil && errors.Is(err, ErrInvalid) {
				t.Fatalf("a rating on the scales is invalid: %v", err)
			}
			reg.Risks = append(reg.Risks, Risk{ID: fmt.Sprint("R-", i), Inherent: r})
		}
		a, err := e.Assess(ctx, reg, testAsOf)
		if a == nil {
			t.Fatalf("no assessment: %v", err)
		}
		if h, err := e.HeatMap(a); err == nil {
			var b bytes.Buffer
			if err := h.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			if err := h.WriteSVG(&b); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// FuzzRegisterJSON decodes register documents and assesses them under the
// default criteria: an assessment or an error, never a panic.
func FuzzRegisterJSON(f *testing.F) {
	b, _ := json.Marshal(sampleRegister())
	f.Add(b)
	f.Add([]byte(`{"risks":[{"id":"R-1","inherent":{"likelihood":"1e-999999999","consequences":{"legal":"3"}},"attributes":{"x":1e999999}}]}`))
	f.Add([]byte(`{"risks":[{"id":"","treatment":{"options":["x"],"actions":[{"status":"?"}]}},{"id":"","residual":{"likelihood":"2"}}]}`))
	e, err := Compile(Default5x5())
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"risks":[{"id":"R-1","attributes":{"n":1` + strings.Repeat("0", 200) + `}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Registers of up to 64 KiB keep each execution cheap enough for
		// the fuzzer to explore; size is what the benchmarks are for.
		if len(data) > 64<<10 {
			return
		}
		var reg Register
		if err := json.Unmarshal(data, &reg); err != nil {
			return
		}
		verr := e.ValidateRegister(reg)
		a, err := e.Assess(context.Background(), reg, testAsOf)
		if (verr == nil) != (a != nil) {
			t.Fatalf("ValidateRegister: %v; Assess: %v", verr, err)
		}
		if a != nil {
			_ = e.Plan(reg, a, testAsOf)
			_ = Compare(a, a)
		}
	})
}

// An attribute number is measured before it is parsed: an over-long one
// is an error that says so, at once, whatever its length.
func TestAttrLongNumber(t *testing.T) {
	for _, n := range []int{rules.MaxNumberLength + 1, 10_000_000} {
		var a Attr
		err := json.Unmarshal([]byte("1"+strings.Repeat("0", n-1)), &a)
		if want := fmt.Sprintf("attribute number of %d characters is too long (at most %d)", n, rules.MaxNumberLength); err == nil || err.Error() != want {
			t.Errorf("%d digits: err = %v, want %q", n, err, want)
		}
	}
	var a Attr
	if err := json.Unmarshal([]byte("1"+strings.Repeat("0", rules.MaxNumberLength-1)), &a); err != nil || a.Value().(decimal.Decimal).NumDigits() != rules.MaxNumberLength {
		t.Errorf("%d digits: %v, %v", rules.MaxNumberLength, a.Value(), err)
	}
	err := json.Unmarshal([]byte(`{"a":[`+strings.Repeat("1,", 100)+`1]}`), &map[string]Attr{})
	if err == nil || len(err.Error()) > 200 || !strings.Contains(err.Error(), "want a string, a number or a bool") {
		t.Errorf("an array attribute: err = %v, want a short error", err)
	}
}
