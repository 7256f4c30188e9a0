package rules_test

import (
	"context"
	"fmt"

	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
)

// ExampleEnv_NewSession evaluates one program over many values in one
// session, changing the variables between evaluations.
func ExampleEnv_NewSession() {
	env, err := rules.NewEnv(rules.Variable("loss", rules.DecimalType))
	if err != nil {
		fmt.Println(err)
		return
	}
	band, err := env.Compile("band", "expr", `loss >= decimal("10000") ? "high" : "low"`, rules.StringType)
	if err != nil {
		fmt.Println(err)
		return
	}
	vars := rules.NewVars(nil)
	s, err := env.NewSession(context.Background(), vars)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	for _, loss := range []string{"2500", "12000.50"} {
		vars.Set("loss", decimal.RequireFromString(loss))
		level, err := s.EvalString(band)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(loss, level)
	}
	// Output:
	// 2500 low
	// 12000.50 high
}
