package isms

// Clause2013ForTest exposes clause2013 to the external tests.
var Clause2013ForTest = clause2013

// RuleClause2013ForTest and NotApplicableForTest expose the 2013
// numbering of the built-in rules to the rule reference test.
var (
	RuleClause2013ForTest = ruleClause2013
	NotApplicableForTest  = notApplicableRules
)

// SetParallelDeclareMinForTest sets the register size from which the
// validator declares risks and actions side by side, and returns the
// previous one.
func SetParallelDeclareMinForTest(n int) int {
	old := parallelDeclareMin
	parallelDeclareMin = n
	return old
}
