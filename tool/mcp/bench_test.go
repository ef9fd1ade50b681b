package mcp

import (
	"context"
	"encoding/json"
	"testing"
)

// BenchmarkCall measures one tools/call round trip through a tool.Set,
// including argument validation, over each transport.
func BenchmarkCall(b *testing.B) {
	for _, tr := range []string{"stdio", "http"} {
		b.Run(tr, func(b *testing.B) {
			o := Options{}
			if tr == "stdio" {
				o.Command = []string{serverBin}
			} else {
				o.URL = serveHTTP(b, nil).ts.URL
			}
			c, err := Connect(context.Background(), o)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			set := newSet(b, c)
			args := json.RawMessage(`{"a":1,"b":2}`)
			b.ReportAllocs()
			for b.Loop() {
				res, err := set.Call(context.Background(), "add", args)
				if err != nil || res.IsError {
					b.Fatalf("%v %+v", err, res)
				}
			}
		})
	}
}
