package wire

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var fuzzNow = time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC)

func TestParseRetryAfter(t *testing.T) {
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"1", time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"0", 0, true},
		{"1.5", 1500 * time.Millisecond, true},
		{"Sat, 01 Nov 2025 12:00:30 GMT", 30 * time.Second, true},
		{"Sat, 01 Nov 2025 11:00:00 GMT", 0, true}, // in the past: now
		{"Saturday, 01-Nov-25 12:01:00 GMT", time.Minute, true},
		{"99999999999999999999", maxParsedWait, true},
		{"", 0, false},
		{"-1", 0, false},
		{"1e3", 0, false},
		{"0x10", 0, false},
		{"Inf", 0, false},
		{"NaN", 0, false},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseRetryAfter(tt.in, fuzzNow)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"1", "0", "1.5", "120", "Sat, 01 Nov 2025 12:00:30 GMT", "Mon Jan  2 15:04:05 2006", "-3", "1e9", "", "9999999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseRetryAfter(s, fuzzNow)
		if !ok {
			if d != 0 {
				t.Fatalf("not ok but %v", d)
			}
			return
		}
		if d < 0 || d > maxParsedWait {
			t.Fatalf("parseRetryAfter(%q) = %v out of [0, %v]", s, d, maxParsedWait)
		}
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n >= 0 && n < 86400 && d != time.Duration(n)*time.Second {
			t.Fatalf("parseRetryAfter(%q) = %v, want %ds", s, d, n)
		}
		h := http.Header{}
		h.Set("Retry-After-Ms", s)
		if d, ok := retryAfter(h, fuzzNow); ok && (d < 0 || d > maxParsedWait) {
			t.Fatalf("Retry-After-Ms %q = %v", s, d)
		}
	})
}

func TestProviderMessage(t *testing.T) {
	tests := []struct{ body, want string }{
		{`{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`, "requests: Rate limit reached"},
		{`{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, "overloaded_error: Overloaded"},
		{`{"error":{"message":"invalid_request_error: already says it","type":"invalid_request_error"}}`, "invalid_request_error: already says it"},
		{`{"error":"model 'llama9' not found"}`, "model 'llama9' not found"},
		{`{"object":"error","message":"The model does not exist.","type":"NotFoundError","code":404}`, "The model does not exist."},
		{"<html>502 Bad Gateway</html>\n", "<html>502 Bad Gateway</html>"},
		{"", "(empty body)"},
		{`{"error":{}}`, `{"error":{}}`},
	}
	for _, tt := range tests {
		if got := providerMessage([]byte(tt.body)); got != tt.want {
			t.Errorf("providerMessage(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
	long := providerMessage([]byte(strings.Repeat("é", 2000)))
	if len(long) > maxMessageLen+len("…") || !utf8.ValidString(long) {
		t.Errorf("long message: %d bytes, valid=%v", len(long), utf8.ValidString(long))
	}
}

func FuzzProviderMessage(f *testing.F) {
	for _, s := range []string{
		`{"error":{"message":"x","type":"t"}}`, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`,
		`{"error":"s"}`, `{"message":"m"}`, `{"error":null}`, `[1,2]`, `"str"`, "<html>", "", strings.Repeat("a", 3000),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		m := providerMessage(body)
		if m == "" {
			t.Fatal("empty message")
		}
		if len(m) > maxMessageLen+len("…")+len("(empty body)") {
			t.Fatalf("message of %d bytes", len(m))
		}
		if utf8.Valid(body) && !utf8.ValidString(m) {
			t.Fatalf("valid UTF-8 in, invalid out: %q", m)
		}
	})
}
