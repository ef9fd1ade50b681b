package websearch

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestProviderMessage(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"tavily detail error", `{"detail": {"error": "Unauthorized"}}`, "Unauthorized"},
		{"detail string", `{"detail": "Not Found"}`, "Not Found"},
		{"error string", `{"error": "bad"}`, "bad"},
		{"error object", `{"error": {"message": "quota"}}`, "quota"},
		{"message", `{"message": "oops"}`, "oops"},
		{"text", "Service\n Unavailable", "Service Unavailable"},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := providerMessage([]byte(tc.body)); got != tc.want {
				t.Fatalf("providerMessage(%q) = %q, want %q", tc.body, got, tc.want)
			}
		})
	}
}

// FuzzParseResponse checks that no body panics the parser or the renderer,
// that failures are errMalformed, and that accepted responses round-trip.
func FuzzParseResponse(f *testing.F) {
	for _, s := range []string{
		successBody, `{"results": []}`, `{"results": null}`, `{}`, `[]`, `null`, `{"results": [{}]}`,
		`{"results": [{"url": "u", "score": "high"}]}`, `{"answer": null, "results": [{"url": "https://x", "title": "\u00e9"}]}`,
		`{"results": []} {}`, "{\"results\": [{\"url\": \"x\", \"content\": \"\xff\xfe\"}]}", `{"detail": {"error": "x"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		_ = providerMessage(body)
		r, err := parseResponse(body)
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("error %v is not errMalformed", err)
			}
			return
		}
		if render("q", r) == "" {
			t.Fatal("empty rendering")
		}
		if _, err := json.Marshal(r); err != nil {
			t.Fatalf("marshal: %v", err)
		}
	})
}
