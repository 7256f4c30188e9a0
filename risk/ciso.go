package risk

import (
	"errors"
	"fmt"
	"sort"
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
// document or export (YAML or JSON) into Criteria. It is ImportCISO
// without the matrix's state, translations and warnings.
func ImportCISOMatrix(data []byte, opts ...CISOOption) (Criteria, error) {
	im, err := ImportCISO(data, opts...)
	if err != nil {
		return Criteria{}, err
	}
	return im.Criteria, nil
}

// CISOImport is what ImportCISO reads from a CISO Assistant risk matrix.
// The zero value holds no criteria.
type CISOImport struct {
	// Criteria are the imported criteria; they pass Validate.
	Criteria Criteria
	// Enabled is the matrix's is_enabled flag (true when the document
	// does not give it). CISO Assistant offers a disabled matrix for no
	// new risk assessment; the criteria are imported all the same.
	Enabled bool
	// Locale is the matrix's locale, else the library's, else "".
	Locale string
	// Translations are the names and descriptions the document gives in
	// other languages, sorted by Locale and then in the order of Target
	// (the criteria, then likelihood, consequence and risk levels).
	Translations []CISOTranslation
	// Warnings name what was read but has no place in the criteria, or
	// was malformed and skipped, each with its field path, sorted.
	Warnings []string
}

// CISOTranslation is one translated name and description.
type CISOTranslation struct {
	// Locale is the language tag the document gives, such as "fr".
	Locale string
	// Target is what is translated: "criteria" (title and description),
	// or "likelihood[i]", "consequence[i]" or "levels[i]": the i-th
	// level (0-based) of Criteria.Likelihood, Criteria.Consequence and
	// Criteria.Levels.
	Target string
	// Name and Description are the translated texts ("" when absent).
	Name, Description string
}

// ImportCISO turns a risk matrix from a CISO Assistant library document
// or export (YAML or JSON) into Criteria, and keeps the matrix's state
// and translations.
//
// The document's objects.risk_matrices (the key current releases write;
// objects.risk_matrix in older libraries, and either key at the top level
// are accepted too) holds one matrix or a list of them; WithCISOMatrix
// picks one when there are several. A matrix has urn, ref_id, name,
// description and optionally version, locale, is_enabled and
// translations, and either inline fields or a json_definition holding
// them, as a mapping (what an export writes) or as text:
//
//	probability, impact, risk   lists of levels: abbreviation, name,
//	                            description, optional hexcolor, id and
//	                            translations
//	grid                        one row per probability level, in order;
//	                            each row one index into risk per impact level
//
// Level ids, when given, must number the levels in order, from 0 (as
// libraries do) or from 1; grid entries are 0-based positions in risk.
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
// "risk_matrices[0].grid[2][1]".
func ImportCISO(data []byte, opts ...CISOOption) (CISOImport, error) {
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
		return CISOImport{}, wrap(&FieldError{Path: "document", Msg: fmt.Sprintf("%d bytes, more than the %d accepted", len(data), MaxCISODocumentSize)})
	}
	root, perr := cisoParse(data)
	if perr != nil {
		return CISOImport{}, wrap(&FieldError{Path: "document", Msg: "not a YAML or JSON document", Err: perr})
	}
	var p cisoProblems
	lib := cisoMeta{}
	if root == nil || root.Kind != yaml.MappingNode {
		p.add("document", "want a mapping with an objects.risk_matrices entry")
		return CISOImport{}, wrap(p...)
	}
	lib.read(&p, "", root)
	listNode, base := cisoFindMatrices(&p, root)
	if listNode == nil {
		if len(p) == 0 {
			p.add("objects.risk_matrices", "the document holds no risk matrix")
		}
		return CISOImport{}, wrap(p...)
	}
	path, mnode := cisoSelect(&p, listNode, base, cfg.matrix)
	if mnode == nil {
		return CISOImport{}, wrap(p...)
	}
	im := cisoBuild(&p, path, mnode, lib, cfg)
	if len(p) > 0 {
		return CISOImport{}, wrap(p...)
	}
	if err := im.Criteria.Validate(); err != nil {
		return CISOImport{}, wrap(&FieldError{Path: path, Msg: "the imported criteria are not valid", Err: err})
	}
	sort.SliceStable(im.Translations, func(i, j int) bool { return im.Translations[i].Locale < im.Translations[j].Locale })
	sort.Strings(im.Warnings)
	return im, nil
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
	urn, refID, name, description, version, locale string
	translations                                   []cisoText2
}

