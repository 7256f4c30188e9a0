package risk

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// HeatMap counts the risks of an assessment per likelihood × consequence
// cell, for the inherent and the residual ratings. Rows are likelihood
// levels and columns consequence levels, both ascending as on the scales.
type HeatMap struct {
	CriteriaID      string `json:"criteriaId"`
	CriteriaVersion string `json:"criteriaVersion"`
	Fingerprint     string `json:"fingerprint"`
	// Likelihood and Consequence are the scales' level names, ascending.
	Likelihood  []string `json:"likelihood"`
	Consequence []string `json:"consequence"`
	// Levels are the criteria's risk levels, for colours and legends.
	Levels []Level `json:"levels"`
	// CellLevels is the risk level of each cell [likelihood][consequence],
	// or "" where the level rule is not tabulated (it reads more than the
	// cell), in which case risks in one cell may differ in level.
	CellLevels [][]string `json:"cellLevels"`
	Inherent   [][]int    `json:"inherent"`
	Residual   [][]int    `json:"residual"`
	// OffGrid counts assessed ratings whose combined consequence is not a
	// level of the consequence scale (possible with a combine rule).
	OffGrid     GridCount `json:"offGrid"`
	NotAnalysed int       `json:"notAnalysed"`
	Failed      int       `json:"failed"`
	// LevelColors makes the renderers fill cells with the levels' own
	// colours (Level.Color) instead of the colour-blind-safe palette of
	// Styles. The zero value uses the palette: criteria colours are often
	// red, amber and green, which many readers cannot tell apart.
	LevelColors bool `json:"levelColors,omitempty"`
}

// LevelStyle is how the renderers draw one risk level, so that other
// renderers (an HTML table, a spreadsheet) can draw it the same way.
type LevelStyle struct {
	Level string // the level's name
	// Tag is a short code shown in every cell with the count, so that a
	// level reads without colour: the shortest upper-cased prefix of the
	// name that no other level shares, numbered when names collide.
	Tag string
	// Fill is the cell colour, "#rrggbb".
	Fill string
	// Text is the colour of text on Fill, black or white, whichever
	// contrasts more; the contrast ratio is at least 4.5:1 (WCAG AA).
	Text string
}

// viridis are nine steps of the viridis colour map, from its light
// yellow end to its dark purple end: perceptually ordered and readable
// with the common colour-vision deficiencies.
var viridis = [...][3]int{
	{0xfd, 0xe7, 0x25}, {0xad, 0xdc, 0x30}, {0x5e, 0xc9, 0x62}, {0x28, 0xae, 0x80}, {0x21, 0x91, 0x8c},
	{0x2c, 0x72, 0x8e}, {0x3b, 0x52, 0x8b}, {0x47, 0x2d, 0x7b}, {0x44, 0x01, 0x54},
}

// Palette returns n colours, "#rrggbb", for levels of rank 0 to n-1: the
// viridis colour map sampled evenly from light yellow (lowest) to dark
// purple (highest), interpolated in integer arithmetic so that the result
// is the same everywhere.
func Palette(n int) []string {
	out := make([]string, 0, max(n, 0))
	last := len(viridis) - 1
	for i := range max(n, 0) {
		num, den := i*last, max(n-1, 1) // position i*last/den along the stops
		if n == 1 {
			num = 0
		}
		k, rem := num/den, num%den
		c := viridis[k]
		if rem > 0 {
			d := viridis[k+1]
			for j := range c {
				c[j] += ((d[j]-c[j])*rem*2 + den) / (2 * den) // rounded
			}
		}
		out = append(out, fmt.Sprintf("#%02x%02x%02x", c[0], c[1], c[2]))
	}
	return out
}

// Styles returns the style of every level, in the order of Levels.
func (h HeatMap) Styles() []LevelStyle {
	tags := h.abbreviations()
	pal := Palette(len(h.Levels))
	out := make([]LevelStyle, len(h.Levels))
	for i, l := range h.Levels {
		fill := pal[i]
		if h.LevelColors {
			fill = svgNeutral
			if isColor(strings.ToLower(l.Color)) {
				fill = strings.ToLower(l.Color)
			}
		}
		out[i] = LevelStyle{Level: l.Name, Tag: tags[l.Name], Fill: fill, Text: TextColor(fill)}
	}
	return out
}

func (h HeatMap) style(level string) (LevelStyle, bool) {
	for _, st := range h.Styles() {
		if st.Level == level {
			return st, true
		}
	}
	return LevelStyle{Tag: "?", Fill: svgNeutral, Text: TextColor(svgNeutral)}, false
}

// GridCount is a pair of counts, inherent and residual.
type GridCount struct {
	Inherent int `json:"inherent"`
	Residual int `json:"residual"`
}

