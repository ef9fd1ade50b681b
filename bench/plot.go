package bench

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ParetoPlot draws every row as a point on log cost (x) against accuracy
// (y), the kNN sweep and the learned preferences as lines, and writes a PNG.
func ParetoPlot(path string, r *Results) error {
	p := plot.New()
	p.Title.Text = "Cost vs accuracy: " + r.Dataset
	p.X.Label.Text = "mean cost per task (USD, log scale)"
	p.Y.Label.Text = "accuracy"
	p.Add(plotter.NewGrid())

	groups := map[string]plotter.XYs{}
	var labels []string
	var labelXY plotter.XYs
	for _, row := range r.Rows {
		if row.CostUSD <= 0 {
			continue // a free row cannot sit on a log axis
		}
		fam, _, _ := strings.Cut(row.Policy, ":")
		groups[fam] = append(groups[fam], plotter.XY{X: row.CostUSD, Y: row.Accuracy})
		if fam != "knn" && !strings.Contains(row.Policy, "=") { // sweep points stay unlabelled
			labels = append(labels, row.Policy)
			labelXY = append(labelXY, plotter.XY{X: row.CostUSD, Y: row.Accuracy})
		}
	}
	// A log axis needs a positive range: one row, or rows of one cost, get
	// a decade around it; rows that all cost nothing keep a linear axis.
	lo, hi := math.Inf(1), 0.0
	for _, pts := range groups {
		for _, pt := range pts {
			lo, hi = math.Min(lo, pt.X), math.Max(hi, pt.X)
		}
	}
	if hi > 0 {
		if lo == hi {
			lo, hi = lo/3, hi*3
		}
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = costTicks{}
		p.X.Min, p.X.Max = lo/1.2, hi*1.2
	}
	fams := make([]string, 0, len(groups))
	for f := range groups {
		fams = append(fams, f)
	}
	sort.Strings(fams)
	palette := []color.Color{
		color.RGBA{31, 119, 180, 255}, color.RGBA{255, 127, 14, 255}, color.RGBA{44, 160, 44, 255},
		color.RGBA{214, 39, 40, 255}, color.RGBA{148, 103, 189, 255}, color.RGBA{140, 86, 75, 255},
		color.RGBA{227, 119, 194, 255}, color.RGBA{127, 127, 127, 255},
	}
	for i, f := range fams {
		pts := groups[f]
		sort.Slice(pts, func(a, b int) bool { return pts[a].X < pts[b].X })
		c := palette[i%len(palette)]
		if f == "knn" || f == "learned" {
			l, s, err := plotter.NewLinePoints(pts)
			if err != nil {
				return fmt.Errorf("bench: plot: %w", err)
			}
			l.Color, s.Color = c, c
			s.Shape = draw.CircleGlyph{}
			p.Add(l, s)
			p.Legend.Add(f, l, s)
			continue
		}
		s, err := plotter.NewScatter(pts)
		if err != nil {
			return fmt.Errorf("bench: plot: %w", err)
		}
		s.Color = c
		s.Shape = draw.CircleGlyph{}
		s.Radius = vg.Points(3)
		p.Add(s)
		p.Legend.Add(f, s)
	}
	if len(labels) > 0 {
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: labelXY, Labels: labels})
		if err == nil {
			for i := range lb.TextStyle {
				lb.TextStyle[i].Font.Size = vg.Points(6)
			}
			p.Add(lb)
		}
	}
	p.Legend.Top = false
	p.Legend.Left = false
	if err := p.Save(9*vg.Inch, 6*vg.Inch, path); err != nil {
		return fmt.Errorf("bench: save plot %s: %w", path, err)
	}
	return nil
}

// costTicks labels 1, 2 and 5 times each power of ten, so a cost range
// narrower than a decade still shows a few readable dollar values.
type costTicks struct{}

// Ticks implements plot.Ticker.
func (costTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	if lo <= 0 || hi <= lo {
		return ts
	}
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, e)
			if v < lo || v > hi {
				continue
			}
			ts = append(ts, plot.Tick{Value: v, Label: "$" + strconv.FormatFloat(v, 'g', -1, 64)})
		}
	}
	return ts
}
