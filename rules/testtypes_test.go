package rules

import (
	"time"

	"github.com/shopspring/decimal"
)

// Test fixtures shared by the package's tests: a small register of
// risks with owners and actions, declared to CEL.

type tOwner struct {
	Name string
	Top  bool
}

type tAction struct {
	ID  string
	Due time.Time
}

type tRisk struct {
	ID      string
	Title   string
	Loss    decimal.Decimal
	Level   int64
	Tags    []string
	Owner   *tOwner
	Actions []tAction
	Attrs   map[string]any
	Review  time.Time
}

var (
	tOwnerType = MustObjectType("test.Owner",
		StringField("name", func(o *tOwner) string { return o.Name }),
		BoolField("top", func(o *tOwner) bool { return o.Top }),
	)
	tActionType = MustObjectType("test.Action",
		StringField("id", func(a *tAction) string { return a.ID }),
		TimeField("due", func(a *tAction) time.Time { return a.Due }),
	)
	tRiskType = MustObjectType("test.Risk",
		StringField("id", func(r *tRisk) string { return r.ID }),
		StringField("title", func(r *tRisk) string { return r.Title }),
		DecimalField("loss", func(r *tRisk) decimal.Decimal { return r.Loss }),
		IntField("level", func(r *tRisk) int64 { return r.Level }),
		StringListField("tags", func(r *tRisk) []string { return r.Tags }),
		ObjectField("owner", tOwnerType, func(r *tRisk) *tOwner { return r.Owner }),
		ObjectListField("actions", tActionType, func(r *tRisk) []tAction { return r.Actions }),
		ValueField("attrs", MapType(StringType, DynType), func(r *tRisk) any { return r.Attrs }),
		TimeField("reviewed", func(r *tRisk) time.Time { return r.Review }),
	)
	tRisks = Collection{Name: "risks", Var: "risk", Kind: "risk", Type: tRiskType.Type()}
)

var tAsOf = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func tRegister() []tRisk {
	d := decimal.RequireFromString
	return []tRisk{
		{ID: "R-1", Title: "laptop theft", Loss: d("12500.00"), Level: 2, Tags: []string{"endpoint"}, Owner: &tOwner{Name: "ana", Top: true},
			Actions: []tAction{{ID: "A-1", Due: tAsOf.AddDate(0, 1, 0)}}, Review: tAsOf.AddDate(0, -2, 0)},
		{ID: "R-2", Title: "ransomware", Loss: d("250000.50"), Level: 4, Tags: []string{"malware", "backup"},
			Actions: []tAction{{ID: "A-2", Due: tAsOf.AddDate(0, 0, -3)}}, Attrs: map[string]any{"regulated": true, "cost": d("10.5")}},
		{ID: "R-10", Title: "supplier outage", Loss: d("100000"), Level: 3, Owner: &tOwner{Name: "bo"}, Review: tAsOf.AddDate(-2, 0, 0)},
	}
}

func tEnv(t interface{ Fatal(...any) }, opts ...EnvOption) *Env {
	env, err := NewEnv(append([]EnvOption{Objects(tRiskType)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func tItems(rs []tRisk) map[string]Items {
	return map[string]Items{"risks": Slice(rs, func(r *tRisk) string { return r.ID })}
}