// cisoText2 is a translated name and description.
type cisoText2 struct {
	locale, name, description string
}

func (m *cisoMeta) read(p *cisoProblems, path string, n *yaml.Node) {
	f := cisoFields(p, path, n)
	m.urn = cisoText(p, cisoJoin(path, "urn"), f["urn"])
	m.refID = cisoText(p, cisoJoin(path, "ref_id"), f["ref_id"])
	m.name = cisoText(p, cisoJoin(path, "name"), f["name"])
	m.description = cisoText(p, cisoJoin(path, "description"), f["description"])
	m.version = cisoText(p, cisoJoin(path, "version"), f["version"])
	m.locale = cisoText(p, cisoJoin(path, "locale"), f["locale"])
}

// cisoTranslations reads a translations mapping (locale to name and
// description). It is not needed for the criteria, so a malformed entry
// is skipped with a warning rather than refused.
func cisoTranslations(warn *[]string, path string, n *yaml.Node) []cisoText2 {
	if n == nil || n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		*warn = append(*warn, fmt.Sprintf("%s: want a mapping from locale to name and description, not a %s: translations skipped", path, cisoKindName(n)))
		return nil
	}
	var scratch cisoProblems
	var out []cisoText2
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := cisoResolve(n.Content[i]), cisoResolve(n.Content[i+1])
		if k == nil || k.Kind != yaml.ScalarNode || v == nil {
			continue
		}
		lp := cisoJoin(path, k.Value)
		if v.Kind != yaml.MappingNode {
			*warn = append(*warn, fmt.Sprintf("%s: want a mapping with name and description, not a %s: translation skipped", lp, cisoKindName(v)))
			continue
		}
		f := cisoFields(&scratch, lp, v)
		t := cisoText2{locale: strings.TrimSpace(k.Value),
			name:        cisoText(&scratch, lp+".name", f["name"]),
			description: cisoText(&scratch, lp+".description", f["description"])}
		if len(scratch) > 0 || !cisoNameOK(t.name) || t.locale == "" {
			*warn = append(*warn, fmt.Sprintf("%s: malformed translation skipped", lp))
			scratch = scratch[:0]
			continue
		}
		out = append(out, t)
	}
	return out
}

// id is the ref_id, else the urn.
func (m *cisoMeta) id() string {
	if m.refID != "" {
		return m.refID
	}
	return m.urn
}

// cisoFindMatrices returns the matrix node and the path prefix of its
// entries: objects.risk_matrices (the key current CISO Assistant
// releases write), objects.risk_matrix (older libraries), or either at
// the top level. A document that gives both keys in one place is refused
// rather than guessed at.
func cisoFindMatrices(p *cisoProblems, root *yaml.Node) (*yaml.Node, string) {
	pick := func(path string, f map[string]*yaml.Node) (*yaml.Node, string, bool) {
		plural, singular := f["risk_matrices"], f["risk_matrix"]
		switch {
		case plural != nil && singular != nil:
			p.add(cisoJoin(path, "risk_matrices"), "given together with risk_matrix: give one of them")
			return nil, "", true
		case plural != nil:
			return plural, "risk_matrices", true
		case singular != nil:
			return singular, "risk_matrix", true
		}
		return nil, "", false
	}
	top := cisoFields(p, "", root)
	if objs := top["objects"]; objs != nil {
		if objs.Kind != yaml.MappingNode {
			p.add("objects", "want a mapping, not a %s", cisoKindName(objs))
			return nil, ""
		}
		if m, base, found := pick("objects", cisoFields(p, "objects", objs)); found {
			return m, base
		}
	}
	m, base, _ := pick("", top)
	return m, base
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
	translations                     []cisoText2
}

