package risk

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	gocmp "github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
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

// contrastRatio is the WCAG 2 contrast ratio of two "#rrggbb" colours,
// computed here independently of the renderer.
func contrastRatio(t cisoTB, a, b string) float64 {
	t.Helper()
	lum := func(hex string) float64 {
		var rgb [3]float64
		for i := range rgb {
			v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
			if err != nil || len(hex) != 7 {
				t.Fatalf("bad colour %q", hex)
			}
			c := float64(v) / 255
			if c <= 0.04045 {
				rgb[i] = c / 12.92
			} else {
				rgb[i] = math.Pow((c+0.055)/1.055, 2.4)
			}
		}
		return 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2]
	}
	la, lb := lum(a), lum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func TestPalette(t *testing.T) {
	if d := gocmp.Diff([]string{"#fde725", "#21918c", "#440154"}, Palette(3)); d != "" {
		t.Errorf("3 levels (-want +got):\n%s", d)
	}
	if d := gocmp.Diff([]string{"#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"}, Palette(5)); d != "" {
		t.Errorf("5 levels (-want +got):\n%s", d)
	}
	if len(Palette(0)) != 0 || len(Palette(-1)) != 0 || Palette(1)[0] != "#fde725" {
		t.Errorf("edge cases: %q %q %q", Palette(0), Palette(-1), Palette(1))
	}
	for n := 1; n <= 2*MaxCISOLevels; n++ {
		p := Palette(n)
		seen := map[string]bool{}
		for _, c := range p {
			if !isColor(c) || (seen[c] && n <= 20) {
				t.Errorf("Palette(%d): %q repeated or not a colour", n, c)
			}
			seen[c] = true
			if r := contrastRatio(t, c, TextColor(c)); r < 4.5 {
				t.Errorf("Palette(%d): text %s on %s has contrast %.2f", n, TextColor(c), c, r)
			}
		}
	}
}

// Whatever the fill, TextColor's choice contrasts at 4.5:1 or more.
func TestTextColorContrastProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		fill := fmt.Sprintf("#%06x", rapid.IntRange(0, 0xffffff).Draw(t, "fill"))
		if r := contrastRatio(t, fill, TextColor(fill)); r < 4.5 {
			t.Fatalf("text %s on %s: contrast %.3f", TextColor(fill), fill, r)
		}
	})
}

// svgTextContrast returns, for every text of an SVG written by WriteSVG,
// its colour and the fill of the topmost rectangle under its anchor
// (painting order, group translations applied).
func svgTextContrast(t *testing.T, svg []byte) (pairs [][2]string) {
	t.Helper()
	type rect struct {
		x, y, w, h int
		fill       string
	}
	var rects []rect
	dx := 0
	attr := func(e xml.StartElement, name string) string {
		for _, a := range e.Attr {
			if a.Name.Local == name {
				return a.Value
			}
		}
		return ""
	}
	num := func(s string) int {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("not a number: %q", s)
		}
		return n
	}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "g":
				dx = 0
				if tr := attr(e, "transform"); strings.HasPrefix(tr, "translate(") {
					dx = num(strings.Split(strings.TrimPrefix(tr, "translate("), ",")[0])
				}
			case "rect":
				rects = append(rects, rect{dx + num(attr(e, "x")), num(attr(e, "y")), num(attr(e, "width")), num(attr(e, "height")), attr(e, "fill")})
			case "text":
				fill := attr(e, "fill")
				if fill == "" {
					t.Errorf("text without a fill at %s,%s", attr(e, "x"), attr(e, "y"))
					continue
				}
				x, y := dx+num(attr(e, "x")), num(attr(e, "y"))
				under := ""
				for _, r := range rects {
					if r.x <= x && x <= r.x+r.w && r.y <= y && y <= r.y+r.h {
						under = r.fill
					}
				}
				pairs = append(pairs, [2]string{fill, under})
			}
		case xml.EndElement:
			if e.Name.Local == "g" {
				dx = 0
			}
		}
	}
	return pairs
}

func TestHeatMapSVGContrastAndTags(t *testing.T) {
	for _, levelColors := range []bool{false, true} {
		h := sampleHeatMap(t)
		h.LevelColors = levelColors
		var b bytes.Buffer
		if err := h.WriteSVG(&b); err != nil {
			t.Fatal(err)
		}
		pairs := svgTextContrast(t, b.Bytes())
		if len(pairs) < 2*25 {
			t.Fatalf("only %d texts found", len(pairs))
		}
		for _, p := range pairs {
			if r := contrastRatio(t, p[0], p[1]); r < 4.5 {
				t.Errorf("levelColors %v: text %s on %s has contrast %.2f", levelColors, p[0], p[1], r)
			}
		}
		// Every cell names its level by tag, and the legend explains the tags.
		for _, st := range h.Styles() {
			if n := strings.Count(b.String(), ">"+st.Tag+"</text>"); n < 2 {
				t.Errorf("tag %s of %s appears %d times", st.Tag, st.Level, n)
			}
		}
		if !strings.Contains(b.String(), "Not on the map: 1 risk not analysed.") {
			t.Errorf("the SVG does not count the risk off the map")
		}
	}
}

func TestHeatMapStyles(t *testing.T) {
	h := HeatMap{Levels: []Level{{Name: "low", Color: "#2E7D32"}, {Name: "Low"}, {Name: "high", Color: "#c62828"}}}
	want := []LevelStyle{
		{Level: "low", Tag: "LOW1", Fill: "#fde725", Text: "#000000"},
		{Level: "Low", Tag: "LOW2", Fill: "#21918c", Text: "#000000"},
		{Level: "high", Tag: "H", Fill: "#440154", Text: "#ffffff"},
	}
	if d := gocmp.Diff(want, h.Styles()); d != "" {
		t.Errorf("palette (-want +got):\n%s", d)
	}
	h.LevelColors = true
	want[0].Fill, want[0].Text = "#2e7d32", "#ffffff"
	want[1].Fill, want[1].Text = svgNeutral, "#000000"
	want[2].Fill, want[2].Text = "#c62828", "#ffffff"
	if d := gocmp.Diff(want, h.Styles()); d != "" {
		t.Errorf("level colours (-want +got):\n%s", d)
	}
	for _, c := range []struct {
		h    HeatMap
		want string
	}{
		{HeatMap{}, "Every assessed risk is on the map."},
		{HeatMap{OffGrid: GridCount{Inherent: 2}, NotAnalysed: 1, Failed: 3}, "Not on the map: 2 inherent and 0 residual ratings off the scales; 1 risk not analysed; 3 risks whose rating failed."},
	} {
		if got := c.h.notOnMap(); got != c.want {
			t.Errorf("notOnMap = %q, want %q", got, c.want)
		}
	}
}
