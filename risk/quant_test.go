package risk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

func qd(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestALE(t *testing.T) {
	got := ALE(QuantInputs{Frequency: qd("0.3"), Magnitude: qd("125000.10")})
	if want := qd("37500.03"); !got.Equal(want) {
		t.Errorf("ALE = %s, want %s", got, want)
	}
	total, cur, err := TotalALE([]QuantInputs{
		{Frequency: qd("0.1"), Magnitude: qd("1000"), Currency: "EUR"},
		{Frequency: qd("2"), Magnitude: qd("0.5")},
		{Frequency: qd("0.25"), Magnitude: qd("40"), Currency: "EUR"},
	})
	if err != nil || cur != "EUR" || !total.Equal(qd("111")) {
		t.Errorf("TotalALE = %s %q %v, want 111 EUR", total, cur, err)
	}
	_, _, err = TotalALE([]QuantInputs{{Currency: "EUR"}, {Currency: "USD"}})
	if !errors.Is(err, ErrMixedCurrencies) {
		t.Errorf("TotalALE over EUR and USD: %v, want ErrMixedCurrencies", err)
	}
}

// The portable exp and log must stay close to the platform's (which may
// differ from them in the last bit) and give fixed bits (which must not
// differ between platforms).
func TestPortableExpLog(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	const ulp = 0x1p-52
	for range 200_000 {
		x := (r.Float64() - 0.5) * 1400
		if got, want := simExp(x), math.Exp(x); math.Abs(got-want) > 3*ulp*want {
			t.Fatalf("simExp(%v) = %v, math.Exp = %v", x, got, want)
		}
		y := math.Exp((r.Float64() - 0.5) * 1400)
		if got, want := simLog(y), math.Log(y); math.Abs(got-want) > 3*ulp*math.Abs(want) {
			t.Fatalf("simLog(%v) = %v, math.Log = %v", y, got, want)
		}
	}
	for _, c := range []struct {
		f    func(float64) float64
		x    float64
		bits uint64
	}{
		{simExp, 1, 0x4005bf0a8b14576a}, // e rounded to nearest is ...769: one unit off
		{simExp, -0.5, 0x3fe368b2fc6f960a},
		{simExp, 123.456, 0x4b11428e1cbc0143},
		{simLog, 2, 0x3fe62e42fefa39ef},
		{simLog, 0.1, 0xc0026bb1bbb55515},
		{simLog, 1e300, 0x4085963447f87fb5},
	} {
		if got := math.Float64bits(c.f(c.x)); got != c.bits {
			t.Errorf("f(%v) bits = %#x, want %#x", c.x, got, c.bits)
		}
	}
	if !math.IsInf(simExp(710), 1) || simExp(-746) != 0 || !math.IsNaN(simLog(-1)) || !math.IsInf(simLog(0), -1) {
		t.Error("simExp or simLog mishandles the edges")
	}
}

// TestNoFusedMultiplyAdd compiles the package for arm64, where the
// compiler fuses x*y + z unless the product is rounded explicitly, and
// checks that no fused instruction comes from quant.go: a fused
// multiply-add would make simulations differ between arm64 and amd64.
func TestNoFusedMultiplyAdd(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the package")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	cmd := exec.Command(goTool, "build", "-o", os.DevNull, "-gcflags=github.com/isms-go/iso27003/risk=-S", ".")
	cmd.Env = append(os.Environ(), "GOARCH=arm64", "GOOS=linux", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Skipf("cannot cross-compile: %v\n%s", err, out)
	}
	fused := regexp.MustCompile(`\bF(N)?M(ADD|SUB)D\b`)
	n := 0
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "quant.go:") {
			n++
			if fused.MatchString(line) {
				t.Errorf("fused multiply-add: %s", strings.TrimSpace(line))
			}
		}
	}
	if n == 0 {
		t.Fatal("no assembly listed for quant.go: the check is broken")
	}
}

func simGolden() Simulation {
	return Simulation{
		Frequency: NewPERT(qd("0.5"), qd("2"), qd("6")),
		Magnitude: NewLognormal(qd("10000"), qd("500000")),
		Trials:    2000,
		Seed:      20260131,
		Currency:  "EUR",
	}
}

