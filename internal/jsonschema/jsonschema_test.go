package jsonschema_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/isms-go/iso27003/internal/jsonschema"
)

type level int

func (l level) MarshalText() ([]byte, error) {
	switch l {
	case 1:
		return []byte("low"), nil
	case 2:
		return []byte("high"), nil
	}
	return nil, errors.New("bad level")
}

type color string

type base struct {
	ID   string `json:"id"`
	Note string `json:"note,omitempty"`
}

type item struct {
	base
	Note   string            `json:"note"` // hides base.Note
	Level  level             `json:"level"`
	Color  color             `json:"color,omitzero"`
	Tags   []string          `json:"tags"`
	Extra  map[string]int    `json:"extra,omitempty"`
	Next   *item             `json:"next"`
	Count  uint8             `json:"count,omitempty"`
	Hidden string            `json:"-"`
	Plain  string            // no tag: the Go name
	Named  map[string]*color `json:"named,omitempty"`
}

func gen(t *testing.T, v any, opts jsonschema.Options) string {
	t.Helper()
	s, err := jsonschema.Generate(reflect.TypeOf(v), "urn:test", "", opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestGenerate(t *testing.T) {
	enum := func(t reflect.Type) []string {
		if t == reflect.TypeFor[color]() {
			return []string{"red", "green"}
		}
		return nil
	}
	for _, tc := range []struct {
		name string
		v    any
		opts jsonschema.Options
		want string
	}{
		{"scalar", 0, jsonschema.Options{}, `{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"urn:test","type":"integer"}`},
		{"list", []bool{}, jsonschema.Options{}, `{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"urn:test","type":"array","items":{"type":"boolean"}}`},
		{"struct", item{}, jsonschema.Options{Enum: enum, Strict: true, RequireWritten: true},
			`{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"urn:test","$ref":"#/$defs/jsonschema_test.item","$defs":{` +
				`"jsonschema_test.color":{"type":"string","enum":["red","green"]},` +
				`"jsonschema_test.item":{"type":"object","properties":{` +
				`"id":{"type":"string"},` +
				`"note":{"type":"string"},` +
				`"level":{"$ref":"#/$defs/jsonschema_test.level"},` +
				`"color":{"$ref":"#/$defs/jsonschema_test.color"},` +
				`"tags":{"type":["array","null"],"items":{"type":"string"}},` +
				`"extra":{"type":"object","additionalProperties":{"type":"integer"}},` +
				`"next":{"anyOf":[{"$ref":"#/$defs/jsonschema_test.item"},{"type":"null"}]},` +
				`"count":{"type":"integer","minimum":0},` +
				`"Plain":{"type":"string"},` +
				`"named":{"type":"object","additionalProperties":{"$ref":"#/$defs/jsonschema_test.color"}}},` +
				`"required":["id","note","level","tags","next","Plain"],"additionalProperties":false},` +
				`"jsonschema_test.level":{"type":"string","enum":["low","high"]}}}`},
		{"struct, input form", base{}, jsonschema.Options{},
			`{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"urn:test","$ref":"#/$defs/jsonschema_test.base","$defs":{` +
				`"jsonschema_test.base":{"type":"object","properties":{"id":{"type":"string"},"note":{"type":"string"}}}}}`},
		{"descriptions", base{}, jsonschema.Options{Describe: func(t reflect.Type, f string) string { return t.Name() + "/" + f }},
			`{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"urn:test","$ref":"#/$defs/jsonschema_test.base","$defs":{` +
				`"jsonschema_test.base":{"description":"base/","type":"object","properties":{"id":{"description":"base/ID","type":"string"},"note":{"description":"base/Note","type":"string"}}}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, gen(t, tc.v, tc.opts)); diff != "" {
				t.Errorf("schema (-want +got):\n%s", diff)
			}
		})
	}
}

type selfEncoded struct{}

func (selfEncoded) MarshalJSON() ([]byte, error) { return []byte(`"x"`), nil }

type holder struct {
	V selfEncoded `json:"v"`
}

type (
	left  struct{ A string }
	right struct{ A string }
	// twice gets property A from two embedded structs at one depth;
	// encoding/json would silently drop both.
	twice struct {
		left
		right
	}
)

func TestGenerateErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    any
	}{
		{"self-encoding type without a custom schema", holder{}},
		{"channel", make(chan int)},
		{"map with int keys", map[int]string{}},
		{"interface field", struct{ X any }{}},
		{"property declared twice", twice{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := jsonschema.Generate(reflect.TypeOf(tc.v), "", "", jsonschema.Options{})
			if !errors.Is(err, jsonschema.ErrUnsupported) {
				t.Errorf("got %v, want ErrUnsupported", err)
			}
		})
	}
	// With a custom schema the self-encoding type is fine.
	s := gen(t, holder{}, jsonschema.Options{Custom: map[reflect.Type]*jsonschema.Schema{
		reflect.TypeFor[selfEncoded](): {Type: jsonschema.Types{"string"}, Const: "x"},
	}})
	want := `{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"urn:test","$ref":"#/$defs/jsonschema_test.holder","$defs":{"jsonschema_test.holder":{"type":"object","properties":{"v":{"$ref":"#/$defs/jsonschema_test.selfEncoded"}}},"jsonschema_test.selfEncoded":{"type":"string","const":"x"}}}`
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("schema (-want +got):\n%s", diff)
	}
}

// A struct, its json tags and an integer enum with MarshalText become a
// schema with one definition per named type.
func ExampleGenerate() {
	type Finding struct {
		Clause   string `json:"clause"`
		Severity level  `json:"severity"`
		Note     string `json:"note,omitempty"`
	}
	s, err := jsonschema.Generate(reflect.TypeFor[Finding](), "urn:example:finding", "Finding",
		jsonschema.Options{Strict: true, RequireWritten: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := json.MarshalIndent(s, "", "  ")
	fmt.Println(string(b))
	// Output:
	// {
	//   "$schema": "https://json-schema.org/draft/2020-12/schema",
	//   "$id": "urn:example:finding",
	//   "$ref": "#/$defs/jsonschema_test.Finding",
	//   "title": "Finding",
	//   "$defs": {
	//     "jsonschema_test.Finding": {
	//       "type": "object",
	//       "properties": {
	//         "clause": {
	//           "type": "string"
	//         },
	//         "severity": {
	//           "$ref": "#/$defs/jsonschema_test.level"
	//         },
	//         "note": {
	//           "type": "string"
	//         }
	//       },
	//       "required": [
	//         "clause",
	//         "severity"
	//       ],
	//       "additionalProperties": false
	//     },
	//     "jsonschema_test.level": {
	//       "type": "string",
	//       "enum": [
	//         "low",
	//         "high"
	//       ]
	//     }
	//   }
	// }
}
