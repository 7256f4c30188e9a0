package risk

import (
	"context"
	"slices"

	"github.com/shopspring/decimal"
)

// The grid fast path. When every rule of the criteria is tabulated over
// the grid (or the level) and the consequence is the default, the largest
// dimension, evaluating a rating needs no CEL: it is placing the rating
// on the grid. gridCell does that with integer compares only. With
// OmitInputs, a rating it places shares the evaluation a worker keeps
// for the cell (see worker.keep); with inputs, gridRate copies the
// cell's evaluation made at Compile and adds the rated values and the
// inputs. Anything gridCell cannot place (off a scale, unknown
// dimension, quantitative inputs, values not written as on the scales,
// without inputs a cell not met yet) takes the general path, which gives
// the same results and reports the same problems; the fast path only
// skips work for what the general path would accept and share.

// dimLevel is what the fast path needs of one level of a dimension's
// scale.
type dimLevel struct {
	// vrank orders the levels of all the dimensions' scales by value:
	// equal values have equal vrank, so that comparing vranks compares
	// the values (decimal.Cmp) of ratings on the scales.
	vrank int32
	// ci is the index of the value on the consequence scale, -1 when it
	// is not a value of it or is written otherwise there.
	ci int32
}

// initGrid fills the dimensions' level tables of the fast path, when the
// grid and every dimension's scale are discrete.
func (e *Engine) initGrid() {
	if e.cells == nil {
		return
	}
	var vals []decimal.Decimal
	for i := range e.dims {
		if !e.dims[i].scale.discrete() {
			return
		}
		for _, l := range e.dims[i].scale.levels {
			vals = append(vals, l.Value)
		}
	}
	slices.SortFunc(vals, func(a, b decimal.Decimal) int { return a.Cmp(b) })
	vals = slices.CompactFunc(vals, func(a, b decimal.Decimal) bool { return a.Cmp(b) == 0 })
	for i := range e.dims {
		d := &e.dims[i]
		d.levels = make([]dimLevel, len(d.scale.levels))
		for j, l := range d.scale.levels {
			r, _ := slices.BinarySearchFunc(vals, l.Value, func(a, b decimal.Decimal) int { return a.Cmp(b) })
			d.levels[j] = dimLevel{vrank: int32(r), ci: int32(e.cons.sameIndex(l.Value))}
		}
	}
	e.gridDims = true
}

// gridFast reports whether the fast path applies: every dimension is on
// a discrete scale, the level is tabulated by cell, the consequence is
// the default, and acceptance and priority are tabulated or the default.
func (e *Engine) gridFast() bool {
	return e.gridDims && e.levelTab && e.combine == nil && e.reads&refAttributes == 0 &&
		(e.acceptBy == tabLevel || e.acceptBy == tabCell) &&
		(e.priority == nil || e.prioBy == tabLevel || e.prioBy == tabCell)
}

// gridCell returns the index in e.cells of the cell of r, and true, when
// the general path would accept r (its values on their scales, at least
// one consequence, every one on a known dimension) and would share its
// evaluation with the cell's (no quantitative inputs, the likelihood and
// the combined consequence written exactly as on their scales). It
// returns false for r that it does not place so, such as one with a
// consequence written otherwise than on its scale, and r is then for the
// general path. e.gridFast must hold.
//
// When lv is not nil (it has room for every dimension), lv[di] is set to
// one more than the level of dimension di's rating on its scale; the
// other entries are left alone. The combined consequence is returned too.
func (e *Engine) gridCell(r *Rating, lv []int8) (int32, decimal.Decimal, bool) {
	if r.Quantitative != nil || len(r.Consequences) == 0 {
		return -1, decimal.Decimal{}, false
	}
	li := e.lik.sameIndex(r.Likelihood)
	if li < 0 {
		return -1, decimal.Decimal{}, false
	}
	// The combined consequence is the largest value, the first in the
	// criteria's dimension order among equal ones (as in rate).
	best, bestDi, bestCi := int32(-1), -1, int32(-1)
	var bestV decimal.Decimal
	for k, v := range r.Consequences {
		di := e.dimIndex(k)
		if di < 0 {
			return -1, decimal.Decimal{}, false
		}
		d := &e.dims[di]
		idx := d.scale.sameIndex(v)
		if idx < 0 {
			return -1, decimal.Decimal{}, false
		}
		if lv != nil {
			lv[di] = int8(idx + 1)
		}
		if dl := d.levels[idx]; dl.vrank > best || dl.vrank == best && di < bestDi {
			best, bestDi, bestCi, bestV = dl.vrank, di, dl.ci, v
		}
	}
	if bestCi < 0 {
		return -1, decimal.Decimal{}, false
	}
	return int32(li*e.nCons) + bestCi, bestV, true
}

// maxInputDims bounds the dimensions of criteria whose evaluations with
// inputs take the grid fast path: gridRate keeps the level of each
// dimension, plus one, in an int8 on the stack (so the dimensions'
// scales must also have fewer than 127 levels).
const maxInputDims = 16

// initCellEvals makes, for the grid fast path with inputs, the
// evaluation of every cell, by rating the cell's own values: gridRate
// copies it and sets the rated values and inputs.
func (e *Engine) initCellEvals() {
	if !e.gridFast() || len(e.dims) > maxInputDims {
		return
	}
	for i := range e.dims {
		if len(e.dims[i].scale.levels) >= 127 {
			return
		}
	}
	evs := make([]Evaluation, len(e.cells))
	var act activation
	for li := range e.lik.levels {
		for ci := range e.cons.levels {
			r := &Rating{Likelihood: e.lik.levels[li].Value}
			prep := &prepared{li: li, dims: []dimVal{{dim: 0, val: e.cons.levels[ci].Value, idx: -1}}}
			if _, err := e.rate(context.Background(), nil, &act, r, prep, nil, &evs[li*e.nCons+ci], nil, nil); err != nil {
				return // cannot happen: every rule is tabulated
			}
		}
	}
	e.cellEvals = evs
}

// gridRate is rate with inputs on the grid fast path: when gridCell
// places r, it writes r's evaluation to ev, appends its inputs to in (as
// rate does: the likelihood, then the dimensions in the criteria's
// order), and returns the cell. Else it writes nothing to ev and returns
// false.
func (e *Engine) gridRate(r *Rating, ev *Evaluation, in []Input) ([]Input, int32, bool) {
	var lv [maxInputDims]int8
	ci, cons, ok := e.gridCell(r, lv[:len(e.dims)])
	if !ok {
		return in, -1, false
	}
	k := len(in)
	in = append(in, Input{Name: varLikelihood, Value: e.lik.strs[int(ci)/e.nCons]})
	for di, l := range lv[:len(e.dims)] {
		if l > 0 {
			d := &e.dims[di]
			in = append(in, Input{Name: d.input, Value: d.scale.strs[l-1]})
		}
	}
	*ev = e.cellEvals[ci]
	ev.Likelihood, ev.Consequence = r.Likelihood, cons
	ev.Explanation.Inputs = in[k:len(in):len(in)]
	return in, ci, true
}
