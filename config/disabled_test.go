package config_test

import (
	"context"
	"strings"
	"testing"

	"github.com/batonhq/baton/config"
	_ "github.com/batonhq/baton/policy/llm" // the llm policy
	_ "github.com/batonhq/baton/tool/llm"   // llm.openai
)

func TestModelWithoutKeyIsListedDisabled(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "")
	c, err := config.Parse([]byte("no_default_tools: true\ntools:\n  - kind: llm.openai\n    name: gpt-5\n    options: {model: gpt-5}\n"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := c.OpenTools(context.Background())
	if err != nil {
		t.Fatalf("a model without its key stopped the command: %v", err)
	}
	defer set.Close()
	specs := set.Specs()
	if len(specs) != 1 || specs[0].Name != "gpt-5" || !specs[0].HasTag("disabled") || !strings.Contains(specs[0].Description, "OPENAI_API_KEY") {
		t.Fatalf("specs %+v: want gpt-5 listed disabled, naming OPENAI_API_KEY", specs)
	}
	call, err := set.Prepare("gpt-5", []byte(`{"prompt":"hi"}`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := call.Run(context.Background())
	if err != nil || !res.IsError || !strings.Contains(res.Content, "OPENAI_API_KEY") {
		t.Fatalf("calling the disabled model: %+v %v; want an error result naming the key", res, err)
	}
}

func TestDefaultPolicy(t *testing.T) {
	ctx := context.Background()
	t.Setenv("BATON_TEST_KEY", "sk-test")
	t.Setenv("BATON_TEST_MISSING", "")
	for _, tc := range []struct{ name, yaml, want string }{
		{"named in the file wins", "policy: strongest\npolicies: {llm: {model: m}}\n", "strongest"},
		{"nothing configured", "", "cheapest"},
		{"an orchestrating model is configured", "policies: {llm: {model: m, api_key_env: BATON_TEST_KEY}}\n", "llm"},
		{"its key is missing", "policies: {llm: {model: m, api_key_env: BATON_TEST_MISSING}}\n", "cheapest"},
	} {
		c, err := config.Parse([]byte(tc.yaml))
		if err != nil {
			t.Fatal(err)
		}
		if got, why := c.DefaultPolicy(ctx); got != tc.want || why == "" {
			t.Errorf("%s: %s (%s), want %s", tc.name, got, why, tc.want)
		}
	}
}
