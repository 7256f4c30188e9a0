package soa

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/isms-go/iso27003/risk"
	"github.com/isms-go/iso27003/rules"
	"pgregory.net/rapid"
)

// finding builds the expected finding of a check.
func finding(t *testing.T, rule, kind, id, msg string) rules.Finding {
	t.Helper()
	info, ok := checkIndex[rule]
	if !ok {
		t.Fatalf("unknown rule %s", rule)
	}
	return rules.Finding{RuleID: rule, Clause: info.Clause, Severity: info.Severity,
		Subject: rules.Subject{Kind: kind, ID: id}, Message: msg, Guidance: info.Guidance}
}

func TestCheckCompleteStatementHasNoFindings(t *testing.T) {
	st := fixStatement(t)
	if got := Check(st, fixCatalog(t), fixRegister(), fixAsOf, CheckOptions{}); len(got) != 0 {
		t.Fatalf("Check of a complete statement = %v, want none", got)
	}
	// The statement lists its custom controls, so the built-in catalog
	// (nil) or the plain 2022 catalog know them too.
	for name, cat := range map[string]*Catalog{"nil": nil, "Catalog2022": Catalog2022()} {
		if got := Check(st, cat, fixRegister(), fixAsOf, CheckOptions{}); len(got) != 0 {
			t.Errorf("catalog %s: Check = %v, want none", name, got)
		}
	}
}

// checkCase is one row of the Check table: an edit of the fixture
// statement and register, and the findings expected afterwards.
type checkCase struct {
	name string
	cat  func(t *testing.T) *Catalog // default fixCatalog
	edit func(t *testing.T, st *Statement, reg *risk.Register)
	opts CheckOptions
	want func(t *testing.T) []rules.Finding
}

func (tt checkCase) run(t *testing.T) []rules.Finding {
	st, reg := fixStatement(t), fixRegister()
	tt.edit(t, &st, &reg)
	cat := fixCatalog(t)
	if tt.cat != nil {
		cat = tt.cat(t)
	}
	return Check(st, cat, reg, fixAsOf, tt.opts)
}

func TestCheck(t *testing.T) {
	for _, tt := range checkCases() {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want(t), tt.run(t), cmpOpts); diff != "" {
				t.Errorf("Check (-want +got):\n%s", diff)
			}
		})
	}
}

