package telecom_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/batonhq/baton/env/domain"
	"github.com/batonhq/baton/env/domain/telecom"
	"github.com/batonhq/baton/tool"
)

func TestRegisteredKitAndTools(t *testing.T) {
	k, err := domain.LookupKit("telecom")
	if err != nil {
		t.Fatal(err)
	}
	if len(telecom.AgentTools()) != 13 || len(telecom.UserTools()) != 30 {
		t.Fatalf("tools: %d agent, %d user; want 13 and 30", len(telecom.AgentTools()), len(telecom.UserTools()))
	}
	seen := map[string]bool{}
	writes := 0
	for _, tl := range k.Tools() {
		if seen[tl.Name] {
			t.Errorf("duplicate tool %s", tl.Name)
		}
		seen[tl.Name] = true
		if _, err := tool.CompileSchema(tl.Parameters); err != nil {
			t.Errorf("%s: schema: %v", tl.Name, err)
		}
		if tl.Description == "" {
			t.Errorf("%s: no description", tl.Name)
		}
		if tl.Mutates {
			writes++
		}
	}
	// tau2's WRITE tools: 6 agent, 15 user.
	if writes != 21 {
		t.Errorf("mutating tools = %d, want 21", writes)
	}
	for _, name := range []string{"toggle_airplane_mode", "make_payment", "check_status_bar"} {
		if !telecom.IsUserTool(name) {
			t.Errorf("IsUserTool(%s) = false", name)
		}
	}
	if telecom.IsUserTool("refuel_data") {
		t.Error("refuel_data is an agent tool")
	}
}

func freshMini(t *testing.T) *telecom.DB {
	t.Helper()
	db, err := telecom.ParseAgentDB([]byte(miniDB))
	if err != nil {
		t.Fatal(err)
	}
	return db.Fork().(*telecom.DB)
}

func run(t *testing.T, db *telecom.DB, env, name, args string) (any, error) {
	t.Helper()
	return telecom.RunFunction(db, domain.FunctionCall{EnvType: env, FuncName: name, Arguments: json.RawMessage(args)})
}

func callTool(t *testing.T, db *telecom.DB, name, args string) (string, error) {
	t.Helper()
	for _, tl := range (telecom.Kit{}).Tools() {
		if tl.Name == name {
			return tl.Call(db, json.RawMessage(args))
		}
	}
	t.Fatalf("no tool %s", name)
	return "", nil
}

func TestRunFunction(t *testing.T) {
	cases := []struct {
		name, env, fn, args string
		want                any
		wantErr             string
	}{
		{"unknown env", "robot", "x", `{}`, nil, "invalid environment type"},
		{"unknown function", "user", "fly", `{}`, nil, "'TelecomUserTools' object has no attribute 'fly'"},
		{"agent function on user side", "user", "set_data_usage", `{}`, nil, "no attribute"},
		{"missing argument", "user", "set_user_location", `{}`, nil, "missing 1 required positional argument: 'abroad'"},
		{"tool as function", "user", "check_sim_status", `{}`, "Your SIM card is active and working.", ""},
		{"assert true", "user", "assert_service_status", `{"expected_status": "connected"}`, true, ""},
		{"assert false", "user", "assert_airplane_mode_status", `{"expected_status": true}`, false, ""},
		{"assert bad status", "user", "assert_service_status", `{"expected_status": "asleep"}`, nil, "is not a valid NetworkStatus"},
		{"speed without desc", "user", "assert_internet_speed", `{"expected_speed": 100}`, true, ""},
		{"speed with desc", "user", "assert_internet_speed", `{"expected_speed": 1, "expected_desc": "good"}`, false, ""},
		{"set usage int", "assistant", "set_data_usage", `{"customer_id": "C1", "line_id": "L1", "data_used_gb": 16}`, "Data usage set to 16 GB for line L1", ""},
		{"refuel amount", "assistant", "assert_data_refueling_amount", `{"customer_id": "C1", "line_id": "L1", "expected_amount": 0.0}`, true, ""},
		{"no overdue bill", "assistant", "assert_no_overdue_bill", `{"overdue_bill_id": "B404"}`, true, ""},
		{"overdue exists fails", "assistant", "assert_overdue_bill_exists", `{"customer_id": "C1", "overdue_bill_id": "B404"}`, nil, "Overdue bill B404 not found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := run(t, freshMini(t), c.env, c.fn, c.args)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got %#v, want %#v", got, c.want)
			}
		})
	}
}

