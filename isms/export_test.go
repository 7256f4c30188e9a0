package isms

import (
	"context"
	"math"
)

// Clause2013ForTest exposes clause2013 to the external tests.
var Clause2013ForTest = clause2013

// RuleClause2013ForTest and NotApplicableForTest expose the 2013
// numbering of the built-in rules to the rule reference test.
var (
	RuleClause2013ForTest = ruleClause2013
	NotApplicableForTest  = notApplicableRules
)

// ValidateInTurnForTest is Validate with the register declared by one
// goroutine, however large it is.
func ValidateInTurnForTest(s *System) error {
	return s.validate(context.Background(), math.MaxInt)
}
