package risk

import (
	"cmp"
	"encoding/binary"
	"slices"

	"github.com/isms-go/iso27003/rules"
	"github.com/shopspring/decimal"
)

// sortKey is what results are sorted by, precomputed as integers and
// free of pointers, so that the sort compares words and moves small
// values: the group (assessed, failed, not analysed), then for assessed
// risks a, b, c (smaller first), then the first eight bytes of the ID's
// natural key (see appendNaturalKey); only ties on all of these compare
// the IDs themselves.
type sortKey struct {
	g       uint8
	idx     int32
	a, b, c int64
	id      uint64
}

// maxKeyDigits bounds the digits of a decimal scaled to an int64 key.
const maxKeyDigits = 18

// sortRisks returns the risk indexes in result order (see Assessment).
// When every assessed risk lies on a tabulated cell, its cell's ord is
// the whole key; otherwise priority, rank and score are scaled to a
// common exponent each and compared as integers; when they do not fit an
// int64 the decimals themselves are compared.
func (e *Engine) sortRisks(risks []Risk, recs []riskRec, evalOf func(int32) (*Evaluation, *Evaluation)) []int32 {
	byOrd := true
	maxOrd := int32(-1)
	for i := range recs {
		if recs[i].status == recAssessed {
			if recs[i].ord < 0 {
				byOrd = false
				break
			}
			maxOrd = max(maxOrd, recs[i].ord)
		}
	}
	if byOrd {
		return sortByOrd(risks, recs, maxOrd)
	}
	keys := make([]sortKey, len(recs))
	var prioS, scoreS scaler
	for i := range recs {
		if recs[i].status == recAssessed {
			ev, _ := evalOf(int32(i))
			prioS.see(ev.Priority)
			scoreS.see(ev.Score)
		}
	}
	exact := prioS.fits() && scoreS.fits()
	for i := range recs {
		k := &keys[i]
		k.idx = int32(i)
		k.id = idPrefix(risks[i].ID)
		switch recs[i].status {
		case recAssessed:
			if exact {
				ev, _ := evalOf(int32(i))
				k.a, k.b, k.c = -prioS.key(ev.Priority), -int64(ev.Rank), -scoreS.key(ev.Score)
			}
		case recFailed:
			k.g = 1
		default:
			k.g = 2
		}
	}
	slices.SortFunc(keys, func(x, y sortKey) int {
		if c := cmp.Compare(x.g, y.g); c != 0 {
			return c
		}
		if x.g == 0 {
			if exact {
				if c := cmp.Compare(x.a, y.a); c != 0 {
					return c
				}
				if c := cmp.Compare(x.b, y.b); c != 0 {
					return c
				}
				if c := cmp.Compare(x.c, y.c); c != 0 {
					return c
				}
			} else {
				ex, _ := evalOf(x.idx)
				ey, _ := evalOf(y.idx)
				if c := ey.Priority.Cmp(ex.Priority); c != 0 {
					return c
				}
				if c := cmp.Compare(ey.Rank, ex.Rank); c != 0 {
					return c
				}
				if c := ey.Score.Cmp(ex.Score); c != 0 {
					return c
				}
			}
		}
		return compareIDs(risks, idKey{id: x.id, idx: x.idx}, idKey{id: y.id, idx: y.idx})
	})
	out := make([]int32, len(keys))
	for i := range keys {
		out[i] = keys[i].idx
	}
	return out
}

// compareIDs orders two risks by ID: by the keys' prefixes, then by the
// IDs themselves, then (equal IDs, only in a register that skipped
// validation with Prevalidated) in the register's order.
func compareIDs(risks []Risk, x, y idKey) int {
	if x.id != y.id {
		return cmp.Compare(x.id, y.id)
	}
	if c := rules.NaturalCompare(risks[x.idx].ID, risks[y.idx].ID); c != 0 {
		return c
	}
	return cmp.Compare(x.idx, y.idx)
}

// idKey is a risk's place within a bucket of sortByOrd: the first eight
// bytes of its ID's natural key, then the ID itself.
type idKey struct {
	id  uint64
	idx int32
	b   int32 // the bucket, in radixByOrd
}