func checkCases() []checkCase {
	return []checkCase{
		{
			name: "edition mismatch",
			edit: func(t *testing.T, st *Statement, _ *risk.Register) { st.Edition = Edition2013 },
			want: func(t *testing.T) []rules.Finding {
				return []rules.Finding{finding(t, CheckEditionMismatch, SubjectStatement, "SOA-1",
					`the statement is of edition "2013" but is checked against the 2022 catalog`)}
			},
		},
		{
			name: "unknown edition without catalog",
			cat:  func(*testing.T) *Catalog { return nil },
			edit: func(t *testing.T, st *Statement, _ *risk.Register) { st.Edition = "2019" },
			want: func(t *testing.T) []rules.Finding {
				return []rules.Finding{finding(t, CheckEditionMismatch, SubjectStatement, "SOA-1",
					`the statement's edition "2019" is not an Annex A edition this package knows (2022 or 2013)`)}
			},
		},
		{
			name: "missing Annex A and custom controls",
			edit: func(t *testing.T, st *Statement, _ *risk.Register) {
				removeEntry(st, "5.7")
				removeEntry(st, "C-VDI")
			},
			want: func(t *testing.T) []rules.Finding {
				return []rules.Finding{
					finding(t, CheckMissingControl, SubjectControl, "5.7", "control 5.7 (Threat intelligence) has no entry in the statement"),
					finding(t, CheckMissingControl, SubjectControl, "C-VDI", "control C-VDI (Virtual desktops) has no entry in the statement"),
				}
			},
		},
		{
			name: "chosen control missing",
			edit: func(t *testing.T, st *Statement, _ *risk.Register) { removeEntry(st, "8.1") },
			want: func(t *testing.T) []rules.Finding {
				return []rules.Finding{finding(t, CheckChosenControlMissing, SubjectControl, "8.1",
					"control 8.1 (User endpoint devices) has no entry, although the treatment of risks R-1, R-2 chooses it")}
			},
		},
		{
			name: "undecided, also when chosen or invalid",
			edit: func(t *testing.T, st *Statement, _ *risk.Register) {
				entryAt(t, st, "5.1").Decision = Undecided
				entryAt(t, st, "5.2").Decision = "maybe"
				entryAt(t, st, "6.3").Decision = Undecided
			},
			want: func(t *testing.T) []rules.Finding {
				return []rules.Finding{
					finding(t, CheckUndecided, SubjectControl, "5.1", "control 5.1 is not yet decided"),
					finding(t, CheckUndecided, SubjectControl, "5.2", `control 5.2 has decision "maybe", which is neither included, excluded nor undecided`),
					finding(t, CheckUndecided, SubjectControl, "6.3", "control 6.3 is not yet decided; the treatment of risk R-2 chooses it"),
				}
			},
		},
		{
			name: "duplicate entries, in either spelling",
			edit: func(t *testing.T, st *Statement, _ *risk.Register) {
				dup := *entryAt(t, st, "5.1")
				st.Entries = append(st.Entries, dup)
				dup.ControlID = "A.5.1"
				dup.Decision = Included // a later entry is not checked
				st.Entries = append(st.Entries, dup)
			},
			want: func(t *testing.T) []rules.Finding {
				return []rules.Finding{finding(t, CheckDuplicateEntry, SubjectControl, "5.1",
					"control 5.1 has 3 entries (entries[0], entries[95], entries[96]); only the first is checked")}
			},
		},
		{
			name: "alternative spelling is the same control",
			edit: func(t *testing.T, st *Statement, _ *risk.Register) { entryAt(t, st, "5.1").ControlID = "A.5.1" },
			want: func(*testing.T) []rules.Finding { return nil },
		},
		{
			name: "exclusion without a valid reason",
			edit: func(t *testing.T, st *Statement, _ *risk.Register) {
				entryAt(t, st, "5.1").Justification.Exclusion = ""
				entryAt(t, st, "5.2").Justification.Exclusion = "too expensive"
			},
			want: func(t *testing.T) []rules.Finding {
				return []rules.Finding{
					finding(t, CheckExclusionUnjustified, SubjectControl, "5.1", "control 5.1 is excluded without a reason"),
					finding(t, CheckExclusionUnjustified, SubjectControl, "5.2", `control 5.2 is excluded for "too expensive", which is not a known exclusion reason`),
				}
			},
		},
		{
			name: "inclusion without risk, action or requirement",
			edit: func(t *testing.T, st *Statement, _ *risk.Register) {
				e := entryAt(t, st, "5.1")
				e.Decision, e.Status, e.Justification = Included, Implemented, Justification{Note: "seems wise"}
				e = entryAt(t, st, "5.2") // a requirement alone is enough
				e.Decision, e.Status = Included, Implemented
				e.Justification = Justification{Requirements: []Requirement{{Legal, "GDPR Art. 32"}}}
			},
			want: func(t *testing.T) []rules.Finding {
				return []rules.Finding{finding(t, CheckInclusionUnjustified, SubjectControl, "5.1",
					"control 5.1 is included, but its justification names no risk, treatment action or requirement")}
			},
		},
		{
			name: "status missing or unknown",
			edit: func(t *testing.T, st *Statement, _ *risk.Register) {
				entryAt(t, st, "6.3").Status = ""
				entryAt(t, st, "8.1").Status = "done"
				entryAt(t, st, "5.1").Status = "" // excluded: no status needed
			},
			want: func(t *testing.T) []rules.Finding {
				return []rules.Finding{
					finding(t, CheckStatusMissing, SubjectControl, "6.3", "control 6.3 is included, but its implementation status is not recorded"),
					finding(t, CheckStatusMissing, SubjectControl, "8.1", `control 8.1 is included, but its status "done" is not a known implementation status`),
				}
			},
		},
		{
			name: "obviated-by problems",
			edit: func(t *testing.T, st *Statement, _ *risk.Register) {
				obviate := func(id, by string) {
					entryAt(t, st, id).Justification = Justification{Exclusion: Obviated, ObviatedBy: by}
				}
				obviate("7.1", "")
				obviate("7.2", "C-NOPE")
				obviate("7.3", "8.2")
				obviate("7.4", "C-VDI") // C-VDI is excluded
				obviate("C-VDI", "C-VDI")
				obviate("7.5", "C-MDM") // fine: C-MDM is included
				entryAt(t, st, "7.6").Justification.ObviatedBy = "C-MDM"
				entryAt(t, st, "6.3").Justification.ObviatedBy = "C-MDM"
			},
			want: func(t *testing.T) []rules.Finding {
				return []rules.Finding{
					finding(t, CheckObviatedBy, SubjectControl, "6.3", "control 6.3 is included, yet its justification says C-MDM obviates it"),
					finding(t, CheckObviatedBy, SubjectControl, "7.1", "control 7.1 is excluded as obviated, but does not name the custom control that obviates it"),
					finding(t, CheckObviatedBy, SubjectControl, "7.2", `control 7.2 is excluded as obviated by "C-NOPE", which is not a control of the catalog or the statement`),
					finding(t, CheckObviatedBy, SubjectControl, "7.3", "control 7.3 is excluded as obviated by 8.2, which is an Annex A control rather than a custom control"),
					finding(t, CheckObviatedBy, SubjectControl, "7.4", "control 7.4 is excluded as obviated by C-VDI, which the statement does not include"),
					finding(t, CheckObviatedBy, SubjectControl, "7.6", `control 7.6 names C-MDM as obviating it, but its exclusion reason is "not-needed", not "obviated"`),
					finding(t, CheckObviatedBy, SubjectControl, "C-VDI", "control C-VDI is excluded as obviated by itself"),
				}
			},
		},
		{
			name: "obviating control without entry",
			edit: func(t *testing.T, st *Statement, _ *risk.Register) {
				entryAt(t, st, "7.1").Justification = Justification{Exclusion: Obviated, ObviatedBy: "C-VDI"}
				removeEntry(st, "C-VDI")
			},
			want: func(t *testing.T) []rules.Finding {
				return []rules.Finding{
					finding(t, CheckMissingControl, SubjectControl, "C-VDI", "control C-VDI (Virtual desktops) has no entry in the statement"),
					finding(t, CheckObviatedBy, SubjectControl, "7.1", "control 7.1 is excluded as obviated by C-VDI, which has no entry in the statement"),
				}
			},
		},
		{
			name: "review overdue or never done",
			edit: func(t *testing.T, st *Statement, _ *risk.Register) {
				entryAt(t, st, "5.1").LastReviewed = time.Time{}
				entryAt(t, st, "5.2").LastReviewed = time.Date(2024, 6, 29, 0, 0, 0, 0, time.UTC)
				entryAt(t, st, "5.3").LastReviewed = time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC) // exactly 12 months: in time
				e := entryAt(t, st, "5.4")                                                        // undecided entries are not due
				e.Decision, e.LastReviewed = Undecided, time.Time{}
			},
			want: func(t *testing.T) []rules.Finding {
				return []rules.Finding{
					finding(t, CheckUndecided, SubjectControl, "5.4", "control 5.4 is not yet decided"),
					finding(t, CheckReviewOverdue, SubjectControl, "5.1", "the entry for control 5.1 has never been reviewed"),
					finding(t, CheckReviewOverdue, SubjectControl, "5.2", "the entry for control 5.2 was last reviewed on 2024-06-29, longer ago than the review period P12M as of 2025-06-30"),
				}
			},
		},
		{
			name: "review period from the options",
			opts: CheckOptions{ReviewPeriod: rules.MustParsePeriod("P5M")},
			edit: func(t *testing.T, st *Statement, _ *risk.Register) {
				for i := range st.Entries {
					st.Entries[i].LastReviewed = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
				}
				entryAt(t, st, "8.1").LastReviewed = time.Date(2025, 1, 29, 0, 0, 0, 0, time.UTC)
			},
			want: func(t *testing.T) []rules.Finding {
				return []rules.Finding{finding(t, CheckReviewOverdue, SubjectControl, "8.1",
					"the entry for control 8.1 was last reviewed on 2025-01-29, longer ago than the review period P5M as of 2025-06-30")}
			},
		},
		{
			name: "unknown controls",
			edit: func(t *testing.T, st *Statement, _ *risk.Register) {
				st.Custom = append(st.Custom, Control{ID: "MDM2", Title: "Second MDM"})
				st.Entries = append(st.Entries,
					Entry{ControlID: "9.1", Decision: Included},
					Entry{ControlID: "C-XYZ", Decision: Undecided},
					Entry{ControlID: "MDM2", Decision: Excluded})
			},
			want: func(t *testing.T) []rules.Finding {
				return []rules.Finding{
					finding(t, CheckUnknownControl, SubjectControl, "9.1", `entries[95] is for control "9.1", which the 2022 catalog does not have`),
					finding(t, CheckUnknownControl, SubjectControl, "C-XYZ", `entries[96] is for control "C-XYZ", which the 2022 catalog does not have`),
					finding(t, CheckUnknownControl, SubjectControl, "MDM2", `entries[97] is for control "MDM2", which the 2022 catalog does not have; the statement lists it as a custom control, but custom IDs must start with "C-"`),
				}
			},
		},
		{
			name: "chosen control excluded",
			edit: func(t *testing.T, st *Statement, _ *risk.Register) {
				e := entryAt(t, st, "8.1")
				e.Decision, e.Justification = Excluded, Justification{Exclusion: NotNeeded}
			},
			want: func(t *testing.T) []rules.Finding {
				return []rules.Finding{
					finding(t, CheckExcludedControlInPlan, SubjectRisk, "R-1", "the treatment of risk R-1 relies on control 8.1, which the statement excludes"),
					finding(t, CheckExcludedControlInPlan, SubjectRisk, "R-2", "the treatment of risk R-2 relies on control 8.1, which the statement excludes"),
					finding(t, CheckChosenControlExcluded, SubjectControl, "8.1", "control 8.1 is excluded, but the treatment of risks R-1, R-2 relies on it"),
				}
			},
		},
		{
			name: "risk relying on several excluded controls",
			edit: func(t *testing.T, st *Statement, reg *risk.Register) {
				reg.Risks[2].Treatment.Controls = []string{"5.2", "5.10", "5.2"}
			},
			want: func(t *testing.T) []rules.Finding {
				return []rules.Finding{
					finding(t, CheckExcludedControlInPlan, SubjectRisk, "R-3", "the treatment of risk R-3 relies on controls 5.2, 5.10, which the statement excludes"),
					finding(t, CheckChosenControlExcluded, SubjectControl, "5.2", "control 5.2 is excluded, but the treatment of risk R-3 relies on it"),
					finding(t, CheckChosenControlExcluded, SubjectControl, "5.10", "control 5.10 is excluded, but the treatment of risk R-3 relies on it"),
				}
			},
		},
		{
			name: "treatment names unknown controls",
			edit: func(t *testing.T, st *Statement, reg *risk.Register) {
				reg.Risks[1].Treatment.Controls = append(reg.Risks[1].Treatment.Controls, "A.9.1.1", "C-NOPE", "A.9.1.1")
				reg.Risks = append(reg.Risks, risk.Risk{Treatment: &risk.Treatment{Controls: []string{"42"}}})
			},
			want: func(t *testing.T) []rules.Finding {
				return []rules.Finding{
					finding(t, CheckTreatmentUnknownControl, SubjectRisk, "R-2", `the treatment of risk R-2 names "A.9.1.1", "C-NOPE", which the 2022 catalog and the statement's custom controls do not have`),
					finding(t, CheckTreatmentUnknownControl, SubjectRisk, "risks[4]", `the treatment of risk risks[4] names "42", which the 2022 catalog and the statement's custom controls do not have`),
				}
			},
		},
		{
			name: "custom control tied to nothing",
			edit: func(t *testing.T, st *Statement, _ *risk.Register) {
				e := entryAt(t, st, "C-VDI")
				e.Decision, e.Status, e.Justification = Included, Implemented, Justification{Risks: []string{"R-9"}}
			},
			want: func(t *testing.T) []rules.Finding {
				return []rules.Finding{
					finding(t, CheckCustomUnlinked, SubjectControl, "C-VDI", "custom control C-VDI (Virtual desktops) is chosen by no risk treatment and cites no risk of the register or requirement"),
					finding(t, CheckJustificationUnbacked, SubjectControl, "C-VDI", "the justification of control C-VDI cites risks not in the register: R-9"),
				}
			},
		},
		{
			name: "custom control tied by a requirement",
			edit: func(t *testing.T, st *Statement, _ *risk.Register) {
				e := entryAt(t, st, "C-VDI")
				e.Decision, e.Status = Included, Implemented
				e.Justification = Justification{Requirements: []Requirement{{Business, "board decision 2024-7"}}}
			},
			want: func(*testing.T) []rules.Finding { return nil },
		},
		{
			name: "justification not backed by the register",
			edit: func(t *testing.T, st *Statement, _ *risk.Register) {
				entryAt(t, st, "6.3").Justification = Justification{
					Risks:   []string{"R-2", "R-9", "R-1", "R-9"},
					Actions: []string{"A-3", "A-404", "A-1"},
				}
			},
			want: func(t *testing.T) []rules.Finding {
				return []rules.Finding{finding(t, CheckJustificationUnbacked, SubjectControl, "6.3",
					"the justification of control 6.3 cites risks not in the register: R-9; risks whose treatment does not choose it: R-1; "+
						"actions no treatment in the register has: A-404; actions of treatments that do not choose it: A-1")}
			},
		},
	}
}

