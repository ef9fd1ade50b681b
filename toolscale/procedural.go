package toolscale

import (
	"fmt"
	"slices"
	"strings"
)

// Goal kinds: what a user wants done in a task.
const (
	goalCancel  = "cancel"
	goalExtra   = "extra"
	goalModify  = "modify"
	goalCreate  = "create"
	goalContact = "contact"
	goalRefuse  = "refuse" // a request the policy forbids: the agent must decline
)

var baseKinds = []string{goalCancel, goalModify, goalCreate, goalContact, goalExtra}

type goal struct {
	kind     string
	booking  string
	resource string
	value    any
	params   [][2]any // create parameters in blueprint order
}

// planner draws task scenarios from a blueprint and its initial database.
type planner struct {
	bp *blueprint
	db *DB
	g  *gen
}

func (pl *planner) rec(col, key string) Record { r, _ := pl.db.Get(col, key); return r }

func (pl *planner) activePeople() []string {
	var out []string
	for _, k := range pl.db.Keys(pl.bp.person.plural) {
		if pl.rec(pl.bp.person.plural, k)["status"] == "active" {
			out = append(out, k)
		}
	}
	return out
}

// bookingsOf returns p's bookings whose label is unique among them, so a
// user can name one unambiguously.
func (pl *planner) bookingsOf(p string) []string {
	b := &pl.bp.booking
	var all []string
	count := map[string]int{}
	for _, k := range pl.db.Keys(b.plural) {
		r := pl.rec(b.plural, k)
		if r[pl.bp.person.key()] == p {
			all = append(all, k)
			count[Text(r[b.label])]++
		}
	}
	return slices.DeleteFunc(all, func(k string) bool { return count[Text(pl.rec(b.plural, k)[b.label])] > 1 })
}

func (pl *planner) status(b string) string { return Text(pl.rec(pl.bp.booking.plural, b)["status"]) }

// draw picks a goal of kind for person p, avoiding bookings in used.
func (pl *planner) draw(kind, p string, used map[string]bool) (goal, bool) {
	bp := pl.bp
	var want func(status string) bool
	switch kind {
	case goalCancel:
		want = func(s string) bool { return slices.Contains(bp.cancel.from, s) }
	case goalExtra:
		want = func(s string) bool { return slices.Contains(bp.extra.from, s) }
	case goalModify:
		want = func(s string) bool { return slices.Contains(bp.modify.require, s) }
	case goalRefuse:
		want = func(s string) bool { return !slices.Contains(bp.cancel.from, s) }
	case goalContact:
		var v string
		if bp.contact == "email" {
			name := strings.ToLower(strings.ReplaceAll(Text(pl.rec(bp.person.plural, p)["name"]), " ", "."))
			v = pl.g.unique(func() string { return fmt.Sprintf("%s.%d@%s", name, pl.g.between(100, 999), pl.g.pick(mailHosts)) })
		} else {
			v = fmt.Sprintf("555-%03d-%04d", pl.g.r.Intn(1000), pl.g.r.Intn(10000))
		}
		return goal{kind: kind, value: v}, true
	case goalCreate:
		return pl.drawCreate()
	}
	var cands []string
	for _, b := range pl.bookingsOf(p) {
		if !used[b] && want(pl.status(b)) {
			cands = append(cands, b)
		}
	}
	if len(cands) == 0 {
		return goal{}, false
	}
	gl := goal{kind: kind, booking: cands[pl.g.r.Intn(len(cands))]}
	if kind == goalModify {
		f := bp.booking.field(bp.modify.field)
		cur := Text(pl.rec(bp.booking.plural, gl.booking)[f.name])
		for range 10 {
			if v := f.gen(pl.g); Text(v) != cur {
				gl.value = v
				return gl, true
			}
		}
		return goal{}, false
	}
	return gl, true
}

