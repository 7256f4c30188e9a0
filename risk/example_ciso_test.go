package risk_test

import (
	"context"
	"fmt"
	"time"

	"github.com/isms-go/iso27003/risk"
	"github.com/shopspring/decimal"
)

func ExampleImportCISOMatrix() {
	// A CISO Assistant library with one 3x3 risk matrix (rows: probability,
	// columns: impact, cells: indices into risk).
	doc := []byte(`
urn: urn:example:risk:library:mini
ref_id: mini
version: 4
objects:
  risk_matrix:
    - urn: urn:example:risk:matrix:mini
      ref_id: mini-3x3
      name: Mini matrix
      probability:
        - {abbreviation: L, name: Low}
        - {abbreviation: M, name: Medium}
        - {abbreviation: H, name: High}
      impact:
        - {abbreviation: L, name: Low}
        - {abbreviation: M, name: Medium}
        - {abbreviation: H, name: High}
      risk:
        - {abbreviation: G, name: Green, hexcolor: "#22C55E"}
        - {abbreviation: A, name: Amber, hexcolor: "#F59E0B"}
        - {abbreviation: R, name: Red, hexcolor: "#EF4444"}
      grid:
        - [0, 0, 1]
        - [0, 1, 2]
        - [1, 2, 2]
`)
	c, err := risk.ImportCISOMatrix(doc, risk.WithCISOAcceptance("Amber"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.ID, "version", c.Version)
	fmt.Println("level rule:", c.LevelRule)
	fmt.Println("acceptance rule:", c.AcceptanceRule)

	eng, err := risk.Compile(c)
	if err != nil {
		fmt.Println(err)
		return
	}
	asOf := time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)
	// Medium probability (2), high impact (3).
	ev, err := eng.Rate(context.Background(), &risk.Rating{
		Likelihood:   decimal.NewFromInt(2),
		Consequences: map[string]decimal.Decimal{risk.CISODimension: decimal.NewFromInt(3)},
	}, nil, asOf)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("medium probability, high impact:", ev.Level, "acceptable:", ev.Acceptable)
	// Output:
	// mini-3x3 version 4
	// level rule: ["Green", "Amber", "Red"][[[0, 0, 1], [0, 1, 2], [1, 2, 2]][int(likelihood) - 1][int(consequence) - 1]]
	// acceptance rule: rank <= 1
	// medium probability, high impact: Red acceptable: false
}

func ExampleImportCISO() {
	// A matrix as a current CISO Assistant export writes it: under
	// risk_matrices, with json_definition as an object, ids from 1, a
	// state and translations.
	doc := []byte(`{"objects": {"risk_matrices": [{
	  "ref_id": "two-by-two", "version": "2", "is_enabled": false,
	  "json_definition": {
	    "probability": [{"id": 1, "name": "Rare"}, {"id": 2, "name": "Frequent"}],
	    "impact": [{"id": 1, "name": "Small"}, {"id": 2, "name": "Large"}],
	    "risk": [{"id": 1, "name": "Low", "translations": {"fr": {"name": "Faible"}}}, {"id": 2, "name": "High"}],
	    "grid": [[0, 0], [0, 1]]}}]}}`)
	im, err := risk.ImportCISO(doc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(im.Criteria.ID, "enabled:", im.Enabled)
	for _, tr := range im.Translations {
		fmt.Println(tr.Locale, tr.Target, tr.Name)
	}
	for _, w := range im.Warnings {
		fmt.Println("warning:", w)
	}
	// Output:
	// two-by-two enabled: false
	// fr levels[0] Faible
	// warning: risk_matrices[0].is_enabled: false: CISO Assistant offers this matrix for no new risk assessment
}
