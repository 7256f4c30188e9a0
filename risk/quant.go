package risk

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"slices"

	"github.com/shopspring/decimal"
)

// ALE returns the annualized loss expectancy of a point estimate: loss
// events per year times loss per event, computed exactly.
func ALE(in QuantInputs) decimal.Decimal {
	return in.Frequency.Mul(in.Magnitude)
}

// ErrMixedCurrencies is returned by TotalALE when the inputs name
// different currencies.
var ErrMixedCurrencies = errors.New("amounts in different currencies")

// TotalALE adds up the annualized loss expectancy of several point
// estimates and returns the total with its currency. Inputs without a
// currency are taken to be in the currency of the others; inputs in two
// different currencies are an error, because no exchange rate is known
// here.
func TotalALE(ins []QuantInputs) (decimal.Decimal, string, error) {
	total, cur := decimal.Zero, ""
	for i, in := range ins {
		if in.Currency != "" {
			if cur != "" && cur != in.Currency {
				return decimal.Decimal{}, "", fmt.Errorf("risk: total ALE: inputs[%d] is in %q, earlier inputs in %q: %w", i, in.Currency, cur, ErrMixedCurrencies)
			}
			cur = in.Currency
		}
		total = total.Add(ALE(in))
	}
	return total, cur, nil
}

// DistributionKind names the shape of a Distribution.
type DistributionKind string

// Distribution kinds.
const (
	// PERT is the beta-PERT distribution between Min and Max with its mode
	// at MostLikely; Lambda (default 4) sets how strongly values gather
	// around the mode.
	PERT DistributionKind = "pert"
	// Lognormal is the lognormal distribution given, as FAIR analyses do,
	// by a 90% confidence interval: Low is its 5th percentile and High its
	// 95th.
	Lognormal DistributionKind = "lognormal"
	// Uniform spreads values evenly between Min and Max.
	Uniform DistributionKind = "uniform"
	// Constant always yields Value.
	Constant DistributionKind = "constant"
)

// DefaultPERTLambda is the PERT shape used when Distribution.Lambda is zero.
const DefaultPERTLambda = 4

// Distribution is a range estimate of a quantity, such as loss events per
// year or loss per event. Which fields apply depends on Kind; the others
// must be zero.
type Distribution struct {
	Kind DistributionKind `json:"kind"`
	// Min, MostLikely and Max describe PERT (all three) and Uniform (Min and Max).
	Min        decimal.Decimal `json:"min,omitzero"`
	MostLikely decimal.Decimal `json:"mostLikely,omitzero"`
	Max        decimal.Decimal `json:"max,omitzero"`
	// Lambda is the PERT shape; zero means DefaultPERTLambda.
	Lambda decimal.Decimal `json:"lambda,omitzero"`
	// Low and High bound the 90% confidence interval of a Lognormal.
	Low  decimal.Decimal `json:"low,omitzero"`
	High decimal.Decimal `json:"high,omitzero"`
	// Value is the value of a Constant.
	Value decimal.Decimal `json:"value,omitzero"`
}

// NewPERT returns a PERT distribution with the default shape.
func NewPERT(min, mostLikely, max decimal.Decimal) Distribution {
	return Distribution{Kind: PERT, Min: min, MostLikely: mostLikely, Max: max}
}

// NewLognormal returns a lognormal distribution whose 90% confidence
// interval runs from low to high.
func NewLognormal(low, high decimal.Decimal) Distribution {
	return Distribution{Kind: Lognormal, Low: low, High: high}
}

// NewUniform returns a uniform distribution between min and max.
func NewUniform(min, max decimal.Decimal) Distribution {
	return Distribution{Kind: Uniform, Min: min, Max: max}
}

// NewConstant returns a distribution that always yields v.
func NewConstant(v decimal.Decimal) Distribution {
	return Distribution{Kind: Constant, Value: v}
}

