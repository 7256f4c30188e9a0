package main

import (
	"bufio"
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/isms-go/iso27003/examples/sample"
)

// The Chromium tests run only when ISO27003_CHROMIUM names a Chromium
// binary (.ci/run sets it); they render the report in headless Chromium.
//
// Console errors are caught from Chromium's own log: with
// --enable-logging=stderr every console message and uncaught exception
// of the page is logged as a line holding "CONSOLE" (and "Uncaught" for
// exceptions). The report has no script, so any such line, or a failed
// resource load, is an error. TestChromiumCatchesConsoleErrors proves the
// detection on a page that does log an error.
func chromium(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("ISO27003_CHROMIUM")
	if bin == "" {
		t.Skip("set ISO27003_CHROMIUM to a Chromium binary to run the browser tests")
	}
	return bin
}

// consoleProblem matches Chromium log lines that report a page problem.
var consoleProblem = regexp.MustCompile(`CONSOLE|Uncaught|Failed to load resource|net::ERR_`)

// render screenshots page in headless Chromium and returns the PNG and
// the problem lines of its log.
func render(t *testing.T, bin, page string) ([]byte, []string) {
	t.Helper()
	dir := t.TempDir()
	shot := filepath.Join(dir, "shot.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"),
		"--enable-logging=stderr", "--v=0",
		"--hide-scrollbars", "--window-size=1280,2000",
		"--screenshot="+shot, "file://"+page)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	var problems []string
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		if consoleProblem.MatchString(sc.Text()) {
			problems = append(problems, sc.Text())
		}
	}
	png, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v\n%s", err, stderr.String())
	}
	if dst := os.Getenv("ISO27003_SCREENSHOT"); dst != "" { // to look at it
		_ = os.WriteFile(dst, png, 0o644)
	}
	return png, problems
}

// colours counts the distinct colours of a PNG.
func colours(t *testing.T, b []byte) (int, image.Rectangle) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	seen := map[[4]uint32]bool{}
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		for x := r.Min.X; x < r.Max.X; x += 2 {
			c0, c1, c2, c3 := img.At(x, y).RGBA()
			seen[[4]uint32{c0, c1, c2, c3}] = true
		}
	}
	return len(seen), r
}

func TestChromiumRendersReport(t *testing.T) {
	bin := chromium(t)
	var buf bytes.Buffer
	if err := run(&buf, sample.JSON(), sample.AsOf); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	shot, problems := render(t, bin, page)
	if len(problems) > 0 {
		t.Errorf("the page logged problems:\n%s", strings.Join(problems, "\n"))
	}
	n, r := colours(t, shot)
	if r.Dx() != 1280 || r.Dy() != 2000 {
		t.Errorf("screenshot is %v, want 1280x2000", r)
	}
	// Text, the heat map's palette and the level badges give hundreds of
	// colours (anti-aliasing included); a blank or failed page gives one.
	if n < 50 {
		t.Errorf("screenshot has %d distinct colours: the page did not render", n)
	}
}

// The detection itself: a page that logs an error and throws is caught.
func TestChromiumCatchesConsoleErrors(t *testing.T) {
	bin := chromium(t)
	page := filepath.Join(t.TempDir(), "bad.html")
	html := `<!DOCTYPE html><html><body><p>bad</p><script>console.error("deliberate"); undefinedFunction();</script></body></html>`
	if err := os.WriteFile(page, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	_, problems := render(t, bin, page)
	joined := strings.Join(problems, "\n")
	if !strings.Contains(joined, "deliberate") || !strings.Contains(joined, "Uncaught") {
		t.Errorf("console error and exception not caught; problem lines:\n%s", joined)
	}
}
