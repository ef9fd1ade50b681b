package bench

import (
	"context"
	"reflect"
	"testing"

	"github.com/batonhq/baton/policy/baseline"
)

// TestSeededRandomIsDeterministicUnderConcurrency: the seeded random
// baseline gives the same row with one worker or eight, run after run;
// another seed gives a different one.
func TestSeededRandomIsDeterministicUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	e := tiny(t, "test")
	row := func(seed int64, workers int) Row {
		r, err := Evaluate(ctx, e, Entry{Name: "random", Policy: baseline.New("random", baseline.Random(seed))}, Options{Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	one := row(7, 1)
	for i := range 3 {
		if got := row(7, 8); !reflect.DeepEqual(got.ToolShare, one.ToolShare) || got.TotalCost != one.TotalCost || got.Accuracy != one.Accuracy {
			t.Fatalf("run %d with 8 workers: %+v\nwith 1 worker: %+v", i, got, one)
		}
	}
	if other := row(8, 8); reflect.DeepEqual(other.ToolShare, one.ToolShare) && other.TotalCost == one.TotalCost {
		t.Fatalf("seeds 7 and 8 gave the same row: %+v", other)
	}
}