func (pl *planner) drawCreate() (goal, bool) {
	bp := pl.bp
	keys := pl.db.Keys(bp.resource.plural)
	for range 10 {
		r := keys[pl.g.r.Intn(len(keys))]
		gl := goal{kind: goalCreate, resource: r}
		ok := true
		for _, name := range bp.create.params {
			v := bp.booking.field(name).gen(pl.g)
			if name == bp.create.quantity {
				capacity, _ := pl.rec(bp.resource.plural, r)[bp.create.capacity].(int64)
				q := v.(int64)
				if q > capacity {
					ok = false
				}
			}
			gl.params = append(gl.params, [2]any{name, v})
		}
		if ok {
			return gl, true
		}
	}
	return goal{}, false
}

// compose turns goals for person p into a task.
func (pl *planner) compose(p string, goals []goal, purpose string) *Task {
	bp := pl.bp
	pc, bc, rc := bp.person.plural, bp.booking.plural, bp.resource.plural
	pn, bn, rn := words(bp.person.singular), words(bp.booking.singular), words(bp.resource.singular)
	person := pl.rec(pc, p)
	t := &Task{Description: Description{Purpose: purpose}}
	crit := &t.EvaluationCriteria
	add := func(name string, a []byte) {
		crit.Actions = append(crit.Actions, Action{Name: name, Arguments: a})
	}
	add("find_"+bp.person.singular+"_by_email", args("email", person["email"]))
	for _, gl := range goals {
		if gl.booking != "" {
			add("list_"+bp.person.singular+"_"+bc, args(bp.person.key(), p))
			break
		}
	}
	var reasons, steps []string
	known := []string{fmt.Sprintf("You are %s.", person["name"]), fmt.Sprintf("Your email is %s.", person["email"])}
	crit.NLAssertions = append(crit.NLAssertions, fmt.Sprintf("Agent identifies the %s by email before making any change.", pn))
	tell := func(v any) {
		s := Text(v)
		// Values this short occur by chance in any reply.
		if len(s) < 3 {
			return
		}
		if !slices.Contains(crit.CommunicateInfo, s) {
			crit.CommunicateInfo = append(crit.CommunicateInfo, s)
		}
	}
	for _, gl := range goals {
		var b Record
		var desc string
		if gl.booking != "" {
			b = pl.rec(bc, gl.booking)
			desc = fmt.Sprintf("your %s with %s %s", bn, words(bp.booking.label), Text(b[bp.booking.label]))
			add("get_"+bp.booking.singular+"_details", args(bp.booking.key(), gl.booking))
		}
		switch gl.kind {
		case goalCancel:
			add(bp.cancel.tool, args(bp.booking.key(), gl.booking))
			reasons = append(reasons, fmt.Sprintf("You want to %s %s.", bp.cancel.verb, desc))
			steps = append(steps, fmt.Sprintf("Before confirming, ask the agent to read you the %q field of that %s.", words(bp.booking.tell), bn))
			tell(b[bp.booking.tell])
			crit.NLAssertions = append(crit.NLAssertions, fmt.Sprintf("Agent sets %s %s to %s.", bn, gl.booking, bp.cancel.to))
		case goalExtra:
			add(bp.extra.tool, args(bp.booking.key(), gl.booking))
			reasons = append(reasons, fmt.Sprintf("You want to %s %s.", bp.extra.verb, desc))
			steps = append(steps, fmt.Sprintf("Ask the agent to read you the %q field of that %s.", words(bp.booking.tell), bn))
			tell(b[bp.booking.tell])
			crit.NLAssertions = append(crit.NLAssertions, fmt.Sprintf("Agent sets %s %s to %s.", bn, gl.booking, bp.extra.to))
		case goalModify:
			f := bp.modify.field
			add(bp.modify.tool, args(bp.booking.key(), gl.booking, f, gl.value))
			reasons = append(reasons, fmt.Sprintf("You want to change the %s of %s to %s.", words(f), desc, Text(gl.value)))
			crit.NLAssertions = append(crit.NLAssertions, fmt.Sprintf("Agent changes the %s of %s %s to %s.", words(f), bn, gl.booking, Text(gl.value)))
		case goalRefuse:
			reasons = append(reasons, fmt.Sprintf("You also want to %s %s.", bp.cancel.verb, desc))
			steps = append(steps, fmt.Sprintf("If the agent says that %s cannot be %s, ask for its current status, then accept and do not insist.", bn, bp.cancel.to))
			tell(b["status"])
			crit.NLAssertions = append(crit.NLAssertions, fmt.Sprintf("Agent does not %s %s %s, whose status is %s.", bp.cancel.verb, bn, gl.booking, Text(b["status"])))
		case goalCreate:
			r := pl.rec(rc, gl.resource)
			add("get_"+bp.resource.singular+"_details", args(bp.resource.key(), gl.resource))
			kv := []any{bp.person.key(), p, bp.resource.key(), gl.resource}
			var given []string
			for _, pv := range gl.params {
				kv = append(kv, pv[0], pv[1])
				given = append(given, fmt.Sprintf("%s: %s", words(pv[0].(string)), Text(pv[1])))
			}
			add(bp.create.tool, args(kv...))
			known = append(known, fmt.Sprintf("The %s you want is %s.", rn, gl.resource))
			reasons = append(reasons, fmt.Sprintf("You want a new %s for %s %s.", bn, rn, gl.resource))
			steps = append(steps, fmt.Sprintf("Give these details when asked: %s. Ask the agent to read you the %q field of the %s.", strings.Join(given, ", "), words(bp.resource.tell), rn))
			tell(r[bp.resource.tell])
			crit.NLAssertions = append(crit.NLAssertions, fmt.Sprintf("Agent creates a %s for %s %s with %s.", bn, rn, gl.resource, strings.Join(given, ", ")))
		case goalContact:
			add("update_"+bp.person.singular+"_"+bp.contact, args(bp.person.key(), p, bp.contact, gl.value))
			reasons = append(reasons, fmt.Sprintf("You want to update your %s to %s.", bp.contact, Text(gl.value)))
			steps = append(steps, fmt.Sprintf("Also ask the agent what your %q is on file.", words(bp.person.tell)))
			tell(person[bp.person.tell])
			crit.NLAssertions = append(crit.NLAssertions, fmt.Sprintf("Agent updates the %s of %s %s.", bp.contact, pn, p))
		}
	}
	steps = append(steps, "Confirm with yes when the agent asks you to confirm a change.")
	for i := range crit.NLAssertions {
		crit.NLAssertions[i] = articles(crit.NLAssertions[i])
	}
	for i := range reasons {
		reasons[i] = articles(reasons[i])
	}
	unknown := fmt.Sprintf("You do not know your %s id.", pn)
	t.UserScenario.Instructions = Instructions{
		Domain: bp.name, ReasonForCall: strings.Join(reasons, " "), KnownInfo: strings.Join(known, " "),
		UnknownInfo: &unknown, TaskInstructions: strings.Join(steps, " "),
	}
	if crit.CommunicateInfo == nil {
		crit.CommunicateInfo = []string{}
	}
	return t
}

