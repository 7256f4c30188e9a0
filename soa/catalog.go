package soa

import (
	"cmp"
	_ "embed" // the Annex A reference data ships inside the package
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/isms-go/iso27003/rules"
)

// Edition names an edition of ISO/IEC 27001 Annex A.
type Edition string

// The editions the package knows.
const (
	Edition2022 Edition = "2022" // ISO/IEC 27001:2022, 93 controls in four themes
	Edition2013 Edition = "2013" // ISO/IEC 27001:2013, 114 controls in 14 domains
)

// Valid reports whether e is one of the known editions.
func (e Edition) Valid() bool { return e == Edition2022 || e == Edition2013 }

// Sentinel errors. Callers test for them with errors.Is; the returned
// errors wrap them with the offending value and where it was found.
var (
	// ErrUnknownEdition is returned for an edition other than 2022 or 2013.
	ErrUnknownEdition = errors.New("soa: unknown Annex A edition")
	// ErrInvalidCustomID is returned when a custom control's ID is outside
	// the custom namespace ("C-" followed by letters, digits, '.', '_' or '-').
	ErrInvalidCustomID = errors.New("soa: invalid custom control ID")
	// ErrDuplicateControl is returned when a control ID is already taken,
	// by the catalog or by another control in the same call.
	ErrDuplicateControl = errors.New("soa: duplicate control ID")
	// ErrEmptyTitle is returned when a custom control has no title.
	ErrEmptyTitle = errors.New("soa: empty control title")
)

// Theme names of the 2022 edition, in the order the standard lists them.
const (
	ThemeOrganizational = "Organizational" // controls 5.1–5.37
	ThemePeople         = "People"         // controls 6.1–6.8
	ThemePhysical       = "Physical"       // controls 7.1–7.14
	ThemeTechnological  = "Technological"  // controls 8.1–8.34
)

// Control is one entry of a catalog: an Annex A control of one edition or
// a control an organization added itself (Custom).
type Control struct {
	// ID identifies the control: "5.1" (2022), "A.5.1.1" (2013) or "C-…"
	// (custom).
	ID string `json:"id"`
	// Title is the short title of the control.
	Title string `json:"title"`
	// Edition is the catalog the control belongs to.
	Edition Edition `json:"edition"`
	// Theme groups 2022 controls: Organizational, People, Physical or
	// Technological. It is empty for 2013 controls.
	Theme string `json:"theme,omitempty"`
	// DomainID is the 2013 domain ("A.5" … "A.18"); empty for 2022.
	DomainID string `json:"domainId,omitempty"`
	// DomainTitle is the title of the 2013 domain.
	DomainTitle string `json:"domainTitle,omitempty"`
	// ObjectiveID is the 2013 control objective ("A.5.1"); empty for 2022.
	ObjectiveID string `json:"objectiveId,omitempty"`
	// ObjectiveTitle is the title of the 2013 control objective.
	ObjectiveTitle string `json:"objectiveTitle,omitempty"`
	// Attributes are the ISO/IEC 27002:2022 attribute values of a 2022
	// control. They are empty for 2013 controls and, unless the
	// organization sets them, for custom controls.
	Attributes Attributes `json:"attributes,omitzero"`
	// Custom is true for a control the organization added; such a control
	// is not part of Annex A.
	Custom bool `json:"custom,omitempty"`
	// Description is the organization's own description of a custom
	// control. Annex A controls leave it empty.
	Description string `json:"description,omitempty"`
}

// clone returns a deep copy of c, so that callers never share slices with
// a catalog.
func (c Control) clone() Control {
	c.Attributes = c.Attributes.clone()
	return c
}

