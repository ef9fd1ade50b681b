package toolscale

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
)

// Person statuses: a suspended person may not open new bookings.
var personStatuses = []weighted{{"active", 9}, {"suspended", 1}}

func (bp *blueprint) statusValues() []string {
	var out []string
	for _, w := range bp.status {
		out = append(out, w.value)
	}
	return out
}

// collections returns the domain's schema: person, resource, booking.
func (bp *blueprint) collections() []Collection {
	p, r, b := &bp.person, &bp.resource, &bp.booking
	col := func(e *entity, head []Field) Collection {
		c := Collection{Name: e.plural, Entity: words(e.singular), Key: e.key(), IDPrefix: e.prefix, IDWidth: 4}
		c.Fields = append(head, fieldsOf(e.fields)...)
		return c
	}
	str := func(name, desc string) Field { return Field{Name: name, Type: "string", Description: desc} }
	return []Collection{
		col(p, []Field{
			str(p.key(), "Unique id of the "+words(p.singular)+"."),
			str("name", "Full name."),
			str("email", "Email address; unique."),
			str("phone", "Phone number."),
			{Name: "status", Type: "string", Enum: []string{"active", "suspended"}, Description: "Account standing; suspended " + words(p.plural) + " cannot make new " + words(b.plural) + "."},
		}),
		col(r, []Field{str(r.key(), "Unique id of the "+words(r.singular)+".")}),
		col(b, []Field{
			str(b.key(), "Unique id of the "+words(b.singular)+"."),
			{Name: p.key(), Type: "string", Ref: p.plural, Description: "The " + words(p.singular) + " who holds it."},
			{Name: r.key(), Type: "string", Ref: r.plural, Description: "The " + words(r.singular) + " it is for."},
			{Name: "status", Type: "string", Enum: bp.statusValues(), Description: "Current status."},
		}),
	}
}

func fieldsOf(fs []field) []Field {
	out := make([]Field, len(fs))
	for i, f := range fs {
		out[i] = Field{Name: f.name, Type: f.typ, Enum: f.enum, Description: f.desc}
	}
	return out
}

func param(name, typ, desc string, enum ...string) Param {
	return Param{Name: name, Type: typ, Description: desc, Enum: enum}
}

func quoted(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = "'" + x + "'"
	}
	return strings.Join(q, " or ")
}