// Bounds of a Simulation. They keep a run finite and its numbers within
// what float64 sampling handles well.
const (
	// DefaultTrials is the number of simulated years when Trials is zero.
	DefaultTrials = 10_000
	// MaxTrials is the largest number of simulated years.
	MaxTrials = 1_000_000
	// MaxFrequency is the largest loss event frequency, in events per
	// year. Lognormal frequency draws above it are clamped to it.
	MaxFrequency = 10_000
	// MaxSimulationEvents bounds the loss events drawn over a whole run;
	// a run that would draw more stops with ErrSimulationTooLarge.
	MaxSimulationEvents = 100_000_000
	// MaxPERTLambda is the largest PERT shape.
	MaxPERTLambda = 100
	// maxPercentiles and maxThresholds bound the requested result points.
	maxPercentiles = 100
	maxThresholds  = 1000
	// maxCurvePoints bounds the default loss exceedance curve.
	maxCurvePoints = 60
	// ProbabilityPlaces is the number of decimal places of exceedance
	// probabilities.
	ProbabilityPlaces = 6
)

var (
	// maxMagnitude is the largest loss per event a distribution may name.
	maxMagnitude = decimal.New(1, 15)
	// defaultRoundTo is one cent.
	defaultRoundTo     = decimal.New(1, -2)
	defaultPercentiles = []decimal.Decimal{
		decimal.NewFromInt(10), decimal.NewFromInt(50), decimal.NewFromInt(90),
		decimal.NewFromInt(95), decimal.NewFromInt(99),
	}
	minRoundTo = decimal.New(1, -6)
	maxRoundTo = decimal.New(1, 9)
)

// Simulation configures a FAIR-style Monte Carlo estimate of annual loss.
// Each trial is one year: it draws a loss event frequency from Frequency,
// a number of loss events from the Poisson distribution with that mean,
// and a loss for each event from Magnitude, and adds the losses up.
//
// The same Simulation gives the same SimulationResult on every machine
// and Go release that keeps math/rand/v2's PCG stream: the generator is
// PCG seeded with (Seed, 0xda3e39cb94b95bdb), only its Uint64 output is
// used, and the sampling arithmetic avoids the platform's own exp and log
// routines and fused multiply-add.
type Simulation struct {
	// Frequency is the number of loss events per year, at most
	// MaxFrequency.
	Frequency Distribution `json:"frequency"`
	// Magnitude is the loss per event, at most 10^15.
	Magnitude Distribution `json:"magnitude"`
	// Trials is the number of simulated years; zero means DefaultTrials.
	Trials int `json:"trials,omitempty"`
	// Seed selects the random stream.
	Seed uint64 `json:"seed"`
	// RoundTo is the amount results are rounded to, such as 0.05 or 1000,
	// between 0.000001 and 10^9; zero means 0.01. Each trial's annual
	// loss is rounded to a multiple of it, half away from zero.
	RoundTo decimal.Decimal `json:"roundTo,omitzero"`
	// Percentiles to report, each in [0, 100]; empty means 10, 50, 90, 95
	// and 99. They are reported in ascending order, once each.
	Percentiles []decimal.Decimal `json:"percentiles,omitempty"`
	// Thresholds are the losses at which the exceedance curve is reported;
	// empty means a 1-2-5 series spanning the simulated losses.
	Thresholds []decimal.Decimal `json:"thresholds,omitempty"`
	// Currency is copied to the result.
	Currency string `json:"currency,omitempty"`
}

// Percentile is the annual loss that a share P (in percent) of the
// simulated years did not exceed (nearest-rank method).
type Percentile struct {
	P    decimal.Decimal `json:"p"`
	Loss decimal.Decimal `json:"loss"`
}

// ExceedancePoint is one point of a loss exceedance curve: the share of
// simulated years whose annual loss was greater than Loss.
type ExceedancePoint struct {
	Loss        decimal.Decimal `json:"loss"`
	Probability decimal.Decimal `json:"probability"`
}

