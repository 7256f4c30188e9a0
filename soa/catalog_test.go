package soa

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

func ids(controls []Control) []string {
	var out []string
	for _, c := range controls {
		out = append(out, c.ID)
	}
	return out
}

func TestEmbeddedDataLoads(t *testing.T) {
	// The package panics on first use if the embedded data are broken; make
	// that a test failure with the full list of problems instead.
	if _, err := load(csv2022, csv2013, csvMapping); err != nil {
		t.Fatalf("embedded data: %v", err)
	}
}

func TestCounts(t *testing.T) {
	c22, c13, m := Catalog2022(), Catalog2013(), Mapping2013To2022()
	tests := []struct {
		name string
		got  int
		want int
	}{
		{"2022 controls", c22.Len(), 93},
		{"2022 Controls()", len(c22.Controls()), 93},
		{"2022 Organizational", len(c22.ByTheme(ThemeOrganizational)), 37},
		{"2022 People", len(c22.ByTheme(ThemePeople)), 8},
		{"2022 Physical", len(c22.ByTheme(ThemePhysical)), 14},
		{"2022 Technological", len(c22.ByTheme(ThemeTechnological)), 34},
		{"2022 domains", len(c22.Domains()), 0},
		{"2022 objectives", len(c22.Objectives()), 0},
		{"2013 controls", c13.Len(), 114},
		{"2013 Controls()", len(c13.Controls()), 114},
		{"2013 domains", len(c13.Domains()), 14},
		{"2013 objectives", len(c13.Objectives()), 35},
		{"2013 themes", len(c13.Themes()), 0},
		{"2013 A.9 controls", len(c13.ByDomain("A.9")), 14},
		{"mapping pairs", len(m.Pairs()), 115},
		{"Preventive", len(c22.Filter(AttributeFilter{ControlTypes: []string{"Preventive"}})), 83},
		{"Detective", len(c22.Filter(AttributeFilter{ControlTypes: []string{"Detective"}})), 13},
		{"Corrective", len(c22.Filter(AttributeFilter{ControlTypes: []string{"Corrective"}})), 14},
		{"Protection", len(c22.Filter(AttributeFilter{SecurityDomains: []string{"Protection"}})), 69},
		{"Governance_and_Ecosystem", len(c22.Filter(AttributeFilter{SecurityDomains: []string{"Governance_and_Ecosystem"}})), 27},
		{"Defence", len(c22.Filter(AttributeFilter{SecurityDomains: []string{"Defence"}})), 22},
		{"Resilience", len(c22.Filter(AttributeFilter{SecurityDomains: []string{"Resilience"}})), 8},
		{"2022 controls with a predecessor", 93 - len(m.NewIn2022()), 82},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %d, want %d", tt.name, tt.got, tt.want)
		}
	}
}

