package isms_test

import (
	"errors"
	"fmt"

	"github.com/isms-go/iso27003/isms"
)

// A GRC product decodes its snapshot and validates it before running any
// checks. Every problem is reported at once, each with its field path.
func ExampleSystem_Validate() {
	data := []byte(`{
	  "people": [{"id": "P-1", "name": "Alex", "topManagement": true}],
	  "roles": [{"id": "R-ISM", "responsibilities": ["coordinate-isms"], "holders": ["P-1", "P-9"]}],
	  "issues": [{"id": "I-1", "origin": "internal", "aspect": "natural"}],
	  "processes": [{"id": "PR-1", "controls": ["8.8", "8.99"]}],
	  "documents": [{"id": "D-1", "covers": ["scope", "x"]}]
	}`)
	s, err := isms.DecodeJSON(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	err = s.Validate()
	fmt.Println(errors.Is(err, isms.ErrInvalid))
	fmt.Println(err)
	// Output:
	// true
	// documents[0].covers[1]: unknown mandatory item "x"
	// issues[0].aspect: aspect "natural" is external, but the issue is internal
	// processes[0].controls[1]: unknown control "8.99" (neither in Annex A 2022 nor among the SoA's custom controls)
	// roles[0].holders[1]: unknown person "P-9"
}

// DecodeJSON is strict: a misspelt field is an error rather than data
// silently dropped. Every problem is reported at once, each with the path
// of the value; a date alone is accepted for an instant.
func ExampleDecodeJSON() {
	_, err := isms.DecodeJSON([]byte(`{
	  "organisation": "Example Ltd",
	  "issues": [{"id": "I-1", "lastReviewed": "2026-06-30"}],
	  "register": {"risks": [{"id": "R-1"}, {"id": "R-2", "inherent": {"likelihood": true}}]},
	  "settings": {"awarenessTarget": 0.90000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001}
	}`))
	fmt.Println(err)

	_, err = isms.DecodeJSON([]byte("{\n  \"organization\": \"Example Ltd\",\n}"))
	fmt.Println(err)
	// Output:
	// isms: cannot decode system: organisation: unknown field "organisation"
	// register.risks[1].inherent.likelihood: invalid number true: want a decimal such as 0.95 or "0.95"
	// settings.awarenessTarget: number of 172 characters is too long (at most 160)
	// isms: cannot decode system: line 3, column 1: invalid character '}' looking for beginning of object key string
}

// Role assignments may be recorded on the role, on the person, or both.
func ExampleSystem_HoldersOf() {
	s := isms.System{
		People: []isms.Person{{ID: "P-2"}, {ID: "P-10", Roles: []string{"R-ISM"}}},
		Roles:  []isms.Role{{ID: "R-ISM", Holders: []string{"P-2", "P-10"}}},
	}
	fmt.Println(s.HoldersOf("R-ISM"))
	// Output:
	// [P-2 P-10]
}

// The organization's settings fall back to documented defaults.
func ExampleSettings() {
	var st isms.Settings
	fmt.Println(st.EffectiveReviewPeriod(), st.EffectiveAwarenessTarget())
	// Output:
	// P12M 0.9
}