// SimulationResult summarizes the simulated annual losses. Amounts are
// multiples of RoundTo; each trial's annual loss is rounded before any
// statistic is taken, so Mean is the exact mean of the rounded losses
// (itself rounded, half to even).
type SimulationResult struct {
	Seed     uint64          `json:"seed"`
	Trials   int             `json:"trials"`
	Currency string          `json:"currency,omitempty"`
	RoundTo  decimal.Decimal `json:"roundTo"`
	// Events is the number of loss events drawn over all trials.
	Events int64           `json:"events"`
	Mean   decimal.Decimal `json:"mean"`
	Min    decimal.Decimal `json:"min"`
	Max    decimal.Decimal `json:"max"`
	// Percentiles are in ascending order of P.
	Percentiles []Percentile `json:"percentiles"`
	// Exceedance is the loss exceedance curve, in ascending order of Loss.
	Exceedance []ExceedancePoint `json:"exceedance"`
}

// Percentile returns the loss at percentile p, if it was reported.
func (r *SimulationResult) Percentile(p decimal.Decimal) (decimal.Decimal, bool) {
	for _, pc := range r.Percentiles {
		if pc.P.Equal(p) {
			return pc.Loss, true
		}
	}
	return decimal.Decimal{}, false
}

// ErrSimulationTooLarge is returned when a run would draw more than
// MaxSimulationEvents loss events.
var ErrSimulationTooLarge = errors.New("simulation draws too many loss events")

// simProblems collects a Simulation's problems as *FieldError values.
type simProblems []error

