package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// DecodeArgs decodes a tool call's arguments object into dst. A failure
// reads like Python's complaint about a bad call.
func DecodeArgs(tool string, args json.RawMessage, dst any) error {
	if len(bytes.TrimSpace(args)) == 0 {
		args = json.RawMessage("{}")
	}
	if err := json.Unmarshal(args, dst); err != nil {
		return Errorf("%s() got invalid arguments: %v", tool, err)
	}
	return nil
}

// Int is an integer argument that, like a pydantic int field, also accepts
// a float with no fractional part (2.0).
type Int int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *Int) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		*n = Int(i)
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return fmt.Errorf("Input should be a valid integer, got %s", s)
	}
	*n = Int(f)
	return nil
}

// Number is a numeric argument that remembers whether Python would have
// seen an int or a float, so echoing it matches str(value).
type Number struct {
	F     float64 // the value
	IsInt bool    // JSON gave an integer (no fraction or exponent)
	I     int64   // the exact integer when IsInt
}

// UnmarshalJSON implements json.Unmarshaler.
func (n *Number) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			*n = Number{F: float64(i), IsInt: true, I: i}
			return nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("not a number: %s", s)
	}
	*n = Number{F: f}
	return nil
}

// String is Python's str(value).
func (n Number) String() string {
	if n.IsInt {
		return strconv.FormatInt(n.I, 10)
	}
	return PyFloat(n.F)
}
