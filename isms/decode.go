package isms

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
)

// maxNumberLength is the longest numeric text DecodeJSON accepts: a JSON
// number anywhere, or a string where a decimal is expected. It is the
// module-wide rules.MaxNumberLength, so what one decoder writes every
// other decoder reads.
const maxNumberLength = rules.MaxNumberLength

// maxDecodeProblems is how many problems DecodeJSON lists before it only
// counts the rest: a document with a million wrong values gets a readable
// error, not a million lines.
const maxDecodeProblems = 50

// maxQuoted is how much of an offending value a message repeats.
const maxQuoted = 40

// DecodeError is one problem DecodeJSON found. A problem with a value
// has the JSON path of the value, such as "register.risks[3].likelihood";
// a syntax error has the line and column (both from 1, the column counted
// in bytes) where the document stops being JSON. It matches ErrDecode.
type DecodeError struct {
	Path    string // empty for a syntax error
	Line    int    // 0 unless the problem is the document's syntax
	Column  int    // 0 unless the problem is the document's syntax
	Message string
}

// Error returns "path: message" or "line L, column C: message".
func (e *DecodeError) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Message)
	case e.Path != "":
		return e.Path + ": " + e.Message
	}
	return e.Message
}

// Is reports whether target is ErrDecode.
func (e *DecodeError) Is(target error) bool { return target == ErrDecode }

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// decoder checks a JSON document against the shape of a Go type before
// encoding/json decodes it: it walks the document token by token beside
// the type, so that it knows the path of every value, can report every
// problem at once, and stops over-long numbers before they are parsed.
// Everything it does is linear in the size of the document.
type decoder struct {
	data     []byte
	dec      *json.Decoder
	path     []byte
	problems []error
	more     int       // problems found beyond maxDecodeProblems
	dates    []span    // date-only instants to expand before decoding
	what     string    // what the document holds, for problems at its root
	fields   fieldMaps // per decode, so no package state is shared
}

// span is a byte range of the document.
type span struct{ start, end int }

type fieldInfo struct {
	name string
	typ  reflect.Type
}

type fieldMaps map[reflect.Type][]fieldInfo

// decodeStrict decodes data into v (a pointer) strictly: the document is
// one JSON value of v's shape with no unknown fields and nothing after
// it. Instants (time.Time) may be given as dates, "2026-06-30", meaning
// midnight UTC. what names the value in messages ("the system").
func decodeStrict(data []byte, v any, what string) error {
	// Most documents are fine: decode them straight away unless a long
	// run of digits could reach the decimal parser. Only a document that
	// fails takes the slower walk, for its paths and dates.
	if !longNumeric(data) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err == nil {
			off := int(dec.InputOffset())
			if len(bytes.TrimLeft(data[off:], " \t\r\n")) == 0 {
				return nil
			}
		}
		reflect.ValueOf(v).Elem().SetZero()
	}
	d := &decoder{data: data, dec: json.NewDecoder(bytes.NewReader(data)), fields: fieldMaps{}, what: what}
	d.dec.UseNumber()
	t := reflect.TypeOf(v).Elem()
	tok, err := d.dec.Token()
	switch {
	case err == io.EOF:
		return decodeErrors(&DecodeError{Message: "empty document: want " + what + " as a JSON object"})
	case err != nil:
		return decodeErrors(d.syntax(err))
	}
	if err := d.value(t, tok); err != nil {
		return decodeErrors(append(d.problems, d.syntax(err))...)
	}
	if off := int(d.dec.InputOffset()); off < len(data) {
		if rest := bytes.TrimLeft(data[off:], " \t\r\n"); len(rest) > 0 {
			line, col := lineColumn(data, len(data)-len(rest))
			d.problems = append(d.problems, &DecodeError{Line: line, Column: col,
				Message: "unexpected data after " + what})
		}
	}
	if len(d.problems) > 0 {
		if d.more > 0 {
			d.problems = append(d.problems, &DecodeError{Message: fmt.Sprintf("and %d more problems", d.more)})
		}
		return decodeErrors(d.problems...)
	}
	if len(d.dates) > 0 {
		data = expandDates(data, d.dates)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		// The walk accepts what encoding/json accepts; this is a safety
		// net for a value a custom decoder rejects late.
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return decodeErrors(&DecodeError{Path: te.Field, Message: "want " + kindName(te.Type) + ", got " + te.Value})
		}
		return decodeErrors(&DecodeError{Message: strings.TrimPrefix(err.Error(), "json: ")})
	}
	return nil
}