// Attributes holds the ISO/IEC 27002:2022 attribute values of a control,
// one slice per attribute dimension. Values are the attribute names
// without the leading '#', for example "Preventive" or
// "Identity_and_access_management", in the order 27002 lists its
// vocabulary.
type Attributes struct {
	// ControlTypes: Preventive, Detective, Corrective.
	ControlTypes []string `json:"controlTypes,omitempty"`
	// SecurityProperties: Confidentiality, Integrity, Availability.
	SecurityProperties []string `json:"securityProperties,omitempty"`
	// CybersecurityConcepts: Identify, Protect, Detect, Respond, Recover.
	CybersecurityConcepts []string `json:"cybersecurityConcepts,omitempty"`
	// OperationalCapabilities: Governance, Asset_management and the other
	// capabilities of 27002.
	OperationalCapabilities []string `json:"operationalCapabilities,omitempty"`
	// SecurityDomains: Governance_and_Ecosystem, Protection, Defence,
	// Resilience.
	SecurityDomains []string `json:"securityDomains,omitempty"`
}

func (a Attributes) clone() Attributes {
	return Attributes{
		ControlTypes:            slices.Clone(a.ControlTypes),
		SecurityProperties:      slices.Clone(a.SecurityProperties),
		CybersecurityConcepts:   slices.Clone(a.CybersecurityConcepts),
		OperationalCapabilities: slices.Clone(a.OperationalCapabilities),
		SecurityDomains:         slices.Clone(a.SecurityDomains),
	}
}

// AttributeFilter selects controls by attribute value. Each field lists
// the accepted values of one dimension. A control matches when, for every
// non-empty field, it carries at least one of the listed values: values
// within a field are alternatives (OR) and the fields are combined with
// AND. An empty field places no condition on its dimension, so the zero
// filter matches every control. Values are compared without regard to
// case, and a leading '#' is ignored.
type AttributeFilter struct {
	ControlTypes            []string `json:"controlTypes,omitempty"`            // for example "Detective"
	SecurityProperties      []string `json:"securityProperties,omitempty"`      // for example "Availability"
	CybersecurityConcepts   []string `json:"cybersecurityConcepts,omitempty"`   // for example "Detect"
	OperationalCapabilities []string `json:"operationalCapabilities,omitempty"` // for example "Continuity"
	SecurityDomains         []string `json:"securityDomains,omitempty"`         // for example "Resilience"
}

// matches reports whether a satisfies f.
func (f AttributeFilter) matches(a Attributes) bool {
	return anyOf(f.ControlTypes, a.ControlTypes) &&
		anyOf(f.SecurityProperties, a.SecurityProperties) &&
		anyOf(f.CybersecurityConcepts, a.CybersecurityConcepts) &&
		anyOf(f.OperationalCapabilities, a.OperationalCapabilities) &&
		anyOf(f.SecurityDomains, a.SecurityDomains)
}

// anyOf reports whether want is empty or have contains one of its values.
func anyOf(want, have []string) bool {
	if len(want) == 0 {
		return true
	}
	for _, w := range want {
		w = strings.TrimPrefix(w, "#")
		for _, h := range have {
			if strings.EqualFold(w, h) {
				return true
			}
		}
	}
	return false
}

// Domain is a 2013 control domain, such as A.9 "Access control".
type Domain struct {
	ID    string `json:"id"`    // "A.5" … "A.18"
	Title string `json:"title"` // short title
}

// Objective is a 2013 control objective, such as A.9.1, within a domain.
// Only the objective's short title is kept, not its statement.
type Objective struct {
	ID       string `json:"id"`       // "A.5.1" …
	Title    string `json:"title"`    // short title
	DomainID string `json:"domainId"` // the domain it belongs to, "A.5" …
}

// Catalog is the list of controls of one Annex A edition, optionally with
// an organization's custom controls. A Catalog is immutable and safe for
// concurrent use by multiple goroutines; every method returns copies, and
// [Catalog.WithCustom] returns a new Catalog instead of changing this one.
//
// Controls are kept in standard order: Annex A controls in natural order of
// their IDs (5.1, 5.2, …, 5.37, 6.1, … for 2022; A.5.1.1 … A.18.2.3 for
// 2013), then custom controls in natural order of their IDs.
type Catalog struct {
	edition    Edition
	controls   []Control
	index      map[string]int // ID → position in controls
	themes     []string
	domains    []Domain
	objectives []Objective
}