func (p *simProblems) add(path, format string, args ...any) {
	*p = append(*p, &FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
}

// simDecimalSane reports whether d is small enough in digits and exponent
// for comparisons to be cheap; decimals from JSON may carry exponents in
// the billions, and comparing those would allocate without bound.
func simDecimalSane(d decimal.Decimal) bool {
	e := d.Exponent()
	return e >= -30 && e <= 30 && d.NumDigits() <= 40
}

// Validate reports every problem with the configuration at once, each a
// *FieldError (matching ErrInvalid) naming its field path, such as
// "frequency.max".
func (s Simulation) Validate() error {
	var p simProblems
	validateDistribution(&p, "frequency", s.Frequency, decimal.NewFromInt(MaxFrequency))
	validateDistribution(&p, "magnitude", s.Magnitude, maxMagnitude)
	if s.Trials < 0 || s.Trials > MaxTrials {
		p.add("trials", "%d is outside [1, %d] (0 selects %d)", s.Trials, MaxTrials, DefaultTrials)
	}
	if !s.RoundTo.IsZero() {
		if !simDecimalSane(s.RoundTo) || s.RoundTo.LessThan(minRoundTo) || s.RoundTo.GreaterThan(maxRoundTo) {
			p.add("roundTo", "%s is outside [%s, %s]", simShow(s.RoundTo), minRoundTo, maxRoundTo)
		}
	}
	if len(s.Percentiles) > maxPercentiles {
		p.add("percentiles", "%d percentiles requested, at most %d", len(s.Percentiles), maxPercentiles)
	} else {
		for i, pc := range s.Percentiles {
			if !simDecimalSane(pc) || pc.IsNegative() || pc.GreaterThan(decimal.NewFromInt(100)) {
				p.add(fmt.Sprintf("percentiles[%d]", i), "%s is outside [0, 100]", simShow(pc))
			}
		}
	}
	if len(s.Thresholds) > maxThresholds {
		p.add("thresholds", "%d thresholds given, at most %d", len(s.Thresholds), maxThresholds)
	} else {
		for i, t := range s.Thresholds {
			if !simDecimalSane(t) || t.IsNegative() {
				p.add(fmt.Sprintf("thresholds[%d]", i), "%s is not a loss amount (want a non-negative number of at most 40 digits)", simShow(t))
			}
		}
	}
	return errors.Join(p...)
}

// simShow prints a decimal for a message without expanding a huge exponent.
func simShow(d decimal.Decimal) string {
	if simDecimalSane(d) {
		return d.String()
	}
	return fmt.Sprintf("%se%d", d.Coefficient().String(), d.Exponent())
}

func validateDistribution(p *simProblems, path string, d Distribution, max decimal.Decimal) {
	fields := []struct {
		name string
		v    decimal.Decimal
	}{
		{"min", d.Min}, {"mostLikely", d.MostLikely}, {"max", d.Max},
		{"lambda", d.Lambda}, {"low", d.Low}, {"high", d.High}, {"value", d.Value},
	}
	var used map[string]bool
	switch d.Kind {
	case PERT:
		used = map[string]bool{"min": true, "mostLikely": true, "max": true, "lambda": true}
	case Lognormal:
		used = map[string]bool{"low": true, "high": true}
	case Uniform:
		used = map[string]bool{"min": true, "max": true}
	case Constant:
		used = map[string]bool{"value": true}
	case "":
		p.add(path+".kind", "missing (want %q, %q, %q or %q)", PERT, Lognormal, Uniform, Constant)
		return
	default:
		p.add(path+".kind", "unknown kind %q (want %q, %q, %q or %q)", d.Kind, PERT, Lognormal, Uniform, Constant)
		return
	}
	sane := true
	for _, f := range fields {
		fp := path + "." + f.name
		switch {
		case !used[f.name] && !f.v.IsZero():
			p.add(fp, "is not used by a %s distribution", d.Kind)
			sane = false
		case !simDecimalSane(f.v):
			p.add(fp, "%s has too many digits or too large an exponent", simShow(f.v))
			sane = false
		case f.name == "lambda":
			if f.v.IsNegative() || f.v.GreaterThan(decimal.NewFromInt(MaxPERTLambda)) {
				p.add(fp, "%s is outside (0, %d] (0 selects %d)", f.v, MaxPERTLambda, DefaultPERTLambda)
			}
		case used[f.name] && (f.v.IsNegative() || f.v.GreaterThan(max)):
			p.add(fp, "%s is outside [0, %s]", f.v, max)
			sane = false
		}
	}
	if !sane {
		return
	}
	switch d.Kind {
	case PERT:
		if d.Min.GreaterThan(d.Max) {
			p.add(path+".max", "%s is below min %s", d.Max, d.Min)
		} else if d.MostLikely.LessThan(d.Min) || d.MostLikely.GreaterThan(d.Max) {
			p.add(path+".mostLikely", "%s is outside [min, max] = [%s, %s]", d.MostLikely, d.Min, d.Max)
		}
	case Uniform:
		if d.Min.GreaterThan(d.Max) {
			p.add(path+".max", "%s is below min %s", d.Max, d.Min)
		}
	case Lognormal:
		if !d.Low.IsPositive() {
			p.add(path+".low", "must be positive, the distribution has no zero")
		}
		if !d.High.GreaterThan(d.Low) {
			p.add(path+".high", "%s must be greater than low %s", d.High, d.Low)
		}
	}
}

// Simulate runs the simulation. It honours ctx, checking it every few
// hundred trials, and returns the configuration's problems (see
// Validate) before drawing anything.
func Simulate(ctx context.Context, sim Simulation) (*SimulationResult, error) {
	if err := sim.Validate(); err != nil {
		return nil, fmt.Errorf("risk: simulate: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("risk: simulate: %w", err)
	}
	n := sim.Trials
	if n == 0 {
		n = DefaultTrials
	}
	roundTo := sim.RoundTo
	if roundTo.IsZero() {
		roundTo = defaultRoundTo
	}
	freq := newSampler(sim.Frequency)
	mag := newSampler(sim.Magnitude)
	quant := newQuantizer(roundTo)
	rng := &simRNG{src: rand.NewPCG(sim.Seed, 0xda3e39cb94b95bdb)}

	losses := make([]float64, n)
	var events int64
	const checkEvery = 256
	for t := range n {
		if t%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("risk: simulate: %w", err)
			}
		}
		lambda := min(freq.draw(rng), MaxFrequency)
		k := rng.poisson(lambda)
		if events+int64(k) > MaxSimulationEvents {
			return nil, fmt.Errorf("risk: simulate: trial %d: more than %d loss events in all: %w", t+1, MaxSimulationEvents, ErrSimulationTooLarge)
		}
		events += int64(k)
		var sum float64
		for i := range k {
			if i%4096 == 4095 {
				if err := ctx.Err(); err != nil {
					return nil, fmt.Errorf("risk: simulate: %w", err)
				}
			}
			sum += mag.draw(rng)
		}
		losses[t] = quant.units(sum)
	}
	slices.Sort(losses)
	res := &SimulationResult{
		Seed:     sim.Seed,
		Trials:   n,
		Currency: sim.Currency,
		RoundTo:  roundTo,
		Events:   events,
		Mean:     quant.mean(losses),
		Min:      quant.amount(losses[0]),
		Max:      quant.amount(losses[n-1]),
	}

	ps := sim.Percentiles
	if len(ps) == 0 {
		ps = defaultPercentiles
	}
	ps = simSortedUnique(ps)
	nd := decimal.NewFromInt(int64(n))
	for _, p := range ps {
		// Nearest rank: the smallest loss with at least p% of years at or below it.
		rank := p.Mul(nd).Shift(-2).Ceil().IntPart()
		idx := min(max(rank-1, 0), int64(n-1))
		res.Percentiles = append(res.Percentiles, Percentile{P: p, Loss: quant.amount(losses[idx])})
	}

	ts := sim.Thresholds
	if len(ts) == 0 {
		ts = defaultThresholds(losses, quant)
	} else {
		ts = simSortedUnique(ts)
	}
	for _, t := range ts {
		limit := quant.unitsBelow(t)
		// Losses are sorted: count those strictly above the threshold.
		above := int64(n - simFirstAbove(losses, limit))
		prob := decimal.NewFromInt(above).DivRound(nd, ProbabilityPlaces)
		res.Exceedance = append(res.Exceedance, ExceedancePoint{Loss: t, Probability: prob})
	}
	return res, nil
}

