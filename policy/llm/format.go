package llm

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/policy"
)

// priceText says what one call costs, e.g. "$1.25/1M input tokens + $10/1M
// output tokens" or "free".
func priceText(p money.Price) string {
	var parts []string
	if p.PerCall > 0 {
		parts = append(parts, p.PerCall.String()+" per call")
	}
	if p.PerSecond > 0 {
		parts = append(parts, p.PerSecond.String()+" per second")
	}
	if p.InputPerM > 0 {
		parts = append(parts, p.InputPerM.String()+"/1M input tokens")
	}
	if p.OutputPerM > 0 {
		parts = append(parts, p.OutputPerM.String()+"/1M output tokens")
	}
	if len(parts) == 0 {
		return "free"
	}
	return strings.Join(parts, " + ")
}

// latencyText writes a typical latency in seconds the way ToolOrchestra's
// tables do ("31s"), keeping one decimal below ten seconds ("0.2s").
func latencyText(d time.Duration) string {
	if d <= 0 {
		return "unknown"
	}
	s := d.Seconds()
	if s >= 10 {
		return strconv.FormatFloat(float64(d.Round(time.Second))/float64(time.Second), 'f', -1, 64) + "s"
	}
	if d < 50*time.Millisecond {
		return d.Round(time.Millisecond).String()
	}
	return strconv.FormatFloat(float64(d.Round(100*time.Millisecond))/float64(time.Second), 'f', -1, 64) + "s"
}

// budgetText describes the caps and what is left of them.
func budgetText(s *policy.State) string {
	var b episode.Budget
	if s.Task != nil {
		b = s.Task.Budget
	}
	var lines []string
	if b.MaxCost > 0 {
		lines = append(lines, fmt.Sprintf("- cost: at most %s in total; %s spent so far, %s left", b.MaxCost, s.Spent, b.MaxCost-s.Spent))
	} else {
		lines = append(lines, fmt.Sprintf("- cost: no cap; %s spent so far", s.Spent))
	}
	if b.MaxTime > 0 {
		lines = append(lines, fmt.Sprintf("- time: at most %s; %s elapsed", b.MaxTime, s.Elapsed.Round(time.Millisecond)))
	} else {
		lines = append(lines, fmt.Sprintf("- time: no cap; %s elapsed", s.Elapsed.Round(time.Millisecond)))
	}
	if b.MaxTurns > 0 {
		lines = append(lines, fmt.Sprintf("- turns: this is turn %d of at most %d; the last turn must give the answer", s.Turn, b.MaxTurns))
	} else {
		lines = append(lines, fmt.Sprintf("- turns: this is turn %d; no cap", s.Turn))
	}
	return strings.Join(lines, "\n")
}

// preferenceText describes the user's preferences, weights and words;
// rename writes a tool's name as the model knows it.
func preferenceText(p episode.Preferences, rename func(string) string) string {
	if p.IsZero() {
		return "No stated preferences: be correct first, then cheap, then fast."
	}
	var lines []string
	if p.Accuracy != 0 || p.Cost != 0 || p.Latency != 0 {
		lines = append(lines, fmt.Sprintf("- weights (only ratios matter): accuracy %s, low cost %s, low latency %s",
			weight(p.Accuracy), weight(p.Cost), weight(p.Latency)))
	}
	if len(p.Tools) > 0 {
		names := make([]string, 0, len(p.Tools))
		for n := range p.Tools {
			names = append(names, n)
		}
		sort.Strings(names)
		var ws []string
		for _, n := range names {
			ws = append(ws, rename(n)+" "+weight(p.Tools[n]))
		}
		lines = append(lines, "- tool weights (higher means the user wants it used more): "+strings.Join(ws, ", "))
	}
	if t := strings.TrimSpace(p.Text); t != "" {
		lines = append(lines, "- in the user's words: "+t)
	}
	return strings.Join(lines, "\n")
}

func weight(w float64) string { return strconv.FormatFloat(w, 'g', 4, 64) }