// ErrNoGrid is returned by Engine.HeatMap when a scale is continuous: a
// heat map needs levels on both axes.
var ErrNoGrid = errors.New("risk: heat map needs discrete likelihood and consequence scales")

// HeatMap counts the assessment's risks per cell. The assessment must
// have been made under the engine's criteria (equal fingerprints), and
// both scales must be discrete (else ErrNoGrid).
func (e *Engine) HeatMap(a *Assessment) (HeatMap, error) {
	if e.cells == nil {
		return HeatMap{}, ErrNoGrid
	}
	if a == nil {
		return HeatMap{}, errors.New("risk: heat map: no assessment given")
	}
	if a.Fingerprint != e.fp {
		return HeatMap{}, fmt.Errorf("risk: heat map: the assessment was made under criteria %s, not the engine's %s", a.Fingerprint, e.fp)
	}
	nl, nc := len(e.lik.levels), len(e.cons.levels)
	h := HeatMap{
		CriteriaID: e.c.ID, CriteriaVersion: e.c.Version, Fingerprint: e.fp,
		Levels: e.Criteria().Levels,
	}
	for _, l := range e.lik.levels {
		h.Likelihood = append(h.Likelihood, l.Name)
	}
	for _, l := range e.cons.levels {
		h.Consequence = append(h.Consequence, l.Name)
	}
	grid := func() [][]int {
		g := make([][]int, nl)
		for i := range g {
			g[i] = make([]int, nc)
		}
		return g
	}
	h.Inherent, h.Residual = grid(), grid()
	h.CellLevels = make([][]string, nl)
	for li := range nl {
		h.CellLevels[li] = make([]string, nc)
		if e.levelTab {
			for ci := range nc {
				h.CellLevels[li][ci] = e.levels[e.cells[li*nc+ci].level].name
			}
		}
	}
	place := func(ev *Evaluation, g [][]int, off *int) {
		li, ci := e.lik.index(ev.Likelihood), e.cons.index(ev.Consequence)
		if li < 0 || ci < 0 {
			*off++
			return
		}
		g[li][ci]++
	}
	for i := range a.Results {
		r := &a.Results[i]
		switch r.Status {
		case Assessed:
			place(r.Inherent, h.Inherent, &h.OffGrid.Inherent)
			place(r.Residual, h.Residual, &h.OffGrid.Residual)
		case Failed:
			h.Failed++
		default:
			h.NotAnalysed++
		}
	}
	return h, nil
}

func (h *HeatMap) total(g [][]int) int {
	n := 0
	for _, row := range g {
		for _, c := range row {
			n += c
		}
	}
	return n
}

// abbreviations gives each level a short tag for text output: the
// shortest prefix, upper-cased, that no other level's name starts with.
func (h *HeatMap) abbreviations() map[string]string {
	out := map[string]string{}
	for i, l := range h.Levels {
		n := 1
		for ; n < utf8.RuneCountInString(l.Name); n++ {
			p, unique := prefix(l.Name, n), true
			for j, o := range h.Levels {
				if j != i && prefix(o.Name, n) == p {
					unique = false
					break
				}
			}
			if unique {
				break
			}
		}
		out[l.Name] = prefix(l.Name, n)
	}
	// Names that differ only in case, or where one is another's prefix
	// of the same length, still collide: number them in level order.
	seen := map[string]int{}
	for _, l := range h.Levels {
		seen[out[l.Name]]++
	}
	next := map[string]int{}
	for _, l := range h.Levels {
		if t := out[l.Name]; seen[t] > 1 {
			next[t]++
			out[l.Name] = t + strconv.Itoa(next[t])
		}
	}
	return out
}

func prefix(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = r[:n]
	}
	return strings.ToUpper(string(r))
}

// fit shortens s to at most n code points, marking a cut with ".".
func fit(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n <= 1 {
		return string(r[:n])
	}
	return string(r[:n-1]) + "."
}

func pad(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}

func padLeft(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return strings.Repeat(" ", n-k) + s
	}
	return s
}

