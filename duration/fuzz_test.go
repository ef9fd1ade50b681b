package duration

import (
	"encoding/json"
	"testing"
	"time"
)

func FuzzDuration(f *testing.F) {
	for _, s := range []string{`"30s"`, `30`, `0.5`, `"1m30s"`, `-1`, `"-2s"`, `1e300`, `"soon"`, `null`, `true`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var d Duration
		if err := json.Unmarshal(b, &d); err == nil && d < 0 {
			t.Fatalf("%s decoded to negative %v", b, time.Duration(d))
		}
	})
}
