package replay

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/batonhq/baton/money"
)

// ErrMalformed is wrapped by every error about a malformed data row.
var ErrMalformed = errors.New("replay: malformed data")

// rowError names where a malformed row is: file, then line or record.
type rowError struct {
	file, where string
	err         error
}

func (e *rowError) Error() string {
	if e.where == "" {
		return fmt.Sprintf("replay: %s: %v", e.file, e.err)
	}
	return fmt.Sprintf("replay: %s: %s: %v", e.file, e.where, e.err)
}

func (e *rowError) Unwrap() []error { return []error{ErrMalformed, e.err} }

func malformed(file, where string, err error) error {
	return &rowError{file: file, where: where, err: err}
}

// fieldErr says what is wrong with one field.
func fieldErr(field, format string, args ...any) error {
	return fmt.Errorf("field %q: %s", field, fmt.Sprintf(format, args...))
}

// score reads a recorded score: a JSON number in [0, 1].
func score(field string, raw json.RawMessage) (float64, error) {
	t := string(bytes.TrimSpace(raw))
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || len(t) == 0 || t[0] == '"' {
		return 0, fieldErr(field, "score %s is not a number", t)
	}
	if math.IsNaN(f) || f < 0 || f > 1 {
		return 0, fieldErr(field, "score %s is outside [0, 1]", t)
	}
	return f, nil
}

// price reads a $/1M-token price from its decimal JSON text, exactly: no
// float64 ever holds the amount.
func price(field string, n json.Number) (money.Amount, error) {
	a, err := money.Parse(n.String())
	if err != nil {
		return 0, fieldErr(field, "price %q: %v", n.String(), err)
	}
	if a < 0 {
		return 0, fieldErr(field, "price %s is negative", n.String())
	}
	return a, nil
}

// decodeStrict decodes one JSON value. Prices and costs are read into
// json.Number fields, which keep the number's text whatever the decoder's
// settings, so no amount passes through a float64.
func decodeStrict(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("invalid JSON: %w", err)
	}
	return nil
}

// eachLine calls fn with every non-blank line of a JSONL stream and its
// 1-based number.
func eachLine(r io.Reader, fn func(n int, line []byte) error) error {
	br := bufio.NewReaderSize(r, 1<<16)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			if ferr := fn(n, line); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
