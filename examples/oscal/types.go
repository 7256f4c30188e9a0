package oscal

import oscalTypes "github.com/defenseunicorns/go-oscal/src/types/oscal-1-1-3"

// The OSCAL model types are go-oscal's, generated from NIST's OSCAL
// 1.1.3 JSON schema; these aliases name the ones an export's reader
// meets first.

// Version is the OSCAL version the output declares.
const Version = "1.1.3"

// Document is the top-level OSCAL JSON object; an export fills in its
// AssessmentResults.
type Document = oscalTypes.OscalCompleteSchema

// AssessmentResults is an OSCAL assessment-results document.
type AssessmentResults = oscalTypes.AssessmentResults

// Result is one set of assessment results.
type Result = oscalTypes.Result

// Observation is one thing the assessment saw.
type Observation = oscalTypes.Observation

// Finding is the conclusion about one objective.
type Finding = oscalTypes.Finding

// Property is an OSCAL prop: a name, a value and the namespace that
// defines the name.
type Property = oscalTypes.Property