// TestEveryCheckIsTested makes sure the Check table has a case for every
// check.
func TestEveryCheckIsTested(t *testing.T) {
	seen := map[string]bool{}
	for _, tt := range checkCases() {
		for _, f := range tt.run(t) {
			seen[f.RuleID] = true
		}
	}
	for _, c := range Checks() {
		if !seen[c.ID] {
			t.Errorf("no case of the Check table reports %s", c.ID)
		}
	}
}

func TestChecksCatalog(t *testing.T) {
	got := Checks()
	if !slices.IsSortedFunc(got, func(a, b CheckInfo) int {
		if c := rules.CompareClauses(a.Clause, b.Clause); c != 0 {
			return c
		}
		return rules.NaturalCompare(a.ID, b.ID)
	}) {
		t.Error("Checks is not ordered by clause and ID")
	}
	clauses := map[string]bool{"6.1.3 b)": true, "6.1.3 c)": true, "6.1.3 d)": true, "9.2": true}
	seen := map[string]bool{}
	for _, c := range got {
		if seen[c.ID] {
			t.Errorf("%s listed twice", c.ID)
		}
		seen[c.ID] = true
		if !clauses[c.Clause] || !c.Severity.Valid() || c.Title == "" || c.Guidance == "" {
			t.Errorf("%s: incomplete description %+v", c.ID, c)
		}
		if c.Subject != SubjectControl && c.Subject != SubjectRisk && c.Subject != SubjectStatement {
			t.Errorf("%s: subject kind %q", c.ID, c.Subject)
		}
	}
	got[0].ID = "changed"
	if Checks()[0].ID == "changed" {
		t.Error("Checks returns the package's own slice")
	}
}

