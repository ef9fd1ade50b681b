package bench

import (
	"math"
	"sort"
)

// Point is one operating point of a router: mean cost per task and accuracy.
type Point struct {
	// Cost is the mean cost per task in dollars; Accuracy the mean
	// outcome over tasks, in [0, 1].
	Cost, Accuracy float64
}

// AUC is the area under a router family's accuracy-cost curve, normalised
// to [0, 1]: the mean over log-cost in [lo, hi] of the best accuracy the
// family reaches at or below that cost (0 where it has no point yet). A
// family that is more accurate at every budget has the larger AUC. lo and hi
// are the cheapest and dearest single models' costs, the same for every
// family compared.
func AUC(points []Point, lo, hi float64) float64 {
	if lo <= 0 || hi <= lo || len(points) == 0 {
		return 0
	}
	ps := append([]Point(nil), points...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].Cost < ps[j].Cost })
	a, b := math.Log(lo), math.Log(hi)
	var area, best float64
	prev := a
	for _, p := range ps {
		x := math.Log(math.Max(p.Cost, 1e-300))
		if x > b {
			break
		}
		if x > prev {
			area += best * (x - prev)
			prev = x
		}
		best = math.Max(best, p.Accuracy)
	}
	area += best * (b - prev)
	return area / (b - a)
}