func decodeErrors(errs ...error) error {
	return fmt.Errorf("%w: %w", ErrDecode, errors.Join(errs...))
}

// longNumeric reports whether data has a number, or a string of number
// characters, longer than maxNumberLength. It is a cheap linear filter:
// the walk decides whether such a string is where a decimal belongs.
func longNumeric(data []byte) bool {
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '"':
			n, numeric := 0, true
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
					numeric = false
				} else if numeric && !isNumberByte(data[i]) {
					numeric = false
				}
				n++
			}
			if numeric && n > maxNumberLength {
				return true
			}
		case c == '-' || '0' <= c && c <= '9':
			start := i
			for i < len(data) && isNumberByte(data[i]) {
				i++
			}
			if i-start > maxNumberLength {
				return true
			}
			i--
		}
	}
	return false
}

func isNumberByte(c byte) bool {
	return '0' <= c && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

// expandDates turns every "YYYY-MM-DD" at the given spans into
// "YYYY-MM-DDT00:00:00Z".
func expandDates(data []byte, spans []span) []byte {
	out := make([]byte, 0, len(data)+len(spans)*len("T00:00:00Z"))
	last := 0
	for _, s := range spans {
		out = append(out, data[last:s.end-1]...)
		out = append(out, "T00:00:00Z\""...)
		last = s.end
	}
	return append(out, data[last:]...)
}

// lineColumn returns the 1-based line and byte column of offset.
func lineColumn(data []byte, offset int) (int, int) {
	offset = min(max(offset, 0), len(data))
	before := data[:offset]
	line := bytes.Count(before, []byte{'\n'}) + 1
	return line, offset - bytes.LastIndexByte(before, '\n')
}

// syntax turns an error of the tokenizer into a DecodeError with line and
// column.
func (d *decoder) syntax(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// The tokenizer's offsets point now at, now after the offending
		// byte; the validating scanner of Unmarshal counts the bytes read,
		// the offending one included, every time.
		// Past Unmarshal's nesting limit, only the tokenizer's offset is
		// left: when it is at the byte the message names, use it as is.
		var raw json.RawMessage
		var again *json.SyntaxError
		pos := int(se.Offset) - 1
		if errors.As(json.Unmarshal(d.data, &raw), &again) && !strings.Contains(again.Error(), "max depth") {
			se, pos = again, int(again.Offset)-1
		} else if m := se.Error(); len(m) > 21 && strings.HasPrefix(m, "invalid character '") && m[20] == '\'' &&
			int(se.Offset) < len(d.data) && d.data[se.Offset] == m[19] {
			pos = int(se.Offset)
		}
		line, col := lineColumn(d.data, pos)
		return &DecodeError{Line: line, Column: col, Message: strings.TrimPrefix(se.Error(), "json: ")}
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		line, col := lineColumn(d.data, len(d.data))
		return &DecodeError{Line: line, Column: col, Message: "unexpected end of the document"}
	}
	return &DecodeError{Message: err.Error()}
}

func (d *decoder) problem(format string, args ...any) {
	if len(d.problems) >= maxDecodeProblems {
		d.more++
		return
	}
	msg := truncate(fmt.Sprintf(format, args...), 300)
	if len(d.path) == 0 {
		msg = d.what + ": " + msg
	}
	d.problems = append(d.problems, &DecodeError{Path: string(d.path), Message: msg})
}

func (d *decoder) pushField(name string) int {
	n := len(d.path)
	if isPlainKey(name) {
		if n > 0 {
			d.path = append(d.path, '.')
		}
		d.path = append(d.path, name...)
	} else {
		d.path = append(d.path, '[')
		d.path = strconv.AppendQuote(d.path, truncate(name, maxQuoted))
		d.path = append(d.path, ']')
	}
	return n
}

func (d *decoder) pushIndex(i int) int {
	n := len(d.path)
	d.path = append(d.path, '[')
	d.path = strconv.AppendInt(d.path, int64(i), 10)
	d.path = append(d.path, ']')
	return n
}

