package risk_test

import (
	"context"
	"fmt"

	"github.com/isms-go/iso27003/risk"
	"github.com/shopspring/decimal"
)

func ExampleALE() {
	// A laptop theft costs about 4,200.50 and happens 2.5 times a year.
	ale := risk.ALE(risk.QuantInputs{
		Frequency: decimal.RequireFromString("2.5"),
		Magnitude: decimal.RequireFromString("4200.50"),
		Currency:  "EUR",
	})
	fmt.Println(ale.StringFixed(2), "EUR a year")
	// Output: 10501.25 EUR a year
}

func ExampleSimulate() {
	d := decimal.RequireFromString
	sim := risk.Simulation{
		// Between half an event and six events a year, most likely two.
		Frequency: risk.NewPERT(d("0.5"), d("2"), d("6")),
		// Nine in ten events cost between 10,000 and 500,000.
		Magnitude: risk.NewLognormal(d("10000"), d("500000")),
		Seed:      2026, // the same seed gives the same numbers on any machine
		RoundTo:   d("1000"),
		Currency:  "EUR",
	}
	res, err := risk.Simulate(context.Background(), sim)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d simulated years, mean annual loss %s %s\n", res.Trials, res.Mean, res.Currency)
	for _, p := range res.Percentiles {
		fmt.Printf("p%s: %s\n", p.P, p.Loss)
	}
	for _, pt := range res.Exceedance {
		if pt.Loss.GreaterThanOrEqual(d("100000")) {
			fmt.Printf("P(loss > %s) = %s\n", pt.Loss, pt.Probability)
		}
	}
	// Output:
	// 10000 simulated years, mean annual loss 358000 EUR
	// p10: 0
	// p50: 202000
	// p90: 882000
	// p95: 1227000
	// p99: 2211000
	// P(loss > 100000) = 0.6627
	// P(loss > 200000) = 0.5025
	// P(loss > 500000) = 0.2398
	// P(loss > 1000000) = 0.078
	// P(loss > 2000000) = 0.0127
	// P(loss > 5000000) = 0.001
	// P(loss > 10000000) = 0
}