// simFirstAbove returns the index of the first sorted value above x.
func simFirstAbove(sorted []float64, x float64) int {
	i, _ := slices.BinarySearchFunc(sorted, x, func(a, b float64) int {
		if a <= b {
			return -1
		}
		return 1
	})
	return i
}

func simSortedUnique(ds []decimal.Decimal) []decimal.Decimal {
	out := slices.Clone(ds)
	slices.SortFunc(out, decimal.Decimal.Cmp)
	return slices.CompactFunc(out, decimal.Decimal.Equal)
}

// defaultThresholds returns 0 and the 1-2-5 series from the largest such
// value at or below the smallest positive loss up to the first at or above
// the largest loss, keeping at most maxCurvePoints of the highest.
func defaultThresholds(sorted []float64, q *quantizer) []decimal.Decimal {
	out := []decimal.Decimal{decimal.Zero}
	i := simFirstAbove(sorted, 0)
	if i == len(sorted) {
		return out
	}
	lo, hi := q.amount(sorted[i]), q.amount(sorted[len(sorted)-1])
	// lo = c × 10^e with c of d digits, so 10^(d-1+e) ≤ lo < 10^(d+e).
	exp := int32(lo.NumDigits()) - 1 + lo.Exponent()
	steps := []int64{1, 2, 5}
	m := 0
	for j := 2; j >= 0; j-- {
		if decimal.New(steps[j], exp).LessThanOrEqual(lo) {
			m = j
			break
		}
	}
	var series []decimal.Decimal
	for {
		v := decimal.New(steps[m], exp)
		series = append(series, v)
		if v.GreaterThanOrEqual(hi) {
			break
		}
		if m++; m == 3 {
			m, exp = 0, exp+1
		}
	}
	if len(series) > maxCurvePoints-1 {
		series = series[len(series)-(maxCurvePoints-1):]
	}
	return append(out, series...)
}

