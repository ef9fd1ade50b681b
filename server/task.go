package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/batonhq/baton/chat"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/episode"
	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/server/openai"
	"github.com/batonhq/baton/store"
)

// Headers that carry per-request preferences and budget.
const (
	HeaderMaxCost = "X-Baton-Max-Cost" // US dollars, e.g. 0.02
	HeaderMaxTime = "X-Baton-Max-Time" // a duration ("30s") or seconds
	HeaderPrefer  = "X-Baton-Prefer"   // the --prefer syntax
)

// runSettings are a request's preferences and budget from the "baton"
// extension and the X-Baton-* headers (the body wins where both are set).
type runSettings struct {
	prefs  episode.Preferences
	budget episode.Budget
	tools  []string
}

func parseSettings(h http.Header, ext *openai.Extension) (runSettings, error) {
	var rs runSettings
	if v := h.Get(HeaderPrefer); v != "" {
		p, err := config.ParsePreferences(v)
		if err != nil {
			return rs, errBadRequest(HeaderPrefer, "header %s: %v", HeaderPrefer, err)
		}
		rs.prefs = p
	}
	if v := h.Get(HeaderMaxCost); v != "" {
		a, err := parseUSD(v)
		if err != nil {
			return rs, errBadRequest(HeaderMaxCost, "header %s: %v", HeaderMaxCost, err)
		}
		rs.budget.MaxCost = a
	}
	if v := h.Get(HeaderMaxTime); v != "" {
		d, err := parseSeconds(v)
		if err != nil {
			return rs, errBadRequest(HeaderMaxTime, "header %s: %v", HeaderMaxTime, err)
		}
		rs.budget.MaxTime = d
	}
	if ext == nil {
		return rs, nil
	}
	if ext.Prefer != "" {
		p, err := config.ParsePreferences(ext.Prefer)
		if err != nil {
			return rs, errBadRequest("baton.prefer", "baton.prefer: %v", err)
		}
		rs.prefs = p
	}
	if len(ext.Preferences) > 0 && string(ext.Preferences) != "null" {
		var p episode.Preferences
		dec := json.NewDecoder(bytes.NewReader(ext.Preferences))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			return rs, errBadRequest("baton.preferences", "baton.preferences: %v (fields: accuracy, cost, latency, tools, text)", err)
		}
		if p.Accuracy < 0 || p.Cost < 0 || p.Latency < 0 || math.IsNaN(p.Accuracy+p.Cost+p.Latency) {
			return rs, errBadRequest("baton.preferences", "baton.preferences: weights must not be negative")
		}
		rs.prefs = p
	}
	if b := ext.Budget; b != nil {
		if b.MaxCostUSD != "" {
			a, err := parseUSD(b.MaxCostUSD.String())
			if err != nil {
				return rs, errBadRequest("baton.budget.max_cost_usd", "baton.budget.max_cost_usd: %v", err)
			}
			rs.budget.MaxCost = a
		}
		if b.MaxTimeS < 0 || math.IsNaN(b.MaxTimeS) || b.MaxTimeS > 24*3600 {
			return rs, errBadRequest("baton.budget.max_time_s", "baton.budget.max_time_s must be between 0 and 86400")
		}
		if b.MaxTimeS > 0 {
			rs.budget.MaxTime = time.Duration(b.MaxTimeS * float64(time.Second))
		}
		if b.MaxTurns < 0 {
			return rs, errBadRequest("baton.budget.max_turns", "baton.budget.max_turns must not be negative")
		}
		rs.budget.MaxTurns = b.MaxTurns
	}
	rs.tools = ext.Tools
	return rs, nil
}

func parseUSD(s string) (money.Amount, error) {
	a, err := money.Parse(strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	if a <= 0 {
		return 0, errors.New("a cost cap must be positive")
	}
	return a, nil
}

func parseSeconds(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 || d > 24*time.Hour {
			return 0, errors.New("want a positive duration up to 24h")
		}
		return d, nil
	}
	// ParseDecimal, not ParseFloat: "NaN", "Inf" and "0x10" are refused.
	f, err := config.ParseDecimal(s)
	if err != nil || f <= 0 || f > 24*3600 {
		return 0, errors.New("want a duration such as \"30s\" or a number of seconds up to 86400 (no NaN, Inf or hex)")
	}
	return time.Duration(f * float64(time.Second)), nil
}

// tighten returns the server's default budget with each limit the request
// set lowered to it: a request can ask for less, never for more.
func tighten(def, req episode.Budget) episode.Budget {
	pick := func(d, r int64) int64 {
		switch {
		case r <= 0:
			return d
		case d <= 0 || r < d:
			return r
		}
		return d
	}
	return episode.Budget{
		MaxCost:  money.Amount(pick(int64(def.MaxCost), int64(req.MaxCost))),
		MaxTime:  time.Duration(pick(int64(def.MaxTime), int64(req.MaxTime))),
		MaxTurns: int(pick(int64(def.MaxTurns), int64(req.MaxTurns))),
	}
}

// promptOf renders a conversation as the task prompt: a lone user message
// is the prompt itself; a longer one is a transcript ending in the request.
func promptOf(msgs []chat.Message) string {
	if len(msgs) == 1 && msgs[0].Role == chat.RoleUser {
		return msgs[0].Content
	}
	var b strings.Builder
	for i, m := range msgs {
		if i > 0 {
			b.WriteString("\n\n")
		}
		switch m.Role {
		case chat.RoleSystem:
			b.WriteString("System: ")
		case chat.RoleAssistant:
			b.WriteString("Assistant: ")
		case chat.RoleTool:
			b.WriteString("Tool result: ")
		default:
			b.WriteString("User: ")
		}
		b.WriteString(m.Content)
	}
	return b.String()
}

// keyExhausted reports why a key cannot start anything: a limit it has
// already spent in full.
func keyExhausted(k store.Key, sp store.Spending) string {
	if sp.OpenOverage > 0 {
		return "the key is frozen: calls cost " + sp.OpenOverage.String() + " beyond what was reserved for them; an operator must set its budget again (baton keys set-budget " + k.ID + ")"
	}
	for _, l := range []struct {
		name         string
		limit, spent money.Amount
	}{{"daily", k.Budget.PerDay, sp.Day}, {"monthly", k.Budget.PerMonth, sp.Month}, {"total", k.Budget.Total, sp.Total}} {
		if l.limit > 0 && l.spent >= l.limit {
			return "the key's " + l.name + " budget of " + l.limit.String() + " is spent (" + l.spent.String() + ")"
		}
	}
	return ""
}
