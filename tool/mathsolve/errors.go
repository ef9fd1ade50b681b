package mathsolve

import (
	"errors"
	"fmt"
)

// Error classes, for errors.Is.
var (
	// ErrSyntax is wrapped when an expression does not parse.
	ErrSyntax = errors.New("mathsolve: syntax error")
	// ErrMath is wrapped when an expression parses but has no value:
	// division by zero, a square root of a negative number, a factorial of a
	// fraction.
	ErrMath = errors.New("mathsolve: math error")
	// ErrLimit is wrapped when evaluating would exceed a [Limits] bound.
	ErrLimit = errors.New("mathsolve: limit exceeded")
)

// Error is an evaluation or parse failure with the column (1-based, in
// characters) of the token it concerns; Col is 0 when no single token is to
// blame.
type Error struct {
	Kind error  // ErrSyntax, ErrMath or ErrLimit, matched by Is
	Col  int    // 1-based column of the token to blame; 0 when none is
	Msg  string // what went wrong, without the column
	// Hint says what to do instead, e.g. the names that are known.
	Hint string
}

// Error formats as `mathsolve: <msg> at column <col>; <hint>`.
func (e *Error) Error() string {
	s := "mathsolve: " + e.Msg
	if e.Col > 0 {
		s += fmt.Sprintf(" at column %d", e.Col)
	}
	if e.Hint != "" {
		s += "; " + e.Hint
	}
	return s
}

// Unwrap returns the error class ([ErrSyntax], [ErrMath] or [ErrLimit]).
func (e *Error) Unwrap() error { return e.Kind }

func syntaxErr(col int, format string, args ...any) error {
	return &Error{Kind: ErrSyntax, Col: col, Msg: fmt.Sprintf(format, args...)}
}

func mathErr(col int, format string, args ...any) error {
	return &Error{Kind: ErrMath, Col: col, Msg: fmt.Sprintf(format, args...)}
}

func limitErr(col int, format string, args ...any) error {
	return &Error{Kind: ErrLimit, Col: col, Msg: fmt.Sprintf(format, args...)}
}
