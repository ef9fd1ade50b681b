package duration

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDurationDecoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{in: `"10s"`, want: 10 * time.Second},
		{in: `"1m30s"`, want: 90 * time.Second},
		{in: `2`, want: 2 * time.Second},
		{in: `0.5`, want: 500 * time.Millisecond},
		{in: `"10"`, wantErr: true},
		{in: `true`, wantErr: true},
		{in: `[]`, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			var d Duration
			err := json.Unmarshal([]byte(tc.in), &d)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("decoded %s as %s, want an error", tc.in, time.Duration(d))
				}
				return
			}
			if err != nil || time.Duration(d) != tc.want {
				t.Fatalf("got %s, %v; want %s", time.Duration(d), err, tc.want)
			}
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			var back Duration
			if err := json.Unmarshal(b, &back); err != nil || back != d {
				t.Errorf("round trip through %s gave %s, %v", b, time.Duration(back), err)
			}
		})
	}
}