// Catalog2022 returns the built-in ISO/IEC 27001:2022 Annex A catalog: 93
// controls in four themes, each with its ISO/IEC 27002:2022 attributes.
func Catalog2022() *Catalog { return builtinData().c2022 }

// Catalog2013 returns the built-in ISO/IEC 27001:2013 Annex A catalog: 114
// controls in 14 domains and 35 control objectives.
func Catalog2013() *Catalog { return builtinData().c2013 }

// CatalogFor returns the built-in catalog of edition e, or an error
// matching [ErrUnknownEdition].
func CatalogFor(e Edition) (*Catalog, error) {
	switch e {
	case Edition2022:
		return Catalog2022(), nil
	case Edition2013:
		return Catalog2013(), nil
	}
	return nil, fmt.Errorf("edition %q: %w (want %q or %q)", string(e), ErrUnknownEdition, Edition2022, Edition2013)
}

// newCatalog sorts controls into standard order and builds the indexes.
// It takes ownership of controls.
func newCatalog(e Edition, controls []Control) *Catalog {
	slices.SortStableFunc(controls, compareControls)
	c := &Catalog{edition: e, controls: controls, index: make(map[string]int, len(controls))}
	seenTheme := map[string]bool{}
	seenDomain := map[string]bool{}
	seenObjective := map[string]bool{}
	for i, ctl := range controls {
		c.index[ctl.ID] = i
		if ctl.Theme != "" && !seenTheme[ctl.Theme] {
			seenTheme[ctl.Theme] = true
			c.themes = append(c.themes, ctl.Theme)
		}
		if ctl.DomainID != "" && !seenDomain[ctl.DomainID] {
			seenDomain[ctl.DomainID] = true
			c.domains = append(c.domains, Domain{ID: ctl.DomainID, Title: ctl.DomainTitle})
		}
		if ctl.ObjectiveID != "" && !seenObjective[ctl.ObjectiveID] {
			seenObjective[ctl.ObjectiveID] = true
			c.objectives = append(c.objectives, Objective{ID: ctl.ObjectiveID, Title: ctl.ObjectiveTitle, DomainID: ctl.DomainID})
		}
	}
	return c
}

// compareControls orders Annex A controls before custom ones, each group by
// natural order of ID.
func compareControls(a, b Control) int {
	if a.Custom != b.Custom {
		if a.Custom {
			return 1
		}
		return -1
	}
	return CompareControlIDs(a.ID, b.ID)
}

// Edition returns the Annex A edition of the catalog.
func (c *Catalog) Edition() Edition { return c.edition }

// Len returns the number of controls, custom ones included.
func (c *Catalog) Len() int { return len(c.controls) }

// Controls returns a copy of every control in standard order, custom
// controls last.
func (c *Catalog) Controls() []Control {
	return c.collect(func(Control) bool { return true })
}

// Control returns the control with the given ID and whether it exists.
// For the 2022 edition both "5.1" and "A.5.1" find control 5.1; for 2013
// both "A.5.1.1" and "5.1.1" find A.5.1.1. Custom IDs must match exactly.
// The returned Control's ID is always the canonical one.
func (c *Catalog) Control(id string) (Control, bool) {
	i, ok := c.index[normalizeID(c.edition, id)]
	if !ok {
		return Control{}, false
	}
	return c.controls[i].clone(), true
}

// Themes returns the themes that occur in the catalog, in standard order:
// Organizational, People, Physical, Technological for 2022. A 2013
// catalog has no themes and returns nil.
func (c *Catalog) Themes() []string { return slices.Clone(c.themes) }

