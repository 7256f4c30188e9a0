package risk

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
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

func (h *HeatMap) level(name string) (Level, bool) {
	for _, l := range h.Levels {
		if l.Name == name {
			return l, true
		}
	}
	return Level{}, false
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
	svgLegendH = 36
	svgNeutral = "#e0e0e0"
)

// WriteSVG renders the heat map as a standalone SVG image: the inherent
// and the residual grid side by side, each cell filled with the colour of
// its risk level (grey when the level is not tabulated or has no colour)
// and showing its count, the axes labelled with the scales' level names,
// and a legend of the levels. The output is the same, byte for byte, for
// the same heat map.
func (h HeatMap) WriteSVG(w io.Writer) error {
	var b bytes.Buffer
	nl, nc := len(h.Likelihood), len(h.Consequence)
	panelW := svgLabelW + nc*svgCellW
	width := 2*panelW + svgGap + 20
	height := svgTop + nl*svgCellH + svgBottom + svgLegendH
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		width, height, width, height)
	b.WriteString("<title>")
	esc(&b, "Risk heat map: "+h.CriteriaID+" "+h.CriteriaVersion)
	b.WriteString("</title>\n")
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>`+"\n", width, height)
	panel := func(x0 int, title string, g [][]int) {
		fmt.Fprintf(&b, `<g transform="translate(%d,0)">`+"\n", x0)
		fmt.Fprintf(&b, `<text x="%d" y="24" font-size="15" font-weight="bold" text-anchor="middle">`, svgLabelW+nc*svgCellW/2)
		esc(&b, fmt.Sprintf("%s (%d)", title, h.total(g)))
		b.WriteString("</text>\n")
		for li := range nl {
			y := svgTop + (nl-1-li)*svgCellH
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" dominant-baseline="middle">`, svgLabelW-8, y+svgCellH/2)
			esc(&b, fit(h.Likelihood[li], 18))
			b.WriteString("</text>\n")
			for ci := range nc {
				x := svgLabelW + ci*svgCellW
				fill := svgNeutral
				name := h.CellLevels[li][ci]
				if l, ok := h.level(name); ok && l.Color != "" {
					fill = strings.ToLower(l.Color)
				}
				fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="#ffffff" stroke-width="2">`,
					x, y, svgCellW, svgCellH, fill)
				b.WriteString("<title>")
				esc(&b, fmt.Sprintf("likelihood %s, consequence %s: %s, %d risks", h.Likelihood[li], h.Consequence[ci], orUnknown(name), g[li][ci]))
				b.WriteString("</title></rect>\n")
				if g[li][ci] > 0 {
					fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" dominant-baseline="middle" font-size="16" font-weight="bold" fill="%s">%d</text>`+"\n",
						x+svgCellW/2, y+svgCellH/2, textColor(fill), g[li][ci])
				}
			}
		}
		yAxis := svgTop + nl*svgCellH
		for ci := range nc {
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">`, svgLabelW+ci*svgCellW+svgCellW/2, yAxis+18)
			esc(&b, fit(h.Consequence[ci], 11))
			b.WriteString("</text>\n")
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-style="italic">consequence</text>`+"\n", svgLabelW+nc*svgCellW/2, yAxis+40)
		fmt.Fprintf(&b, `<text x="14" y="%d" text-anchor="middle" font-style="italic" transform="rotate(-90 14 %d)">likelihood</text>`+"\n",
			svgTop+nl*svgCellH/2, svgTop+nl*svgCellH/2)
		b.WriteString("</g>\n")
	}
	panel(0, "Inherent risk", h.Inherent)
	panel(panelW+svgGap, "Residual risk", h.Residual)
	x, y := svgLabelW, height-svgLegendH+10
	for _, l := range h.Levels {
		fill := svgNeutral
		if l.Color != "" {
			fill = strings.ToLower(l.Color)
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="14" height="14" fill="%s"/>`, x, y, fill)
		fmt.Fprintf(&b, `<text x="%d" y="%d" dominant-baseline="middle">`, x+20, y+7)
		esc(&b, l.Name)
		b.WriteString("</text>\n")
		x += 28 + 8*utf8.RuneCountInString(l.Name)
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

// textColor picks black or white, whichever reads better on fill.
func textColor(fill string) string {
	if !isColor(fill) {
		return "#000000"
	}
	v, _ := strconv.ParseUint(fill[1:], 16, 32)
	r, g, bl := v>>16&0xff, v>>8&0xff, v&0xff
	// Integer approximation of perceived brightness (ITU-R BT.601 weights).
	if (299*r+587*g+114*bl)/1000 >= 150 {
		return "#000000"
	}
	return "#ffffff"
}