func TestStandardOrder(t *testing.T) {
	var want22 []string
	for _, th := range []struct {
		prefix string
		n      int
	}{{"5", 37}, {"6", 8}, {"7", 14}, {"8", 34}} {
		for i := 1; i <= th.n; i++ {
			want22 = append(want22, th.prefix+"."+strconv.Itoa(i))
		}
	}
	if diff := cmp.Diff(want22, ids(Catalog2022().Controls())); diff != "" {
		t.Errorf("2022 order (-want +got):\n%s", diff)
	}

	got13 := ids(Catalog2013().Controls())
	if got13[0] != "A.5.1.1" || got13[len(got13)-1] != "A.18.2.3" {
		t.Errorf("2013 runs from %s to %s, want A.5.1.1 to A.18.2.3", got13[0], got13[len(got13)-1])
	}
	if !slices.IsSortedFunc(got13, CompareControlIDs) {
		t.Errorf("2013 controls are not in natural order: %v", got13)
	}

	var domains []string
	for _, d := range Catalog2013().Domains() {
		domains = append(domains, d.ID)
	}
	wantDomains := []string{"A.5", "A.6", "A.7", "A.8", "A.9", "A.10", "A.11", "A.12", "A.13", "A.14", "A.15", "A.16", "A.17", "A.18"}
	if diff := cmp.Diff(wantDomains, domains); diff != "" {
		t.Errorf("2013 domains (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{ThemeOrganizational, ThemePeople, ThemePhysical, ThemeTechnological}, Catalog2022().Themes()); diff != "" {
		t.Errorf("themes (-want +got):\n%s", diff)
	}
}

func TestCatalogFor(t *testing.T) {
	for _, e := range []Edition{Edition2022, Edition2013} {
		c, err := CatalogFor(e)
		if err != nil || c.Edition() != e {
			t.Errorf("CatalogFor(%q) = %v, %v; want the %s catalog", e, c, err, e)
		}
		if !e.Valid() {
			t.Errorf("Edition(%q).Valid() = false", e)
		}
	}
	for _, e := range []Edition{"", "2005", "2022 ", "27001:2022"} {
		if e.Valid() {
			t.Errorf("Edition(%q).Valid() = true", e)
		}
		if _, err := CatalogFor(e); !errors.Is(err, ErrUnknownEdition) {
			t.Errorf("CatalogFor(%q) error = %v, want ErrUnknownEdition", e, err)
		}
	}
	first, second := Catalog2022(), Catalog2022()
	if first != second {
		t.Error("Catalog2022 parses the data more than once")
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		edition Edition
		id      string
		want    Control
		ok      bool
	}{
		{Edition2022, "5.1", Control{
			ID: "5.1", Title: "Policies for information security", Edition: Edition2022, Theme: ThemeOrganizational,
			Attributes: Attributes{
				ControlTypes:            []string{"Preventive"},
				SecurityProperties:      []string{"Confidentiality", "Integrity", "Availability"},
				CybersecurityConcepts:   []string{"Identify"},
				OperationalCapabilities: []string{"Governance"},
				SecurityDomains:         []string{"Governance_and_Ecosystem", "Resilience"},
			},
		}, true},
		{Edition2022, "A.8.16", Control{
			ID: "8.16", Title: "Monitoring activities", Edition: Edition2022, Theme: ThemeTechnological,
			Attributes: Attributes{
				ControlTypes:            []string{"Detective", "Corrective"},
				SecurityProperties:      []string{"Confidentiality", "Integrity", "Availability"},
				CybersecurityConcepts:   []string{"Detect", "Respond"},
				OperationalCapabilities: []string{"Information_security_event_management"},
				SecurityDomains:         []string{"Defence"},
			},
		}, true},
		{Edition2013, "A.9.4.2", Control{
			ID: "A.9.4.2", Title: "Secure log-on procedures", Edition: Edition2013,
			DomainID: "A.9", DomainTitle: "Access control", ObjectiveID: "A.9.4", ObjectiveTitle: "System and application access control",
		}, true},
		{Edition2013, "9.4.2", Control{
			ID: "A.9.4.2", Title: "Secure log-on procedures", Edition: Edition2013,
			DomainID: "A.9", DomainTitle: "Access control", ObjectiveID: "A.9.4", ObjectiveTitle: "System and application access control",
		}, true},
		{Edition2022, "5.38", Control{}, false},
		{Edition2022, "A.5.1.1", Control{}, false},
		{Edition2022, "05.1", Control{}, false},
		{Edition2022, " 5.1", Control{}, false},
		{Edition2022, "", Control{}, false},
		{Edition2013, "5.1", Control{}, false},
		{Edition2013, "A.5.1", Control{}, false},
		{Edition2013, "A.A.5.1.1", Control{}, false},
	}
	for _, tt := range tests {
		c, _ := CatalogFor(tt.edition)
		got, ok := c.Control(tt.id)
		if ok != tt.ok {
			t.Errorf("%s Control(%q) found = %v, want %v", tt.edition, tt.id, ok, tt.ok)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s Control(%q) (-want +got):\n%s", tt.edition, tt.id, diff)
		}
	}
}

func TestGrouping(t *testing.T) {
	c13 := Catalog2013()
	if diff := cmp.Diff([]string{"A.5.1.1", "A.5.1.2"}, ids(c13.ByDomain("A.5"))); diff != "" {
		t.Errorf("ByDomain(A.5) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(ids(c13.ByDomain("A.18")), ids(c13.ByDomain("18"))); diff != "" {
		t.Errorf("ByDomain(18) differs from ByDomain(A.18) (-want +got):\n%s", diff)
	}
	if got := c13.ByDomain("A.19"); got != nil {
		t.Errorf("ByDomain(A.19) = %v, want nil", ids(got))
	}
	if got := Catalog2022().ByDomain("A.5"); got != nil {
		t.Errorf("2022 ByDomain(A.5) = %v, want nil", ids(got))
	}
	if diff := cmp.Diff(ids(Catalog2022().ByTheme("People")), ids(Catalog2022().ByTheme("people"))); diff != "" {
		t.Errorf("ByTheme is case-sensitive (-want +got):\n%s", diff)
	}
	if got := Catalog2022().ByTheme(""); got != nil {
		t.Errorf("ByTheme(\"\") = %v, want nil", ids(got))
	}

	objectives := c13.Objectives()
	if diff := cmp.Diff(Objective{ID: "A.5.1", Title: "Management direction for information security", DomainID: "A.5"}, objectives[0]); diff != "" {
		t.Errorf("first objective (-want +got):\n%s", diff)
	}
	// Every objective's controls sum to the catalog.
	total := 0
	for _, o := range objectives {
		for _, ctl := range c13.Controls() {
			if ctl.ObjectiveID == o.ID {
				total++
				if ctl.DomainID != o.DomainID {
					t.Errorf("%s: domain %s, objective %s is in %s", ctl.ID, ctl.DomainID, o.ID, o.DomainID)
				}
			}
		}
	}
	if total != 114 {
		t.Errorf("controls across objectives = %d, want 114", total)
	}
}

func TestFilter(t *testing.T) {
	c22 := Catalog2022()
	tests := []struct {
		name   string
		filter AttributeFilter
		want   []string
	}{
		{
			name:   "detective for availability",
			filter: AttributeFilter{ControlTypes: []string{"Detective"}, SecurityProperties: []string{"Availability"}},
			want:   []string{"5.7", "5.25", "6.8", "7.4", "7.11", "8.6", "8.7", "8.15", "8.16", "8.20", "8.30"},
		},
		{
			name:   "values within a dimension are alternatives",
			filter: AttributeFilter{ControlTypes: []string{"Detective", "Corrective"}, OperationalCapabilities: []string{"Continuity"}},
			want:   []string{"5.29", "5.30", "5.37", "8.6", "8.13"},
		},
		{
			name:   "hash prefix and case are ignored",
			filter: AttributeFilter{ControlTypes: []string{"#detective"}, SecurityProperties: []string{"AVAILABILITY"}},
			want:   []string{"5.7", "5.25", "6.8", "7.4", "7.11", "8.6", "8.7", "8.15", "8.16", "8.20", "8.30"},
		},
		{
			name:   "recover concept",
			filter: AttributeFilter{CybersecurityConcepts: []string{"Recover"}},
			want:   []string{"5.5", "5.6", "5.24", "5.26", "5.37", "8.13"},
		},
		{
			name:   "unknown value matches nothing",
			filter: AttributeFilter{ControlTypes: []string{"Deterrent"}},
			want:   nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ids(c22.Filter(tt.filter))); diff != "" {
				t.Errorf("Filter(%+v) (-want +got):\n%s", tt.filter, diff)
			}
		})
	}
	if got := len(c22.Filter(AttributeFilter{})); got != 93 {
		t.Errorf("zero filter on 2022 matched %d controls, want 93", got)
	}
	if got := Catalog2013().Filter(AttributeFilter{ControlTypes: []string{"Preventive"}}); got != nil {
		t.Errorf("2013 controls have no attributes, but Filter matched %v", ids(got))
	}
}

