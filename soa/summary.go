package soa

import (
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// Attribute dimensions, named like the fields of [Attributes] in JSON.
const (
	DimensionControlTypes            = "controlTypes"
	DimensionSecurityProperties      = "securityProperties"
	DimensionCybersecurityConcepts   = "cybersecurityConcepts"
	DimensionOperationalCapabilities = "operationalCapabilities"
	DimensionSecurityDomains         = "securityDomains"
)

// Group IDs of [GroupTally] for entries outside the Annex A grouping.
const (
	GroupCustom  = "custom"  // custom controls
	GroupUnknown = "unknown" // entries for controls neither in the catalog nor custom
)

// StatusUnset is the key [Summary.ByStatus] counts included controls
// without a status under.
const StatusUnset = "unset"

// dimensions lists each attribute dimension with its ISO/IEC 27002:2022
// vocabulary in the standard's order, and how to read it from Attributes.
var dimensions = []struct {
	name  string
	vocab []string
	get   func(Attributes) []string
}{
	{DimensionControlTypes, []string{"Preventive", "Detective", "Corrective"},
		func(a Attributes) []string { return a.ControlTypes }},
	{DimensionSecurityProperties, []string{"Confidentiality", "Integrity", "Availability"},
		func(a Attributes) []string { return a.SecurityProperties }},
	{DimensionCybersecurityConcepts, []string{"Identify", "Protect", "Detect", "Respond", "Recover"},
		func(a Attributes) []string { return a.CybersecurityConcepts }},
	{DimensionOperationalCapabilities, []string{"Governance", "Asset_management", "Information_protection",
		"Human_resource_security", "Physical_security", "System_and_network_security", "Application_security",
		"Secure_configuration", "Identity_and_access_management", "Threat_and_vulnerability_management",
		"Continuity", "Supplier_relationships_security", "Legal_and_compliance",
		"Information_security_event_management", "Information_security_assurance"},
		func(a Attributes) []string { return a.OperationalCapabilities }},
	{DimensionSecurityDomains, []string{"Governance_and_Ecosystem", "Protection", "Defence", "Resilience"},
		func(a Attributes) []string { return a.SecurityDomains }},
}

// Tally is a count under a key, such as a decision or a status.
type Tally struct {
	Key   string `json:"key"`   // a decision, a status or StatusUnset
	Count int    `json:"count"` // how many entries have it
}

// GroupTally counts the entries of one group: a 2022 theme, a 2013 domain,
// the custom controls or the unknown ones.
type GroupTally struct {
	// ID is the theme name ("Organizational"), the domain ID ("A.9"),
	// GroupCustom or GroupUnknown.
	ID string `json:"id"`
	// Title is the theme name, the domain title, "Custom controls" or
	// "Unknown controls".
	Title       string `json:"title"`
	Controls    int    `json:"controls"`    // entries in the group
	Included    int    `json:"included"`    // of them included
	Excluded    int    `json:"excluded"`    // of them excluded
	Undecided   int    `json:"undecided"`   // of them undecided or with an invalid decision
	Implemented int    `json:"implemented"` // of them included with status implemented
}

// AttributeTally counts the entries whose control carries one attribute
// value.
type AttributeTally struct {
	Dimension   string `json:"dimension"`   // such as DimensionControlTypes
	Value       string `json:"value"`       // such as "Detective"
	Controls    int    `json:"controls"`    // entries whose control has the value
	Included    int    `json:"included"`    // of them included
	Implemented int    `json:"implemented"` // of them included with status implemented
}

// Summary is an overview of a statement, for dashboards and management
// review. Counts are over distinct controls: when a control has several
// entries, only the first counts, as in [Check].
type Summary struct {
	// Edition is the statement's edition.
	Edition Edition `json:"edition"`
	// Entries is the number of distinct controls with an entry.
	Entries int `json:"entries"`
	// Missing is the number of catalog controls (custom ones included)
	// without an entry.
	Missing int `json:"missing"`
	// ByDecision counts entries per decision: included, excluded,
	// undecided, always in this order, then any invalid decision values
	// in byte order.
	ByDecision []Tally `json:"byDecision"`
	// ByStatus counts included entries per status: the four states in
	// order of progress, then StatusUnset and invalid values when they
	// occur.
	ByStatus []Tally `json:"byStatus"`
	// ByGroup counts entries per theme (2022) or domain (2013) in
	// catalog order, then the custom and unknown groups when they occur.
	ByGroup []GroupTally `json:"byGroup"`
	// ByAttribute counts entries per attribute value, dimension by
	// dimension in the order of [Attributes] and each dimension's values
	// in the vocabulary order of ISO/IEC 27002 (then values outside it, in
	// byte order). A dimension appears when some known control carries
	// it, so a 2013 statement without tagged custom controls has none.
	ByAttribute []AttributeTally `json:"byAttribute,omitempty"`
	// Included counts included entries.
	Included int `json:"included"`
	// Implemented counts included entries with status implemented.
	Implemented int `json:"implemented"`
	// ImplementedShare is Implemented / Included, rounded half up to four
	// decimal places (0.6667 for two of three); 0 when nothing is
	// included.
	ImplementedShare decimal.Decimal `json:"implementedShare"`
}

// Attribute returns the tallies of one dimension, such as
// DimensionControlTypes, in order; nil for a dimension with none.
func (s Summary) Attribute(dimension string) []AttributeTally {
	var out []AttributeTally
	for _, a := range s.ByAttribute {
		if a.Dimension == dimension {
			out = append(out, a)
		}
	}
	return out
}

// Decision returns the count of entries with decision d.
func (s Summary) Decision(d Decision) int { return tallyOf(s.ByDecision, string(d)) }

// Status returns the count of included entries with status st; pass
// Status(StatusUnset) for those without one.
func (s Summary) Status(st Status) int { return tallyOf(s.ByStatus, string(st)) }

func tallyOf(ts []Tally, key string) int {
	for _, t := range ts {
		if t.Key == key {
			return t.Count
		}
	}
	return 0
}

// Summarize counts a statement's entries by decision, status, theme or
// domain, and attribute value, and computes the share of included
// controls that are implemented. The catalog supplies the grouping and
// the attributes; a nil catalog means the built-in catalog of the
// statement's edition (none when the edition is unknown: every entry is
// then unknown, or custom). Custom controls are those of the catalog and
// of the statement's Custom list.
func Summarize(st Statement, cat *Catalog) Summary {
	if cat == nil {
		cat, _ = CatalogFor(st.Edition)
	}
	known := map[string]Control{}
	var order []string
	if cat != nil {
		for _, c := range cat.Controls() {
			known[c.ID] = c
			order = append(order, c.ID)
		}
	}
	for _, c := range st.Custom {
		if _, ok := known[c.ID]; !ok && IsCustomID(c.ID) {
			c.Custom = true
			known[c.ID] = c
			order = append(order, c.ID)
		}
	}
	canonical := func(id string) string {
		if cat != nil {
			if c, ok := cat.Control(id); ok {
				return c.ID
			}
		}
		return id
	}

	s := Summary{Edition: st.Edition}
	decisions := map[string]int{}
	statuses := map[string]int{}
	groups := map[string]*GroupTally{}
	var groupOrder []string
	if cat != nil {
		switch cat.Edition() {
		case Edition2022:
			for _, th := range cat.Themes() {
				groups[th] = &GroupTally{ID: th, Title: th}
				groupOrder = append(groupOrder, th)
			}
		case Edition2013:
			for _, d := range cat.Domains() {
				groups[d.ID] = &GroupTally{ID: d.ID, Title: d.Title}
				groupOrder = append(groupOrder, d.ID)
			}
		}
	}
	type attrKey struct{ dim, value string }
	attrs := map[attrKey]*AttributeTally{}
	dimSeen := map[string]bool{}
	for _, c := range known {
		for _, d := range dimensions {
			if len(d.get(c.Attributes)) > 0 {
				dimSeen[d.name] = true
			}
		}
	}

	seen := map[string]bool{}
	for _, e := range st.Entries {
		id := canonical(e.ControlID)
		if seen[id] {
			continue
		}
		seen[id] = true
		s.Entries++
		decisions[string(e.Decision)]++
		included := e.Decision == Included
		implemented := included && e.Status == Implemented
		if included {
			s.Included++
			if implemented {
				s.Implemented++
			}
			key := string(e.Status)
			if key == "" {
				key = StatusUnset
			}
			statuses[key]++
		}

		ctl, ok := known[id]
		gid, title := GroupUnknown, "Unknown controls"
		switch {
		case ok && ctl.Custom:
			gid, title = GroupCustom, "Custom controls"
		case ok && ctl.Theme != "":
			gid, title = ctl.Theme, ctl.Theme
		case ok && ctl.DomainID != "":
			gid, title = ctl.DomainID, ctl.DomainTitle
		}
		g := groups[gid]
		if g == nil {
			g = &GroupTally{ID: gid, Title: title}
			groups[gid] = g
			groupOrder = append(groupOrder, gid)
		}
		g.Controls++
		switch e.Decision {
		case Included:
			g.Included++
		case Excluded:
			g.Excluded++
		default:
			g.Undecided++
		}
		if implemented {
			g.Implemented++
		}

		for _, d := range dimensions {
			for _, v := range d.get(ctl.Attributes) {
				k := attrKey{d.name, v}
				a := attrs[k]
				if a == nil {
					a = &AttributeTally{Dimension: d.name, Value: v}
					attrs[k] = a
				}
				a.Controls++
				if included {
					a.Included++
				}
				if implemented {
					a.Implemented++
				}
			}
		}
	}
	for _, id := range order {
		if !seen[id] {
			s.Missing++
		}
	}

	for _, d := range Decisions() {
		s.ByDecision = append(s.ByDecision, Tally{string(d), decisions[string(d)]})
		delete(decisions, string(d))
	}
	s.ByDecision = append(s.ByDecision, sortedTallies(decisions)...)
	for _, st := range Statuses() {
		s.ByStatus = append(s.ByStatus, Tally{string(st), statuses[string(st)]})
		delete(statuses, string(st))
	}
	if n, ok := statuses[StatusUnset]; ok {
		s.ByStatus = append(s.ByStatus, Tally{StatusUnset, n})
		delete(statuses, StatusUnset)
	}
	s.ByStatus = append(s.ByStatus, sortedTallies(statuses)...)

	// Custom and unknown groups go last, in that order.
	slices.SortStableFunc(groupOrder, func(a, b string) int { return groupRank(a) - groupRank(b) })
	for _, gid := range groupOrder {
		s.ByGroup = append(s.ByGroup, *groups[gid])
	}

	for _, d := range dimensions {
		if !dimSeen[d.name] {
			continue
		}
		for _, v := range d.vocab {
			if a := attrs[attrKey{d.name, v}]; a != nil {
				s.ByAttribute = append(s.ByAttribute, *a)
			} else {
				s.ByAttribute = append(s.ByAttribute, AttributeTally{Dimension: d.name, Value: v})
			}
		}
		var extra []string
		for k := range attrs {
			if k.dim == d.name && !slices.Contains(d.vocab, k.value) {
				extra = append(extra, k.value)
			}
		}
		slices.Sort(extra)
		for _, v := range extra {
			s.ByAttribute = append(s.ByAttribute, *attrs[attrKey{d.name, v}])
		}
	}

	s.ImplementedShare = share(s.Implemented, s.Included)
	return s
}

func groupRank(id string) int {
	switch id {
	case GroupCustom:
		return 1
	case GroupUnknown:
		return 2
	}
	return 0
}

// sortedTallies turns leftover counts into tallies in byte order of key.
func sortedTallies(m map[string]int) []Tally {
	var out []Tally
	for k, n := range m {
		out = append(out, Tally{k, n})
	}
	slices.SortFunc(out, func(a, b Tally) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// share returns part/whole rounded half up to four decimal places, exactly:
// the rounding is done in integers, so no intermediate value is inexact.
func share(part, whole int) decimal.Decimal {
	if whole <= 0 {
		return decimal.Zero
	}
	p, w := int64(part), int64(whole)
	return decimal.New((2*p*10000+w)/(2*w), -4)
}