// WriteText renders the heat map for a terminal, inherent above residual,
// in at most 80 columns for grids up to 10 × 10: the most likely row on
// top, counts in the cells ("." for none) beside a tag of the cell's risk
// level, and a legend of the tags.
func (h HeatMap) WriteText(w io.Writer) error {
	var b bytes.Buffer
	tags := h.abbreviations()
	tagW := 1
	for _, t := range tags {
		tagW = max(tagW, utf8.RuneCountInString(t))
	}
	labelW := 0
	for _, n := range h.Likelihood {
		labelW = max(labelW, utf8.RuneCountInString(n))
	}
	labelW = min(labelW, 16)
	nc := len(h.Consequence)
	cellW := 8
	if nc > 0 {
		cellW = max(tagW+4, min(cellW, (80-labelW-2)/nc-1))
	}
	rule := strings.Repeat(" ", labelW+1) + "+" + strings.Repeat(strings.Repeat("-", cellW)+"+", nc) + "\n"
	grid := func(title string, g [][]int, off int) {
		fmt.Fprintf(&b, "%s: %d risks on the grid", title, h.total(g))
		if off > 0 {
			fmt.Fprintf(&b, ", %d off it", off)
		}
		b.WriteString("\n")
		b.WriteString(rule)
		for li := len(h.Likelihood) - 1; li >= 0; li-- {
			b.WriteString(pad(fit(h.Likelihood[li], labelW), labelW))
			b.WriteString(" |")
			for ci := range nc {
				count := "."
				if g[li][ci] > 0 {
					count = strconv.Itoa(g[li][ci])
				}
				tag := "?"
				if name := h.CellLevels[li][ci]; name != "" {
					tag = tags[name]
				}
				cell := padLeft(count, cellW-tagW-2) + " " + pad(tag, tagW) + " "
				b.WriteString(cell)
				b.WriteString("|")
			}
			b.WriteString("\n")
		}
		b.WriteString(rule)
		var axis strings.Builder
		axis.WriteString(strings.Repeat(" ", labelW+2))
		for _, name := range h.Consequence {
			axis.WriteString(pad(fit(name, cellW), cellW+1))
		}
		b.WriteString(strings.TrimRight(axis.String(), " "))
		b.WriteString("\n")
	}
	grid("Inherent risk", h.Inherent, h.OffGrid.Inherent)
	b.WriteString("\n")
	grid("Residual risk", h.Residual, h.OffGrid.Residual)
	b.WriteString("\nRows: likelihood, highest on top. Columns: consequence, lowest on the left.\nLevels:")
	for _, l := range h.Levels {
		fmt.Fprintf(&b, " %s %s,", tags[l.Name], l.Name)
	}
	b.Truncate(b.Len() - 1)
	b.WriteString("\n")
	if h.NotAnalysed > 0 || h.Failed > 0 {
		fmt.Fprintf(&b, "Not on the map: %d not analysed, %d failed.\n", h.NotAnalysed, h.Failed)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// SVG layout, in pixels.
const (
	svgCellW   = 72
	svgCellH   = 44
	svgLabelW  = 120
	svgTop     = 48
	svgBottom  = 64
	svgGap     = 40
	svgNoteH   = 24
	svgLegendH = 36
	svgNeutral = "#e0e0e0"
)

// notOnMap says which risks the map does not show, or that it shows all.
func (h HeatMap) notOnMap() string {
	if h.OffGrid == (GridCount{}) && h.NotAnalysed == 0 && h.Failed == 0 {
		return "Every assessed risk is on the map."
	}
	var parts []string
	if h.OffGrid.Inherent > 0 || h.OffGrid.Residual > 0 {
		parts = append(parts, fmt.Sprintf("%d inherent and %d residual ratings off the scales", h.OffGrid.Inherent, h.OffGrid.Residual))
	}
	if h.NotAnalysed > 0 {
		parts = append(parts, fmt.Sprintf("%d %s not analysed", h.NotAnalysed, plural(h.NotAnalysed, "risk", "risks")))
	}
	if h.Failed > 0 {
		parts = append(parts, fmt.Sprintf("%d %s whose rating failed", h.Failed, plural(h.Failed, "risk", "risks")))
	}
	return "Not on the map: " + strings.Join(parts, "; ") + "."
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// WriteSVG renders the heat map as a standalone SVG image: the inherent
// and the residual grid side by side, each cell filled with its level's
// colour from Styles (the colour-blind-safe palette unless LevelColors is
// set; grey when the level is not tabulated) and showing its count and
// the level's tag, so that no information rests on colour alone; the axes
// labelled with the scales' level names; a line counting the risks that
// are not on the map; and a legend of tags, colours and names. Text on a
// cell contrasts with it at 4.5:1 or more. The output is the same, byte
// for byte, for the same heat map.
func (h HeatMap) WriteSVG(w io.Writer) error {
	var b bytes.Buffer
	nl, nc := len(h.Likelihood), len(h.Consequence)
	panelW := svgLabelW + nc*svgCellW
	width := 2*panelW + svgGap + 20
	height := svgTop + nl*svgCellH + svgBottom + svgNoteH + svgLegendH
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12" role="img">`+"\n",
		width, height, width, height)
	b.WriteString("<title>")
	esc(&b, "Risk heat map: "+h.CriteriaID+" "+h.CriteriaVersion)
	b.WriteString("</title>\n")
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>`+"\n", width, height)
	panel := func(x0 int, title string, g [][]int) {
		fmt.Fprintf(&b, `<g transform="translate(%d,0)">`+"\n", x0)
		fmt.Fprintf(&b, `<text x="%d" y="24" font-size="15" font-weight="bold" text-anchor="middle" fill="#000000">`, svgLabelW+nc*svgCellW/2)
		esc(&b, fmt.Sprintf("%s (%d)", title, h.total(g)))
		b.WriteString("</text>\n")
		for li := range nl {
			y := svgTop + (nl-1-li)*svgCellH
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" dominant-baseline="middle" fill="#000000">`, svgLabelW-8, y+svgCellH/2)
			esc(&b, fit(h.Likelihood[li], 18))
			b.WriteString("</text>\n")
			for ci := range nc {
				x := svgLabelW + ci*svgCellW
				name := h.CellLevels[li][ci]
				st, _ := h.style(name)
				fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="#ffffff" stroke-width="2">`,
					x, y, svgCellW, svgCellH, st.Fill)
				b.WriteString("<title>")
				esc(&b, fmt.Sprintf("likelihood %s, consequence %s: %s, %d risks", h.Likelihood[li], h.Consequence[ci], orUnknown(name), g[li][ci]))
				b.WriteString("</title></rect>\n")
				fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="%s">`, x+6, y+14, st.Text)
				esc(&b, st.Tag)
				b.WriteString("</text>\n")
				if g[li][ci] > 0 {
					fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" dominant-baseline="middle" font-size="16" font-weight="bold" fill="%s">%d</text>`+"\n",
						x+svgCellW/2, y+svgCellH/2+4, st.Text, g[li][ci])
				}
			}
		}
		yAxis := svgTop + nl*svgCellH
		for ci := range nc {
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#000000">`, svgLabelW+ci*svgCellW+svgCellW/2, yAxis+18)
			esc(&b, fit(h.Consequence[ci], 11))
			b.WriteString("</text>\n")
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-style="italic" fill="#000000">consequence</text>`+"\n", svgLabelW+nc*svgCellW/2, yAxis+40)
		fmt.Fprintf(&b, `<text x="14" y="%d" text-anchor="middle" font-style="italic" fill="#000000" transform="rotate(-90 14 %d)">likelihood</text>`+"\n",
			svgTop+nl*svgCellH/2, svgTop+nl*svgCellH/2)
		b.WriteString("</g>\n")
	}
	panel(0, "Inherent risk", h.Inherent)
	panel(panelW+svgGap, "Residual risk", h.Residual)
	fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#000000">`, svgLabelW, height-svgLegendH-svgNoteH+16)
	esc(&b, h.notOnMap())
	b.WriteString("</text>\n")
	x, y := svgLabelW, height-svgLegendH+10
	for _, st := range h.Styles() {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="22" height="16" fill="%s" stroke="#59636e" stroke-width="1"/>`, x, y-1, st.Fill)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10" text-anchor="middle" dominant-baseline="middle" fill="%s">`, x+11, y+7, st.Text)
		esc(&b, st.Tag)
		b.WriteString("</text>")
		fmt.Fprintf(&b, `<text x="%d" y="%d" dominant-baseline="middle" fill="#000000">`, x+28, y+7)
		esc(&b, st.Level)
		b.WriteString("</text>\n")
		x += 40 + 8*utf8.RuneCountInString(st.Level)
	}
	b.WriteString("</svg>\n")
	_, err := w.Write(b.Bytes())
	return err
}

