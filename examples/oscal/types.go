package oscal

import (
	oscalTypes "github.com/defenseunicorns/go-oscal/src/types/oscal-1-1-3"
)

// Version is the OSCAL version the output declares.
const Version = "1.1.3"

// Document is the top-level OSCAL JSON object of an assessment-results
// file: go-oscal's model of the OSCAL 1.1.3 complete schema, with only
// its AssessmentResults set. The types of its fields are those of the
// package github.com/defenseunicorns/go-oscal/src/types/oscal-1-1-3, in
// which OSCAL's optional lists are pointers to slices and its timestamps
// are time.Time.
type Document = oscalTypes.OscalCompleteSchema
