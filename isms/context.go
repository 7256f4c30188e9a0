package isms

import (
	"slices"
	"time"

	"github.com/isms-go/iso27003/risk"
)

// Aspect classifies an issue (4.1) by the part of the organization's
// context it comes from. Each aspect belongs to one side: see
// Aspect.Origin.
type Aspect string

// External aspects.
const (
	AspectSocialCultural Aspect = "social-cultural"            // society and culture
	AspectPoliticalLegal Aspect = "political-legal-regulatory" // politics, law and regulation
	AspectFinancial      Aspect = "financial-macroeconomic"    // finance and the wider economy
	AspectTechnological  Aspect = "technological"              // technology trends
	AspectNatural        Aspect = "natural"                    // the natural environment
	AspectCompetitive    Aspect = "competitive"                // the market and competitors
)

// Internal aspects.
const (
	AspectCulture          Aspect = "culture"                      // internal: the organization's culture
	AspectPoliciesStrategy Aspect = "policies-objectives-strategy" // internal: policies, objectives and strategy
	AspectGovernance       Aspect = "governance-structure"         // internal: governance, structure, roles
	AspectStandards        Aspect = "standards-models"             // internal: standards and models adopted
	AspectContracts        Aspect = "contracts"                    // internal: contractual relationships
	AspectProcesses        Aspect = "processes"                    // internal: processes and procedures
	AspectCapabilities     Aspect = "capabilities"                 // internal: people, knowledge, capital
	AspectInfrastructure   Aspect = "infrastructure"               // internal: physical and ICT infrastructure
	AspectInformation      Aspect = "information-systems-flows"    // internal: information systems and flows
	AspectAudits           Aspect = "audits-assessments"           // internal: results of earlier audits and assessments
)

var (
	externalAspects = []Aspect{AspectSocialCultural, AspectPoliticalLegal, AspectFinancial,
		AspectTechnological, AspectNatural, AspectCompetitive}
	internalAspects = []Aspect{AspectCulture, AspectPoliciesStrategy, AspectGovernance,
		AspectStandards, AspectContracts, AspectProcesses, AspectCapabilities,
		AspectInfrastructure, AspectInformation, AspectAudits}
)

// Aspects returns the aspects of one origin, in the order above, or all
// of them (external first) for an empty origin.
func Aspects(o Origin) []Aspect {
	switch o {
	case External:
		return slices.Clone(externalAspects)
	case Internal:
		return slices.Clone(internalAspects)
	}
	return slices.Concat(externalAspects, internalAspects)
}

// Valid reports whether a is one of the known aspects.
func (a Aspect) Valid() bool { return a.Origin() != "" }

// Origin returns the side the aspect belongs to, or "" for an unknown
// aspect.
func (a Aspect) Origin() Origin {
	switch {
	case slices.Contains(externalAspects, a):
		return External
	case slices.Contains(internalAspects, a):
		return Internal
	}
	return ""
}

// Issue is an internal or external issue that bears on the ISMS's
// ability to achieve its intended outcomes (4.1).
type Issue struct {
	ID          string `json:"id"`
	Origin      Origin `json:"origin,omitempty"`
	Aspect      Aspect `json:"aspect,omitempty"`
	Description string `json:"description,omitempty"`
	// Effect says how the issue may help or hinder the ISMS.
	Effect       string    `json:"effect,omitempty"`
	LastReviewed time.Time `json:"lastReviewed,omitzero"`
}

// PartyCategory classifies an interested party (4.2). Like aspects,
// categories belong to one side: see PartyCategory.Origin.
type PartyCategory string

// External categories.
const (
	CategoryRegulator           PartyCategory = "regulator"
	CategoryOwnerInvestor       PartyCategory = "owner-investor"
	CategorySupplier            PartyCategory = "supplier"
	CategoryIndustryAssociation PartyCategory = "industry-association"
	CategoryCompetitor          PartyCategory = "competitor"
	CategoryCustomer            PartyCategory = "customer"
	CategoryActivist            PartyCategory = "activist-group"
)

// Internal categories.
const (
	CategoryTopManagement        PartyCategory = "top-management"
	CategoryProcessOwner         PartyCategory = "process-owner"
	CategorySystemOwner          PartyCategory = "system-owner"
	CategoryInformationOwner     PartyCategory = "information-owner"
	CategorySupportFunction      PartyCategory = "support-function"
	CategoryEmployeeUser         PartyCategory = "employee-user"
	CategorySecurityProfessional PartyCategory = "security-professional"
)

var (
	externalCategories = []PartyCategory{CategoryRegulator, CategoryOwnerInvestor,
		CategorySupplier, CategoryIndustryAssociation, CategoryCompetitor, CategoryCustomer,
		CategoryActivist}
	internalCategories = []PartyCategory{CategoryTopManagement, CategoryProcessOwner,
		CategorySystemOwner, CategoryInformationOwner, CategorySupportFunction,
		CategoryEmployeeUser, CategorySecurityProfessional}
)

// PartyCategories returns the categories of one origin, in the order
// above, or all of them (external first) for an empty origin.
func PartyCategories(o Origin) []PartyCategory {
	switch o {
	case External:
		return slices.Clone(externalCategories)
	case Internal:
		return slices.Clone(internalCategories)
	}
	return slices.Concat(externalCategories, internalCategories)
}

