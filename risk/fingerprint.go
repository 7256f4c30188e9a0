package risk

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"
)

// fingerprintFormat names the canonical encoding, so that a future change
// of it yields different fingerprints instead of colliding ones.
const fingerprintFormat = "iso27003/risk.Criteria/1"

// The canonical form mirrors Criteria with every field present (no
// omitempty), decimals in their shortest exact form (1.50 and 1.5 are the
// same value and encode alike), and instants in UTC.
type (
	canonCriteria struct {
		Format         string        `json:"format"`
		ID             string        `json:"id"`
		Version        string        `json:"version"`
		Title          string        `json:"title"`
		Description    string        `json:"description"`
		Approval       canonApproval `json:"approval"`
		Likelihood     canonScale    `json:"likelihood"`
		Consequence    canonScale    `json:"consequence"`
		Dimensions     []canonDim    `json:"dimensions"`
		Levels         []canonLevel  `json:"levels"`
		CombineRule    string        `json:"combineRule"`
		LevelRule      string        `json:"levelRule"`
		AcceptanceRule string        `json:"acceptanceRule"`
		PriorityRule   string        `json:"priorityRule"`
	}
	canonApproval struct {
		By   string `json:"by"`
		Role string `json:"role"`
		On   string `json:"on"`
	}
	canonScale struct {
		Name   string            `json:"name"`
		Kind   string            `json:"kind"`
		Unit   string            `json:"unit"`
		Levels []canonScaleLevel `json:"levels"`
	}
	canonScaleLevel struct {
		Value       string `json:"value"`
		Name        string `json:"name"`
		Description string `json:"description"`
	}
	canonDim struct {
		ID    string     `json:"id"`
		Name  string     `json:"name"`
		Scale canonScale `json:"scale"`
	}
	canonLevel struct {
		Name        string `json:"name"`
		Rank        int    `json:"rank"`
		Color       string `json:"color"`
		Description string `json:"description"`
	}
)

func canonDecimal(d decimal.Decimal) string { return d.String() }

func canonTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func canonScaleOf(s Scale) canonScale {
	out := canonScale{Name: s.Name, Kind: string(s.Kind), Unit: s.Unit, Levels: []canonScaleLevel{}}
	for _, l := range s.Levels {
		out.Levels = append(out.Levels, canonScaleLevel{Value: canonDecimal(l.Value), Name: l.Name, Description: l.Description})
	}
	return out
}

// canonicalJSON encodes c canonically: equal criteria (in value) give
// equal bytes.
func canonicalJSON(c Criteria) []byte {
	cc := canonCriteria{
		Format: fingerprintFormat, ID: c.ID, Version: c.Version, Title: c.Title, Description: c.Description,
		Approval:    canonApproval{By: c.Approval.By, Role: c.Approval.Role, On: canonTime(c.Approval.On)},
		Likelihood:  canonScaleOf(c.Likelihood),
		Consequence: canonScaleOf(c.Consequence),
		Dimensions:  []canonDim{},
		Levels:      []canonLevel{},
		CombineRule: c.CombineRule, LevelRule: c.LevelRule, AcceptanceRule: c.AcceptanceRule, PriorityRule: c.PriorityRule,
	}
	for _, d := range c.Dimensions {
		cc.Dimensions = append(cc.Dimensions, canonDim{ID: d.ID, Name: d.Name, Scale: canonScaleOf(d.Scale)})
	}
	for _, l := range c.Levels {
		cc.Levels = append(cc.Levels, canonLevel(l))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	// Encoding plain strings, ints and slices cannot fail.
	_ = enc.Encode(cc)
	return b.Bytes()
}

// fingerprint returns "sha256:" and the hex SHA-256 of the canonical
// encoding of c.
func fingerprint(c Criteria) string {
	sum := sha256.Sum256(canonicalJSON(c))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Fingerprint returns the criteria's fingerprint: "sha256:" followed by
// the hex SHA-256 of a canonical JSON encoding of every field, approval
// included. Numerically equal scale values (1.50 and 1.5) give the same
// fingerprint; any other change gives a different one. Invalid criteria
// have a fingerprint too, though no engine can be compiled from them.
func (c Criteria) Fingerprint() string { return fingerprint(c) }