// TestSimulateGolden pins the results for fixed seeds. They must be the
// same on every platform; a change here changes every caller's numbers.
func TestSimulateGolden(t *testing.T) {
	for _, c := range []struct {
		name string
		sim  Simulation
		want string
	}{
		{"pert-lognormal", simGolden(), `{"seed":20260131,"trials":2000,"currency":"EUR","roundTo":"0.01","events":4803,"mean":"335700.42","min":"0","max":"7621804.8","percentiles":[{"p":"10","loss":"0"},{"p":"50","loss":"194567.02"},{"p":"90","loss":"832257.58"},{"p":"95","loss":"1092633.27"},{"p":"99","loss":"1921401.77"}],"exceedance":[{"loss":"0","probability":"0.868"},{"loss":"2000","probability":"0.868"},{"loss":"5000","probability":"0.866"},{"loss":"10000","probability":"0.8565"},{"loss":"20000","probability":"0.834"},{"loss":"50000","probability":"0.766"},{"loss":"100000","probability":"0.6605"},{"loss":"200000","probability":"0.494"},{"loss":"500000","probability":"0.22"},{"loss":"1000000","probability":"0.067"},{"loss":"2000000","probability":"0.0095"},{"loss":"5000000","probability":"0.002"},{"loss":"10000000","probability":"0"}]}`},
		{"uniform-pert", Simulation{
			Frequency: NewUniform(qd("0"), qd("3")),
			Magnitude: Distribution{Kind: PERT, Min: qd("1000"), MostLikely: qd("5000"), Max: qd("40000"), Lambda: qd("2.5")},
			Trials:    1000, Seed: 1, RoundTo: qd("1"),
			Percentiles: []decimal.Decimal{qd("99.9"), qd("50"), qd("50")},
			Thresholds:  []decimal.Decimal{qd("50000"), qd("0"), qd("10000")},
		}, `{"seed":1,"trials":1000,"roundTo":"1","events":1502,"mean":"17154","min":"0","max":"121475","percentiles":[{"p":"50","loss":"11096"},{"p":"99.9","loss":"103584"}],"exceedance":[{"loss":"0","probability":"0.665"},{"loss":"10000","probability":"0.516"},{"loss":"50000","probability":"0.084"}]}`},
		{"constant-constant", Simulation{
			Frequency: NewConstant(qd("0.5")),
			Magnitude: NewConstant(qd("100.005")),
			Trials:    10, Seed: 3,
		}, `{"seed":3,"trials":10,"roundTo":"0.01","events":3,"mean":"30","min":"0","max":"100.01","percentiles":[{"p":"10","loss":"0"},{"p":"50","loss":"0"},{"p":"90","loss":"100.01"},{"p":"95","loss":"100.01"},{"p":"99","loss":"100.01"}],"exceedance":[{"loss":"0","probability":"0.3"},{"loss":"100","probability":"0.3"},{"loss":"200","probability":"0"}]}`},
		{"heavy-frequency", Simulation{
			Frequency: NewLognormal(qd("300"), qd("2000")),
			Magnitude: NewUniform(qd("1"), qd("10")),
			Trials:    50, Seed: 99, RoundTo: qd("1000"),
		}, `{"seed":99,"trials":50,"roundTo":"1000","events":50646,"mean":"6000","min":"1000","max":"17000","percentiles":[{"p":"10","loss":"2000"},{"p":"50","loss":"5000"},{"p":"90","loss":"9000"},{"p":"95","loss":"12000"},{"p":"99","loss":"17000"}],"exceedance":[{"loss":"0","probability":"1"},{"loss":"1000","probability":"0.96"},{"loss":"2000","probability":"0.78"},{"loss":"5000","probability":"0.48"},{"loss":"10000","probability":"0.06"},{"loss":"20000","probability":"0"}]}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := Simulate(context.Background(), c.sim)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(res)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Errorf("result changed (-want +got):\n%s\ngot: %s", cmp.Diff(simIndent(c.want), simIndent(string(got))), got)
			}
		})
	}
}

func simIndent(s string) string {
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(s), "", "  "); err != nil {
		return s
	}
	return b.String()
}

// TestSimulateMoments checks the sampling against known means: the mean
// annual loss is E[frequency]·E[magnitude].
func TestSimulateMoments(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test")
	}
	mu := (math.Log(1e4) + math.Log(5e5)) / 2
	sigma := math.Log(50) / (2 * 1.6448536269514722)
	for _, c := range []struct {
		name string
		sim  Simulation
		want float64
	}{
		{"pert-lognormal", Simulation{Frequency: NewPERT(qd("0.5"), qd("2"), qd("6")), Magnitude: NewLognormal(qd("10000"), qd("500000"))},
			(0.5 + 4*2 + 6) / 6 * math.Exp(mu+sigma*sigma/2)},
		{"uniform-pert", Simulation{Frequency: NewUniform(qd("1"), qd("3")), Magnitude: NewPERT(qd("0"), qd("100"), qd("1000"))},
			2 * (0 + 400 + 1000) / 6.0},
		{"constant-uniform", Simulation{Frequency: NewConstant(qd("4")), Magnitude: NewUniform(qd("10"), qd("20"))}, 60},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.sim.Trials = 200_000
			c.sim.Seed = 5
			res, err := Simulate(context.Background(), c.sim)
			if err != nil {
				t.Fatal(err)
			}
			got := res.Mean.InexactFloat64()
			if math.Abs(got-c.want)/c.want > 0.01 {
				t.Errorf("mean = %v, want about %v", got, c.want)
			}
		})
	}
}

// TestSamplers checks single draws: the lognormal's interval holds 90% of
// them, PERT and uniform draws stay within their bounds around the right mean.
func TestSamplers(t *testing.T) {
	const n = 200_000
	rng := &simRNG{src: rand.NewPCG(1, 2)}
	logn := newSampler(NewLognormal(qd("100"), qd("900")))
	below, above := 0, 0
	for range n {
		x := logn.draw(rng)
		if x < 100 {
			below++
		}
		if x > 900 {
			above++
		}
	}
	if math.Abs(float64(below)/n-0.05) > 0.003 || math.Abs(float64(above)/n-0.05) > 0.003 {
		t.Errorf("lognormal: %d below low, %d above high of %d", below, above, n)
	}
	for _, c := range []struct {
		d        Distribution
		lo, hi   float64
		wantMean float64
	}{
		{NewPERT(qd("10"), qd("20"), qd("60")), 10, 60, (10 + 4*20 + 60) / 6.0},
		{NewPERT(qd("0"), qd("0"), qd("1")), 0, 1, 1 / 6.0},
		{Distribution{Kind: PERT, Min: qd("0"), MostLikely: qd("3"), Max: qd("4"), Lambda: qd("0.5")}, 0, 4, (0 + 0.5*3 + 4) / 2.5},
		{NewPERT(qd("7"), qd("7"), qd("7")), 7, 7, 7},
		{NewUniform(qd("2"), qd("5")), 2, 5, 3.5},
	} {
		s := newSampler(c.d)
		sum := 0.0
		for range n {
			x := s.draw(rng)
			if x < c.lo || x > c.hi {
				t.Fatalf("%+v: draw %v out of bounds", c.d, x)
			}
			sum += x
		}
		if mean := sum / n; math.Abs(mean-c.wantMean) > 0.01*(c.hi-c.lo)+1e-9 {
			t.Errorf("%+v: mean %v, want %v", c.d, mean, c.wantMean)
		}
	}
}

func TestSimulatePoissonMean(t *testing.T) {
	for _, lambda := range []string{"0.2", "3", "199.5", "450", "10000"} {
		res, err := Simulate(context.Background(), Simulation{
			Frequency: NewConstant(qd(lambda)), Magnitude: NewConstant(qd("1")), Trials: 4000, Seed: 8,
		})
		if err != nil {
			t.Fatal(err)
		}
		l := qd(lambda).InexactFloat64()
		mean := float64(res.Events) / 4000
		// The sample mean's standard error is sqrt(λ/n); allow five of them.
		if math.Abs(mean-l) > 5*math.Sqrt(l/4000) {
			t.Errorf("λ = %s: mean events %v", lambda, mean)
		}
	}
}

func TestSimulateValidate(t *testing.T) {
	huge := decimal.New(1, 1_000_000_000)
	for _, c := range []struct {
		name string
		sim  Simulation
		want []string
	}{
		{"valid", simGolden(), nil},
		{"empty", Simulation{}, []string{
			`frequency.kind: missing (want "pert", "lognormal", "uniform" or "constant")`,
			`magnitude.kind: missing (want "pert", "lognormal", "uniform" or "constant")`,
		}},
		{"unknown kind and bad trials", Simulation{
			Frequency: Distribution{Kind: "triangular"},
			Magnitude: NewConstant(qd("1")),
			Trials:    MaxTrials + 1,
		}, []string{
			`frequency.kind: unknown kind "triangular" (want "pert", "lognormal", "uniform" or "constant")`,
			`trials: 1000001 is outside [1, 1000000] (0 selects 10000)`,
		}},
		{"pert order", Simulation{
			Frequency: NewPERT(qd("1"), qd("5"), qd("3")),
			Magnitude: NewPERT(qd("10"), qd("5"), qd("3")),
			Trials:    -1,
		}, []string{
			`frequency.mostLikely: 5 is outside [min, max] = [1, 3]`,
			`magnitude.max: 3 is below min 10`,
			`trials: -1 is outside [1, 1000000] (0 selects 10000)`,
		}},
		{"ranges", Simulation{
			Frequency: Distribution{Kind: PERT, Min: qd("-1"), MostLikely: qd("2"), Max: qd("20000"), Lambda: qd("101")},
			Magnitude: NewUniform(qd("0"), qd("1e16")),
			RoundTo:   qd("0.0000001"),
		}, []string{
			`frequency.min: -1 is outside [0, 10000]`,
			`frequency.max: 20000 is outside [0, 10000]`,
			`frequency.lambda: 101 is outside (0, 100] (0 selects 4)`,
			`magnitude.max: 10000000000000000 is outside [0, 1000000000000000]`,
			`roundTo: 0.0000001 is outside [0.000001, 1000000000]`,
		}},
		{"lognormal", Simulation{
			Frequency: NewLognormal(qd("0"), qd("2")),
			Magnitude: NewLognormal(qd("5"), qd("5")),
		}, []string{
			`frequency.low: must be positive, the distribution has no zero`,
			`magnitude.high: 5 must be greater than low 5`,
		}},
		{"fields of another kind", Simulation{
			Frequency: Distribution{Kind: Lognormal, Low: qd("1"), High: qd("2"), Max: qd("3")},
			Magnitude: Distribution{Kind: Constant, Value: qd("1"), MostLikely: qd("1"), Lambda: qd("2")},
		}, []string{
			`frequency.max: is not used by a lognormal distribution`,
			`magnitude.mostLikely: is not used by a constant distribution`,
			`magnitude.lambda: is not used by a constant distribution`,
		}},
		{"hostile decimals", Simulation{
			Frequency:   NewConstant(huge),
			Magnitude:   NewUniform(decimal.New(1, -1_000_000_000), qd("1")),
			RoundTo:     huge,
			Percentiles: []decimal.Decimal{qd("-1"), qd("100.5"), huge},
			Thresholds:  []decimal.Decimal{qd("-3"), huge},
		}, []string{
			`frequency.value: 1e1000000000 has too many digits or too large an exponent`,
			`magnitude.min: 1e-1000000000 has too many digits or too large an exponent`,
			`roundTo: 1e1000000000 is outside [0.000001, 1000000000]`,
			`percentiles[0]: -1 is outside [0, 100]`,
			`percentiles[1]: 100.5 is outside [0, 100]`,
			`percentiles[2]: 1e1000000000 is outside [0, 100]`,
			`thresholds[0]: -3 is not a loss amount (want a non-negative number of at most 40 digits)`,
			`thresholds[1]: 1e1000000000 is not a loss amount (want a non-negative number of at most 40 digits)`,
		}},
		{"too many points", Simulation{
			Frequency:   NewConstant(qd("1")),
			Magnitude:   NewConstant(qd("1")),
			Percentiles: make([]decimal.Decimal, 101),
			Thresholds:  make([]decimal.Decimal, 1001),
		}, []string{
			`percentiles: 101 percentiles requested, at most 100`,
			`thresholds: 1001 thresholds given, at most 1000`,
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.sim.Validate()
			var got []string
			if err != nil {
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("error does not match ErrInvalid: %v", err)
				}
				for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
					var fe *FieldError
					if !errors.As(e, &fe) {
						t.Errorf("%v is not a *FieldError", e)
					}
					got = append(got, e.Error())
				}
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if _, err := Simulate(context.Background(), c.sim); (err != nil) != (len(c.want) > 0) {
				t.Errorf("Simulate error = %v, want one: %v", err, len(c.want) > 0)
			}
		})
	}
}

func TestSimulateJSONRoundTrip(t *testing.T) {
	sim := simGolden()
	sim.Percentiles = []decimal.Decimal{qd("50"), qd("99.5")}
	sim.RoundTo = qd("0.05")
	b, err := json.Marshal(sim)
	if err != nil {
		t.Fatal(err)
	}
	var back Simulation
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sim, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	const want = `{"frequency":{"kind":"pert","min":"0.5","mostLikely":"2","max":"6"},"magnitude":{"kind":"lognormal","low":"10000","high":"500000"},"trials":2000,"seed":20260131,"roundTo":"0.05","percentiles":["50","99.5"],"currency":"EUR"}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
}

func TestSimulateCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Simulate(ctx, simGolden()); !errors.Is(err, context.Canceled) {
		t.Errorf("Simulate with a cancelled context: %v", err)
	}
}

// A context cancelled while the run is under way stops it.
func TestSimulateCancelledMidway(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sim := Simulation{Frequency: NewConstant(qd("5000")), Magnitude: NewPERT(qd("1"), qd("2"), qd("9")), Trials: MaxTrials}
	done := make(chan error, 1)
	go func() {
		_, err := Simulate(ctx, sim)
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Simulate: %v, want context.Canceled", err)
	}
}

func TestSimulateTooLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("draws a hundred million events")
	}
	sim := Simulation{Frequency: NewConstant(qd("10000")), Magnitude: NewConstant(qd("1")), Trials: 10_050}
	_, err := Simulate(context.Background(), sim)
	if !errors.Is(err, ErrSimulationTooLarge) {
		t.Fatalf("Simulate: %v, want ErrSimulationTooLarge", err)
	}
}

