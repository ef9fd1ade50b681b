package budget

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

// ErrUnbounded is wrapped when a call's worst-case cost cannot be computed
// (its arguments do not let the tool bound it), so it cannot be reserved.
var ErrUnbounded = errors.New("budget: cannot bound the cost of this call")

// OverageRecorder is implemented by accounts that record money a call cost
// beyond what was reserved for it: an upstream that billed more than the
// bound Baton asked for. A [Guard] never commits more than it reserved; it
// hands the excess here. An account that records overage may refuse further
// reservations until someone acknowledges it (the server's keys do).
type OverageRecorder interface {
	// RecordOverage records excess (> 0), spent beyond a reservation.
	RecordOverage(ctx context.Context, excess money.Amount) error
}

// Guard is the one place a paid call is reserved, run and settled, the way
// net/http middleware wraps a handler: it computes the call's worst case from
// the limits the call will run under ([tool.Spec.Limits], enforced by
// [tool.Invoke]), reserves it on Account, runs the call, commits the actual
// cost or releases the hold when nothing was billed, and never commits more
// than it reserved: an excess is reported to the accounts that implement
// [OverageRecorder]. The orchestrator and the server's gateway both pay
// through a Guard.
type Guard struct {
	// Account is charged: usually a [Multi] of a run's budget and a key's.
	Account Account
}

// Outcome is what a guarded call cost.
type Outcome struct {
	// Result is the call's result; nil when the call never completed.
	Result *tool.Result
	// Started reports that the worst case was reserved and the call began;
	// false means it was refused (or could not be bounded) and cost nothing.
	Started bool
	// Reserved is the worst case held before the call.
	Reserved money.Amount
	// Charged is what was committed: the actual cost, at most Reserved.
	Charged money.Amount
	// Overage is what the call cost beyond Reserved (recorded, not charged).
	Overage money.Amount
}

// Cost is what the call really cost: Charged plus Overage.
func (o Outcome) Cost() money.Amount { return o.Charged.Add(o.Overage) }

// Call runs t with args (already validated) under the guard. The error
// wraps [ErrUnbounded] or the account's refusal ([ErrExceeded], or the
// account's own error) when the call never ran; onReserved, if not nil, is
// called with the worst case once it is held and before the call starts.
// When ctx ends during the call, the worst case is charged (the call may
// have been billed) and the context's error is returned with the Outcome.
// A settlement error (the ledger could not be written) is logged by the
// caller from the returned Outcome's Settle error; see [Reservation.Commit].
func (g Guard) Call(ctx context.Context, t tool.Tool, args json.RawMessage, onReserved func(worst money.Amount)) (Outcome, error) {
	worst, err := tool.WorstCase(t, args)
	if err != nil {
		return Outcome{}, fmt.Errorf("%w: %s: %w", ErrUnbounded, t.Spec().Name, err)
	}
	r, err := g.Reserve(ctx, worst)
	if err != nil {
		return Outcome{}, err
	}
	if onReserved != nil {
		onReserved(worst)
	}
	res, err := tool.Invoke(ctx, t, args)
	bctx := context.WithoutCancel(ctx)
	if err != nil {
		// What the call spent before it was cut off is unknown: the worst
		// case is charged rather than nothing.
		out, cerr := r.Commit(bctx, worst)
		out.Started = true
		return out, errors.Join(err, cerr)
	}
	if res.Unbilled && res.Cost == 0 {
		if rerr := r.Release(bctx); rerr != nil {
			return Outcome{Result: res, Started: true, Reserved: worst}, fmt.Errorf("budget: release: %w", rerr)
		}
		return Outcome{Result: res, Started: true, Reserved: worst}, nil
	}
	out, cerr := r.Commit(bctx, res.Cost)
	out.Result, out.Started = res, true
	if cerr != nil {
		return out, fmt.Errorf("budget: settle %s: %w", t.Spec().Name, cerr)
	}
	return out, nil
}

// Reserve holds worst on the guard's account, for a caller that runs the
// call itself (a streamed gateway call) but settles it through the guard.
func (g Guard) Reserve(ctx context.Context, worst money.Amount) (*Reservation, error) {
	h, err := g.Account.Reserve(ctx, worst)
	if err != nil {
		return nil, err
	}
	return &Reservation{acct: g.Account, hold: h, max: worst}, nil
}

