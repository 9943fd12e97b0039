package console

import (
	"strconv"
	"strings"

	"github.com/cdsme/policybot/bot/redisstore"
)

// The charts are SVG drawn here and written by html/template: no script,
// no chart library, nothing from another origin. Geometry is in viewBox
// units; the SVG scales to the page's width (phones included), so the
// sizes below are chosen for about 360–1200 px.

// Rect is a bar; Label is its tooltip (SVG <title>).
type Rect struct {
	X, Y, W, H string
	Class      string
	Label      string
}

// Text is a label.
type Text struct {
	X, Y   string
	Anchor string // start, middle, end
	S      string
}

// Dot is a point of a line series.
type Dot struct {
	X, Y  string
	Label string
}

// Series is a line with its dots.
type Series struct {
	Class  string
	Points string // polyline points
	Dots   []Dot
}

// Chart is what the template draws.
type Chart struct {
	W, H  int
	Title string // aria-label
	Rects []Rect
	Texts []Text
	Lines []Series
	Grid  []Rect // thin horizontal grid lines
	Empty bool
}

func f1(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

// niceMax rounds m up to 1, 2 or 5 times a power of ten (at least 1).
func niceMax(m int) int {
	if m <= 1 {
		return 1
	}
	for p := 1; ; p *= 10 {
		for _, k := range []int{1, 2, 5} {
			if k*p >= m {
				return k * p
			}
		}
	}
}

// dayChart draws questions per day: answered and not answered stacked,
// 👍 and 👎 as lines over them.
func dayChart(days []redisstore.DayCounts) Chart {
	const (
		w, h                 = 600, 260
		left, right, top, bt = 44, 8, 14, 34
	)
	c := Chart{W: w, H: h, Title: "每天的提问：已回答、未回答、👍、👎"}
	pw, ph := float64(w-left-right), float64(h-top-bt)
	peak := 0
	for _, d := range days {
		peak = max(peak, int(d.Total()), int(d.Up), int(d.Down))
	}
	c.Empty = peak == 0
	ymax := niceMax(peak)
	y := func(v int64) float64 { return top + ph - ph*float64(v)/float64(ymax) }
	ticks := []int{0, ymax}
	if ymax >= 2 {
		ticks = []int{0, ymax / 2, ymax}
	}
	for _, v := range ticks {
		yy := y(int64(v))
		c.Grid = append(c.Grid, Rect{X: f1(left), Y: f1(yy), W: f1(pw), H: "1", Class: "grid"})
		c.Texts = append(c.Texts, Text{X: f1(left - 6), Y: f1(yy + 5), Anchor: "end", S: strconv.Itoa(v)})
	}
	n := max(len(days), 1)
	slot := pw / float64(n)
	bw := min(slot*0.7, 48)
	every := (n + 7) / 8 // at most 8 date labels
	up, down := Series{Class: "line-up"}, Series{Class: "line-down"}
	var upPts, downPts []string
	for i, d := range days {
		cx := left + slot*(float64(i)+0.5)
		x := cx - bw/2
		label := d.Day + "：已回答 " + strconv.FormatInt(d.Answered, 10) + "，未回答 " + strconv.FormatInt(d.Unanswered, 10) +
			"，👍 " + strconv.FormatInt(d.Up, 10) + "，👎 " + strconv.FormatInt(d.Down, 10)
		if d.Answered > 0 {
			c.Rects = append(c.Rects, Rect{X: f1(x), Y: f1(y(d.Answered)), W: f1(bw), H: f1(top + ph - y(d.Answered)), Class: "bar-answered", Label: label})
		}
		if d.Unanswered > 0 {
			y0, y1 := y(d.Answered), y(d.Total())
			c.Rects = append(c.Rects, Rect{X: f1(x), Y: f1(y1), W: f1(bw), H: f1(y0 - y1), Class: "bar-unanswered", Label: label})
		}
		upPts = append(upPts, f1(cx)+","+f1(y(d.Up)))
		downPts = append(downPts, f1(cx)+","+f1(y(d.Down)))
		up.Dots = append(up.Dots, Dot{X: f1(cx), Y: f1(y(d.Up)), Label: d.Day + "：👍 " + strconv.FormatInt(d.Up, 10)})
		down.Dots = append(down.Dots, Dot{X: f1(cx), Y: f1(y(d.Down)), Label: d.Day + "：👎 " + strconv.FormatInt(d.Down, 10)})
		if i%every == 0 || i == len(days)-1 && n <= 8 {
			c.Texts = append(c.Texts, Text{X: f1(cx), Y: f1(h - bt + 20), Anchor: "middle", S: d.Day[5:]})
		}
	}
	up.Points, down.Points = strings.Join(upPts, " "), strings.Join(downPts, " ")
	c.Lines = []Series{up, down}
	return c
}

// clauseChart draws the top primary clauses as horizontal bars (answered
// and not answered), each under its title.
func clauseChart(top []ClauseVolume) Chart {
	const (
		w, row, left, right = 600, 46, 4, 56
	)
	c := Chart{W: w, H: max(len(top), 1)*row + 6, Title: "主要条款的提问数（每个回答只计第一条引用）", Empty: len(top) == 0}
	peak := 0
	for _, v := range top {
		peak = max(peak, v.Total)
	}
	scale := float64(w-left-right) / float64(max(peak, 1))
	for i, v := range top {
		y0 := float64(i*row) + 4
		ci := clauseInfo(v.Clause)
		title := ci.ID
		if ci.Title != "" {
			title += " " + ci.Title
		}
		if r := []rune(title); len(r) > 24 { // fits the row at phone width too
			title = string(r[:24]) + "…"
		}
		c.Texts = append(c.Texts, Text{X: f1(left), Y: f1(y0 + 16), Anchor: "start", S: title})
		label := v.Clause + "：" + strconv.Itoa(v.Total) + " 次（已回答 " + strconv.Itoa(v.Answered) + "，未回答 " + strconv.Itoa(v.Unanswered) + "）"
		wa := float64(v.Answered) * scale
		if v.Answered > 0 {
			c.Rects = append(c.Rects, Rect{X: f1(left), Y: f1(y0 + 22), W: f1(wa), H: "16", Class: "bar-answered", Label: label})
		}
		if v.Unanswered > 0 {
			c.Rects = append(c.Rects, Rect{X: f1(left + wa), Y: f1(y0 + 22), W: f1(float64(v.Unanswered) * scale), H: "16", Class: "bar-unanswered", Label: label})
		}
		c.Texts = append(c.Texts, Text{X: f1(left + float64(v.Total)*scale + 6), Y: f1(y0 + 35), Anchor: "start", S: strconv.Itoa(v.Total)})
	}
	return c
}