// ByTheme returns copies of the controls of a theme, in standard order.
// The theme name is compared without regard to case; an unknown theme
// gives nil.
func (c *Catalog) ByTheme(theme string) []Control {
	return c.collect(func(ctl Control) bool { return ctl.Theme != "" && strings.EqualFold(ctl.Theme, theme) })
}

// Domains returns the 2013 control domains A.5 … A.18 in order. A 2022
// catalog returns nil.
func (c *Catalog) Domains() []Domain { return slices.Clone(c.domains) }

// ByDomain returns copies of the controls of a 2013 domain, such as "A.9"
// (or "9"), in standard order. An unknown domain gives nil.
func (c *Catalog) ByDomain(id string) []Control {
	if c.edition == Edition2013 && !strings.HasPrefix(id, "A.") {
		id = "A." + id
	}
	return c.collect(func(ctl Control) bool { return ctl.DomainID != "" && ctl.DomainID == id })
}

// Objectives returns the 2013 control objectives (A.5.1 …) in order. A
// 2022 catalog returns nil.
func (c *Catalog) Objectives() []Objective { return slices.Clone(c.objectives) }

// Filter returns copies of the controls whose attributes satisfy f, in
// standard order. See [AttributeFilter] for the matching rule. Controls
// without attributes (2013 controls, most custom controls) match only the
// zero filter.
func (c *Catalog) Filter(f AttributeFilter) []Control {
	return c.collect(func(ctl Control) bool { return f.matches(ctl.Attributes) })
}

// collect returns deep copies of the controls that satisfy keep, or nil
// when none do.
func (c *Catalog) collect(keep func(Control) bool) []Control {
	var out []Control
	for _, ctl := range c.controls {
		if keep(ctl) {
			out = append(out, ctl.clone())
		}
	}
	return out
}