// cisoLevels reads and checks a list of levels.
func cisoLevels(p *cisoProblems, warn *[]string, path string, n *yaml.Node) []cisoLevel {
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
	idBase := -1
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
		if idn := f["id"]; idn != nil && idn.ShortTag() != "!!null" {
			id, ok := cisoInt(idn)
			if idBase < 0 { // the first id decides: numbered from 0 or from 1
				idBase = 0
				if ok && id == i+1 {
					idBase = 1
				}
			}
			if !ok || id != i+idBase {
				p.add(lp+".id", "%s does not match the level's position %d: ids number the levels in order, from 0 or from 1", cisoKindName(idn), i)
			}
		}
		l.translations = cisoTranslations(warn, lp+".translations", f["translations"])
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
func cisoBuild(p *cisoProblems, path string, n *yaml.Node, lib cisoMeta, cfg cisoConfig) CISOImport {
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
		// An export holds the definition as a JSON object, a library as
		// text holding JSON.
		inner := jd
		if jd.Kind == yaml.ScalarNode {
			var err error
			if inner, err = cisoParse([]byte(jd.Value)); err != nil {
				*p = append(*p, &FieldError{Path: jp, Msg: "not a YAML or JSON document", Err: err})
				return CISOImport{}
			}
		}
		if inner == nil || inner.Kind != yaml.MappingNode {
			what := jd
			if inner != nil {
				what = inner
			}
			p.add(jp, "want a mapping with probability, impact, risk and grid, not a %s", cisoKindName(what))
			return CISOImport{}
		}
		def, defPath = cisoFields(p, jp, inner), jp
	}
	var warn []string
	meta.translations = cisoTranslations(&warn, cisoJoin(path, "translations"), f["translations"])
	im := CISOImport{Enabled: true, Locale: meta.locale}
	if im.Locale == "" {
		im.Locale = lib.locale
	}
	if en := f["is_enabled"]; en != nil && en.ShortTag() != "!!null" {
		var b bool
		if en.Kind != yaml.ScalarNode || en.ShortTag() != "!!bool" || en.Decode(&b) != nil {
			p.add(path+".is_enabled", "want true or false, not a %s", cisoKindName(en))
		} else if im.Enabled = b; !b {
			warn = append(warn, path+".is_enabled: false: CISO Assistant offers this matrix for no new risk assessment")
		}
	}
	if sk := def["strength_of_knowledge"]; sk != nil && sk.ShortTag() != "!!null" {
		warn = append(warn, defPath+".strength_of_knowledge: not imported: the criteria have no strength-of-knowledge scale")
	}
	prob := cisoLevels(p, &warn, defPath+".probability", def["probability"])
	imp := cisoLevels(p, &warn, defPath+".impact", def["impact"])
	risk := cisoLevels(p, &warn, defPath+".risk", def["risk"])
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
		return CISOImport{}
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
	im.Criteria = c
	add := func(target string, ts []cisoText2) {
		for _, t := range ts {
			im.Translations = append(im.Translations, CISOTranslation{Locale: t.locale, Target: target, Name: t.name, Description: t.description})
		}
	}
	add("criteria", meta.translations)
	for _, group := range []struct {
		target string
		levels []cisoLevel
	}{{"likelihood", prob}, {"consequence", imp}, {"levels", risk}} {
		for i, l := range group.levels {
			add(fmt.Sprintf("%s[%d]", group.target, i), l.translations)
		}
	}
	im.Warnings = warn
	return im
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