func TestMapping(t *testing.T) {
	m := Mapping2013To2022()
	wantNew := []string{"5.7", "5.23", "5.30", "7.4", "8.9", "8.10", "8.11", "8.12", "8.16", "8.23", "8.28"}
	if diff := cmp.Diff(wantNew, m.NewIn2022()); diff != "" {
		t.Errorf("NewIn2022 (-want +got):\n%s", diff)
	}
	tests := []struct {
		name string
		got  []string
		want []string
	}{
		{"Successors(A.18.2.3)", m.Successors("A.18.2.3"), []string{"5.36", "8.8"}},
		{"Successors(18.2.3)", m.Successors("18.2.3"), []string{"5.36", "8.8"}},
		{"Successors(A.5.1.1)", m.Successors("A.5.1.1"), []string{"5.1"}},
		{"Successors(A.13.2.1)", m.Successors("A.13.2.1"), []string{"5.14"}},
		{"Successors(A.16.1.3)", m.Successors("A.16.1.3"), []string{"6.8"}},
		{"Successors(A.99.1.1)", m.Successors("A.99.1.1"), nil},
		{"Predecessors(5.1)", m.Predecessors("5.1"), []string{"A.5.1.1", "A.5.1.2"}},
		{"Predecessors(A.8.8)", m.Predecessors("A.8.8"), []string{"A.12.6.1", "A.18.2.3"}},
		{"Predecessors(5.14)", m.Predecessors("5.14"), []string{"A.13.2.1", "A.13.2.2", "A.13.2.3"}},
		{"Predecessors(5.7)", m.Predecessors("5.7"), nil},
		{"Predecessors(9.1)", m.Predecessors("9.1"), nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	for _, ctl := range Catalog2013().Controls() {
		if len(m.Successors(ctl.ID)) == 0 {
			t.Errorf("2013 control %s has no successor", ctl.ID)
		}
	}
	pairs := m.Pairs()
	if diff := cmp.Diff(Pair{From2013: "A.5.1.1", To2022: "5.1"}, pairs[0]); diff != "" {
		t.Errorf("first pair (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Pair{From2013: "A.18.2.3", To2022: "8.8"}, pairs[len(pairs)-1]); diff != "" {
		t.Errorf("last pair (-want +got):\n%s", diff)
	}
}

func TestIsCustomID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"C-MDM", true},
		{"C-12", true},
		{"C-a", true},
		{"C-mdm.v2_final-1", true},
		{"C--", true},
		{"C-", false},
		{"C", false},
		{"", false},
		{"c-MDM", false},
		{"C_MDM", false},
		{"X-MDM", false},
		{"C-MDM ", false},
		{" C-MDM", false},
		{"C-MD M", false},
		{"C-MDM/1", false},
		{"C-Ä", false},
		{"5.1", false},
		{"A.5.1.1", false},
	}
	for _, tt := range tests {
		if got := IsCustomID(tt.id); got != tt.want {
			t.Errorf("IsCustomID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func TestIsAnnexAID(t *testing.T) {
	tests := []struct {
		edition Edition
		id      string
		want    bool
	}{
		{Edition2022, "5.1", true},
		{Edition2022, "8.34", true},
		{Edition2022, "9.99", true}, // syntax only
		{Edition2022, "A.5.1", false},
		{Edition2022, "5", false},
		{Edition2022, "5.1.1", false},
		{Edition2022, "5.", false},
		{Edition2022, ".1", false},
		{Edition2022, "05.1", false},
		{Edition2022, "5.01", false},
		{Edition2022, "0.1", false},
		{Edition2022, "5.x", false},
		{Edition2022, "C-1", false},
		{Edition2013, "A.5.1.1", true},
		{Edition2013, "A.18.2.3", true},
		{Edition2013, "5.1.1", false},
		{Edition2013, "A.5.1", false},
		{Edition2013, "a.5.1.1", false},
		{Edition2013, "A.5.1.1.1", false},
		{Edition2013, "A..1.1", false},
		{"2005", "5.1", false},
		{"", "A.5.1.1", false},
	}
	for _, tt := range tests {
		if got := IsAnnexAID(tt.edition, tt.id); got != tt.want {
			t.Errorf("IsAnnexAID(%q, %q) = %v, want %v", tt.edition, tt.id, got, tt.want)
		}
	}
	for _, e := range []Edition{Edition2022, Edition2013} {
		c, _ := CatalogFor(e)
		for _, ctl := range c.Controls() {
			if !IsAnnexAID(e, ctl.ID) || IsCustomID(ctl.ID) {
				t.Errorf("%s control %s: IsAnnexAID = %v, IsCustomID = %v", e, ctl.ID, IsAnnexAID(e, ctl.ID), IsCustomID(ctl.ID))
			}
		}
	}
}

func TestNewCustomControl(t *testing.T) {
	got, err := NewCustomControl("C-MDM", "Mobile device management", "Enrolled devices only.")
	if err != nil {
		t.Fatal(err)
	}
	want := Control{ID: "C-MDM", Title: "Mobile device management", Custom: true, Description: "Enrolled devices only."}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NewCustomControl (-want +got):\n%s", diff)
	}

	_, err = NewCustomControl("MDM", " ", "")
	if !errors.Is(err, ErrInvalidCustomID) || !errors.Is(err, ErrEmptyTitle) {
		t.Errorf("NewCustomControl(MDM, blank) error = %v, want both ErrInvalidCustomID and ErrEmptyTitle", err)
	}
	for _, id := range []string{"5.1", "A.5.1.1", "C-", "CMDM"} {
		if _, err := NewCustomControl(id, "t", ""); !errors.Is(err, ErrInvalidCustomID) {
			t.Errorf("NewCustomControl(%q) error = %v, want ErrInvalidCustomID", id, err)
		}
	}
}

func TestWithCustom(t *testing.T) {
	base := Catalog2022()
	mdm, _ := NewCustomControl("C-MDM", "Mobile device management", "")
	c10, _ := NewCustomControl("C-10", "Ten", "")
	c9, _ := NewCustomControl("C-9", "Nine", "")
	c9.Attributes = Attributes{ControlTypes: []string{"Detective"}, SecurityProperties: []string{"Availability"}}

	got, err := base.WithCustom(mdm, c10, c9)
	if err != nil {
		t.Fatal(err)
	}
	if base.Len() != 93 {
		t.Errorf("WithCustom changed the base catalog: Len = %d", base.Len())
	}
	if got.Len() != 96 || got.Edition() != Edition2022 {
		t.Errorf("new catalog: Len = %d, Edition = %s; want 96, 2022", got.Len(), got.Edition())
	}
	all := ids(got.Controls())
	if diff := cmp.Diff([]string{"8.33", "8.34", "C-9", "C-10", "C-MDM"}, all[len(all)-5:]); diff != "" {
		t.Errorf("custom controls should follow Annex A in natural order (-want +got):\n%s", diff)
	}
	ctl, ok := got.Control("C-MDM")
	wantMDM := Control{ID: "C-MDM", Title: "Mobile device management", Edition: Edition2022, Custom: true}
	if diff := cmp.Diff(wantMDM, ctl); !ok || diff != "" {
		t.Errorf("Control(C-MDM) found = %v (-want +got):\n%s", ok, diff)
	}
	if _, ok := base.Control("C-MDM"); ok {
		t.Error("the base catalog found the custom control")
	}
	detAvail := ids(got.Filter(AttributeFilter{ControlTypes: []string{"Detective"}, SecurityProperties: []string{"Availability"}}))
	if detAvail[len(detAvail)-1] != "C-9" {
		t.Errorf("Filter did not find the tagged custom control: %v", detAvail)
	}

	// Stacking: a second WithCustom keeps the first one's controls and
	// rejects their IDs.
	more, err := got.WithCustom(Control{ID: "C-11", Title: "Eleven"})
	if err != nil || more.Len() != 97 {
		t.Fatalf("second WithCustom: Len = %v, err = %v", more.Len(), err)
	}
	if _, err := more.WithCustom(Control{ID: "C-MDM", Title: "again"}); !errors.Is(err, ErrDuplicateControl) {
		t.Errorf("re-adding C-MDM: error = %v, want ErrDuplicateControl", err)
	}
	if same, err := base.WithCustom(); err != nil || same.Len() != 93 {
		t.Errorf("WithCustom() = Len %d, %v; want the same catalog", same.Len(), err)
	}

	// The caller's control is copied: changing it afterwards does not leak in.
	c9.Attributes.ControlTypes[0] = "Preventive"
	if ctl, _ := got.Control("C-9"); ctl.Attributes.ControlTypes[0] != "Detective" {
		t.Errorf("changing the argument changed the catalog: %v", ctl.Attributes.ControlTypes)
	}

	// The 2013 catalog takes custom controls too.
	c13, err := Catalog2013().WithCustom(mdm)
	if err != nil {
		t.Fatal(err)
	}
	if ctl, ok := c13.Control("C-MDM"); !ok || ctl.Edition != Edition2013 {
		t.Errorf("2013 Control(C-MDM) = %+v, %v", ctl, ok)
	}
}

func TestWithCustomErrors(t *testing.T) {
	_, err := Catalog2022().WithCustom(
		Control{ID: "C-OK", Title: "fine"},
		Control{ID: "5.1", Title: "an Annex A ID"},
		Control{ID: "MDM", Title: ""},
		Control{ID: "C-OK", Title: "duplicate of argument 0"},
		Control{ID: "C-X", Title: "\t"},
	)
	if err == nil {
		t.Fatal("WithCustom accepted invalid controls")
	}
	want := []string{
		`controls[1].id "5.1": soa: invalid custom control ID: a custom ID is "C-" followed by letters, digits, '.', '_' or '-'`,
		`controls[2].id "MDM": soa: invalid custom control ID: a custom ID is "C-" followed by letters, digits, '.', '_' or '-'`,
		`controls[2].title: soa: empty control title`,
		`controls[3].id "C-OK": soa: duplicate control ID: controls[0] has the same ID`,
		`controls[4].title: soa: empty control title`,
	}
	if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
		t.Errorf("WithCustom errors (-want +got):\n%s", diff)
	}
	for _, target := range []error{ErrInvalidCustomID, ErrDuplicateControl, ErrEmptyTitle} {
		if !errors.Is(err, target) {
			t.Errorf("error does not match %v", target)
		}
	}

	with, _ := Catalog2022().WithCustom(Control{ID: "C-OK", Title: "fine"})
	_, err = with.WithCustom(Control{ID: "C-OK", Title: "again"})
	if want := `controls[0].id "C-OK": soa: duplicate control ID: the catalog already has it`; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

func TestReturnsCopies(t *testing.T) {
	c22 := Catalog2022()
	before := c22.Controls()

	// Mutate everything a caller can reach.
	got := c22.Controls()
	got[0].Title = "changed"
	got[0].Attributes.ControlTypes[0] = "changed"
	got = append(got[:1], got[2:]...)
	_ = got
	ctl, _ := c22.Control("5.2")
	ctl.Attributes.SecurityProperties[0] = "changed"
	for _, list := range [][]Control{
		c22.ByTheme(ThemePeople),
		c22.Filter(AttributeFilter{ControlTypes: []string{"Detective"}}),
		Catalog2013().ByDomain("A.5"),
	} {
		list[0].ID = "changed"
		if len(list[0].Attributes.ControlTypes) > 0 {
			list[0].Attributes.ControlTypes[0] = "changed"
		}
	}
	themes := c22.Themes()
	themes[0] = "changed"
	domains := Catalog2013().Domains()
	domains[0].ID = "changed"
	objectives := Catalog2013().Objectives()
	objectives[0].ID = "changed"
	m := Mapping2013To2022()
	m.Successors("A.18.2.3")[0] = "changed"
	m.Predecessors("5.1")[0] = "changed"
	m.Pairs()[0].To2022 = "changed"
	m.NewIn2022()[0] = "changed"

	if diff := cmp.Diff(before, c22.Controls()); diff != "" {
		t.Errorf("the catalog changed (-want +got):\n%s", diff)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"Themes", c22.Themes()[0], ThemeOrganizational},
		{"Domains", Catalog2013().Domains()[0].ID, "A.5"},
		{"Objectives", Catalog2013().Objectives()[0].ID, "A.5.1"},
		{"ByDomain", Catalog2013().ByDomain("A.5")[0].ID, "A.5.1.1"},
		{"Successors", m.Successors("A.18.2.3")[0], "5.36"},
		{"Predecessors", m.Predecessors("5.1")[0], "A.5.1.1"},
		{"Pairs", m.Pairs()[0].To2022, "5.1"},
		{"NewIn2022", m.NewIn2022()[0], "5.7"},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s changed after mutating a returned value (-want +got):\n%s", c.name, diff)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	// Run with -race: first use and reads from many goroutines at once.
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			c := Catalog2022()
			_ = c.Filter(AttributeFilter{ControlTypes: []string{"Detective"}})
			_, _ = c.WithCustom(Control{ID: "C-1", Title: "one"})
			_ = Mapping2013To2022().Predecessors("5.1")
			_ = Catalog2013().Controls()
		})
	}
	wg.Wait()
}

