package toolscale

import (
	"encoding/json"
	"math/rand"
	"testing"
)

// goldTask builds a task from (tool, arguments) pairs.
func goldTask(id string, info []string, acts ...string) *Task {
	t := &Task{ID: id}
	for i := 0; i+1 < len(acts); i += 2 {
		t.EvaluationCriteria.Actions = append(t.EvaluationCriteria.Actions, Action{Name: acts[i], Arguments: json.RawMessage(acts[i+1])})
	}
	t.EvaluationCriteria.CommunicateInfo = info
	t.UserScenario.Instructions.ReasonForCall = "same words"
	return t
}

func TestVerifierDropsEachReason(t *testing.T) {
	_, db := movieDB(11)
	confirmed := firstWith(db, "bookings", "status", "confirmed")
	var other string
	for _, k := range db.Keys("bookings") {
		if r, _ := db.Get("bookings", k); r["status"] == "confirmed" && k != confirmed {
			other = k
			break
		}
	}
	completed := firstWith(db, "bookings", "status", "completed")
	cust, _ := db.Get("customers", "M0001")
	cancel := func(b string) string { return `{"booking_id":"` + b + `"}` }
	get := "get_booking_details"
	v := NewVerifier(db)
	steps := []struct {
		name string
		task *Task
		want DropReason // "" means kept
	}{
		{"kept", goldTask("ok", nil, get, cancel(confirmed), "cancel_booking", cancel(confirmed)), ""},
		{"duplicate actions", goldTask("dupa", nil, get, cancel(confirmed), "cancel_booking", cancel(confirmed)), DropDuplicateActions},
		{"duplicate outcome", goldTask("dupo", nil, "cancel_booking", cancel(confirmed)), DropDuplicateOutcome},
		{"golden action fails", goldTask("fail", nil, get, cancel(completed), "cancel_booking", cancel(completed)), DropFailed},
		{"unknown tool", goldTask("unk", nil, "teleport", `{}`), DropFailed},
		{"no state change", goldTask("same", nil, "update_customer_phone", `{"customer_id":"M0001","phone":"`+cust["phone"].(string)+`"}`), DropNoChange},
		{"read only", goldTask("ro", nil, get, cancel(confirmed)), DropShape},
		{"too many actions", goldTask("long", nil, get, cancel(other), get, cancel(other), get, cancel(other), get, cancel(other), get, cancel(other), get, cancel(other), "cancel_booking", cancel(other)), DropShape},
		{"info never observed", goldTask("info", []string{"purple elephant"}, get, cancel(other), "cancel_booking", cancel(other)), DropUnobserved},
		{"info observed", goldTask("info2", []string{"cancelled"}, get, cancel(other), "cancel_booking", cancel(other)), ""},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			reason, err := v.Add(s.task)
			if reason != s.want {
				t.Fatalf("reason = %q (%v), want %q", reason, err, s.want)
			}
			if (err == nil) != (s.want == "") {
				t.Fatalf("err = %v for reason %q", err, reason)
			}
		})
	}
	got := v.Dropped()
	want := map[DropReason]int{DropDuplicateActions: 1, DropDuplicateOutcome: 1, DropFailed: 2, DropNoChange: 1, DropShape: 2, DropUnobserved: 1}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("Dropped()[%s] = %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
}

// TestReplayIsDeterministic is a property test: random valid golden
// sequences, drawn by the planner from random seeds and domains, replay to
// the same final hash twice, and never touch the base database.
func TestReplayIsDeterministic(t *testing.T) {
	names := Domains()
	for seed := int64(0); seed < 40; seed++ {
		r := rand.New(rand.NewSource(seed))
		bp := blueprints[names[r.Intn(len(names))]]
		db := bp.populate(bp.spec(), r)
		base := db.Hash()
		pl := &planner{bp: bp, db: db, g: &gen{r: r, seen: map[string]bool{}}}
		task, p, goals := pl.base(baseKinds[r.Intn(len(baseKinds))])
		if task == nil {
			continue
		}
		if e := pl.evolve("x", p, goals); e != nil && r.Intn(2) == 0 {
			task = e
		}
		v := NewVerifier(db)
		a, _, err := v.Replay(task)
		if err != nil {
			t.Fatalf("seed %d %s: %v", seed, bp.name, err)
		}
		b, _, err := v.Replay(task)
		if err != nil {
			t.Fatal(err)
		}
		if a.Hash() != b.Hash() {
			t.Fatalf("seed %d %s: two replays gave different hashes", seed, bp.name)
		}
		if a.Hash() == base || db.Hash() != base {
			t.Fatalf("seed %d %s: replay left the copy unchanged or changed the base", seed, bp.name)
		}
	}
}
