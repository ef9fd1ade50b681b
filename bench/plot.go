package bench

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// plotFamily is how one family of rows is drawn.
type plotFamily struct {
	name  string
	color color.Color
	glyph draw.GlyphDrawer
	line  bool        // a curve (a sweep), drawn as a line through its points
	dash  []vg.Length // dashed line
}

var plotFamilies = []plotFamily{
	{name: "learned", color: color.RGBA{214, 39, 40, 255}, glyph: draw.CircleGlyph{}, line: true},
	{name: "learned-warm", color: color.RGBA{255, 152, 150, 255}, glyph: draw.RingGlyph{}, line: true, dash: []vg.Length{vg.Points(4), vg.Points(3)}},
	{name: "frugal", color: color.RGBA{44, 160, 44, 255}, glyph: draw.TriangleGlyph{}, line: true},
	{name: "cascade", color: color.RGBA{31, 119, 180, 255}, glyph: draw.SquareGlyph{}},
	{name: "vote", color: color.RGBA{148, 103, 189, 255}, glyph: draw.PyramidGlyph{}},
	{name: "knn", color: color.RGBA{255, 127, 14, 255}, glyph: draw.CrossGlyph{}, line: true},
	{name: "oracle", color: color.Black, glyph: draw.PlusGlyph{}},
	{name: "single", color: color.RGBA{127, 127, 127, 255}, glyph: draw.CircleGlyph{}},
	{name: "other", color: color.RGBA{140, 86, 75, 255}, glyph: draw.BoxGlyph{}},
}

func familyOf(policy string) string {
	fam, _, _ := strings.Cut(policy, ":")
	for _, f := range plotFamilies {
		if f.name == fam {
			return fam
		}
	}
	return "other"
}

// labelPriority orders the labelled rows: the learned operating points
// first, then the references, then single models; sweep points, kNN
// thresholds and duplicates of single models (cheapest, strongest) go
// unlabelled (the table has them).
func labelPriority(policy string) int {
	switch {
	case strings.Contains(policy, "="), strings.HasPrefix(policy, "knn:"), policy == "cheapest", policy == "strongest":
		return -1
	case strings.HasPrefix(policy, "learned:"):
		return 0
	case strings.HasPrefix(policy, "learned-warm:"):
		return 1
	case strings.HasPrefix(policy, "cascade:"), strings.HasPrefix(policy, "vote:"), policy == "frugal", policy == "oracle":
		return 2
	case strings.HasPrefix(policy, "single:"):
		return 3
	}
	return 4
}