// tools returns the generic read and write tools of the blueprint.
func (bp *blueprint) tools() []ToolSpec {
	p, r, b := &bp.person, &bp.resource, &bp.booking
	pn, rn, bn := words(p.singular), words(r.singular), words(b.singular)
	idp := func(e *entity) Param {
		return param(e.key(), "string", "The "+words(e.singular)+" id, such as '"+e.prefix+"0001'.")
	}
	get := func(e *entity) ToolSpec {
		return ToolSpec{Name: "get_" + e.singular + "_details", Kind: KindGet, Collection: e.plural, KeyParam: e.key(),
			Description: "Get the details of a " + words(e.singular) + " by its id.", Params: []Param{idp(e)}}
	}
	sf := r.field(bp.searchBy)
	cancelReq := Precondition{Field: "status", In: bp.cancel.from, Message: "Cannot " + bp.cancel.verb + " a {value} " + bn}
	extraReq := Precondition{Field: "status", In: bp.extra.from, Message: "Cannot " + bp.extra.verb + " a {value} " + bn}
	modReq := Precondition{Field: "status", In: bp.modify.require, Message: "Cannot change the " + words(bp.modify.field) + " of a {value} " + bn}
	mf := b.field(bp.modify.field)
	ts := []ToolSpec{
		get(p),
		{Name: "find_" + p.singular + "_by_email", Kind: KindFind, Collection: p.plural,
			Description: "Find a " + pn + " by email address. Use it to identify the " + pn + ".",
			Params:      []Param{param("email", "string", "The email address.")}, Match: []Bind{{"email", "email"}}},
		get(r),
		{Name: "search_" + r.plural + "_by_" + bp.searchBy, Kind: KindFind, Collection: r.plural,
			Description: "List the " + words(r.plural) + " whose " + words(bp.searchBy) + " equals the given value.",
			Params:      []Param{param(bp.searchBy, sf.typ, sf.desc, sf.enum...)}, Match: []Bind{{bp.searchBy, bp.searchBy}}},
		get(b),
		{Name: "list_" + p.singular + "_" + b.plural, Kind: KindList, Collection: b.plural,
			Description: "List the ids of a " + pn + "'s " + words(b.plural) + ".",
			Params:      []Param{idp(p)}, Match: []Bind{{p.key(), p.key()}}},
		{Name: bp.cancel.tool, Kind: KindUpdate, Collection: b.plural, KeyParam: b.key(),
			Description: capitalize(bp.cancel.verb) + " a " + bn + ". Only a " + bn + " whose status is " + quoted(bp.cancel.from) + " can be " + bp.cancel.to + ".",
			Params:      []Param{idp(b)}, Require: []Precondition{cancelReq}, Set: []Assign{{Field: "status", Value: jsonString(bp.cancel.to)}}},
		{Name: bp.extra.tool, Kind: KindUpdate, Collection: b.plural, KeyParam: b.key(),
			Description: capitalize(bp.extra.verb) + " a " + bn + ", setting its status to '" + bp.extra.to + "'. Only a " + bn + " whose status is " + quoted(bp.extra.from) + " qualifies.",
			Params:      []Param{idp(b)}, Require: []Precondition{extraReq}, Set: []Assign{{Field: "status", Value: jsonString(bp.extra.to)}}},
		{Name: bp.modify.tool, Kind: KindUpdate, Collection: b.plural, KeyParam: b.key(),
			Description: "Change the " + words(bp.modify.field) + " of a " + bn + " whose status is " + quoted(bp.modify.require) + ".",
			Params:      []Param{idp(b), param(mf.name, mf.typ, "The new "+words(mf.name)+": "+mf.desc, mf.enum...)},
			Require:     []Precondition{modReq}, Set: []Assign{{Field: mf.name, Param: mf.name}}},
	}
	cr := ToolSpec{Name: bp.create.tool, Kind: KindCreate, Collection: b.plural,
		Description: "Create a new " + bn + " of a " + rn + " for a " + pn + ". The " + pn + " must be active.",
		Params:      []Param{idp(p), idp(r)},
		Refs: []Ref{
			{Param: p.key(), Collection: p.plural, Require: []Precondition{{Field: "status", In: []string{"active"}, Message: "Cannot create a " + bn + " for a {value} " + pn}}},
			{Param: r.key(), Collection: r.plural},
		},
		Set: []Assign{{Field: p.key(), Param: p.key()}, {Field: r.key(), Param: r.key()}, {Field: "status", Value: jsonString(bp.create.initial)}},
	}
	for _, name := range bp.create.params {
		f := b.field(name)
		pr := param(f.name, f.typ, f.desc, f.enum...)
		if name == bp.create.quantity {
			one := 1.0
			pr.Minimum = &one
		}
		cr.Params = append(cr.Params, pr)
		cr.Set = append(cr.Set, Assign{Field: f.name, Param: f.name})
	}
	if bp.create.quantity != "" {
		zero := 0.0
		cr.Adjust = []Adjust{{Field: bp.create.capacity, Param: bp.create.quantity, Sign: -1, On: r.key(), Min: &zero,
			Message: "Not enough " + words(bp.create.capacity) + " on this " + rn}}
		cr.Description += " It takes " + words(bp.create.quantity) + " from the " + rn + "'s " + words(bp.create.capacity) + "."
	}
	ts = append(ts, cr, ToolSpec{Name: "update_" + p.singular + "_" + bp.contact, Kind: KindUpdate, Collection: p.plural, KeyParam: p.key(),
		Description: "Update a " + pn + "'s " + bp.contact + ".",
		Params:      []Param{idp(p), param(bp.contact, "string", "The new "+bp.contact+".")},
		Set:         []Assign{{Field: bp.contact, Param: bp.contact}}})
	for i := range ts {
		ts[i].Description = articles(ts[i].Description)
		for j := range ts[i].Refs {
			for k := range ts[i].Refs[j].Require {
				ts[i].Refs[j].Require[k].Message = articles(ts[i].Refs[j].Require[k].Message)
			}
		}
	}
	return ts
}

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// spec returns the blueprint's tools.json content.
func (bp *blueprint) spec() *Spec {
	return &Spec{Domain: bp.name, Collections: bp.collections(), Tools: bp.tools()}
}

// populate draws the records from r.
func (bp *blueprint) populate(spec *Spec, r *rand.Rand) *DB {
	g := &gen{r: r, seen: map[string]bool{}}
	db := NewDB(spec)
	p, rs, b := &bp.person, &bp.resource, &bp.booking
	id := func(e *entity, i int) string { return fmt.Sprintf("%s%04d", e.prefix, i+1) }
	np, nr, nb := g.between(p.min, p.max), g.between(rs.min, rs.max), g.between(b.min, b.max)
	for i := 0; i < np; i++ {
		first, last := g.pick(firstNames), g.pick(lastNames)
		email := g.unique(func() string {
			return fmt.Sprintf("%s.%s%d@%s", strings.ToLower(first), strings.ToLower(last), g.between(1, 99), g.pick(mailHosts))
		})
		rec := Record{p.key(): id(p, i), "name": first + " " + last, "email": email,
			"phone": fmt.Sprintf("555-%03d-%04d", g.r.Intn(1000), g.r.Intn(10000)), "status": g.weighted(personStatuses)}
		fill(g, rec, p.fields)
		db.Put(p.plural, id(p, i), rec)
	}
	for i := 0; i < nr; i++ {
		rec := Record{rs.key(): id(rs, i)}
		fill(g, rec, rs.fields)
		db.Put(rs.plural, id(rs, i), rec)
	}
	for i := 0; i < nb; i++ {
		rec := Record{b.key(): id(b, i), p.key(): id(p, g.r.Intn(np)), rs.key(): id(rs, g.r.Intn(nr)), "status": g.weighted(bp.status)}
		fill(g, rec, b.fields)
		db.Put(b.plural, id(b, i), rec)
	}
	return db
}

func fill(g *gen, rec Record, fs []field) {
	for _, f := range fs {
		rec[f.name] = f.gen(g)
	}
}