func TestSimulateAllZero(t *testing.T) {
	res, err := Simulate(context.Background(), Simulation{Frequency: NewConstant(qd("0")), Magnitude: NewConstant(qd("5")), Trials: 3})
	if err != nil {
		t.Fatal(err)
	}
	want := []ExceedancePoint{{Loss: decimal.Zero, Probability: decimal.Zero}}
	if diff := cmp.Diff(want, res.Exceedance, cmp.Comparer(decimal.Decimal.Equal)); diff != "" {
		t.Errorf("curve (-want +got):\n%s", diff)
	}
	if !res.Max.IsZero() || !res.Mean.IsZero() || res.Events != 0 {
		t.Errorf("max %s mean %s events %d, want zeros", res.Max, res.Mean, res.Events)
	}
}

func simGenDistribution(t *rapid.T, label string, max int64) Distribution {
	amount := func(name string, lo, hi int64) decimal.Decimal {
		// Up to two decimal places.
		return decimal.New(rapid.Int64Range(lo*100, hi*100).Draw(t, label+"."+name), -2)
	}
	switch rapid.IntRange(0, 3).Draw(t, label+".kind") {
	case 0:
		a, b, c := amount("a", 0, max), amount("b", 0, max), amount("c", 0, max)
		lo, hi := decimal.Min(a, b, c), decimal.Max(a, b, c)
		mid := a.Add(b).Add(c).Sub(lo).Sub(hi)
		d := NewPERT(lo, mid, hi)
		if rapid.Bool().Draw(t, label+".shaped") {
			d.Lambda = decimal.New(rapid.Int64Range(1, 1000).Draw(t, label+".lambda"), -1)
		}
		return d
	case 1:
		lo := amount("low", 0, max/2).Add(qd("0.01"))
		return NewLognormal(lo, lo.Add(amount("width", 0, max/2)).Add(qd("0.01")))
	case 2:
		a, b := amount("a", 0, max), amount("b", 0, max)
		return NewUniform(decimal.Min(a, b), decimal.Max(a, b))
	}
	return NewConstant(amount("value", 0, max))
}

