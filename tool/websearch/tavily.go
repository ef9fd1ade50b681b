package websearch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// tavilyRequest is the body of POST /search.
type tavilyRequest struct {
	Query         string `json:"query"`
	MaxResults    int    `json:"max_results"`
	SearchDepth   string `json:"search_depth"`
	IncludeAnswer bool   `json:"include_answer"`
}

// Hit is one search result.
type Hit struct {
	Title   string  `json:"title"`           // page title
	URL     string  `json:"url"`             // page address
	Content string  `json:"content"`         // the provider's extract of the page relevant to the query
	Score   float64 `json:"score,omitempty"` // provider's relevance score; 0 when it sent none
}

// Response is a search's outcome as the tool reports it in Data.
type Response struct {
	Query   string `json:"query"`            // the query as searched
	Answer  string `json:"answer,omitempty"` // provider's generated answer, when include_answer is set
	Results []Hit  `json:"results"`          // hits, best first
}

// errMalformed is wrapped when a 2xx body is not the expected JSON.
var errMalformed = errors.New("websearch: malformed response")

// parseResponse decodes a Tavily search response. Fields Baton does not use
// (images, response_time, follow_up_questions, ...) are ignored; a body
// that is not a JSON object, or whose results are not a list of objects
// with a URL, is malformed.
func parseResponse(body []byte) (*Response, error) {
	var raw struct {
		Query   string           `json:"query"`
		Answer  *string          `json:"answer"`
		Results *json.RawMessage `json:"results"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: %w", errMalformed, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data after the JSON object", errMalformed)
	}
	if raw.Results == nil {
		return nil, fmt.Errorf("%w: no \"results\" field", errMalformed)
	}
	var hits []struct {
		Title   string   `json:"title"`
		URL     string   `json:"url"`
		Content string   `json:"content"`
		Score   *float64 `json:"score"`
	}
	if err := json.Unmarshal(*raw.Results, &hits); err != nil {
		return nil, fmt.Errorf("%w: \"results\": %w", errMalformed, err)
	}
	r := &Response{Query: raw.Query, Results: make([]Hit, 0, len(hits))}
	if raw.Answer != nil {
		r.Answer = *raw.Answer
	}
	for i, h := range hits {
		if strings.TrimSpace(h.URL) == "" {
			return nil, fmt.Errorf("%w: result %d has no url", errMalformed, i+1)
		}
		hit := Hit{Title: h.Title, URL: h.URL, Content: h.Content}
		if h.Score != nil {
			hit.Score = *h.Score
		}
		r.Results = append(r.Results, hit)
	}
	return r, nil
}

// providerMessage extracts the human message from an error body. Tavily
// answers {"detail": {"error": "..."}}; FastAPI-style {"detail": "..."} and
// the common {"error": ...} / {"message": ...} shapes are read too, and
// anything else is shown as (trimmed) text.
func providerMessage(body []byte) string {
	var v struct {
		Detail  json.RawMessage `json:"detail"`
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
	}
	if json.Unmarshal(body, &v) == nil {
		for _, raw := range []json.RawMessage{v.Detail, v.Error} {
			if s := messageOf(raw); s != "" {
				return s
			}
		}
		if v.Message != "" {
			return v.Message
		}
	}
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// messageOf reads a string, or an object's "error" or "message" field.
func messageOf(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &o) == nil {
		if o.Error != "" {
			return o.Error
		}
		return o.Message
	}
	return ""
}
