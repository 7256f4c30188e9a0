package risk

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// Bounds of ImportCISOMatrix.
const (
	// MaxCISODocumentSize is the largest document ImportCISOMatrix reads, in bytes.
	MaxCISODocumentSize = 1 << 20
	// MaxCISOLevels is the most levels a probability, impact or risk list
	// may hold; it keeps the generated level rule within the default
	// expression limits of the rules package.
	MaxCISOLevels = 20
	// maxCISONameLen bounds a level name, in code points.
	maxCISONameLen = 100
)

// CISODimension is the ID of the one consequence dimension of criteria
// imported from a CISO Assistant risk matrix: the matrix's impact.
const CISODimension = "impact"

// CISOOption configures ImportCISOMatrix.
type CISOOption func(*cisoConfig)

type cisoConfig struct {
	matrix   string
	acceptTo string
}

// WithCISOMatrix selects the matrix whose ref_id or urn is id, for
// documents that hold more than one.
func WithCISOMatrix(id string) CISOOption {
	return func(c *cisoConfig) { c.matrix = id }
}

// WithCISOAcceptance makes every risk level up to and including level
// acceptable; level is a risk level's name or abbreviation. Without it
// only the lowest risk level is acceptable.
func WithCISOAcceptance(level string) CISOOption {
	return func(c *cisoConfig) { c.acceptTo = level }
}

// ImportCISOMatrix turns a risk matrix from a CISO Assistant library
// document (YAML or JSON) into Criteria.
//
// The document's objects.risk_matrix holds one matrix or a list of them;
// WithCISOMatrix picks one when there are several. A matrix has urn,
// ref_id, name, description and optionally version, and either inline
// fields or a json_definition string holding them:
//
//	probability, impact, risk   lists of levels: abbreviation, name,
//	                            description, optional hexcolor and id
//	grid                        one row per probability level, in order;
//	                            each row one index into risk per impact level
//
// The criteria's likelihood scale is the probability levels (values 1 to
// n, qualitative), their consequence scale and single dimension
// (CISODimension) the impact levels, their risk levels the risk list in
// order (rank 0 for the first, colours from hexcolor), and their level
// rule a CEL lookup that reproduces the grid cell for cell. The
// acceptance rule accepts the lowest risk level, or those up to the one
// named by WithCISOAcceptance. The ID is the matrix's ref_id (else its
// urn), the version the matrix's version, else the library's, else "1".
//
// Every problem is reported at once, each a *FieldError (matching
// ErrInvalid) whose path names the place in the document, such as
// "risk_matrix[0].grid[2][1]". The returned criteria pass Validate.
func ImportCISOMatrix(data []byte, opts ...CISOOption) (c Criteria, err error) {
	var cfg cisoConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	wrap := func(errs ...error) error {
		return fmt.Errorf("risk: import CISO Assistant risk matrix: %w", errors.Join(errs...))
	}
	if len(data) > MaxCISODocumentSize {
		return Criteria{}, wrap(&FieldError{Path: "document", Msg: fmt.Sprintf("%d bytes, more than the %d accepted", len(data), MaxCISODocumentSize)})
	}
	root, perr := cisoParse(data)
	if perr != nil {
		return Criteria{}, wrap(&FieldError{Path: "document", Msg: "not a YAML or JSON document", Err: perr})
	}
	var p cisoProblems
	lib := cisoMeta{}
	if root == nil || root.Kind != yaml.MappingNode {
		p.add("document", "want a mapping with an objects.risk_matrix entry")
		return Criteria{}, wrap(p...)
	}
	lib.read(&p, "", root)
	listNode, base := cisoFindMatrices(&p, root)
	if listNode == nil {
		if len(p) == 0 {
			p.add("objects.risk_matrix", "the document holds no risk matrix")
		}
		return Criteria{}, wrap(p...)
	}
	path, mnode := cisoSelect(&p, listNode, base, cfg.matrix)
	if mnode == nil {
		return Criteria{}, wrap(p...)
	}
	c = cisoBuild(&p, path, mnode, lib, cfg)
	if len(p) > 0 {
		return Criteria{}, wrap(p...)
	}
	if err := c.Validate(); err != nil {
		return Criteria{}, wrap(&FieldError{Path: path, Msg: "the imported criteria are not valid", Err: err})
	}
	return c, nil
}