// isPlainKey reports whether a key can follow a dot in a path.
func isPlainKey(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// token reads the next token.
func (d *decoder) token() (json.Token, error) {
	tok, err := d.dec.Token()
	if err == io.EOF {
		return nil, io.ErrUnexpectedEOF
	}
	return tok, err
}

// value walks the value that starts with tok against type t.
func (d *decoder) value(t reflect.Type, tok json.Token) error {
	if n, ok := tok.(json.Number); ok && len(n) > maxNumberLength {
		d.problem("number of %d characters is too long (at most %d)", len(n), maxNumberLength)
		return nil
	}
	if tok == nil { // null leaves every Go value as it is
		return nil
	}
	pt := reflect.PointerTo(t)
	if t.Kind() != reflect.Pointer && (pt.Implements(jsonUnmarshalerType) || pt.Implements(textUnmarshalerType)) {
		return d.leaf(t, tok)
	}
	switch t.Kind() {
	case reflect.Pointer:
		return d.value(t.Elem(), tok)
	case reflect.Interface:
		return d.skip(tok)
	case reflect.Struct:
		if tok != json.Delim('{') {
			return d.mismatch(t, tok)
		}
		return d.object(t)
	case reflect.Map:
		if tok != json.Delim('{') {
			return d.mismatch(t, tok)
		}
		return d.mapValue(t)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			if _, ok := tok.(string); !ok {
				return d.mismatch(t, tok)
			}
			return nil
		}
		if tok != json.Delim('[') {
			return d.mismatch(t, tok)
		}
		for i := 0; d.dec.More(); i++ {
			el, err := d.token()
			if err != nil {
				return err
			}
			n := d.pushIndex(i)
			err = d.value(t.Elem(), el)
			d.path = d.path[:n]
			if err != nil {
				return err
			}
		}
		_, err := d.token() // ']'
		return err
	case reflect.String:
		if _, ok := tok.(string); !ok {
			return d.mismatch(t, tok)
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			return d.mismatch(t, tok)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := tok.(json.Number)
		if !ok {
			return d.mismatch(t, tok)
		}
		if _, err := strconv.ParseInt(string(n), 10, t.Bits()); err != nil {
			d.problem("want a whole number of at most %d bits, got %s", t.Bits(), truncate(string(n), maxQuoted))
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := tok.(json.Number)
		if !ok {
			return d.mismatch(t, tok)
		}
		if _, err := strconv.ParseUint(string(n), 10, t.Bits()); err != nil {
			d.problem("want a whole number from 0 of at most %d bits, got %s", t.Bits(), truncate(string(n), maxQuoted))
		}
	default:
		// No model type has other kinds (floats are banned); let
		// encoding/json judge anything else.
		return d.skip(tok)
	}
	return nil
}

// object walks a JSON object against struct type t; '{' has been read.
func (d *decoder) object(t reflect.Type) error {
	fields := d.fieldsOf(t)
	for d.dec.More() {
		kt, err := d.token()
		if err != nil {
			return err
		}
		key, _ := kt.(string)
		vt, err := d.token()
		if err != nil {
			return err
		}
		n := d.pushField(key)
		if f, ok := lookupField(fields, key); ok {
			err = d.value(f.typ, vt)
		} else {
			d.problem("unknown field %q", truncate(key, maxQuoted))
			err = d.skip(vt)
		}
		d.path = d.path[:n]
		if err != nil {
			return err
		}
	}
	_, err := d.token() // '}'
	return err
}

// mapValue walks a JSON object against map type t; '{' has been read.
func (d *decoder) mapValue(t reflect.Type) error {
	kt := t.Key()
	for d.dec.More() {
		ktok, err := d.token()
		if err != nil {
			return err
		}
		key, _ := ktok.(string)
		vt, err := d.token()
		if err != nil {
			return err
		}
		n := d.pushField(key)
		switch {
		case reflect.PointerTo(kt).Implements(textUnmarshalerType):
			if err := reflect.New(kt).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(key)); err != nil {
				d.problem("invalid key %q: %s", truncate(key, maxQuoted), err)
			}
		case kt.Kind() == reflect.String:
		default:
			if _, err := strconv.ParseInt(key, 10, 64); err != nil {
				d.problem("invalid key %q: want a whole number", truncate(key, maxQuoted))
			}
		}
		err = d.value(t.Elem(), vt)
		d.path = d.path[:n]
		if err != nil {
			return err
		}
	}
	_, err := d.token() // '}'
	return err
}

// leaf checks a value of a type that decodes itself. Numbers and decimal
// strings are measured before any parsing.
func (d *decoder) leaf(t reflect.Type, tok json.Token) error {
	var raw []byte
	switch v := tok.(type) {
	case json.Delim:
		start := int(d.dec.InputOffset()) - 1
		if err := d.skip(tok); err != nil {
			return err
		}
		raw = d.data[start:d.dec.InputOffset()]
	case string:
		if t == decimalType && len(v) > maxNumberLength {
			d.problem("number of %d characters is too long (at most %d)", len(v), maxNumberLength)
			return nil
		}
		if t == timeType {
			d.instant(v)
			return nil
		}
		raw, _ = json.Marshal(v)
	case json.Number:
		raw = []byte(v)
	case bool:
		raw = strconv.AppendBool(nil, v)
	}
	p := reflect.New(t).Interface()
	var err error
	if u, ok := p.(json.Unmarshaler); ok {
		err = u.UnmarshalJSON(raw)
	} else if s, ok := tok.(string); ok {
		err = p.(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
	} else {
		return d.mismatch(t, tok)
	}
	if err == nil {
		return nil
	}
	switch t {
	case decimalType:
		d.problem("invalid number %s: want a decimal such as 0.95 or \"0.95\"", truncate(string(raw), maxQuoted))
	case timeType:
		d.problem("invalid instant %s: want RFC 3339 such as \"2026-06-30T00:00:00Z\", or a date such as \"2026-06-30\"", truncate(string(raw), maxQuoted))
	default:
		d.problem("%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

// instant checks an instant given as a string: RFC 3339, or a date alone,
// which stands for midnight UTC and is expanded before decoding.
func (d *decoder) instant(s string) {
	if len(s) == len(time.DateOnly) {
		if _, err := time.Parse(time.DateOnly, s); err == nil {
			end := int(d.dec.InputOffset())
			start := end - len(s) - 2
			if start >= 0 && string(d.data[start+1:end-1]) == s && d.data[start] == '"' {
				d.dates = append(d.dates, span{start, end})
				return
			}
		}
	}
	var tm time.Time
	if err := tm.UnmarshalText([]byte(s)); err != nil {
		d.problem("invalid instant %q: want RFC 3339 such as \"2026-06-30T00:00:00Z\", or a date such as \"2026-06-30\"", truncate(s, maxQuoted))
	}
}

// skip consumes the rest of the value that starts with tok.
func (d *decoder) skip(tok json.Token) error {
	if n, ok := tok.(json.Number); ok && len(n) > maxNumberLength {
		d.problem("number of %d characters is too long (at most %d)", len(n), maxNumberLength)
	}
	if tok != json.Delim('{') && tok != json.Delim('[') {
		return nil
	}
	for depth := 1; depth > 0; {
		tok, err := d.token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

func (d *decoder) mismatch(t reflect.Type, tok json.Token) error {
	d.problem("want %s, got %s", kindName(t), tokenName(tok))
	return d.skip(tok)
}

// kindName describes what a Go type expects in JSON.
func kindName(t reflect.Type) string {
	switch t {
	case decimalType:
		return "a number"
	case timeType:
		return "an RFC 3339 instant"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return kindName(t.Elem())
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			return "a base64 string"
		}
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	}
	if reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return "a string"
	}
	return "a value of type " + t.String()
}

// tokenName describes a token in messages.
func tokenName(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		return "an array"
	case string:
		return "the string " + strconv.Quote(truncate(v, maxQuoted))
	case json.Number:
		return "the number " + truncate(string(v), maxQuoted)
	case bool:
		return strconv.FormatBool(v)
	}
	return "null"
}

// truncate shortens s to at most n bytes plus an ellipsis, on a rune
// boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// fieldsOf lists the JSON fields of struct type t the way encoding/json
// names them.
func (d *decoder) fieldsOf(t reflect.Type) []fieldInfo {
	if fs, ok := d.fields[t]; ok {
		return fs
	}
	var fs []fieldInfo
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || len(f.Index) > 1 && !promoted(t, f.Index) {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			continue // its fields are listed on their own
		}
		if name == "" {
			name = f.Name
		}
		fs = append(fs, fieldInfo{name: name, typ: f.Type})
	}
	d.fields[t] = fs
	return fs
}

// promoted reports whether the field at index is reached through
// untagged embedded structs only, as encoding/json promotes them.
func promoted(t reflect.Type, index []int) bool {
	for _, i := range index[:len(index)-1] {
		f := t.Field(i)
		if !f.Anonymous || f.Tag.Get("json") != "" {
			return false
		}
		t = f.Type
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
	}
	return true
}

// lookupField finds key exactly, else case-insensitively, as
// encoding/json does.
func lookupField(fs []fieldInfo, key string) (fieldInfo, bool) {
	for _, f := range fs {
		if f.name == key {
			return f, true
		}
	}
	for _, f := range fs {
		if strings.EqualFold(f.name, key) {
			return f, true
		}
	}
	return fieldInfo{}, false
}

var (
	decimalType = reflect.TypeFor[decimal.Decimal]()
	timeType    = reflect.TypeFor[time.Time]()
)