// quantizer turns float annual losses into whole numbers of RoundTo units
// (kept as integral float64 values) and those back into exact decimals.
type quantizer struct {
	roundTo decimal.Decimal
	mulBy   float64 // when RoundTo is 1/k for a whole k: multiply by k (exact)
	divBy   float64 // otherwise divide by RoundTo
}

func newQuantizer(roundTo decimal.Decimal) *quantizer {
	q := &quantizer{roundTo: roundTo}
	inv, rem := decimal.NewFromInt(1).QuoRem(roundTo, 0)
	if rem.IsZero() && inv.IsPositive() {
		q.mulBy = inv.InexactFloat64()
	} else {
		q.divBy = roundTo.InexactFloat64()
	}
	return q
}

// units rounds a loss to a whole number of units, half away from zero.
func (q *quantizer) units(x float64) float64 {
	if q.mulBy != 0 {
		return math.Round(float64(x * q.mulBy))
	}
	return math.Round(x / q.divBy)
}

// amount returns units × RoundTo exactly.
func (q *quantizer) amount(u float64) decimal.Decimal {
	return decimal.NewFromBigInt(simFloatInt(u), 0).Mul(q.roundTo)
}

// unitsBelow returns the largest float64 u, a whole number of units, such
// that for every whole number of units v: v×RoundTo > t exactly when v > u.
func (q *quantizer) unitsBelow(t decimal.Decimal) float64 {
	whole, _ := t.QuoRem(q.roundTo, 0) // floor, t being non-negative
	f, _ := new(big.Float).SetMode(big.ToZero).SetInt(whole.BigInt()).Float64()
	return f
}

// mean returns the exact mean of the units, rounded half to even, as an amount.
func (q *quantizer) mean(us []float64) decimal.Decimal {
	var hi, lo uint64
	extra := new(big.Int)
	for _, u := range us {
		if u < 1<<63 {
			var c uint64
			lo, c = bits.Add64(lo, uint64(u), 0)
			hi += c
		} else {
			extra.Add(extra, simFloatInt(u))
		}
	}
	sum := new(big.Int).SetUint64(hi)
	sum.Lsh(sum, 64).Add(sum, new(big.Int).SetUint64(lo)).Add(sum, extra)
	n := big.NewInt(int64(len(us)))
	quo, rem := new(big.Int).QuoRem(sum, n, new(big.Int))
	switch rem.Lsh(rem, 1).Cmp(n) {
	case 1:
		quo.Add(quo, big.NewInt(1))
	case 0:
		if quo.Bit(0) == 1 {
			quo.Add(quo, big.NewInt(1))
		}
	}
	return decimal.NewFromBigInt(quo, 0).Mul(q.roundTo)
}

// simFloatInt converts an integral, finite, non-negative float exactly.
func simFloatInt(u float64) *big.Int {
	if u < 1<<63 {
		return big.NewInt(int64(u))
	}
	b, _ := new(big.Float).SetFloat64(u).Int(nil)
	return b
}

// sampler draws from one Distribution with its parameters as floats.
type sampler struct {
	kind      DistributionKind
	lo, span  float64 // PERT, Uniform: min and max-min; Constant: lo
	mu, sigma float64 // Lognormal: parameters of the underlying normal
	a, b      simGamma
}

// z95 is the 95th percentile of the standard normal distribution: a 90%
// interval spans ±z95 standard deviations.
const z95 = 1.6448536269514722