// cisoParse decodes the document. The YAML decoder is third-party code
// fed untrusted bytes: a panic in it is turned into an error.
func cisoParse(data []byte) (root *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			root, err = nil, fmt.Errorf("the YAML decoder failed: %v", r)
		}
	}()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, errors.New("the document is empty")
	}
	return cisoResolve(doc.Content[0]), nil
}

type cisoProblems []error

func (p *cisoProblems) add(path, format string, args ...any) {
	*p = append(*p, &FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
}

// cisoResolve follows aliases to the node they stand for.
func cisoResolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

func cisoJoin(base, key string) string {
	if base == "" {
		return key
	}
	return base + "." + key
}

// cisoFields indexes a mapping's values by key, reporting repeated keys.
func cisoFields(p *cisoProblems, path string, n *yaml.Node) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := cisoResolve(n.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			continue
		}
		if _, dup := out[k.Value]; dup {
			p.add(cisoJoin(path, k.Value), "key given twice")
			continue
		}
		out[k.Value] = cisoResolve(n.Content[i+1])
	}
	return out
}

// cisoText returns a scalar's text; a missing or null field is empty.
func cisoText(p *cisoProblems, path string, n *yaml.Node) string {
	if n == nil || n.ShortTag() == "!!null" {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		p.add(path, "want text, not a %s", cisoKindName(n))
		return ""
	}
	return strings.TrimSpace(n.Value)
}

// cisoInt returns a scalar's integer value.
func cisoInt(n *yaml.Node) (int, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		return 0, false
	}
	var v int64
	if n.Decode(&v) != nil || v < -1<<31 || v > 1<<31-1 {
		return 0, false
	}
	return int(v), true
}

func cisoKindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return fmt.Sprintf("value %q", cisoAbbrev(n.Value))
	}
	return "node"
}

func cisoAbbrev(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:37]) + "..."
	}
	return s
}

// cisoMeta is what a library or a matrix says about itself.
type cisoMeta struct {
	urn, refID, name, description, version string
}

func (m *cisoMeta) read(p *cisoProblems, path string, n *yaml.Node) {
	f := cisoFields(p, path, n)
	m.urn = cisoText(p, cisoJoin(path, "urn"), f["urn"])
	m.refID = cisoText(p, cisoJoin(path, "ref_id"), f["ref_id"])
	m.name = cisoText(p, cisoJoin(path, "name"), f["name"])
	m.description = cisoText(p, cisoJoin(path, "description"), f["description"])
	m.version = cisoText(p, cisoJoin(path, "version"), f["version"])
}

// id is the ref_id, else the urn.
func (m *cisoMeta) id() string {
	if m.refID != "" {
		return m.refID
	}
	return m.urn
}

// cisoFindMatrices returns the risk_matrix node and the path prefix of
// its entries: objects.risk_matrix, or risk_matrix at the top level.
func cisoFindMatrices(p *cisoProblems, root *yaml.Node) (*yaml.Node, string) {
	top := cisoFields(p, "", root)
	if objs := top["objects"]; objs != nil {
		if objs.Kind != yaml.MappingNode {
			p.add("objects", "want a mapping, not a %s", cisoKindName(objs))
			return nil, ""
		}
		if m := cisoFields(p, "objects", objs)["risk_matrix"]; m != nil {
			return m, "risk_matrix"
		}
	}
	if m := top["risk_matrix"]; m != nil {
		return m, "risk_matrix"
	}
	return nil, ""
}

