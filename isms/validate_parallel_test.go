package isms_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/isms-go/iso27003/isms"
	"github.com/isms-go/iso27003/risk"
)

// A large register is declared by two goroutines (risks and actions);
// the problems must be those of the walk in one: duplicate risk and
// action IDs, within the register and with records declared before and
// after it, and missing IDs.
func TestValidateLargeRegisterSameProblems(t *testing.T) {
	s := largeSystemN(t, 20_000)
	rs := s.Register.Risks
	rs[5].ID = ""                      // missing risk ID
	rs[7].ID = rs[3].ID                // duplicate within the register
	rs[9].Treatment.Actions[0].ID = "" // missing action ID
	rs[11].Treatment.Actions[0].ID = rs[10].Treatment.Actions[0].ID
	rs[19_000].Treatment.Actions = append(rs[19_000].Treatment.Actions, risk.Action{ID: "A-NC-3", Owner: "P-2"}) // declared again by a nonconformity later
	if len(s.ISMSRisks) > 0 {
		rs[12].ID = s.ISMSRisks[0].ID // first declared before the register
	}
	par := s.Validate()
	seq := isms.ValidateInTurnForTest(s)
	if par == nil || seq == nil {
		t.Fatalf("Validate = %v (parallel), %v (in turn); want problems", par, seq)
	}
	if par.Error() != seq.Error() {
		t.Errorf("parallel declaring:\n%v\nin turn:\n%v", par, seq)
	}
	for _, want := range []string{"register.risks[5].id: missing ID", "register.risks[9].treatment.actions[0].id: missing ID",
		`register.risks[7].id: duplicate risk ID "` + rs[3].ID + `" (first at register.risks[3])`, "A-NC-3"} {
		if !strings.Contains(par.Error(), want) {
			t.Errorf("problems lack %q:\n%v", want, par)
		}
	}
	// Check reports the same validation error.
	if _, err := isms.Check(context.Background(), s, time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)); err == nil || err.Error() != par.Error() {
		t.Errorf("Check error differs from Validate's:\n%v", err)
	}
}
