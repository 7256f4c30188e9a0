// Package sample holds the ISMS of Invoxa Ltd, a fictional 60-person
// company selling invoicing software as a service, for the examples to
// work on. It is a snapshot meant to be checked as of 23 November 2026
// (AsOf): context, interested parties, scope, policies, roles, 25 risks
// under the default five-by-five criteria with treatments and residual
// ratings, a 2022 Statement of Applicability drafted with soa.Build from
// the treatment plan, objectives, measures, documents, two internal
// audits, a management review, nonconformities and improvements.
//
// Like most real ISMSs it has gaps, on purpose, so that the checks have
// something to report: SoA entries left undecided, an inclusion without
// justification and an entry overdue for review; treatment actions past
// their due dates; a residual risk outside the criteria that its owner
// has not accepted; a risk not yet analysed; objectives without complete
// plans; awareness completion below target; a policy and documents
// overdue for review; a supplier agreement silent on security; an
// auditor auditing their own area and an audit report that did not
// reach top management; a management review that skipped inputs; and a
// nonconformity with neither correction nor cause analysis.
package sample

import (
	_ "embed"
	"time"

	"github.com/isms-go/iso27003/isms"
)

//go:embed system.json
var systemJSON []byte

// AsOf is the instant the sample is meant to be checked at.
var AsOf = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// JSON returns a copy of the sample system as JSON.
func JSON() []byte {
	return append([]byte(nil), systemJSON...)
}

// System decodes the sample system. Each call returns a fresh value that
// the caller may change.
func System() (*isms.System, error) {
	return isms.DecodeJSON(systemJSON)
}