// Valid reports whether c is one of the known categories.
func (c PartyCategory) Valid() bool { return c.Origin() != "" }

// Origin returns the side the category belongs to, or "" for an unknown
// category.
func (c PartyCategory) Origin() Origin {
	switch {
	case slices.Contains(externalCategories, c):
		return External
	case slices.Contains(internalCategories, c):
		return Internal
	}
	return ""
}

// Party is an interested party and what it requires of the ISMS (4.2).
type Party struct {
	ID           string        `json:"id"`
	Name         string        `json:"name,omitempty"`
	Origin       Origin        `json:"origin,omitempty"`
	Category     PartyCategory `json:"category,omitempty"`
	Requirements []Requirement `json:"requirements,omitempty"`
	LastReviewed time.Time     `json:"lastReviewed,omitzero"`
}

// Requirement is one need or expectation of an interested party that is
// relevant to information security. Addressed records whether the ISMS
// takes it on (27001:2022 4.2 c); How says by what means. ID is optional
// and, when set, unique within the party.
type Requirement struct {
	ID          string `json:"id,omitempty"`
	Description string `json:"description,omitempty"`
	Addressed   bool   `json:"addressed,omitempty"`
	How         string `json:"how,omitempty"`
}

// BoundaryKind is the dimension of a scope boundary, interface or unit.
type BoundaryKind string

// Boundary kinds.
const (
	Organizational BoundaryKind = "organizational" // units, functions, legal entities
	ICT            BoundaryKind = "ict"            // networks, systems, services
	Physical       BoundaryKind = "physical"       // sites, buildings, rooms
)

// BoundaryKinds returns every boundary kind, in the order above.
func BoundaryKinds() []BoundaryKind { return []BoundaryKind{Organizational, ICT, Physical} }

// Valid reports whether k is one of the boundary kinds.
func (k BoundaryKind) Valid() bool { return slices.Contains(BoundaryKinds(), k) }

// ScopeStatus is how far the scope definition has progressed.
type ScopeStatus string

// Scope states, in order of progress.
const (
	ScopePreliminary ScopeStatus = "preliminary"
	ScopeRefined     ScopeStatus = "refined"
	ScopeFinal       ScopeStatus = "final"
	ScopeApproved    ScopeStatus = "approved"
)

var scopeStates = []ScopeStatus{ScopePreliminary, ScopeRefined, ScopeFinal, ScopeApproved}

// Valid reports whether s is one of the scope states.
func (s ScopeStatus) Valid() bool { return slices.Contains(scopeStates, s) }

// Scope is the boundaries and applicability of the ISMS (4.3).
type Scope struct {
	// Statement is the scope as the organization words it.
	Statement  string      `json:"statement,omitempty"`
	Boundaries []Boundary  `json:"boundaries,omitempty"`
	Interfaces []Interface `json:"interfaces,omitempty"`
	// Units are the organizational units, ICT systems and physical
	// locations the scope explicitly takes in or leaves out.
	Units      []ScopeUnit  `json:"units,omitempty"`
	Outsourced []Outsourced `json:"outsourced,omitempty"`
	Status     ScopeStatus  `json:"status,omitempty"`
	// Approval is top management's approval of the scope.
	Approval     risk.Approval `json:"approval,omitzero"`
	LastReviewed time.Time     `json:"lastReviewed,omitzero"`
	// Document is the ID of the document that records the scope.
	Document string `json:"document,omitempty"`
}

// Boundary describes where the ISMS ends along one dimension.
type Boundary struct {
	Kind        BoundaryKind `json:"kind,omitempty"`
	Description string       `json:"description,omitempty"`
}

// Interface is a point where the ISMS meets something outside it: a
// handover to another organization, a network link, a shared building.
// Party and Supplier optionally name who is on the other side.
type Interface struct {
	Kind        BoundaryKind `json:"kind,omitempty"`
	Description string       `json:"description,omitempty"`
	Party       string       `json:"party,omitempty"`    // interested party ID
	Supplier    string       `json:"supplier,omitempty"` // supplier ID
}

// Inclusion says whether a unit is inside the scope.
type Inclusion string

// Inclusions.
const (
	Included Inclusion = "included"
	Excluded Inclusion = "excluded"
)

var inclusions = []Inclusion{Included, Excluded}

// Valid reports whether i is Included or Excluded.
func (i Inclusion) Valid() bool { return slices.Contains(inclusions, i) }

// ScopeUnit is an organizational unit, ICT system or location that the
// scope takes in or leaves out, with the reason. Its ID can be used as an
// audit area.
type ScopeUnit struct {
	ID        string       `json:"id"`
	Name      string       `json:"name,omitempty"`
	Kind      BoundaryKind `json:"kind,omitempty"`
	Inclusion Inclusion    `json:"inclusion,omitempty"`
	Reason    string       `json:"reason,omitempty"`
}

// Outsourced is a function of the ISMS that another organization
// performs, and how it connects back.
type Outsourced struct {
	Function  string `json:"function,omitempty"`
	Supplier  string `json:"supplier,omitempty"` // supplier ID
	Process   string `json:"process,omitempty"`  // process ID, when it is one of Processes
	Interface string `json:"interface,omitempty"`
}
