package isms

// Clause2013ForTest exposes clause2013 to the external tests.
var Clause2013ForTest = clause2013