// cisoSelect picks the matrix: the only one, or the one whose ref_id or
// urn is want.
func cisoSelect(p *cisoProblems, n *yaml.Node, base, want string) (string, *yaml.Node) {
	var paths []string
	var nodes []*yaml.Node
	switch n.Kind {
	case yaml.MappingNode:
		paths, nodes = []string{base}, []*yaml.Node{n}
	case yaml.SequenceNode:
		for i, m := range n.Content {
			paths = append(paths, fmt.Sprintf("%s[%d]", base, i))
			nodes = append(nodes, cisoResolve(m))
		}
	default:
		p.add(base, "want a matrix or a list of matrices, not a %s", cisoKindName(n))
		return "", nil
	}
	if len(nodes) == 0 {
		p.add(base, "the list of risk matrices is empty")
		return "", nil
	}
	var ids []string
	var scratch cisoProblems // problems of matrices not chosen are not reported
	for i, m := range nodes {
		if m == nil || m.Kind != yaml.MappingNode {
			if want == "" && len(nodes) == 1 {
				p.add(paths[i], "want a mapping describing a risk matrix")
				return "", nil
			}
			ids = append(ids, "?")
			continue
		}
		var meta cisoMeta
		meta.read(&scratch, paths[i], m)
		ids = append(ids, meta.id())
		if want != "" && (meta.refID == want || meta.urn == want) {
			return paths[i], m
		}
	}
	available := make([]string, len(ids))
	for i, id := range ids {
		available[i] = strconv.Quote(cisoAbbrev(id))
	}
	if want != "" {
		p.add(base, "no risk matrix has the ref_id or urn %q (the document holds %s)", want, strings.Join(available, ", "))
		return "", nil
	}
	if len(nodes) > 1 {
		p.add(base, "the document holds %d risk matrices (%s): choose one with WithCISOMatrix", len(nodes), strings.Join(available, ", "))
		return "", nil
	}
	return paths[0], nodes[0]
}

// cisoLevel is one entry of a probability, impact or risk list.
type cisoLevel struct {
	name, abbrev, description, color string
}

// cisoLevels reads and checks a list of levels.
func cisoLevels(p *cisoProblems, path string, n *yaml.Node) []cisoLevel {
	if n == nil || n.ShortTag() == "!!null" {
		p.add(path, "missing: the matrix needs this list of levels")
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.add(path, "want a list of levels, not a %s", cisoKindName(n))
		return nil
	}
	if len(n.Content) == 0 {
		p.add(path, "the list of levels is empty")
		return nil
	}
	if len(n.Content) > MaxCISOLevels {
		p.add(path, "%d levels, at most %d are supported", len(n.Content), MaxCISOLevels)
		return nil
	}
	out := make([]cisoLevel, len(n.Content))
	names, abbrevs := map[string]int{}, map[string]int{}
	for i, ln := range n.Content {
		lp := fmt.Sprintf("%s[%d]", path, i)
		ln = cisoResolve(ln)
		if ln == nil || ln.Kind != yaml.MappingNode {
			p.add(lp, "want a mapping with abbreviation, name and description")
			continue
		}
		f := cisoFields(p, lp, ln)
		l := cisoLevel{
			abbrev:      cisoText(p, lp+".abbreviation", f["abbreviation"]),
			name:        cisoText(p, lp+".name", f["name"]),
			description: cisoText(p, lp+".description", f["description"]),
		}
		if idn := f["id"]; idn != nil {
			if id, ok := cisoInt(idn); !ok || id != i {
				p.add(lp+".id", "%s does not match the level's position %d", cisoKindName(idn), i)
			}
		}
		if hex := cisoText(p, lp+".hexcolor", f["hexcolor"]); hex != "" {
			if c, ok := cisoColor(hex); ok {
				l.color = c
			} else {
				p.add(lp+".hexcolor", "%q is not a colour of the form #rrggbb or #rgb", cisoAbbrev(hex))
			}
		}
		if l.name == "" {
			l.name = l.abbrev
		}
		switch {
		case l.name == "":
			p.add(lp, "the level needs a name or an abbreviation")
			continue
		case !cisoNameOK(l.name):
			p.add(lp+".name", "%q holds control characters or is longer than %d characters", cisoAbbrev(l.name), maxCISONameLen)
		}
		if j, dup := names[l.name]; dup {
			p.add(lp+".name", "duplicate name %q (also %s[%d])", cisoAbbrev(l.name), path, j)
		} else {
			names[l.name] = i
		}
		if l.abbrev != "" {
			if j, dup := abbrevs[l.abbrev]; dup {
				p.add(lp+".abbreviation", "duplicate abbreviation %q (also %s[%d])", cisoAbbrev(l.abbrev), path, j)
			} else {
				abbrevs[l.abbrev] = i
			}
		}
		out[i] = l
	}
	return out
}

