package risk_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/isms-go/iso27003/risk"
	"github.com/shopspring/decimal"
)

func ExampleHeatMap_WriteSVG() {
	engine, err := risk.Compile(risk.Default3x3())
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := engine.Assess(context.Background(), risk.Register{Risks: []risk.Risk{
		{ID: "R-1", Inherent: &risk.Rating{Likelihood: decimal.NewFromInt(3), Consequences: map[string]decimal.Decimal{risk.DimAvailability: decimal.NewFromInt(3)}}},
		{ID: "R-2"}, // not analysed: counted under the map
	}}, asOf)
	if err != nil {
		fmt.Println(err)
		return
	}
	h, err := engine.HeatMap(a)
	if err != nil {
		fmt.Println(err)
		return
	}
	var b bytes.Buffer
	if err := h.WriteSVG(&b); err != nil {
		fmt.Println(err)
		return
	}
	svg := b.String()
	fmt.Println("cells:", strings.Count(svg, "<rect")-1-len(h.Levels)) // minus background and legend
	for _, st := range h.Styles() {
		fmt.Printf("%s %-6s fill %s text %s\n", st.Tag, st.Level, st.Fill, st.Text)
	}
	for _, line := range strings.Split(svg, "\n") {
		if strings.Contains(line, "on the map") {
			fmt.Println(line)
		}
	}
	// Output:
	// cells: 18
	// L low    fill #fde725 text #000000
	// M medium fill #21918c text #000000
	// H high   fill #440154 text #ffffff
	// <text x="120" y="260" fill="#000000">Not on the map: 1 risk not analysed.</text>
}