// ParetoPlot draws every row on log cost (x) against accuracy (y): sweeps
// (learned, its warm start, frugal, kNN) as lines, the other families as
// points, the legend beside the data, and labels only where they do not
// overlap one another (the table in the report names every row). It
// writes a PNG.
func ParetoPlot(path string, r *Results) error {
	p := plot.New()
	p.Title.Text = "Cost vs accuracy on test: " + r.Dataset
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = "mean cost per task (USD, log scale)"
	p.Y.Label.Text = "accuracy"
	p.Add(plotter.NewGrid())

	groups := map[string]plotter.XYs{}
	type label struct {
		text string
		xy   plotter.XY
		prio int
	}
	var labels []label
	for _, row := range r.Rows {
		if row.CostUSD <= 0 {
			continue // a free row cannot sit on a log axis
		}
		xy := plotter.XY{X: row.CostUSD, Y: row.Accuracy}
		fam := familyOf(row.Policy)
		groups[fam] = append(groups[fam], xy)
		if pr := labelPriority(row.Policy); pr >= 0 {
			labels = append(labels, label{strings.TrimPrefix(row.Policy, "single:"), xy, pr})
		}
	}
	lo, hi := math.Inf(1), 0.0
	ylo, yhi := math.Inf(1), math.Inf(-1)
	for _, pts := range groups {
		for _, pt := range pts {
			lo, hi = math.Min(lo, pt.X), math.Max(hi, pt.X)
			ylo, yhi = math.Min(ylo, pt.Y), math.Max(yhi, pt.Y)
		}
	}
	// A log axis needs a positive range: one row, or rows of one cost, get
	// a decade around it; rows that all cost nothing keep a linear axis.
	if hi > 0 {
		if lo == hi {
			lo, hi = lo/3, hi*3
		}
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = costTicks{}
		p.X.Min, p.X.Max = lo/1.3, hi*1.3
		pad := math.Max(0.02, (yhi-ylo)*0.06)
		p.Y.Min, p.Y.Max = math.Max(0, ylo-pad), math.Min(1.02, yhi+pad)
	}
	// The legend is drawn beside the data area, not over it: p keeps no
	// legend entries of its own.
	leg := plot.NewLegend()
	for _, f := range plotFamilies {
		pts, ok := groups[f.name]
		if !ok {
			continue
		}
		sort.Slice(pts, func(a, b int) bool { return pts[a].X < pts[b].X })
		s, err := plotter.NewScatter(pts)
		if err != nil {
			return fmt.Errorf("bench: plot: %w", err)
		}
		s.Color, s.Shape, s.Radius = f.color, f.glyph, vg.Points(3)
		if f.line {
			l, err := plotter.NewLine(pts)
			if err != nil {
				return fmt.Errorf("bench: plot: %w", err)
			}
			l.Color, l.Width, l.Dashes = f.color, vg.Points(1.5), f.dash
			p.Add(l, s)
			leg.Add(f.name, l, s)
			continue
		}
		p.Add(s)
		leg.Add(f.name, s)
	}

	const w, h = 11 * vg.Inch, 6.5 * vg.Inch
	legendW := 1.7 * vg.Inch
	img := vgimg.New(w, h)
	dc := draw.New(img)
	plotArea := draw.Crop(dc, 0, -legendW, 0, 0)
	p.Draw(plotArea)

	// Labels: in priority order, each at the first of eight positions
	// around its point that stays inside the data area and clear of the
	// points and of the labels already placed; a label with no such
	// position is dropped (the table names every row).
	da := p.DataCanvas(plotArea)
	tx, ty := p.Transforms(&da)
	sty := draw.TextStyle{Color: color.Black, Font: leg.TextStyle.Font, Handler: leg.TextStyle.Handler}
	sty.Font.Size = vg.Points(7)
	sort.SliceStable(labels, func(i, j int) bool { return labels[i].prio < labels[j].prio })
	// Every point is an obstacle too, so no label covers a marker.
	var placed []vg.Rectangle
	rad := vg.Points(3.5)
	for _, pts := range groups {
		for _, pt := range pts {
			x, y := tx(pt.X), ty(pt.Y)
			placed = append(placed, vg.Rectangle{Min: vg.Point{X: x - rad, Y: y - rad}, Max: vg.Point{X: x + rad, Y: y + rad}})
		}
	}
	for _, lb := range labels {
		x, y := tx(lb.xy.X), ty(lb.xy.Y)
		tw, th := sty.Width(lb.text), sty.Height(lb.text)
		gap := vg.Points(4)
		offs := []vg.Point{{X: gap, Y: gap}, {X: gap, Y: -gap - th}, {X: -gap - tw, Y: gap}, {X: -gap - tw, Y: -gap - th},
			{X: -tw / 2, Y: gap * 1.5}, {X: -tw / 2, Y: -gap*1.5 - th}, {X: gap * 1.5, Y: -th / 2}, {X: -gap*1.5 - tw, Y: -th / 2}}
		for _, o := range offs {
			rect := vg.Rectangle{Min: vg.Point{X: x + o.X, Y: y + o.Y}, Max: vg.Point{X: x + o.X + tw, Y: y + o.Y + th}}
			if !inside(rect, da.Rectangle) || overlapsAny(rect, placed) {
				continue
			}
			placed = append(placed, rect)
			da.FillText(sty, rect.Min, lb.text)
			break
		}
	}

	leg.Top, leg.Left = true, true
	leg.Padding = vg.Points(2)
	legendArea := draw.Crop(dc, w-legendW+vg.Points(8), 0, 0, -vg.Points(40))
	leg.Draw(legendArea)

	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("bench: save plot: %w", err)
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("bench: save plot %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("bench: save plot %s: %w", path, err)
	}
	return nil
}

func inside(r, in vg.Rectangle) bool {
	return r.Min.X >= in.Min.X && r.Min.Y >= in.Min.Y && r.Max.X <= in.Max.X && r.Max.Y <= in.Max.Y
}

func overlapsAny(r vg.Rectangle, rs []vg.Rectangle) bool {
	for _, o := range rs {
		if r.Min.X < o.Max.X && o.Min.X < r.Max.X && r.Min.Y < o.Max.Y && o.Min.Y < r.Max.Y {
			return true
		}
	}
	return false
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
