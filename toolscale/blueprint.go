package toolscale

import (
	"fmt"
	"math"
	"math/rand"
	"regexp"
	"strings"
)

// blueprint is a procedural domain: a person who holds bookings of
// resources (a customer's accounts at branches, a patient's appointments
// with doctors). The shape is fixed; names, fields, statuses and rules
// differ per domain, which is enough for the generic tools and tasks.
type blueprint struct {
	name     string // directory name, e.g. "bank"
	title    string // business name, e.g. "Harbor Bank"
	business string // what the agent serves, e.g. "retail banking"
	person   entity
	resource entity
	booking  entity
	status   []weighted // booking statuses
	cancel   transition
	extra    transition
	modify   modify
	create   create
	contact  string // person field the update tool changes ("phone", "email")
	searchBy string // resource field with a search tool
	rules    []string
}

type entity struct {
	singular, plural, prefix string
	min, max                 int
	fields                   []field
	label                    string // field that names a record to a user
	tell                     string // field an agent reads out
}

type field struct {
	name, typ, desc string
	enum            []string
	gen             func(g *gen) any
}

type weighted struct {
	value  string
	weight int
}

type transition struct {
	tool, verb string
	from       []string
	to         string
}

type modify struct {
	tool    string
	field   string
	require []string
}

type create struct {
	tool     string
	params   []string // booking fields the caller gives
	quantity string   // booking field consuming the resource's capacity
	capacity string   // resource field holding the capacity
	initial  string   // status of a new booking
}

// gen draws values from one seeded source.
type gen struct {
	r    *rand.Rand
	seen map[string]bool
}

func (g *gen) pick(xs []string) string { return xs[g.r.Intn(len(xs))] }
func (g *gen) between(lo, hi int) int  { return lo + g.r.Intn(hi-lo+1) }

func (g *gen) weighted(ws []weighted) string {
	total := 0
	for _, w := range ws {
		total += w.weight
	}
	n := g.r.Intn(total)
	for _, w := range ws {
		if n < w.weight {
			return w.value
		}
		n -= w.weight
	}
	return ws[len(ws)-1].value
}

func (g *gen) unique(f func() string) string {
	for i := 0; ; i++ {
		s := f()
		if i > 20 {
			s = fmt.Sprintf("%s %d", s, i)
		}
		if !g.seen[s] {
			g.seen[s] = true
			return s
		}
	}
}

// Field constructors.

func fPick(name, desc string, values ...string) field {
	return field{name: name, typ: "string", desc: desc, enum: values, gen: func(g *gen) any { return g.pick(values) }}
}

func fWords(name, desc string, values ...string) field {
	return field{name: name, typ: "string", desc: desc, gen: func(g *gen) any { return g.pick(values) }}
}

func fInt(name, desc string, lo, hi int) field {
	return field{name: name, typ: "integer", desc: desc, gen: func(g *gen) any { return int64(g.between(lo, hi)) }}
}

func fMoney(name, desc string, lo, hi int) field {
	return field{name: name, typ: "number", desc: desc, gen: func(g *gen) any {
		cents := g.between(lo*100, hi*100)
		return math.Round(float64(cents)) / 100
	}}
}

// fDate draws a date in 2025 (the synthetic "now" is 2025-06-01).
func fDate(name, desc string) field {
	return field{name: name, typ: "string", desc: desc + " (YYYY-MM-DD)", gen: func(g *gen) any {
		return fmt.Sprintf("2025-%02d-%02d", g.between(1, 12), g.between(1, 28))
	}}
}

func fTime(name, desc string) field {
	return field{name: name, typ: "string", desc: desc + " (HH:MM, 24h)", gen: func(g *gen) any {
		return fmt.Sprintf("%02d:%02d", g.between(8, 21), 15*g.r.Intn(4))
	}}
}

func fCode(name, desc, prefix string, digits int) field {
	return field{name: name, typ: "string", desc: desc, gen: func(g *gen) any {
		return g.unique(func() string { return fmt.Sprintf("%s%0*d", prefix, digits, g.r.Intn(int(math.Pow10(digits)))) })
	}}
}

func (e *entity) key() string { return e.singular + "_id" }

func (e *entity) field(name string) *field {
	for i := range e.fields {
		if e.fields[i].name == name {
			return &e.fields[i]
		}
	}
	return nil
}

func words(s string) string { return strings.ReplaceAll(s, "_", " ") }

var articleRE = regexp.MustCompile(`\b([Aa]) ([aeioAEIO])`)

// articles turns "a" into "an" before a vowel in generated English ("a
// order" is what templates over nouns produce).
func articles(s string) string { return articleRE.ReplaceAllString(s, "${1}n $2") }
