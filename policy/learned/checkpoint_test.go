package learned

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/policy"
)

func saved(t testing.TB, p *Policy) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := p.Save(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCheckpointRoundTrip(t *testing.T) {
	p := newTest(t)
	b1 := saved(t, p)
	q, err := Load(bytes.NewReader(b1))
	if err != nil {
		t.Fatal(err)
	}
	if q.Config() != p.Config() {
		t.Fatalf("config %+v, want %+v", q.Config(), p.Config())
	}
	for i := range p.w {
		if float32(p.w[i]) != float32(q.w[i]) {
			t.Fatalf("param %d: %v, want %v", i, q.w[i], p.w[i])
		}
	}
	if b2 := saved(t, q); !bytes.Equal(b1, b2) {
		t.Error("saving a loaded checkpoint changed its bytes")
	}
	// The loaded policy decides like the original.
	a1, _ := p.Decide(context.Background(), testState(5))
	a2, _ := q.Decide(context.Background(), testState(5))
	if a1.Tool != a2.Tool {
		t.Errorf("decisions differ after round trip: %s vs %s", a1.Tool, a2.Tool)
	}
}

func TestCheckpointErrors(t *testing.T) {
	good := saved(t, newTest(t))
	mutate := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not a Baton policy checkpoint"},
		{"wrong magic", mutate(func(b []byte) []byte { b[0] = 'X'; return b }), "not a Baton policy checkpoint"},
		{"future version", mutate(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[8:], 2); return b }), "format version 2"},
		{"truncated", good[:len(good)-10], "truncated or trailing"},
		{"trailing data", append(append([]byte(nil), good...), 0), "truncated or trailing"},
		{"flipped weight bit", mutate(func(b []byte) []byte { b[len(b)-20] ^= 1; return b }), "checksum"},
		{"bad config", mutate(func(b []byte) []byte {
			n := binary.LittleEndian.Uint32(b[12:])
			cfg := b[16 : 16+n]
			copy(cfg, bytes.Replace(cfg, []byte(`"dim"`), []byte(`"dix"`), 1))
			return b
		}), "config"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(bytes.NewReader(c.data))
			if err == nil || !errors.Is(err, ErrCheckpoint) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v; want ErrCheckpoint mentioning %q", err, c.want)
			}
		})
	}
}

func FuzzLoad(f *testing.F) {
	f.Add(saved(f, newTest(f)))
	f.Add([]byte(Magic))
	f.Add([]byte("BATONPOL\x01\x00\x00\x00\x02\x00\x00\x00{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Load(bytes.NewReader(data))
		if err != nil {
			return
		}
		// Anything that loads must save back to the same bytes.
		if b := saved(t, p); !bytes.Equal(b, data) {
			t.Fatal("loaded checkpoint does not re-save identically")
		}
	})
}

func TestRegistered(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.ckpt")
	if err := os.WriteFile(path, saved(t, newTest(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	opts, _ := json.Marshal(Options{Checkpoint: path})
	pol, err := policy.New(context.Background(), "learned", policy.Config{Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := pol.(*Policy); !ok {
		t.Fatalf("policy.New returned %T", pol)
	}
	cases := []struct {
		name, opts, want string
	}{
		{"unknown option", `{"checkpoint":"x","temp":1}`, "unknown field"},
		{"missing file", `{"checkpoint":"/nonexistent/p.ckpt"}`, "no such file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := policy.New(context.Background(), "learned", policy.Config{Options: json.RawMessage(c.opts)})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
	// The embedded default either loads or says how to make one.
	if _, err := policy.New(context.Background(), "learned", policy.Config{}); err != nil && !errors.Is(err, ErrNoDefault) {
		t.Errorf("default: %v", err)
	}
}