// WithCustom returns a new catalog holding the controls of c plus the given
// custom controls; c itself is unchanged. Each control must have an ID in
// the custom namespace (see [IsCustomID]), a non-blank title and an ID that
// neither c nor another argument already uses. All problems are reported
// at once, joined with errors.Join, each naming the argument
// ("controls[2].id") and wrapping [ErrInvalidCustomID],
// [ErrDuplicateControl] or [ErrEmptyTitle].
//
// The added controls are copied, marked Custom and given the catalog's
// edition; all other fields, including any Theme or Attributes, are kept,
// so an organization can tag its own controls and find them with
// [Catalog.Filter].
func (c *Catalog) WithCustom(controls ...Control) (*Catalog, error) {
	if len(controls) == 0 {
		return c, nil // c is immutable, so sharing it is safe
	}
	var errs []error
	seen := make(map[string]int, len(controls)) // ID → first argument index
	for i, ctl := range controls {
		if !IsCustomID(ctl.ID) {
			errs = append(errs, fmt.Errorf("controls[%d].id %q: %w: %s", i, ctl.ID, ErrInvalidCustomID, customIDRule))
		} else if _, taken := c.index[ctl.ID]; taken {
			errs = append(errs, fmt.Errorf("controls[%d].id %q: %w: the catalog already has it", i, ctl.ID, ErrDuplicateControl))
		} else if first, dup := seen[ctl.ID]; dup {
			errs = append(errs, fmt.Errorf("controls[%d].id %q: %w: controls[%d] has the same ID", i, ctl.ID, ErrDuplicateControl, first))
		} else {
			seen[ctl.ID] = i
		}
		if strings.TrimSpace(ctl.Title) == "" {
			errs = append(errs, fmt.Errorf("controls[%d].title: %w", i, ErrEmptyTitle))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	all := make([]Control, 0, len(c.controls)+len(controls))
	all = append(all, c.controls...) // sharing is safe: stored controls are never modified
	for _, ctl := range controls {
		ctl = ctl.clone()
		ctl.Custom = true
		ctl.Edition = c.edition
		all = append(all, ctl)
	}
	return newCatalog(c.edition, all), nil
}

// customIDRule explains the custom namespace in error messages.
const customIDRule = `a custom ID is "C-" followed by letters, digits, '.', '_' or '-'`

// NewCustomControl returns a custom control (Custom set, no edition yet)
// after checking that id is in the custom namespace and title is not
// blank. Add it to a catalog with [Catalog.WithCustom]. The error wraps
// [ErrInvalidCustomID] or [ErrEmptyTitle], both when both apply.
func NewCustomControl(id, title, description string) (Control, error) {
	var errs []error
	if !IsCustomID(id) {
		errs = append(errs, fmt.Errorf("id %q: %w: %s", id, ErrInvalidCustomID, customIDRule))
	}
	if strings.TrimSpace(title) == "" {
		errs = append(errs, fmt.Errorf("title: %w", ErrEmptyTitle))
	}
	if len(errs) > 0 {
		return Control{}, errors.Join(errs...)
	}
	return Control{ID: id, Title: title, Custom: true, Description: description}, nil
}

// IsCustomID reports whether id is in the custom control namespace: "C-"
// followed by at least one ASCII letter, digit, '.', '_' or '-', as in
// "C-MDM" or "C-12". The prefix is case-sensitive. No Annex A ID of
// either edition has this form.
func IsCustomID(id string) bool {
	rest, ok := strings.CutPrefix(id, "C-")
	if !ok || rest == "" {
		return false
	}
	for i := 0; i < len(rest); i++ {
		switch b := rest[i]; {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9', b == '.', b == '_', b == '-':
		default:
			return false
		}
	}
	return true
}

// IsAnnexAID reports whether id has the syntax of an Annex A control ID of
// edition e: "N.N" for 2022 (such as "5.1") and "A.N.N.N" for 2013 (such
// as "A.5.1.1"), where each N is a decimal number without leading zeros.
// It checks the form only, not whether the control exists; use
// [Catalog.Control] for that. It returns false for an unknown edition.
func IsAnnexAID(e Edition, id string) bool {
	switch e {
	case Edition2022:
		return isNumberPath(id, 2)
	case Edition2013:
		rest, ok := strings.CutPrefix(id, "A.")
		return ok && isNumberPath(rest, 3)
	}
	return false
}

// isNumberPath reports whether s is n positive decimal numbers without
// leading zeros, separated by dots.
func isNumberPath(s string, n int) bool {
	parts := strings.Split(s, ".")
	if len(parts) != n {
		return false
	}
	for _, p := range parts {
		if p == "" || p[0] == '0' {
			return false
		}
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return false
			}
		}
	}
	return true
}

// normalizeID maps the accepted alternative spellings of an Annex A ID to
// the canonical one of edition e: "A.5.1" → "5.1" for 2022 and
// "5.1.1" → "A.5.1.1" for 2013. Other IDs are returned unchanged.
func normalizeID(e Edition, id string) string {
	switch e {
	case Edition2022:
		if rest, ok := strings.CutPrefix(id, "A."); ok && IsAnnexAID(Edition2022, rest) {
			return rest
		}
	case Edition2013:
		if IsAnnexAID(Edition2013, "A."+id) {
			return "A." + id
		}
	}
	return id
}

// CompareControlIDs compares two control IDs in natural order and returns
// -1, 0 or +1. Runs of digits are compared as numbers, so "5.2" < "5.10"
// and "A.5.1.2" < "A.18.1.1"; everything else is compared byte by byte.
// It is rules.NaturalCompare, the order of every ID list in the library:
// a total order that returns 0 only when a == b.
func CompareControlIDs(a, b string) int { return rules.NaturalCompare(a, b) }

// Pair is one line of the 2013 → 2022 correspondence: the 2022 control To2022
// descends, at least in part, from the 2013 control From2013. A pair shows
// lineage, not equivalence.
type Pair struct {
	From2013 string `json:"from2013"` // "A.5.1.1" …
	To2022   string `json:"to2022"`   // "5.1" …
}