func simGenSimulation(t *rapid.T) Simulation {
	sim := Simulation{
		Frequency: simGenDistribution(t, "frequency", 20),
		Magnitude: simGenDistribution(t, "magnitude", 1_000_000),
		Trials:    rapid.IntRange(1, 300).Draw(t, "trials"),
		Seed:      rapid.Uint64().Draw(t, "seed"),
	}
	if rapid.Bool().Draw(t, "roundTo") {
		sim.RoundTo = rapid.SampledFrom([]decimal.Decimal{qd("1"), qd("0.05"), qd("1000"), qd("0.001")}).Draw(t, "roundToValue")
	}
	for range rapid.IntRange(0, 6).Draw(t, "percentiles") {
		sim.Percentiles = append(sim.Percentiles, decimal.New(rapid.Int64Range(0, 1000).Draw(t, "p"), -1))
	}
	for range rapid.IntRange(0, 6).Draw(t, "thresholds") {
		sim.Thresholds = append(sim.Thresholds, decimal.NewFromInt(rapid.Int64Range(0, 5_000_000).Draw(t, "threshold")))
	}
	return sim
}

// Equal seeds give equal results; the statistics are ordered as they
// must be, whatever the configuration.
func TestSimulateProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sim := simGenSimulation(t)
		if err := sim.Validate(); err != nil {
			t.Fatalf("generated an invalid simulation: %v", err)
		}
		a, err := Simulate(context.Background(), sim)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Simulate(context.Background(), sim)
		if err != nil {
			t.Fatal(err)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Fatalf("same seed, different results:\n%s\n%s", ja, jb)
		}
		if a.Min.GreaterThan(a.Mean) || a.Mean.GreaterThan(a.Max) {
			t.Fatalf("min %s, mean %s, max %s out of order", a.Min, a.Mean, a.Max)
		}
		for i, p := range a.Percentiles {
			if p.Loss.LessThan(a.Min) || p.Loss.GreaterThan(a.Max) {
				t.Fatalf("percentile %s = %s outside [min, max]", p.P, p.Loss)
			}
			if i > 0 && (!p.P.GreaterThan(a.Percentiles[i-1].P) || p.Loss.LessThan(a.Percentiles[i-1].Loss)) {
				t.Fatalf("percentiles not ascending: %v", a.Percentiles)
			}
		}
		for i, e := range a.Exceedance {
			if e.Probability.IsNegative() || e.Probability.GreaterThan(decimal.NewFromInt(1)) {
				t.Fatalf("probability %s", e.Probability)
			}
			if i > 0 && (!e.Loss.GreaterThan(a.Exceedance[i-1].Loss) || e.Probability.GreaterThan(a.Exceedance[i-1].Probability)) {
				t.Fatalf("exceedance curve not decreasing: %v", a.Exceedance)
			}
			// No simulated year lost more than Max.
			if !e.Loss.LessThan(a.Max) && !e.Probability.IsZero() {
				t.Fatalf("P(L > %s) = %s, but max is %s", e.Loss, e.Probability, a.Max)
			}
		}
		for _, amt := range []decimal.Decimal{a.Mean, a.Min, a.Max} {
			if !amt.Mod(a.RoundTo).IsZero() {
				t.Fatalf("%s is not a multiple of %s", amt, a.RoundTo)
			}
		}
		// A different seed is a different stream (the results may still agree).
		sim.Seed++
		if _, err := Simulate(context.Background(), sim); err != nil {
			t.Fatal(err)
		}
	})
}