func newSampler(d Distribution) *sampler {
	s := &sampler{kind: d.Kind}
	switch d.Kind {
	case PERT:
		s.lo = d.Min.InexactFloat64()
		if d.Max.Equal(d.Min) {
			s.kind = Constant
			return s
		}
		span := d.Max.Sub(d.Min)
		s.span = span.InexactFloat64()
		lambda := d.Lambda
		if lambda.IsZero() {
			lambda = decimal.NewFromInt(DefaultPERTLambda)
		}
		// Shape parameters computed in decimal, then converted once.
		alpha := decimal.NewFromInt(1).Add(lambda.Mul(d.MostLikely.Sub(d.Min)).DivRound(span, 20))
		beta := decimal.NewFromInt(1).Add(lambda.Mul(d.Max.Sub(d.MostLikely)).DivRound(span, 20))
		s.a, s.b = newSimGamma(alpha.InexactFloat64()), newSimGamma(beta.InexactFloat64())
	case Uniform:
		s.lo, s.span = d.Min.InexactFloat64(), d.Max.Sub(d.Min).InexactFloat64()
	case Lognormal:
		lnLo, lnHi := simLog(d.Low.InexactFloat64()), simLog(d.High.InexactFloat64())
		s.mu = (lnLo + lnHi) / 2
		s.sigma = (lnHi - lnLo) / (2 * z95)
	case Constant:
		s.lo = d.Value.InexactFloat64()
	}
	return s
}

func (s *sampler) draw(r *simRNG) float64 {
	switch s.kind {
	case PERT:
		x := s.a.draw(r)
		y := s.b.draw(r)
		return float64(s.span*(x/(x+y))) + s.lo
	case Uniform:
		return float64(s.span*r.float()) + s.lo
	case Lognormal:
		return simExp(float64(s.sigma*r.normal()) + s.mu)
	}
	return s.lo
}

// simGamma draws from the gamma distribution with shape ≥ 1 and scale 1
// (Marsaglia and Tsang's method).
type simGamma struct{ d, c float64 }

func newSimGamma(shape float64) simGamma {
	d := shape - 1.0/3
	return simGamma{d: d, c: 1 / math.Sqrt(float64(9*d))}
}

func (g simGamma) draw(r *simRNG) float64 {
	for {
		var x, v float64
		for {
			x = r.normal()
			v = float64(g.c*x) + 1
			if v > 0 {
				break
			}
		}
		v = float64(float64(v*v) * v)
		u := r.open()
		x2 := float64(x * x)
		if u < 1-float64(float64(0.0331*x2)*x2) {
			return float64(g.d * v)
		}
		if simLog(u) < float64(0.5*x2)+float64(g.d*(1-v+simLog(v))) {
			return float64(g.d * v)
		}
	}
}

// simRNG turns PCG output into the draws the simulation needs, using only
// IEEE basic arithmetic (each product rounded on its own, so no platform
// fuses a multiply and an add) and the portable simExp and simLog.
type simRNG struct {
	src *rand.PCG
}

// float returns a uniform value in [0, 1).
func (r *simRNG) float() float64 {
	return float64(r.src.Uint64()>>11) * 0x1p-53
}

// open returns a uniform value in (0, 1).
func (r *simRNG) open() float64 {
	return (float64(r.src.Uint64()>>11) + 0.5) * 0x1p-53
}

// normal returns a standard normal value (Marsaglia's polar method).
func (r *simRNG) normal() float64 {
	for {
		u := float64(2*r.open()) - 1
		v := float64(2*r.open()) - 1
		s := float64(u*u) + float64(v*v)
		if s > 0 && s < 1 {
			return float64(u * math.Sqrt(float64(-2*simLog(s))/s))
		}
	}
}

// poissonChunk is the largest mean drawn by inversion in one go; larger
// means are split, as a sum of Poisson variables is Poisson.
const poissonChunk = 200

// poisson returns a Poisson-distributed count with mean lambda ≤ MaxFrequency.
func (r *simRNG) poisson(lambda float64) int {
	if !(lambda > 0) {
		return 0
	}
	n := 0
	for lambda > 0 {
		l := min(lambda, poissonChunk)
		lambda -= l
		n += r.poissonSmall(l)
	}
	return n
}