// Mapping is the correspondence between 2013 and 2022 Annex A controls as
// published in ISO/IEC 27002:2022 Annex B. Every 2013 control has at least
// one successor; eleven 2022 controls have no predecessor. A Mapping is
// immutable and safe for concurrent use; its methods return copies.
type Mapping struct {
	pairs        []Pair
	successors   map[string][]string // 2013 ID → 2022 IDs
	predecessors map[string][]string // 2022 ID → 2013 IDs
	newIn2022    []string
}

// Mapping2013To2022 returns the built-in 2013 → 2022 mapping.
func Mapping2013To2022() *Mapping { return builtinData().mapping }

// newMapping builds the indexes of a mapping between the catalogs.
func newMapping(pairs []Pair, c2022 *Catalog) *Mapping {
	slices.SortFunc(pairs, func(a, b Pair) int {
		return cmp.Or(CompareControlIDs(a.From2013, b.From2013), CompareControlIDs(a.To2022, b.To2022))
	})
	m := &Mapping{pairs: pairs, successors: map[string][]string{}, predecessors: map[string][]string{}}
	for _, p := range pairs {
		m.successors[p.From2013] = append(m.successors[p.From2013], p.To2022)
		m.predecessors[p.To2022] = append(m.predecessors[p.To2022], p.From2013)
	}
	for _, ids := range m.predecessors {
		slices.SortFunc(ids, CompareControlIDs)
	}
	for _, ctl := range c2022.controls {
		if _, ok := m.predecessors[ctl.ID]; !ok {
			m.newIn2022 = append(m.newIn2022, ctl.ID)
		}
	}
	return m
}

// Successors returns the 2022 controls that descend from the 2013 control
// id ("A.8.1.1", or "8.1.1"), in natural order. It returns nil for an ID
// that is not a 2013 control.
func (m *Mapping) Successors(id2013 string) []string {
	return slices.Clone(m.successors[normalizeID(Edition2013, id2013)])
}

// Predecessors returns the 2013 controls that the 2022 control id ("5.1",
// or "A.5.1") descends from, in natural order. It returns nil for a control
// that is new in 2022 and for an ID that is not a 2022 control.
func (m *Mapping) Predecessors(id2022 string) []string {
	return slices.Clone(m.predecessors[normalizeID(Edition2022, id2022)])
}

// Pairs returns every pair, ordered by 2013 ID and then 2022 ID.
func (m *Mapping) Pairs() []Pair { return slices.Clone(m.pairs) }

// NewIn2022 returns, in standard order, the 2022 controls that have no
// 2013 predecessor.
func (m *Mapping) NewIn2022() []string { return slices.Clone(m.newIn2022) }

// Embedded reference data; see data/README.md for sources and checks.
// Strings rather than byte slices, so nothing can modify them.
var (
	//go:embed data/iso27001-2022-annex-a.csv
	csv2022 string
	//go:embed data/iso27001-2013-annex-a.csv
	csv2013 string
	//go:embed data/iso27001-2013-to-2022-mapping.csv
	csvMapping string
)

// builtin holds the parsed embedded data.
type builtin struct {
	c2022   *Catalog
	c2013   *Catalog
	mapping *Mapping
}

// builtinData parses the embedded data on first use. The data are part of
// the build, so a parse failure is a defect of the package, not of the
// caller's input: it panics, and the tests make sure it cannot happen.
var builtinData = sync.OnceValue(func() *builtin {
	return mustLoad(load(csv2022, csv2013, csvMapping))
})

func mustLoad(b *builtin, err error) *builtin {
	if err != nil {
		panic("soa: embedded Annex A data is invalid: " + err.Error())
	}
	return b
}