func cisoNameOK(s string) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxCISONameLen {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// cisoColor normalizes "#RGB" and "#RRGGBB" to lower-case "#rrggbb".
func cisoColor(s string) (string, bool) {
	if len(s) != 4 && len(s) != 7 || s[0] != '#' {
		return "", false
	}
	h := strings.ToLower(s[1:])
	for _, c := range h {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return "", false
		}
	}
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	return "#" + h, true
}

// cisoGrid reads the grid: rows of risk indices, one row per probability
// level and one index per impact level.
func cisoGrid(p *cisoProblems, path string, n *yaml.Node, rows, cols, risks int) [][]int {
	if n == nil || n.ShortTag() == "!!null" {
		p.add(path, "missing: the matrix needs a grid")
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.add(path, "want a list of rows, not a %s", cisoKindName(n))
		return nil
	}
	if rows > 0 && len(n.Content) != rows {
		p.add(path, "%d rows, want one per probability level (%d)", len(n.Content), rows)
	}
	if len(n.Content) > MaxCISOLevels {
		return nil
	}
	grid := make([][]int, len(n.Content))
	for i, rn := range n.Content {
		rp := fmt.Sprintf("%s[%d]", path, i)
		rn = cisoResolve(rn)
		if rn == nil || rn.Kind != yaml.SequenceNode {
			p.add(rp, "want a list of risk indices")
			continue
		}
		if cols > 0 && len(rn.Content) != cols {
			p.add(rp, "%d cells, want one per impact level (%d)", len(rn.Content), cols)
		}
		if len(rn.Content) > MaxCISOLevels {
			continue
		}
		grid[i] = make([]int, len(rn.Content))
		for j, cn := range rn.Content {
			cp := fmt.Sprintf("%s[%d]", rp, j)
			cn = cisoResolve(cn)
			v, ok := cisoInt(cn)
			switch {
			case !ok:
				if cn == nil {
					p.add(cp, "want a risk index")
				} else {
					p.add(cp, "%s is not a risk index", cisoKindName(cn))
				}
			case risks > 0 && (v < 0 || v >= risks):
				p.add(cp, "index %d out of range (%d risk levels)", v, risks)
			}
			grid[i][j] = v
		}
	}
	return grid
}