func orUnknown(level string) string {
	if level == "" {
		return "level depends on the risk"
	}
	return level
}

func esc(b *bytes.Buffer, s string) {
	// Writing to a bytes.Buffer cannot fail.
	_ = xml.EscapeText(b, []byte(s))
}

// TextColor returns "#000000" or "#ffffff", whichever has the higher
// WCAG 2 contrast ratio against fill ("#rrggbb"; anything else counts as
// white). For every fill one of the two reaches at least 4.58:1, above
// the 4.5:1 that WCAG AA asks of text. The luminance is computed in
// floating point only to make this choice; nothing else depends on it.
func TextColor(fill string) string {
	if !isColor(fill) {
		return "#000000"
	}
	v, _ := strconv.ParseUint(fill[1:], 16, 32)
	l := relativeLuminance(uint8(v>>16), uint8(v>>8), uint8(v))
	// Black wins when (l+0.05)/0.05 >= 1.05/(l+0.05).
	if (l+0.05)*(l+0.05) >= 0.05*1.05 {
		return "#000000"
	}
	return "#ffffff"
}

// relativeLuminance is the WCAG 2 relative luminance of an sRGB colour,
// from 0 (black) to 1 (white).
func relativeLuminance(r, g, b uint8) float64 {
	lin := func(c uint8) float64 {
		s := float64(c) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