func TestJSON(t *testing.T) {
	ctl, _ := Catalog2013().Control("A.5.1.1")
	b, err := json.Marshal(ctl)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"A.5.1.1","title":"Policies for information security","edition":"2013","domainId":"A.5","domainTitle":"Information security policies","objectiveId":"A.5.1","objectiveTitle":"Management direction for information security"}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("2013 control JSON (-want +got):\n%s", diff)
	}

	ctl, _ = Catalog2022().Control("8.16")
	b, err = json.Marshal(ctl)
	if err != nil {
		t.Fatal(err)
	}
	want = `{"id":"8.16","title":"Monitoring activities","edition":"2022","theme":"Technological","attributes":{"controlTypes":["Detective","Corrective"],"securityProperties":["Confidentiality","Integrity","Availability"],"cybersecurityConcepts":["Detect","Respond"],"operationalCapabilities":["Information_security_event_management"],"securityDomains":["Defence"]}}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("2022 control JSON (-want +got):\n%s", diff)
	}
	var back Control
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ctl, back); diff != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", diff)
	}
}

func TestCompareControlIDs(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"5.2", "5.10", -1},
		{"5.10", "5.2", 1},
		{"5.37", "6.1", -1},
		{"8.34", "C-1", -1},
		{"A.5.1.2", "A.18.1.1", -1},
		{"A.9.4.5", "A.9.4.10", -1},
		{"A.18.2.3", "C-MDM", -1},
		{"C-9", "C-10", -1},
		{"C-MDM", "C-MDM", 0},
		{"5.1", "5.1", 0},
		{"5.1", "5.01", -1}, // numerically equal: fewer leading zeros first
		{"5", "5.1", -1},
		{"", "5.1", -1},
		{"", "", 0},
		{"99999999999999999999999", "100000000000000000000000", -1},
	}
	for _, tt := range tests {
		if got := CompareControlIDs(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareControlIDs(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	good22, good13, goodMap := csv2022, csv2013, csvMapping
	tests := []struct {
		name                    string
		data22, data13, dataMap string
		want                    []string // substrings of the error
	}{
		{"bad 2022 header", "id,title\n5.1,x\n", good13, goodMap, []string{"iso27001-2022-annex-a.csv: header is"}},
		{"empty 2013", good22, "", goodMap, []string{"iso27001-2013-annex-a.csv: reading header: EOF"}},
		{"wrong field count", good22, good13, "id_2013,id_2022\nA.5.1.1\n", []string{"wrong number of fields"}},
		{"bad quoting", good22, good13, "id_2013,id_2022\n\"A.5.1.1,5.1\n", []string{"extraneous or missing"}},
		{
			"bad 2022 rows",
			"id,title,theme,control_type,security_properties,cybersecurity_concepts,operational_capabilities,security_domains\n" +
				"5.1,,Organizational,Preventive,Integrity,Identify,Governance,Protection\n" +
				"5.1,Dup,Organizational,Preventive,Integrity,Identify,Governance,Protection\n" +
				"6.1,Theme,Physical,Preventive,Integrity,Identify,Governance,Protection\n" +
				"x,Bad id,Organizational,Preventive,Integrity,Identify,Governance,Protection\n" +
				"5.2,Empty attr,Organizational,,Integrity;,Identify,Governance,Protection\n",
			good13, goodMap,
			[]string{
				"line 2: control 5.1: empty title",
				"line 3: id 5.1 is listed twice",
				`line 4: control 6.1: theme is "Physical", want "People"`,
				`line 5: id "x" is not a 2022 Annex A ID`,
				"line 6: control 5.2: column control_type has an empty value",
				"control 5.2: column security_properties has an empty value",
			},
		},
		{
			"bad 2013 rows",
			good22,
			"id,title,domain_id,domain_title,objective_id,objective_title\n" +
				"A.5.1.1,T,A.5,D,A.5.1,O\n" +
				"A.5.1.2,T,A.6,D,A.5.1,O\n" +
				"A.5.1.3,T,A.5,Other,A.5.1,Other\n" +
				"A.5.1.4,,A.5,D,A.5.1,O\n",
			goodMap,
			[]string{
				"control A.5.1.2: domain/objective are A.6/A.5.1, want A.5/A.5.1",
				`control A.5.1.3: domain A.5 is titled both "D" and "Other"`,
				`control A.5.1.3: objective A.5.1 is titled both "O" and "Other"`,
				"line 5: control A.5.1.4: empty title",
			},
		},
		{
			"bad mapping",
			good22, good13,
			goodMap + "5.1,A.5.1.1\n",
			[]string{
				`line 117: id_2013 "5.1" is not a 2013 Annex A ID`,
				`id_2022 "A.5.1.1" is not a 2022 Annex A ID`,
			},
		},
		{
			"mapping to unknown controls",
			good22, good13,
			goodMap + "A.99.1.1,5.1\nA.5.1.1,9.9\nA.5.1.1,5.1\n",
			[]string{
				"mapping: A.99.1.1 is not a 2013 control",
				"mapping: 9.9 is not a 2022 control",
				"mapping: pair A.5.1.1 → 5.1 is listed twice",
			},
		},
		{
			"unmapped 2013 control",
			good22, good13,
			strings.Replace(goodMap, "A.5.1.2,5.1\n", "", 1),
			[]string{"mapping: 2013 control A.5.1.2 has no successor"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := load(tt.data22, tt.data13, tt.dataMap)
			if err == nil {
				t.Fatalf("load succeeded: %+v", b)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestMustLoadPanics(t *testing.T) {
	defer func() {
		r := recover()
		msg, _ := r.(string)
		if !strings.HasPrefix(msg, "soa: embedded Annex A data is invalid: ") {
			t.Errorf("panic = %v, want the embedded-data message", r)
		}
	}()
	mustLoad(load(csv2022, "", csvMapping))
	t.Error("mustLoad did not panic on broken data")
}

// TestMappingInverse checks that Predecessors and Successors are inverse
// relations, for randomly drawn IDs of both editions.
func TestMappingInverse(t *testing.T) {
	m := Mapping2013To2022()
	ids22 := ids(Catalog2022().Controls())
	ids13 := ids(Catalog2013().Controls())
	rapid.Check(t, func(t *rapid.T) {
		id22 := rapid.SampledFrom(ids22).Draw(t, "id2022")
		for _, p := range m.Predecessors(id22) {
			if !slices.Contains(m.Successors(p), id22) {
				t.Fatalf("%s is a predecessor of %s, but Successors(%s) = %v", p, id22, p, m.Successors(p))
			}
		}
		id13 := rapid.SampledFrom(ids13).Draw(t, "id2013")
		for _, s := range m.Successors(id13) {
			if !slices.Contains(m.Predecessors(s), id13) {
				t.Fatalf("%s is a successor of %s, but Predecessors(%s) = %v", s, id13, s, m.Predecessors(s))
			}
		}
		// The two directions agree with the list of pairs.
		has := slices.Contains(m.Pairs(), Pair{From2013: id13, To2022: id22})
		if has != slices.Contains(m.Successors(id13), id22) || has != slices.Contains(m.Predecessors(id22), id13) {
			t.Fatalf("pair %s → %s: Pairs says %v, Successors %v, Predecessors %v", id13, id22, has, m.Successors(id13), m.Predecessors(id22))
		}
		if len(m.Predecessors(id22)) == 0 != slices.Contains(m.NewIn2022(), id22) {
			t.Fatalf("%s: Predecessors = %v, but NewIn2022 contains it = %v", id22, m.Predecessors(id22), slices.Contains(m.NewIn2022(), id22))
		}
	})
}

// controlIDGen draws real IDs of both editions, custom IDs, and arbitrary
// strings made of the characters IDs use (including leading zeros).
func controlIDGen() *rapid.Generator[string] {
	known := append(ids(Catalog2022().Controls()), ids(Catalog2013().Controls())...)
	return rapid.OneOf(
		rapid.SampledFrom(known),
		rapid.StringMatching(`C-[A-Za-z0-9._-]{1,6}`),
		rapid.StringMatching(`[A0-9.C-]{0,8}`),
		rapid.String(),
	)
}

// TestCompareControlIDsTotalOrder checks that CompareControlIDs is a total
// order and that sorting with it is consistent and independent of the
// input order.
func TestCompareControlIDsTotalOrder(t *testing.T) {
	gen := controlIDGen()
	rapid.Check(t, func(t *rapid.T) {
		a, b, c := gen.Draw(t, "a"), gen.Draw(t, "b"), gen.Draw(t, "c")
		ab, ba := CompareControlIDs(a, b), CompareControlIDs(b, a)
		if ab != -ba {
			t.Fatalf("not antisymmetric: cmp(a,b) = %d, cmp(b,a) = %d", ab, ba)
		}
		if (ab == 0) != (a == b) {
			t.Fatalf("cmp(a,b) = %d but a == b is %v", ab, a == b)
		}
		if ab <= 0 && CompareControlIDs(b, c) <= 0 && CompareControlIDs(a, c) > 0 {
			t.Fatalf("not transitive: a <= b <= c but a > c")
		}

		list := rapid.SliceOf(gen).Draw(t, "list")
		sorted := slices.Clone(list)
		slices.SortFunc(sorted, CompareControlIDs)
		for i := 1; i < len(sorted); i++ {
			if CompareControlIDs(sorted[i-1], sorted[i]) > 0 {
				t.Fatalf("sorted[%d] = %q > sorted[%d] = %q", i-1, sorted[i-1], i, sorted[i])
			}
		}
		perm := rapid.Permutation(list).Draw(t, "perm")
		slices.SortFunc(perm, CompareControlIDs)
		if !slices.Equal(sorted, perm) {
			t.Fatalf("sorting depends on input order:\n%q\n%q", sorted, perm)
		}
	})
}

func BenchmarkFilter(b *testing.B) {
	c := Catalog2022()
	f := AttributeFilter{ControlTypes: []string{"Detective"}, SecurityProperties: []string{"Availability"}}
	for b.Loop() {
		_ = c.Filter(f)
	}
}

func BenchmarkControls(b *testing.B) {
	c := Catalog2022()
	for b.Loop() {
		_ = c.Controls()
	}
}