// cisoBuild checks one matrix and turns it into criteria.
func cisoBuild(p *cisoProblems, path string, n *yaml.Node, lib cisoMeta, cfg cisoConfig) Criteria {
	var meta cisoMeta
	meta.read(p, path, n)
	f := cisoFields(&cisoProblems{}, path, n) // repeated keys were reported by read
	def, defPath := f, path
	if jd := f["json_definition"]; jd != nil && jd.ShortTag() != "!!null" {
		jp := path + ".json_definition"
		for _, k := range []string{"probability", "impact", "risk", "grid"} {
			if f[k] != nil {
				p.add(path+"."+k, "given both inline and in json_definition: give one of them")
			}
		}
		if jd.Kind != yaml.ScalarNode {
			p.add(jp, "want the definition as text, not a %s", cisoKindName(jd))
			return Criteria{}
		}
		inner, err := cisoParse([]byte(jd.Value))
		switch {
		case err != nil:
			*p = append(*p, &FieldError{Path: jp, Msg: "not a YAML or JSON document", Err: err})
			return Criteria{}
		case inner == nil || inner.Kind != yaml.MappingNode:
			p.add(jp, "want a mapping with probability, impact, risk and grid")
			return Criteria{}
		}
		def, defPath = cisoFields(p, jp, inner), jp
	}
	prob := cisoLevels(p, defPath+".probability", def["probability"])
	imp := cisoLevels(p, defPath+".impact", def["impact"])
	risk := cisoLevels(p, defPath+".risk", def["risk"])
	grid := cisoGrid(p, defPath+".grid", def["grid"], len(prob), len(imp), len(risk))

	c := Criteria{
		ID:          meta.id(),
		Version:     meta.version,
		Title:       meta.name,
		Description: meta.description,
	}
	if c.ID == "" {
		c.ID = lib.id()
	}
	if c.ID == "" {
		p.add(path, "the matrix needs a ref_id or a urn to identify the criteria")
	}
	if c.Version == "" {
		c.Version = lib.version
	}
	if c.Version == "" {
		c.Version = "1"
	}
	if c.Title == "" {
		c.Title = c.ID
	}

	acceptTo := 0
	if cfg.acceptTo != "" {
		acceptTo = -1
		for i := len(risk) - 1; i >= 0; i-- { // a name wins over an abbreviation
			if risk[i].name == cfg.acceptTo {
				acceptTo = i
			} else if acceptTo < 0 && risk[i].abbrev == cfg.acceptTo {
				acceptTo = i
			}
		}
		if acceptTo < 0 && len(risk) > 0 {
			names := make([]string, len(risk))
			for i, l := range risk {
				names[i] = strconv.Quote(l.name)
			}
			p.add(defPath+".risk", "WithCISOAcceptance names %q, which is not a risk level (want one of %s)", cfg.acceptTo, strings.Join(names, ", "))
		}
	}
	if len(*p) > 0 {
		return Criteria{}
	}

	c.Likelihood = cisoScale("Probability", prob)
	c.Consequence = cisoScale("Impact", imp)
	c.Dimensions = []Dimension{{ID: CISODimension, Name: "Impact", Scale: cisoScale("Impact", imp)}}
	for i, l := range risk {
		c.Levels = append(c.Levels, Level{Name: l.name, Rank: i, Color: l.color, Description: l.description})
	}
	c.LevelRule = cisoLevelRule(risk, grid)
	c.AcceptanceRule = fmt.Sprintf("rank <= %d", acceptTo)
	if n := utf8.RuneCountInString(c.LevelRule); n > rules.DefaultMaxExpressionLength {
		p.add(defPath, "the grid and risk names need a level rule of %d characters, more than the %d allowed: shorten the risk level names", n, rules.DefaultMaxExpressionLength)
	}
	return c
}

func cisoScale(name string, levels []cisoLevel) Scale {
	s := Scale{Name: name, Kind: Qualitative}
	for i, l := range levels {
		s.Levels = append(s.Levels, ScaleLevel{Value: decimal.NewFromInt(int64(i + 1)), Name: l.name, Description: l.description})
	}
	return s
}

// cisoLevelRule writes the grid as a CEL lookup: the risk names, indexed
// by the grid's entry for the cell. Likelihood and consequence are the
// 1-based positions of the probability and impact levels; any other value
// makes the rule fail rather than guess.
func cisoLevelRule(risk []cisoLevel, grid [][]int) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, l := range risk {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(l.name))
	}
	b.WriteString("][[")
	for i, row := range grid {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('[')
		for j, v := range row {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Itoa(v))
		}
		b.WriteByte(']')
	}
	b.WriteString("][int(likelihood) - 1][int(consequence) - 1]]")
	return b.String()
}
