package oscal

// The types below are the part of the OSCAL 1.1.3 assessment-results
// model this export fills in, with OSCAL's JSON property names. They are
// written here rather than imported: the Go OSCAL type modules
// (github.com/defenseunicorns/go-oscal among them) could not be fetched
// when this example was written. Each type keeps OSCAL's required fields
// without omitempty, so that a missing one shows in the JSON.

// Version is the OSCAL version the output declares.
const Version = "1.1.3"

// Document is the top-level OSCAL JSON object of an assessment-results
// file.
type Document struct {
	AssessmentResults *AssessmentResults `json:"assessment-results"`
}

// AssessmentResults is an OSCAL assessment-results document.
type AssessmentResults struct {
	UUID       string      `json:"uuid"`
	Metadata   Metadata    `json:"metadata"`
	ImportAP   ImportAP    `json:"import-ap"`
	Results    []Result    `json:"results"`
	BackMatter *BackMatter `json:"back-matter,omitempty"`
}

// Metadata is a document's metadata.
type Metadata struct {
	Title        string     `json:"title"`
	LastModified string     `json:"last-modified"`
	Version      string     `json:"version"`
	OSCALVersion string     `json:"oscal-version"`
	Props        []Property `json:"props,omitempty"`
	Parties      []Party    `json:"parties,omitempty"`
}

// Party is an organization or a person named in the metadata.
type Party struct {
	UUID string `json:"uuid"`
	Type string `json:"type"` // "organization" or "person"
	Name string `json:"name,omitempty"`
}

// ImportAP references the assessment plan the results belong to.
type ImportAP struct {
	Href    string `json:"href"`
	Remarks string `json:"remarks,omitempty"`
}

// Property is an OSCAL prop: a name (a token), a value, and the
// namespace that defines the name.
type Property struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	NS      string `json:"ns,omitempty"`
	Class   string `json:"class,omitempty"`
	Remarks string `json:"remarks,omitempty"`
}

// Result is one set of assessment results.
type Result struct {
	UUID             string            `json:"uuid"`
	Title            string            `json:"title"`
	Description      string            `json:"description"`
	Start            string            `json:"start"`
	End              string            `json:"end,omitempty"`
	Props            []Property        `json:"props,omitempty"`
	LocalDefinitions *LocalDefinitions `json:"local-definitions,omitempty"`
	ReviewedControls ReviewedControls  `json:"reviewed-controls"`
	Observations     []Observation     `json:"observations,omitempty"`
	Findings         []Finding         `json:"findings,omitempty"`
}

// LocalDefinitions holds what the results define for themselves: here
// the subjects of the findings, as inventory items.
type LocalDefinitions struct {
	InventoryItems []InventoryItem `json:"inventory-items,omitempty"`
}

// InventoryItem is one thing an observation is about.
type InventoryItem struct {
	UUID        string     `json:"uuid"`
	Description string     `json:"description"`
	Props       []Property `json:"props,omitempty"`
}

// ReviewedControls says which controls or objectives were assessed.
type ReviewedControls struct {
	Description       string             `json:"description,omitempty"`
	ControlSelections []ControlSelection `json:"control-selections"`
}

// ControlSelection selects controls; IncludeAll selects every one.
type ControlSelection struct {
	Description string    `json:"description,omitempty"`
	IncludeAll  *struct{} `json:"include-all,omitempty"`
}

// Observation is one thing the assessment saw.
type Observation struct {
	UUID        string             `json:"uuid"`
	Title       string             `json:"title,omitempty"`
	Description string             `json:"description"`
	Props       []Property         `json:"props,omitempty"`
	Methods     []string           `json:"methods"`
	Types       []string           `json:"types,omitempty"`
	Subjects    []SubjectReference `json:"subjects,omitempty"`
	Collected   string             `json:"collected"`
	Remarks     string             `json:"remarks,omitempty"`
}

// SubjectReference points at a subject defined elsewhere by UUID.
type SubjectReference struct {
	SubjectUUID string     `json:"subject-uuid"`
	Type        string     `json:"type"`
	Title       string     `json:"title,omitempty"`
	Props       []Property `json:"props,omitempty"`
}

// Finding is the conclusion about one objective.
type Finding struct {
	UUID                string               `json:"uuid"`
	Title               string               `json:"title"`
	Description         string               `json:"description"`
	Props               []Property           `json:"props,omitempty"`
	Target              Target               `json:"target"`
	RelatedObservations []RelatedObservation `json:"related-observations,omitempty"`
	Remarks             string               `json:"remarks,omitempty"`
}

// Target is the objective a finding is about and its status.
type Target struct {
	Type        string       `json:"type"` // "statement-id" or "objective-id"
	TargetID    string       `json:"target-id"`
	Title       string       `json:"title,omitempty"`
	Description string       `json:"description,omitempty"`
	Props       []Property   `json:"props,omitempty"`
	Status      TargetStatus `json:"status"`
}

// TargetStatus is whether the objective is satisfied.
type TargetStatus struct {
	State   string `json:"state"`            // "satisfied" or "not-satisfied"
	Reason  string `json:"reason,omitempty"` // "pass", "fail" or "other"
	Remarks string `json:"remarks,omitempty"`
}

// RelatedObservation links a finding to an observation.
type RelatedObservation struct {
	ObservationUUID string `json:"observation-uuid"`
}

// BackMatter holds resources the document references.
type BackMatter struct {
	Resources []Resource `json:"resources,omitempty"`
}

// Resource is one back-matter resource.
type Resource struct {
	UUID        string `json:"uuid"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Remarks     string `json:"remarks,omitempty"`
}
