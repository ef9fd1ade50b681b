package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
	"unicode/utf8"
)

// MaxFeedbackText bounds a feedback's text, in bytes.
const MaxFeedbackText = 8 << 10

// ErrInvalidFeedback is wrapped by [ValidateFeedback]'s errors.
var ErrInvalidFeedback = errors.New("store: invalid feedback")

// Feedback is an outcome reported on a run: a score in [0, 1] and an
// optional text. A run has at most one; setting another replaces it.
type Feedback struct {
	RunID string  `json:"run_id"`
	Score float64 `json:"score"`
	Text  string  `json:"text,omitempty"`
	// Created is when this feedback was stored (set by the store).
	Created time.Time `json:"created"`
}

// ValidateFeedback checks what a store accepts: a run ID, a finite score
// in [0, 1], valid UTF-8 text of at most [MaxFeedbackText] bytes.
func ValidateFeedback(f Feedback) error {
	switch {
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
	// SetFeedback stores f on its run (Created is set to now), replacing
	// the run's earlier feedback, if any (replaced then says so). An
	// unknown run is ErrNotFound; invalid feedback ErrInvalidFeedback.
	SetFeedback(ctx context.Context, f Feedback) (stored Feedback, replaced bool, err error)
	// GetFeedback returns the run's feedback; ErrNotFound if it has none.
	GetFeedback(ctx context.Context, runID string) (Feedback, error)
	// ListFeedback returns every feedback, ordered by run ID, with run ID
	// greater than after, at most limit of them (limit ≤ 0: all).
	ListFeedback(ctx context.Context, after string, limit int) ([]Feedback, error)
}
