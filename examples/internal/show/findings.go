package show

import (
	"context"
	"time"

	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/rules"
)

// FindingsSource names the checks findings come from.
const FindingsSource = "isms.Check"

// findings runs every conformance check of the library: the built-in
// clause rules and the Statement of Applicability checks.
func findings(ctx context.Context, sys *isms.System, asOf time.Time) ([]rules.Finding, *isms.Report, error) {
	rep, err := isms.Check(ctx, sys, asOf)
	if err != nil {
		return nil, nil, err
	}
	return rep.Findings, rep, nil
}
