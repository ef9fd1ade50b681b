package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
	"unicode/utf8"

	"github.com/batonhq/baton/money"
)

// MaxFeedbackText bounds a feedback's text, in bytes.
const MaxFeedbackText = 8 << 10

// Errors of feedback, for errors.Is.
var (
	// ErrInvalidFeedback is wrapped by [ValidateFeedback]'s errors.
	ErrInvalidFeedback = errors.New("store: invalid feedback")
	// ErrFeedbackExists is wrapped when a judge's feedback is not stored
	// because the run already has feedback: a judge never replaces one.
	// Its JudgeCost is still added to the run's.
	ErrFeedbackExists = errors.New("store: the run already has feedback")
)

// Sources of feedback.
const (
	// SourceUser is feedback a client sent (POST /v1/runs/{id}/feedback).
	SourceUser = "user"
	// SourceJudge is a score an LLM judge gave the run.
	SourceJudge = "judge"
)

// Feedback is an outcome reported on a run: a score in [0, 1] and an
// optional text, from a user or an LLM judge. A run has at most one. A
// user's feedback replaces any earlier one; a judge's is stored only when
// the run has none ([ErrFeedbackExists] otherwise).
type Feedback struct {
	RunID string  `json:"run_id"`
	Score float64 `json:"score"`
	Text  string  `json:"text,omitempty"`
	// Source is [SourceUser] or [SourceJudge]; empty means SourceUser.
	// The store returns it set.
	Source string `json:"source"`
	// JudgeCost is what judging the run cost, apart from the run's own
	// cost. On a judge's feedback being set, the cost of that judgment; as
	// stored, the total of the run's judgments, kept when a user's
	// feedback replaces a judge's. Zero on a user's feedback being set.
	JudgeCost money.Amount `json:"judge_cost"`
	// Created is when this feedback was stored (set by the store).
	Created time.Time `json:"created"`
}

// IsJudge reports whether f came from an LLM judge.
func (f Feedback) IsJudge() bool { return f.Source == SourceJudge }

// ValidateFeedback checks what a store accepts: a run ID, a finite score
// in [0, 1], valid UTF-8 text of at most [MaxFeedbackText] bytes, a known
// source, and a judge cost that is not negative and only on a judge's
// feedback.
func ValidateFeedback(f Feedback) error {
	switch {
	case f.Source != "" && f.Source != SourceUser && f.Source != SourceJudge:
		return fmt.Errorf("%w: source %q is neither %q nor %q", ErrInvalidFeedback, f.Source, SourceUser, SourceJudge)
	case f.JudgeCost < 0:
		return fmt.Errorf("%w: judge cost %s is negative", ErrInvalidFeedback, f.JudgeCost)
	case f.JudgeCost != 0 && f.Source != SourceJudge:
		return fmt.Errorf("%w: a judge cost on feedback whose source is not %q", ErrInvalidFeedback, SourceJudge)
	case f.RunID == "":
		return fmt.Errorf("%w: run ID is empty", ErrInvalidFeedback)
	case math.IsNaN(f.Score) || math.IsInf(f.Score, 0):
		return fmt.Errorf("%w: score %v is not a number; send a score in [0, 1]", ErrInvalidFeedback, f.Score)
	case f.Score < 0 || f.Score > 1:
		return fmt.Errorf("%w: score %v is outside [0, 1]", ErrInvalidFeedback, f.Score)
	case len(f.Text) > MaxFeedbackText:
		return fmt.Errorf("%w: text is %d bytes, over the %d allowed; shorten it", ErrInvalidFeedback, len(f.Text), MaxFeedbackText)
	case !utf8.ValidString(f.Text):
		return fmt.Errorf("%w: text is not valid UTF-8", ErrInvalidFeedback)
	}
	return nil
}

// FeedbackStore stores feedback on runs. Both backends implement it.
type FeedbackStore interface {
	// SetFeedback stores f on its run (Created is set to now, Source
	// defaults to SourceUser). A user's feedback replaces the run's
	// earlier feedback, if any (replaced then says so), and keeps the
	// run's JudgeCost. A judge's is stored only if the run has no
	// feedback; otherwise its JudgeCost is added to the run's, nothing
	// else changes, and the error wraps ErrFeedbackExists. Both happen in
	// one statement or transaction, so a judge racing a user never
	// replaces the user's. An unknown run is ErrNotFound; invalid
	// feedback ErrInvalidFeedback. stored is the run's feedback as stored.
	SetFeedback(ctx context.Context, f Feedback) (stored Feedback, replaced bool, err error)
	// GetFeedback returns the run's feedback; ErrNotFound if it has none.
	GetFeedback(ctx context.Context, runID string) (Feedback, error)
	// ListFeedback returns every feedback, ordered by run ID, with run ID
	// greater than after, at most limit of them (limit ≤ 0: all).
	ListFeedback(ctx context.Context, after string, limit int) ([]Feedback, error)
	// ClaimUnjudged hands this replica the answered runs created at or
	// after since that have no feedback and belong to no registered
	// replica (theirs died and was swept, or closed): it makes them this
	// replica's and returns their IDs, oldest first, at most limit. It is
	// one statement or transaction, so two replicas never claim the same
	// run, and a claimed run is not claimed again while this replica
	// lives. A judge takes over with it the judgments a replica killed
	// mid-way never made. A store opened [ForAdmin] claims nothing.
	ClaimUnjudged(ctx context.Context, since time.Time, limit int) ([]string, error)
}