// Unreserved settles money spent with no reservation (a policy that does
// not bound its cost before deciding): nothing can be charged inside a
// bound, so all of cost is recorded as overage.
func (g Guard) Unreserved(ctx context.Context, cost money.Amount) (Outcome, error) {
	if cost <= 0 {
		return Outcome{}, nil
	}
	return Outcome{Overage: cost}, recordOverage(ctx, g.Account, cost)
}

// Reservation is a hold made by a [Guard]. Its Commit charges at most the
// reserved amount; exactly one of Commit, CommitWith or Release takes
// effect, later calls are no-ops.
type Reservation struct {
	acct Account
	hold Hold
	max  money.Amount

	mu   sync.Mutex
	done bool
}

// Max is the reserved worst case.
func (r *Reservation) Max() money.Amount { return r.max }

// Split divides an actual cost into what a commit charges (at most Max)
// and the overage beyond it.
func (r *Reservation) Split(actual money.Amount) (charge, overage money.Amount) {
	if actual > r.max {
		return r.max, actual - r.max
	}
	return actual, 0
}

// Commit charges actual, capped at Max, and records any excess as overage
// on the account. Outcome.Result is nil.
func (r *Reservation) Commit(ctx context.Context, actual money.Amount) (Outcome, error) {
	return r.CommitWith(ctx, actual, nil)
}

// CommitWith is [Reservation.Commit] with the store's own commit: commit,
// if not nil, is called with the underlying hold and the capped charge
// (e.g. to commit and record a run in one write) instead of Hold.Commit.
func (r *Reservation) CommitWith(ctx context.Context, actual money.Amount, commit func(ctx context.Context, h Hold, charge money.Amount) error) (Outcome, error) {
	if actual < 0 {
		actual = 0
	}
	charge, over := r.Split(actual)
	out := Outcome{Reserved: r.max, Charged: charge, Overage: over}
	if !r.finish() {
		return Outcome{Reserved: r.max}, nil
	}
	var err error
	if commit != nil {
		err = commit(ctx, r.hold, charge)
	} else {
		err = r.hold.Commit(ctx, charge)
	}
	if over > 0 {
		err = errors.Join(err, recordOverage(ctx, r.acct, over))
	}
	return out, err
}

// Release frees the hold without charging: the call was not billed.
func (r *Reservation) Release(ctx context.Context) error {
	if !r.finish() {
		return nil
	}
	return r.hold.Release(ctx)
}

func (r *Reservation) finish() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return false
	}
	r.done = true
	return true
}

// recordOverage reports excess to acct if it records overage.
func recordOverage(ctx context.Context, acct Account, excess money.Amount) error {
	if o, ok := acct.(OverageRecorder); ok {
		if err := o.RecordOverage(ctx, excess); err != nil {
			return fmt.Errorf("budget: recording an overage of %s: %w", excess, err)
		}
	}
	return nil
}

// Wrap returns t guarded by acct, as a [tool.Tool]: each Call pays through
// a [Guard]. A call the account refuses comes back as an unbilled error
// Result the policy can read; a call whose context ended is charged its
// worst case.
func Wrap(t tool.Tool, acct Account) tool.Tool { return &guarded{t: t, g: Guard{Account: acct}} }

type guarded struct {
	t tool.Tool
	g Guard
}

var _ tool.Tool = (*guarded)(nil)

func (w *guarded) Spec() tool.Spec { return w.t.Spec() }

func (w *guarded) Call(ctx context.Context, args json.RawMessage) (*tool.Result, error) {
	out, err := w.g.Call(ctx, w.t, args, nil)
	if out.Result == nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return tool.Rejectf("refused %s: %v", w.t.Spec().Name, err), nil
	}
	res := *out.Result
	res.Cost = out.Cost()
	if res.Cost == 0 && !res.Unbilled {
		// Priced and found free; keep a wrapping Set from pricing it again.
		res.Unbilled = true
	}
	return &res, err
}