// base draws a one-goal task of kind; nil when no person qualifies.
func (pl *planner) base(kind string) (*Task, string, []goal) {
	people := pl.activePeople()
	for range 40 {
		p := people[pl.g.r.Intn(len(people))]
		gl, ok := pl.draw(kind, p, map[string]bool{})
		if !ok {
			continue
		}
		return pl.compose(p, []goal{gl}, fmt.Sprintf("Procedural %s task: the user wants one %s.", pl.bp.name, kind)), p, []goal{gl}
	}
	return nil, "", nil
}

// evolve adds a harder goal for the same person: another write, or a
// request the policy forbids, keeping at most six golden actions.
func (pl *planner) evolve(baseID, p string, goals []goal) *Task {
	used := map[string]bool{}
	have := map[string]bool{}
	for _, gl := range goals {
		used[gl.booking] = true
		have[gl.kind] = true
	}
	order := []string{goalRefuse, goalContact, goalCancel, goalModify, goalExtra, goalCreate}
	start := pl.g.r.Intn(len(order))
	for i := range order {
		kind := order[(start+i)%len(order)]
		if have[kind] {
			continue
		}
		gl, ok := pl.draw(kind, p, used)
		if !ok {
			continue
		}
		next := append(slices.Clone(goals), gl)
		t := pl.compose(p, next, fmt.Sprintf("Evolved from task %s: adds a %s goal (more steps, tools and constraints).", baseID, kind))
		if len(t.EvaluationCriteria.Actions) <= 6 {
			return t
		}
	}
	return nil
}
