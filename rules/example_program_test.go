package rules_test

import (
	"context"
	"fmt"
	"time"

	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
)

func ExampleProgram_Eval() {
	env, err := rules.NewEnv(
		rules.Variable("spent", rules.DecimalType),
		rules.Variable("budget", rules.DecimalType),
		rules.Variable("reviewed", rules.TimestampType))
	if err != nil {
		fmt.Println(err)
		return
	}
	prg, err := env.Compile("budget-share", "expr",
		`{"share": spent.div(budget, 4), "overdue": addPeriod(reviewed, "P12M") < asOf}`, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	vars := rules.NewVars(nil).
		Set("spent", decimal.RequireFromString("49000")).
		Set("budget", decimal.RequireFromString("60000")).
		Set("reviewed", time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC)).
		SetAsOf(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	v, err := prg.Eval(context.Background(), vars)
	if err != nil {
		fmt.Println(err)
		return
	}
	m := v.Value().(map[rules.Value]rules.Value)
	for _, k := range []string{"share", "overdue"} {
		for key, val := range m {
			if key.Value() == k {
				fmt.Printf("%s: %v (%T)\n", k, val.Value(), val.Value())
			}
		}
	}
	// Output:
	// share: 0.8167 (decimal.Decimal)
	// overdue: true (bool)
}
