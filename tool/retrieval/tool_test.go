package retrieval

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/tool"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

func TestSpec(t *testing.T) {
	dir := t.TempDir()
	kb, err := New(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	s := kb.Spec()
	if s.Name != "retrieve" {
		t.Errorf("name = %q, want retrieve", s.Name)
	}
	for _, tag := range []string{tool.TagLocal, tool.TagSearch, tool.TagFree} {
		if !s.HasTag(tag) {
			t.Errorf("spec lacks tag %s", tag)
		}
	}
	if !s.Price.IsZero() || s.Latency <= 0 || s.Latency > s.Timeout {
		t.Errorf("price %+v latency %v timeout %v: want free, with a small typical latency", s.Price, s.Latency, s.Timeout)
	}
	if _, err := tool.CompileSchema(s.Parameters); err != nil {
		t.Errorf("schema: %v", err)
	}
	named, _ := New(Options{Dir: dir, Name: "docs"})
	if named.Spec().Name != "docs" {
		t.Errorf("name override = %q", named.Spec().Name)
	}
}

func TestCallThroughSet(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, corpus)
	kb, _, _ := openKB(t, Options{Dir: dir, K: 2})
	set, err := tool.NewSet(kb)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	bad := []struct {
		name, args, want string
	}{
		{"k as string", `{"query": "ships", "k": "3"}`, "/k"},
		{"k too big", `{"query": "ships", "k": 51}`, "/k"},
		{"k zero", `{"query": "ships", "k": 0}`, "/k"},
		{"k fractional", `{"query": "ships", "k": 1.5}`, "/k"},
		{"query missing", `{"k": 3}`, "query"},
		{"query empty", `{"query": ""}`, "/query"},
		{"query blank", `{"query": "   "}`, "query is empty"},
		{"query not string", `{"query": 7}`, "/query"},
		{"unknown field", `{"query": "x", "top": 3}`, "top"},
		{"not json", `{"query": `, "not valid JSON"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			res, err := set.Call(ctx, "retrieve", json.RawMessage(tc.args))
			if err != nil {
				t.Fatalf("Call returned a Go error %v; bad arguments must be an error Result", err)
			}
			if !res.IsError || !strings.Contains(res.Content, tc.want) {
				t.Errorf("result = %+v, want an error naming %q", res, tc.want)
			}
		})
	}

	t.Run("default k", func(t *testing.T) {
		res, err := set.Call(ctx, "retrieve", json.RawMessage(`{"query": "chlorophyll frigate magma lovelace"}`))
		if err != nil || res.IsError {
			t.Fatalf("Call = %+v, %v", res, err)
		}
		var hits []Hit
		if err := json.Unmarshal(res.Data, &hits); err != nil {
			t.Fatal(err)
		}
		if len(hits) != 2 {
			t.Errorf("got %d hits, want the configured default 2", len(hits))
		}
		if res.Cost != 0 {
			t.Errorf("cost = %v, want free", res.Cost)
		}
	})

	t.Run("ranked result", func(t *testing.T) {
		res, err := set.Call(ctx, "retrieve", json.RawMessage(`{"query": "photosynthesis chlorophyll", "k": 5}`))
		if err != nil || res.IsError {
			t.Fatalf("Call = %+v, %v", res, err)
		}
		var hits []Hit
		if err := json.Unmarshal(res.Data, &hits); err != nil {
			t.Fatal(err)
		}
		if len(hits) != 1 || hits[0].Source != "biology/plants.md" || hits[0].Score <= 0 {
			t.Fatalf("hits = %+v", hits)
		}
		if !strings.HasPrefix(res.Content, "1 passage for \"photosynthesis chlorophyll\":\n\n1. biology/plants.md, passage 0 (Plants), score ") {
			t.Errorf("content = %q", res.Content)
		}
	})

	t.Run("no match", func(t *testing.T) {
		res, err := set.Call(ctx, "retrieve", json.RawMessage(`{"query": "xylophone"}`))
		if err != nil || res.IsError || !strings.Contains(res.Content, "No passages match") {
			t.Errorf("Call = %+v, %v", res, err)
		}
	})
}

func TestFormatHitsGolden(t *testing.T) {
	hits := []Hit{
		{Passage: Passage{Source: "biology/plants.md", Chunk: 0, Title: "Plants", Text: "Photosynthesis happens in chloroplasts.\n\nLeaves are green."}, Score: 1.23456},
		{Passage: Passage{Source: "data/people.jsonl", Chunk: 2, Title: "Ada Lovelace", Ref: "1", Text: "Ada Lovelace wrote the first algorithm."}, Score: 0.5},
		{Passage: Passage{Source: "notes/volcano.txt", Chunk: 7, Text: "Magma rises."}, Score: 0.01},
	}
	tests := []struct {
		name string
		hits []Hit
	}{
		{"three", hits},
		{"one", hits[:1]},
		{"none", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := formatHits("plants & people", tc.hits)
			path := filepath.Join("testdata", "format_"+tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("formatHits =\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestKind(t *testing.T) {
	k, err := tool.LookupKind(KindID)
	if err != nil {
		t.Fatal(err)
	}
	if k.Default {
		t.Error("retrieval.bm25 must not be a default kind: it needs a folder")
	}

	base := t.TempDir()
	writeFiles(t, filepath.Join(base, "docs"), corpus)
	ctx := context.Background()

	t.Run("relative dir resolved against config dir", func(t *testing.T) {
		ts, err := tool.Open(ctx, KindID, tool.Config{
			Name:    "kb",
			Dir:     base,
			Options: json.RawMessage(`{"dir": "docs", "index_dir": "state/idx", "chunk_words": 50, "overlap_words": 5, "k": 3}`),
		})
		if err != nil {
			t.Fatal(err)
		}
		set, err := tool.NewSet(ts...)
		if err != nil {
			t.Fatal(err)
		}
		defer set.Close()
		if got := set.Names(); len(got) != 1 || got[0] != "kb" {
			t.Fatalf("names = %v, want [kb]", got)
		}
		res, err := set.Call(ctx, "kb", json.RawMessage(`{"query": "enigma"}`))
		if err != nil || res.IsError || !strings.Contains(res.Content, "data/people.jsonl") {
			t.Errorf("Call = %+v, %v", res, err)
		}
		if _, err := os.Stat(filepath.Join(base, "state", "idx", manifestName)); err != nil {
			t.Errorf("index not where index_dir said: %v", err)
		}
	})

	bad := []struct {
		name, options, want string
	}{
		{"dir missing", `{}`, "option dir is not set; in baton.yaml"},
		{"no options", ``, "option dir is not set"},
		{"unknown option", `{"dir": "docs", "chunk_size": 10}`, "chunk_size"},
		{"wrong type", `{"dir": "docs", "k": "5"}`, "k"},
		{"out of range", `{"dir": "docs", "k": 99}`, "k is 99"},
		{"folder does not exist", `{"dir": "nowhere"}`, "set option dir"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tool.Open(ctx, KindID, tool.Config{Dir: base, Options: json.RawMessage(tc.options)})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Open error = %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := tool.Open(ctx, KindID, tool.Config{Dir: base}); !errors.Is(err, ErrConfig) {
		t.Errorf("missing dir error %v does not wrap ErrConfig", err)
	}
}