// sortByOrd is sortRisks when every assessed risk has a cell ord: the
// risks in buckets, one per ord and one each for failed and not analysed
// risks, each bucket by ID. Small registers are put in buckets by a
// counting sort and each bucket sorted by compares; larger ones are
// sorted by radixByOrd.
func sortByOrd(risks []Risk, recs []riskRec, maxOrd int32) []int32 {
	nb := int(maxOrd) + 3
	bucket := func(r *riskRec) int {
		switch r.status {
		case recAssessed:
			return int(r.ord)
		case recFailed:
			return nb - 2
		}
		return nb - 1
	}
	if len(recs) >= radixMin {
		return radixByOrd(risks, recs, nb, bucket)
	}
	start := make([]int, nb+1)
	for i := range recs {
		start[bucket(&recs[i])+1]++
	}
	for b := 1; b <= nb; b++ {
		start[b] += start[b-1]
	}
	keys := make([]idKey, len(recs))
	next := slices.Clone(start[:nb])
	for i := range recs {
		b := bucket(&recs[i])
		keys[next[b]] = idKey{id: idPrefix(risks[i].ID), idx: int32(i)}
		next[b]++
	}
	for b := range nb {
		slices.SortFunc(keys[start[b]:start[b+1]], func(x, y idKey) int { return compareIDs(risks, x, y) })
	}
	out := make([]int32, len(keys))
	for i, k := range keys {
		out[i] = k.idx
	}
	return out
}

// radixMin is from how many risks sortByOrd sorts by radix.
const radixMin = 256

// radixByOrd is sortByOrd by least significant digit radix sort: by each
// byte of the ID prefixes that is not the same in all of them, last
// byte first, then by bucket; every pass is stable. Runs of equal
// prefixes in a bucket (IDs that share their first eight key bytes) are
// then sorted by compareIDs. This does no compare of two IDs but in such
// runs, where a sort by compares mispredicts about every other branch.
func radixByOrd(risks []Risk, recs []riskRec, nb int, bucket func(*riskRec) int) []int32 {
	n := len(recs)
	keys := make([]idKey, n)
	tmp := make([]idKey, n)
	next := make([]int32, nb+1)
	and, or := ^uint64(0), uint64(0)
	for i := range recs {
		id, b := idPrefix(risks[i].ID), bucket(&recs[i])
		keys[i] = idKey{id: id, idx: int32(i), b: int32(b)}
		next[b+1]++
		and &= id
		or |= id
	}
	for d := range 8 {
		shift := 8 * d
		if byte(and>>shift) == byte(or>>shift) {
			continue // the same byte in every prefix
		}
		var pos [256]int32
		for _, k := range keys {
			pos[byte(k.id>>shift)]++
		}
		sum := int32(0)
		for v := range 256 {
			pos[v], sum = sum, sum+pos[v]
		}
		for _, k := range keys {
			v := byte(k.id >> shift)
			tmp[pos[v]] = k
			pos[v]++
		}
		keys, tmp = tmp, keys
	}
	for b := 1; b <= nb; b++ {
		next[b] += next[b-1]
	}
	for _, k := range keys {
		tmp[next[k.b]] = k
		next[k.b]++
	}
	keys = tmp
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && keys[hi].id == keys[lo].id && keys[hi].b == keys[lo].b {
			hi++
		}
		if hi-lo > 1 {
			slices.SortFunc(keys[lo:hi], func(x, y idKey) int { return compareIDs(risks, x, y) })
		}
		lo = hi
	}
	out := make([]int32, n)
	for i, k := range keys {
		out[i] = k.idx
	}
	return out
}

// idPrefix is the first eight bytes of id's natural key, big-endian and
// zero-padded, so that it orders as the keys do. The key is built only as
// far as the eight bytes, in an array on the stack (appendNaturalKey
// writes at most 5+8+4 bytes past the seventh).
func idPrefix(id string) uint64 {
	var buf [24]byte
	var b [8]byte
	copy(b[:], appendNaturalKey(buf[:0], id, len(b)))
	return binary.BigEndian.Uint64(b[:])
}

// scaler scales decimals to int64 keys at a common exponent, the
// smallest it has seen, when every value fits in maxKeyDigits digits
// there.
type scaler struct {
	minExp, maxShiftDigits int32 // smallest exponent; largest digits+exponent
	seen, bad              bool
}

func (s *scaler) see(d decimal.Decimal) {
	nd := d.NumDigits()
	if nd > maxKeyDigits {
		s.bad = true
		return
	}
	e := d.Exponent()
	if !s.seen || e < s.minExp {
		s.minExp = e
	}
	if top := int32(nd) + e; !s.seen || top > s.maxShiftDigits {
		s.maxShiftDigits = top
	}
	s.seen = true
}

// fits reports whether every value seen has an exact int64 key.
func (s *scaler) fits() bool {
	return !s.bad && (!s.seen || s.maxShiftDigits-s.minExp <= maxKeyDigits)
}

// key is d's coefficient scaled to the common exponent; d was seen and
// fits holds.
func (s *scaler) key(d decimal.Decimal) int64 {
	c := d.CoefficientInt64()
	for range d.Exponent() - s.minExp {
		c *= 10
	}
	return c
}
