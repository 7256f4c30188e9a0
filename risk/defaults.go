package risk

import (
	"embed"
	"encoding/json"
	"fmt"
)

//go:embed defaults/*.json
var defaultsFS embed.FS

// Default5x5 returns the built-in five-by-five semi-quantitative
// criteria, ID "default-5x5": likelihood and consequence rated 1 to 5, the
// consequence dimensions financial, reputational, operational, legal,
// confidentiality, integrity and availability on the same 1–5 scale and
// combined by taking the largest, the score likelihood × consequence, the
// levels low (score up to 4), medium (up to 9), high (up to 16) and
// critical, and low and medium accepted. The criteria carry no approval:
// an organization adopting them records its own.
//
// Each call returns a fresh copy that the caller may change.
func Default5x5() Criteria { return loadDefault("defaults/5x5.json") }

// Default3x3 returns the built-in three-by-three qualitative criteria, ID
// "default-3x3": likelihood and consequence judged low, medium or high
// (1–3), the dimensions confidentiality, integrity and availability
// combined by taking the largest, the level low when the two positions
// add up to 3 or less, medium at 4 and high above, and only low accepted.
//
// Each call returns a fresh copy that the caller may change.
func Default3x3() Criteria { return loadDefault("defaults/3x3.json") }

func loadDefault(name string) Criteria {
	b, err := defaultsFS.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("risk: embedded criteria %s: %v", name, err))
	}
	var c Criteria
	if err := json.Unmarshal(b, &c); err != nil {
		panic(fmt.Sprintf("risk: embedded criteria %s: %v", name, err))
	}
	return c
}