// Expected CSV headers.
const (
	header2022    = "id,title,theme,control_type,security_properties,cybersecurity_concepts,operational_capabilities,security_domains"
	header2013    = "id,title,domain_id,domain_title,objective_id,objective_title"
	headerMapping = "id_2013,id_2022"
)

// load parses and cross-checks the three CSV documents.
func load(data2022, data2013, dataMapping string) (*builtin, error) {
	controls2022, err2022 := parse2022(data2022)
	controls2013, err2013 := parse2013(data2013)
	pairs, errMapping := parseMapping(dataMapping)
	if err := errors.Join(err2022, err2013, errMapping); err != nil {
		return nil, err
	}
	b := &builtin{
		c2022: newCatalog(Edition2022, controls2022),
		c2013: newCatalog(Edition2013, controls2013),
	}
	var errs []error
	seen := map[Pair]bool{}
	for _, p := range pairs {
		if _, ok := b.c2013.index[p.From2013]; !ok {
			errs = append(errs, fmt.Errorf("mapping: %s is not a 2013 control", p.From2013))
		}
		if _, ok := b.c2022.index[p.To2022]; !ok {
			errs = append(errs, fmt.Errorf("mapping: %s is not a 2022 control", p.To2022))
		}
		if seen[p] {
			errs = append(errs, fmt.Errorf("mapping: pair %s → %s is listed twice", p.From2013, p.To2022))
		}
		seen[p] = true
	}
	b.mapping = newMapping(pairs, b.c2022)
	for _, ctl := range b.c2013.controls {
		if len(b.mapping.successors[ctl.ID]) == 0 {
			errs = append(errs, fmt.Errorf("mapping: 2013 control %s has no successor", ctl.ID))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return b, nil
}

// readCSV reads a CSV document whose first record must be header (the
// column names joined by commas) and calls row for each further record. It
// collects every error, each prefixed with the document name and line.
func readCSV(name, data, header string, row func(rec []string) error) error {
	r := csv.NewReader(strings.NewReader(data))
	// FieldsPerRecord stays 0: the header sets the width and every later
	// record must match it.
	got, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: reading header: %w", name, err)
	}
	if strings.Join(got, ",") != header {
		return fmt.Errorf("%s: header is %q, want %q", name, strings.Join(got, ","), header)
	}
	var errs []error
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return errors.Join(append(errs, fmt.Errorf("%s: %w", name, err))...)
		}
		if err := row(rec); err != nil {
			line, _ := r.FieldPos(0)
			errs = append(errs, fmt.Errorf("%s line %d: %w", name, line, err))
		}
	}
	return errors.Join(errs...)
}

// uniqueID records id in seen and reports a problem when it is malformed or
// already there.
func uniqueID(e Edition, id string, seen map[string]bool) error {
	if !IsAnnexAID(e, id) {
		return fmt.Errorf("id %q is not a %s Annex A ID", id, e)
	}
	if seen[id] {
		return fmt.Errorf("id %s is listed twice", id)
	}
	seen[id] = true
	return nil
}

func parse2022(data string) ([]Control, error) {
	var controls []Control
	seen := map[string]bool{}
	themes := map[string]string{"5": ThemeOrganizational, "6": ThemePeople, "7": ThemePhysical, "8": ThemeTechnological}
	err := readCSV("iso27001-2022-annex-a.csv", data, header2022, func(rec []string) error {
		id, title, theme := rec[0], rec[1], rec[2]
		var errs []error
		if err := uniqueID(Edition2022, id, seen); err != nil {
			errs = append(errs, err)
		} else if prefix, _, _ := strings.Cut(id, "."); themes[prefix] != theme {
			errs = append(errs, fmt.Errorf("control %s: theme is %q, want %q", id, theme, themes[prefix]))
		}
		if title == "" {
			errs = append(errs, fmt.Errorf("control %s: empty title", id))
		}
		attrs := Attributes{
			ControlTypes:            splitCell(rec[3]),
			SecurityProperties:      splitCell(rec[4]),
			CybersecurityConcepts:   splitCell(rec[5]),
			OperationalCapabilities: splitCell(rec[6]),
			SecurityDomains:         splitCell(rec[7]),
		}
		for k, vals := range [][]string{attrs.ControlTypes, attrs.SecurityProperties, attrs.CybersecurityConcepts, attrs.OperationalCapabilities, attrs.SecurityDomains} {
			if len(vals) == 0 || slices.Contains(vals, "") {
				errs = append(errs, fmt.Errorf("control %s: column %s has an empty value", id, strings.Split(header2022, ",")[3+k]))
			}
		}
		controls = append(controls, Control{ID: id, Title: title, Edition: Edition2022, Theme: theme, Attributes: attrs})
		return errors.Join(errs...)
	})
	return controls, err
}