func TestDefaultThresholds(t *testing.T) {
	q := newQuantizer(defaultRoundTo)
	units := func(amounts ...float64) []float64 {
		out := make([]float64, len(amounts))
		for i, a := range amounts {
			out[i] = q.units(a)
		}
		return out
	}
	show := func(ds []decimal.Decimal) string {
		ss := make([]string, len(ds))
		for i, d := range ds {
			ss[i] = d.String()
		}
		return strings.Join(ss, " ")
	}
	for _, c := range []struct {
		losses []float64
		want   string
	}{
		{units(0, 0), "0"},
		{units(0, 130, 4999), "0 100 200 500 1000 2000 5000"},
		{units(200, 200), "0 200"},
		{units(0.07, 0.5), "0 0.05 0.1 0.2 0.5"},
		{units(3e6), "0 2000000 5000000"},
	} {
		if got := show(defaultThresholds(c.losses, q)); got != c.want {
			t.Errorf("thresholds for %v = %s, want %s", c.losses, got, c.want)
		}
	}
	got := defaultThresholds(units(0.01, 1e20), q)
	if len(got) != maxCurvePoints || !got[len(got)-1].Equal(qd("1e20")) {
		t.Errorf("wide range gave %d points ending %s", len(got), got[len(got)-1])
	}
}

func BenchmarkSimulate(b *testing.B) {
	sim := simGolden()
	sim.Trials = DefaultTrials
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Simulate(ctx, sim); err != nil {
			b.Fatal(err)
		}
	}
}