// TestSyncLinksBothSides follows a payment and a suspension across the
// agent and user databases, as tau2's sync_tools does.
func TestSyncLinksBothSides(t *testing.T) {
	db := freshMini(t)
	if _, err := run(t, db, "user", "set_user_info", `{"name": "Ada", "phone_number": "555-0001"}`); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, db, "assistant", "suspend_line_for_overdue_bill", `{"customer_id": "C1", "line_id": "L1", "new_bill_id": "B9", "contract_ended": true}`); err != nil {
		t.Fatal(err)
	}
	if db.User.Surroundings.LineActive {
		t.Fatal("suspended line still active on the phone")
	}
	if ok, _ := run(t, db, "assistant", "assert_overdue_bill_exists", `{"customer_id": "C1", "overdue_bill_id": "B9"}`); ok != true {
		t.Fatalf("overdue bill missing: %v", ok)
	}
	if _, err := run(t, db, "assistant", "suspend_line_for_overdue_bill", `{"customer_id": "C1", "line_id": "L1", "new_bill_id": "B10", "contract_ended": false}`); err == nil {
		t.Fatal("second suspension of a suspended line succeeded")
	}
	if out, _ := callTool(t, db, "make_payment", `{}`); out != "You do not have a payment request." {
		t.Fatalf("make_payment before request: %q", out)
	}
	if _, err := callTool(t, db, "send_payment_request", `{"customer_id": "C1", "bill_id": "B9"}`); err != nil {
		t.Fatal(err)
	}
	if _, err := callTool(t, db, "send_payment_request", `{"customer_id": "C1", "bill_id": "B9"}`); err == nil || err.Error() != "A bill is already awaiting payment for this customer" {
		t.Fatalf("second request: %v", err)
	}
	if out, _ := callTool(t, db, "check_payment_request", `{}`); out != "You have a payment request for bill B9 of 40.0 USD." {
		t.Fatalf("check_payment_request: %q", out)
	}
	if _, err := callTool(t, db, "make_payment", `{}`); err != nil {
		t.Fatal(err)
	}
	if b, _ := db.Bills.Get("B9"); b.Status != telecom.BillPaid || db.User.Surroundings.PaymentRequest != nil {
		t.Fatalf("after payment: bill %s, request %+v", b.Status, db.User.Surroundings.PaymentRequest)
	}
	if _, err := callTool(t, db, "resume_line", `{"customer_id": "C1", "line_id": "L1"}`); err != nil {
		t.Fatal(err)
	}
	if !db.User.Surroundings.LineActive {
		t.Fatal("resumed line inactive on the phone")
	}
	// Usage over the allowance cuts data until a refuel.
	if _, err := run(t, db, "assistant", "set_data_usage", `{"customer_id": "C1", "line_id": "L1", "data_used_gb": 6.0}`); err != nil {
		t.Fatal(err)
	}
	if ok, _ := run(t, db, "user", "assert_mobile_data_usage_exceeded", `{"expected_status": true}`); ok != true {
		t.Fatal("usage over the limit not seen on the phone")
	}
	out, err := callTool(t, db, "refuel_data", `{"customer_id": "C1", "line_id": "L1", "gb_amount": 1.5}`)
	if err != nil || !strings.Contains(out, "for $3.75") {
		t.Fatalf("refuel: %q %v", out, err)
	}
	if ok, _ := run(t, db, "user", "assert_mobile_data_usage_exceeded", `{"expected_status": false}`); ok != true {
		t.Fatal("refuel not seen on the phone")
	}
	// A customer without a draft bill gets one for next month.
	c, _ := db.Customers.Get("C1")
	draft, ok := db.Bills.Get(c.BillIDs[len(c.BillIDs)-1])
	if !ok || draft.Status != telecom.BillDraft || draft.PeriodStart != "2025-03-01" || draft.PeriodEnd != "2025-03-31" || draft.TotalDue != 3.75 {
		t.Fatalf("draft bill: %+v", draft)
	}
}

func TestSyncUnknownPhoneIsAnError(t *testing.T) {
	db := freshMini(t)
	_, err := run(t, db, "user", "set_user_info", `{"name": "X", "phone_number": "000"}`)
	if err == nil || !strings.Contains(err.Error(), "Line with phone number 000 not found") {
		t.Fatalf("err = %v", err)
	}
}

func TestForkIsolation(t *testing.T) {
	base := freshMini(t)
	a := base.Fork().(*telecom.DB)
	b := base.Fork().(*telecom.DB)
	h := b.Hash()
	if _, err := callTool(t, a, "toggle_airplane_mode", `{}`); err != nil {
		t.Fatal(err)
	}
	if _, err := callTool(t, a, "enable_roaming", `{"customer_id": "C1", "line_id": "L1"}`); err != nil {
		t.Fatal(err)
	}
	if b.Hash() != h || b.User.Device.AirplaneMode {
		t.Fatal("a write to one fork reached another")
	}
	if a.Hash() == h || a.AgentHash() == b.AgentHash() || a.UserHash() == b.UserHash() {
		t.Fatal("hash did not change with the content")
	}
	if _, err := callTool(t, a, "toggle_airplane_mode", `{}`); err != nil {
		t.Fatal(err)
	}
	if _, err := callTool(t, a, "disable_roaming", `{"customer_id": "C1", "line_id": "L1"}`); err != nil {
		t.Fatal(err)
	}
	if a.AgentHash() != b.AgentHash() {
		t.Fatal("undoing the agent-side change did not restore its hash")
	}
}

func TestPolicy(t *testing.T) {
	d := openTelecom(t)
	for _, mode := range []string{telecom.PolicyManual, telecom.PolicyWorkflow, telecom.PolicySoloManual, telecom.PolicySoloWorkflow} {
		p, err := telecom.Policy(d.Dir, mode)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(p, "<main_policy>\n# Telecom Agent Policy") || !strings.HasSuffix(p, "\n</tech_support_policy>") {
			t.Errorf("%s: policy framing wrong: %.60q ... %.40q", mode, p, p[len(p)-40:])
		}
	}
	if _, err := telecom.Policy(d.Dir, "chaos"); err == nil {
		t.Error("unknown mode accepted")
	}
}

// TestSessionSetValidates: calls through the orchestrator path are checked
// against the schemas, and the phone's tools are reachable from a session.
func TestSessionSetValidates(t *testing.T) {
	d := openTelecom(t)
	s, err := d.NewSession(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Call(context.Background(), "refuel_data", json.RawMessage(`{"customer_id": "C1001"}`))
	if err != nil || !res.IsError {
		t.Fatalf("schema violation accepted: %+v %v", res, err)
	}
	res, err = s.Call(context.Background(), "check_status_bar", json.RawMessage(`{}`))
	if err != nil || res.IsError || !strings.HasPrefix(res.Content, "Status Bar: ") {
		t.Fatalf("check_status_bar: %+v %v", res, err)
	}
}
