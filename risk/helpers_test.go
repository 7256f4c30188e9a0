package risk

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// The -update flag rewrites golden files. It is registered only if no
// other test file of the package did so already.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata/")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if updating() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file (-want +got):\n%s", path, gocmp.Diff(string(want), string(got)))
	}
}

func num(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func rating(l string, cons ...string) *Rating {
	r := &Rating{Likelihood: num(l), Consequences: map[string]decimal.Decimal{}}
	for i := 0; i+1 < len(cons); i += 2 {
		r.Consequences[cons[i]] = num(cons[i+1])
	}
	return r
}

var testAsOf = time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)

func day(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }

// sampleRegister is a small register rated on the 5×5 default scales.
func sampleRegister() Register {
	return Register{ID: "acme-2026", Risks: []Risk{
		{ID: "R-1", Title: "Ransomware encrypts the file servers", Owner: "cio", Approach: EventBased,
			Event: "malware spreads from a phished workstation", Properties: []Property{Availability, Integrity},
			Inherent: rating("4", DimAvailability, "5", DimFinancial, "4"),
			Treatment: &Treatment{Options: []Option{Modify}, Controls: []string{"8.7", "8.13"}, Actions: []Action{
				{ID: "A1", Description: "offline backups of the file servers", Owner: "ops", Due: day(2026, 2, 28), Status: InProgress},
				{ID: "A2", Description: "EDR on every workstation", Owner: "secops", Due: day(2026, 6, 30), Status: Planned},
			}},
			Residual: rating("2", DimAvailability, "4", DimFinancial, "3"),
			Decision: OwnerDecision{PlanApproved: Approval{By: "cio", On: day(2026, 1, 15)}}},
		{ID: "R-2", Title: "Customer data leaks through a misconfigured bucket", Owner: "cto", Approach: AssetBased,
			Asset: "customer database export", Threat: "external attacker", Vulnerability: "public storage bucket",
			Properties: []Property{Confidentiality},
			Inherent:   rating("3", DimConfidentiality, "5", DimLegal, "5", DimReputational, "4"),
			Treatment: &Treatment{Options: []Option{Modify, Share}, Controls: []string{"8.9", "C-CSPM"}, Actions: []Action{
				{ID: "A1", Description: "policy guardrails on storage", Owner: "platform", Due: day(2026, 3, 15), Status: Done, Completed: day(2026, 3, 10)},
				{ID: "A2", Description: "cyber insurance", Owner: "cfo", Due: day(2026, 3, 1), Status: Planned},
			}},
			Residual: rating("1", DimConfidentiality, "5", DimLegal, "4"),
			Decision: OwnerDecision{PlanApproved: Approval{By: "cto", On: day(2026, 1, 20)}, ResidualAccepted: Approval{By: "cto", On: day(2026, 1, 20)}}},
		{ID: "R-3", Title: "Payroll errors from manual data entry", Owner: "hr",
			Inherent: rating("2", DimIntegrity, "2", DimFinancial, "2")},
		{ID: "R-10", Title: "Data centre power outage", Owner: "facilities",
			Inherent:  rating("2", DimAvailability, "4"),
			Treatment: &Treatment{Options: []Option{Retain}, Justification: "the hosting contract covers it"},
			Decision:  OwnerDecision{ResidualAccepted: Approval{By: "facilities", On: day(2026, 2, 1)}}},
		{ID: "R-4", Title: "Key staff leave during the migration", Owner: "coo", Kind: ISMSRisk,
			Inherent: rating("3", DimOperational, "3")},
		{ID: "R-5", Title: "Supplier breach exposes credentials", Owner: "ciso",
			Inherent: rating("5", DimConfidentiality, "4", DimOperational, "3"),
			Residual: rating("3", DimConfidentiality, "4"),
			Treatment: &Treatment{Options: []Option{Modify}, Controls: []string{"5.19", "5.21"}, Actions: []Action{
				{ID: "A1", Description: "supplier security reviews", Owner: "procurement", Due: day(2026, 3, 20), Status: Planned},
			}}},
		{ID: "R-6", Title: "New SIEM lets us detect attacks earlier", Owner: "ciso", Kind: ISMSOpportunity},
		{ID: "R-7", Title: "Laptop theft", Owner: "it",
			Inherent:   rating("4", DimConfidentiality, "2"),
			Attributes: map[string]Attr{"encrypted": Bool(true)}},
	}}
}