// poissonSmall draws by inversion: walk the cumulative probabilities
// until they pass a uniform value. The walk is capped far in the tail, so
// that rounding in the running sum can never make it loop for long.
func (r *simRNG) poissonSmall(lambda float64) int {
	u := r.float()
	p := simExp(-lambda)
	cum := p
	limit := int(lambda) + 40*int(math.Sqrt(lambda)) + 60
	k := 0
	for u >= cum && k < limit {
		k++
		p = float64(p*lambda) / float64(k)
		cum += p
	}
	return k
}

// Portable exponential and logarithm. The standard library's math.Exp
// and math.Log use assembly on some platforms (amd64, arm64, s390x) and
// the compiler may fuse multiply-adds in pure Go code on others (arm64,
// ppc64, s390x, riscv64, amd64 at GOAMD64=v3), so their last bit can
// differ between machines. These use only +, -, *, / with every product
// rounded explicitly, plus the exact math.Frexp, math.Ldexp, math.Floor
// and the correctly rounded math.Sqrt, so they give the same bits
// everywhere. They are accurate to a couple of units in the last place.

const (
	simLn2Hi = 6.93147180369123816490e-01 // ln 2, upper bits: k*simLn2Hi is exact for |k| < 2^20
	simLn2Lo = 1.90821492927058770002e-10 // ln 2 - simLn2Hi
	simLog2E = 1.44269504088896340736     // 1 / ln 2
)

// simExpCoef[j] = 1/j!, the Taylor coefficients of e^r.
var simExpCoef = [...]float64{
	1, 1, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320,
	1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800,
}

// simExp returns e^x.
func simExp(x float64) float64 {
	switch {
	case x != x:
		return x
	case x > 709.782712893384:
		return math.Inf(1)
	case x < -745.1332191019412:
		return 0
	}
	// x = k·ln2 + r with |r| ≤ ln2/2, so e^x = 2^k · e^r.
	k := math.Floor(float64(x*simLog2E) + 0.5)
	r := (x - float64(k*simLn2Hi)) - float64(k*simLn2Lo)
	p := simExpCoef[len(simExpCoef)-1]
	for j := len(simExpCoef) - 2; j >= 0; j-- {
		p = float64(p*r) + simExpCoef[j]
	}
	return math.Ldexp(p, int(k))
}

// simLogCoef[j] = 1/(2j+3), the coefficients of the series
// atanh(s)/s = 1 + s²/3 + s⁴/5 + ...
var simLogCoef = [...]float64{
	1.0 / 3, 1.0 / 5, 1.0 / 7, 1.0 / 9, 1.0 / 11, 1.0 / 13, 1.0 / 15,
	1.0 / 17, 1.0 / 19, 1.0 / 21, 1.0 / 23, 1.0 / 25,
}

// simLog returns the natural logarithm of x.
func simLog(x float64) float64 {
	switch {
	case x != x || x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	}
	// x = f·2^e with f in [√½, √2), so ln x = e·ln2 + ln f, and
	// ln f = 2·atanh(s) with s = (f-1)/(f+1), |s| < 0.172.
	f, e := math.Frexp(x)
	if f < math.Sqrt2/2 {
		f *= 2
		e--
	}
	s := (f - 1) / (f + 1)
	z := float64(s * s)
	p := simLogCoef[len(simLogCoef)-1]
	for j := len(simLogCoef) - 2; j >= 0; j-- {
		p = float64(p*z) + simLogCoef[j]
	}
	// ln f = 2s + 2s·z·p, keeping the leading 2s exact.
	s2 := 2 * s
	lnf := s2 + float64(float64(s2*z)*p)
	ke := float64(e)
	return float64(ke*simLn2Hi) + (lnf + float64(ke*simLn2Lo))
}