// TestCheckDoesNotModifyInputs runs every check over a statement with
// many defects and compares the inputs before and after.
func TestCheckDoesNotModifyInputs(t *testing.T) {
	st, reg := fixStatement(t), fixRegister()
	entryAt(t, &st, "8.1").Decision = Excluded
	entryAt(t, &st, "5.1").Decision = Undecided
	st.Entries = append(st.Entries, st.Entries[3], Entry{ControlID: "zz"})
	removeEntry(&st, "6.3")
	stBefore, regBefore := st.Clone(), cloneRegister(reg)
	Check(st, fixCatalog(t), reg, fixAsOf, CheckOptions{})
	if diff := cmp.Diff(stBefore, st, cmpOpts); diff != "" {
		t.Errorf("statement changed (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(regBefore, reg, cmpOpts); diff != "" {
		t.Errorf("register changed (-before +after):\n%s", diff)
	}
}

// TestCheckProperties: Check never panics on arbitrary statements and
// registers, its findings are sorted, unique per rule and subject, cite
// the check's clause and severity, and do not depend on the order of the
// risks in the register.
func TestCheckProperties(t *testing.T) {
	cat := fixCatalog(t)
	rapid.Check(t, func(t *rapid.T) {
		st := statementGen(Edition2022, true).Draw(t, "statement")
		reg := registerGen(true).Draw(t, "register")
		asOf := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
		got := Check(st, cat, reg, asOf, CheckOptions{})
		if !slices.IsSortedFunc(got, rules.CompareFindings) {
			t.Fatalf("findings not sorted")
		}
		type key struct {
			rule string
			subj rules.Subject
		}
		seen := map[key]bool{}
		for _, f := range got {
			k := key{f.RuleID, f.Subject}
			if seen[k] {
				t.Fatalf("two findings of %s about %s", f.RuleID, f.Subject)
			}
			seen[k] = true
			info := checkIndex[f.RuleID]
			if info.Clause != f.Clause || info.Severity != f.Severity || info.Subject != f.Subject.Kind {
				t.Fatalf("finding %+v does not match its check %+v", f, info)
			}
		}
		perm := reg
		perm.Risks = rapid.Permutation(reg.Risks).Draw(t, "risks")
		if diff := cmp.Diff(got, Check(st, cat, perm, asOf, CheckOptions{})); diff != "" {
			t.Fatalf("findings depend on the order of risks (-before +permuted):\n%s", diff)
		}
	})
}

func BenchmarkCheck(b *testing.B) {
	st, reg, cat := fixStatement(b), fixRegister(), fixCatalog(b)
	ids := Catalog2022().Controls()
	for i := range 1000 {
		reg.Risks = append(reg.Risks, risk.Risk{ID: "R-x" + ids[i%len(ids)].ID + "-" + string(rune('a'+i%26)),
			Treatment: &risk.Treatment{Controls: []string{ids[i%len(ids)].ID, ids[(i*7)%len(ids)].ID}}})
	}
	for b.Loop() {
		_ = Check(st, cat, reg, fixAsOf, CheckOptions{})
	}
}
