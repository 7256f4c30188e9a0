package risk

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	gocmp "github.com/google/go-cmp/cmp"
)

func sampleHeatMap(t *testing.T) HeatMap {
	t.Helper()
	e := mustCompile(t, Default5x5())
	a, err := e.Assess(context.Background(), sampleRegister(), testAsOf)
	if err != nil {
		t.Fatal(err)
	}
	h, err := e.HeatMap(a)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHeatMapCounts(t *testing.T) {
	h := sampleHeatMap(t)
	// [likelihood][consequence], ascending.
	wantInherent := [][]int{
		{0, 0, 0, 0, 0},
		{0, 1, 0, 1, 0},
		{0, 0, 1, 0, 1},
		{0, 1, 0, 0, 1},
		{0, 0, 0, 1, 0},
	}
	wantResidual := [][]int{
		{0, 0, 0, 0, 1},
		{0, 1, 0, 2, 0},
		{0, 0, 1, 1, 0},
		{0, 1, 0, 0, 0},
		{0, 0, 0, 0, 0},
	}
	if d := gocmp.Diff(wantInherent, h.Inherent); d != "" {
		t.Errorf("inherent (-want +got):\n%s", d)
	}
	if d := gocmp.Diff(wantResidual, h.Residual); d != "" {
		t.Errorf("residual (-want +got):\n%s", d)
	}
	if h.NotAnalysed != 1 || h.CellLevels[4][4] != "critical" || h.CellLevels[0][0] != "low" {
		t.Errorf("not analysed %d, corners %q %q", h.NotAnalysed, h.CellLevels[0][0], h.CellLevels[4][4])
	}
}

func TestHeatMapText(t *testing.T) {
	h := sampleHeatMap(t)
	var b bytes.Buffer
	if err := h.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(b.String(), "\n") {
		if n := utf8.RuneCountInString(line); n > 80 {
			t.Errorf("line %d is %d columns wide: %q", i+1, n, line)
		}
	}
	golden(t, "heatmap_5x5.txt", b.Bytes())

	e := mustCompile(t, Default3x3())
	a, err := e.Assess(context.Background(), Register{Risks: []Risk{
		{ID: "A", Inherent: rating("3", DimConfidentiality, "3"), Residual: rating("1", DimConfidentiality, "2")},
		{ID: "B", Inherent: rating("2", DimIntegrity, "1", DimAvailability, "2")},
	}}, testAsOf)
	if err != nil {
		t.Fatal(err)
	}
	h3, err := e.HeatMap(a)
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	if err := h3.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	golden(t, "heatmap_3x3.txt", b.Bytes())
}

func TestHeatMapSVG(t *testing.T) {
	h := sampleHeatMap(t)
	var b bytes.Buffer
	if err := h.WriteSVG(&b); err != nil {
		t.Fatal(err)
	}
	// Well-formed XML.
	dec := xml.NewDecoder(bytes.NewReader(b.Bytes()))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed: %v", err)
		}
	}
	golden(t, "heatmap_5x5.svg", b.Bytes())
}

func TestHeatMapEdges(t *testing.T) {
	e := mustCompile(t, Default5x5())
	other := mustCompile(t, Default3x3())
	a, err := other.Assess(context.Background(), Register{}, testAsOf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.HeatMap(a); err == nil || !strings.Contains(err.Error(), "other") && !strings.Contains(err.Error(), "criteria") {
		t.Errorf("heat map of another criteria's assessment: %v", err)
	}
	if _, err := e.HeatMap(nil); err == nil {
		t.Error("heat map of nil: no error")
	}
	// A level rule reading attributes leaves cells without a level, and
	// a combine rule can put ratings off the grid.
	c := Default5x5()
	c.LevelRule = `attributes.size() > 0 ? "critical" : "low"`
	c.CombineRule = `decimals.sum(consequences.map(k, consequences[k]))`
	e = mustCompile(t, c)
	a, err = e.Assess(context.Background(), Register{Risks: []Risk{
		{ID: "A", Inherent: rating("3", DimLegal, "2", DimFinancial, "2")},
		{ID: "B", Inherent: rating("3", DimLegal, "4", DimFinancial, "2")},
	}}, testAsOf)
	if err != nil {
		t.Fatal(err)
	}
	h, err := e.HeatMap(a)
	if err != nil {
		t.Fatal(err)
	}
	if h.CellLevels[0][0] != "" || h.OffGrid.Inherent != 1 || h.Inherent[2][3] != 1 {
		t.Errorf("cell level %q, off grid %d, cell %d", h.CellLevels[0][0], h.OffGrid.Inherent, h.Inherent[2][3])
	}
	var b bytes.Buffer
	if err := h.WriteText(&b); err != nil || !strings.Contains(b.String(), "1 off it") || !strings.Contains(b.String(), "?") {
		t.Errorf("text: %v\n%s", err, b.String())
	}
	b.Reset()
	if err := h.WriteSVG(&b); err != nil || !strings.Contains(b.String(), svgNeutral) {
		t.Errorf("svg: %v", err)
	}
}

func TestAbbreviations(t *testing.T) {
	h := HeatMap{Levels: []Level{{Name: "low"}, {Name: "lower"}, {Name: "medium"}, {Name: "major"}, {Name: "m"}}}
	want := map[string]string{"low": "LOW", "lower": "LOWE", "medium": "ME", "major": "MA", "m": "M"}
	if d := gocmp.Diff(want, h.abbreviations()); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
