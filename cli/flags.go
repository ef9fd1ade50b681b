package cli

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/config"
)

// signedFlags may be set to negative values on purpose (documented in
// their usage); every other numeric flag must not be negative.
var signedFlags = map[string]bool{
	"user-temperature": true, // negative sends no temperature
	"steps":            true, // bench and train: -1 skips GRPO (warm start only); below -1 is refused by the command
}

// strictNumbers wraps every numeric flag of fs so it accepts only plain
// decimal numbers: no hex ("0x10"), octal ("010" read as 8), binary, NaN or
// Inf, and no negative value unless the flag is listed in signedFlags. The
// standard flag package accepts all of these silently.
func strictNumbers(fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		if _, done := f.Value.(strictValue); done {
			return
		}
		g, ok := f.Value.(flag.Getter)
		if !ok {
			return
		}
		switch g.Get().(type) {
		case int, int64, uint, uint64, float64, time.Duration:
			f.Value = strictValue{Getter: g, name: f.Name}
		}
	})
}

// strictValue is a numeric flag.Value that validates before it sets.
type strictValue struct {
	flag.Getter
	name string
}

// Set implements flag.Value.
func (v strictValue) Set(s string) error {
	t := strings.TrimSpace(s)
	if _, isDur := v.Get().(time.Duration); isDur {
		if t != "" && strings.TrimLeft(t, "0123456789.") == "" {
			// A bare number of seconds, as baton.yaml takes.
			t += "s"
		}
		d, err := time.ParseDuration(t)
		if err != nil {
			return fmt.Errorf("want a duration such as 30s or 2m")
		}
		if d < 0 && !signedFlags[v.name] {
			return fmt.Errorf("must not be negative")
		}
		return v.Getter.Set(t)
	}
	f, err := config.ParseDecimal(t)
	if err != nil {
		return err
	}
	if f < 0 && !signedFlags[v.name] {
		return fmt.Errorf("must not be negative")
	}
	switch v.Get().(type) {
	case int, int64, uint, uint64:
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			return fmt.Errorf("want a whole number in decimal, such as 8")
		}
		// Decimal form: the flag package would read "010" as octal.
		return v.Getter.Set(strconv.FormatInt(n, 10))
	}
	return v.Getter.Set(t)
}
