// Package purity holds the test that keeps library packages free of I/O
// and clock reads. It has no code of its own.
package purity

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// forbidden are the imports a library package may not use: only
// examples/ touches files, the network, processes or logs.
var forbidden = map[string]bool{
	"os": true, "os/exec": true, "net": true, "syscall": true, "log": true, "io/ioutil": true,
}

func isForbidden(path string) bool {
	return forbidden[path] || strings.HasPrefix(path, "net/")
}

// scan returns one line per violation under root, naming the file and
// the import or call. examples/, testdata/ and hidden folders are skipped
// below the root, and so are _test.go files.
func scan(root string) (violations []string, files int, err error) {
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel != "." && (rel == "examples" || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if isForbidden(p) {
				violations = append(violations, fmt.Sprintf("%s imports %q", filepath.ToSlash(rel), p))
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Now" {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "time" {
				violations = append(violations, fmt.Sprintf("%s:%d calls time.Now", filepath.ToSlash(rel), fset.Position(sel.Pos()).Line))
			}
			return true
		})
		return nil
	})
	return violations, files, err
}

func TestLibraryPackagesDoNoIO(t *testing.T) {
	violations, files, err := scan(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatal("no library files found: the walk is broken")
	}
	for _, v := range violations {
		t.Errorf("%s: library packages do no I/O and read no clock (only examples/ may); take the evaluation instant from the caller", v)
	}
}

// TestScanFindsViolations proves the check can fail: testdata/impure
// holds a file with every kind of violation. It is stored as bad.go.txt,
// so that no tool takes it for library code, and scanned as bad.go from
// a temporary folder.
func TestScanFindsViolations(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "impure", "bad.go.txt"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.go"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	got, _, err := scan(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`bad.go imports "log"`,
		`bad.go imports "net/http"`,
		`bad.go imports "os"`,
		`bad.go:13 calls time.Now`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scan (-want +got):\n%s", diff)
	}
}