// splitCell splits a multi-valued attribute cell ("A;B").
func splitCell(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}

func parse2013(data string) ([]Control, error) {
	var controls []Control
	seen := map[string]bool{}
	domainTitles := map[string]string{}
	objectiveTitles := map[string]string{}
	err := readCSV("iso27001-2013-annex-a.csv", data, header2013, func(rec []string) error {
		ctl := Control{ID: rec[0], Title: rec[1], Edition: Edition2013, DomainID: rec[2], DomainTitle: rec[3], ObjectiveID: rec[4], ObjectiveTitle: rec[5]}
		var errs []error
		if err := uniqueID(Edition2013, ctl.ID, seen); err != nil {
			errs = append(errs, err)
		} else {
			// A.9.4.2 belongs to objective A.9.4 and domain A.9.
			objective := ctl.ID[:strings.LastIndexByte(ctl.ID, '.')]
			domain := objective[:strings.LastIndexByte(objective, '.')]
			if ctl.ObjectiveID != objective || ctl.DomainID != domain {
				errs = append(errs, fmt.Errorf("control %s: domain/objective are %s/%s, want %s/%s", ctl.ID, ctl.DomainID, ctl.ObjectiveID, domain, objective))
			}
		}
		if ctl.Title == "" || ctl.DomainTitle == "" || ctl.ObjectiveTitle == "" {
			errs = append(errs, fmt.Errorf("control %s: empty title", ctl.ID))
		}
		if t, ok := domainTitles[ctl.DomainID]; ok && t != ctl.DomainTitle {
			errs = append(errs, fmt.Errorf("control %s: domain %s is titled both %q and %q", ctl.ID, ctl.DomainID, t, ctl.DomainTitle))
		}
		if t, ok := objectiveTitles[ctl.ObjectiveID]; ok && t != ctl.ObjectiveTitle {
			errs = append(errs, fmt.Errorf("control %s: objective %s is titled both %q and %q", ctl.ID, ctl.ObjectiveID, t, ctl.ObjectiveTitle))
		}
		domainTitles[ctl.DomainID] = ctl.DomainTitle
		objectiveTitles[ctl.ObjectiveID] = ctl.ObjectiveTitle
		controls = append(controls, ctl)
		return errors.Join(errs...)
	})
	return controls, err
}

func parseMapping(data string) ([]Pair, error) {
	var pairs []Pair
	err := readCSV("iso27001-2013-to-2022-mapping.csv", data, headerMapping, func(rec []string) error {
		p := Pair{From2013: rec[0], To2022: rec[1]}
		var errs []error
		if !IsAnnexAID(Edition2013, p.From2013) {
			errs = append(errs, fmt.Errorf("id_2013 %q is not a 2013 Annex A ID", p.From2013))
		}
		if !IsAnnexAID(Edition2022, p.To2022) {
			errs = append(errs, fmt.Errorf("id_2022 %q is not a 2022 Annex A ID", p.To2022))
		}
		pairs = append(pairs, p)
		return errors.Join(errs...)
	})
	return pairs, err
}
