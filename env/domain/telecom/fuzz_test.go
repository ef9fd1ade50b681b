package telecom_test

import (
	"encoding/json"
	"testing"

	"github.com/batonhq/baton/env/domain"
	"github.com/batonhq/baton/env/domain/telecom"
)

func FuzzParseAgentDB(f *testing.F) {
	f.Add([]byte(miniDB))
	f.Add([]byte("[[bills]]\nbill_id=\"B\"\n[[bills.line_items]]\namount=1\n"))
	f.Add([]byte("plans = 3"))
	f.Fuzz(func(t *testing.T, b []byte) {
		db, err := telecom.ParseAgentDB(b)
		if err == nil {
			_ = db.Hash()
		}
	})
}

func FuzzParseUserDB(f *testing.F) {
	f.Add([]byte("[device]\nairplane_mode = true\n[device.app_statuses.messaging]\napp_name = \"messaging\"\n"))
	f.Add([]byte("[surroundings]\nphone_number = \"1\"\n[surroundings.payment_request]\nbill_id = \"B\"\namount_due = 3\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		u, err := telecom.ParseUserDB(b)
		if err == nil && u == nil {
			t.Fatal("nil database without error")
		}
	})
}

// FuzzRunFunction feeds task-file function calls (the outside input a
// tasks.json supplies) to the runner: errors are fine, panics are not.
func FuzzRunFunction(f *testing.F) {
	f.Add("user", "set_user_info", `{"name": "Ada", "phone_number": "555-0001"}`)
	f.Add("user", "set_user_info", `{"name": "Ada", "phone_number": "nobody"}`)
	f.Add("assistant", "set_data_usage", `{"customer_id": "C1", "line_id": "L1", "data_used_gb": 16}`)
	f.Add("assistant", "suspend_line_for_overdue_bill", `{"customer_id": "C1", "line_id": "L1", "new_bill_id": "B9", "contract_ended": true}`)
	f.Add("assistant", "refuel_data", `{"customer_id": "C1", "line_id": "L1", "gb_amount": -1}`)
	f.Add("user", "set_apn_settings", `{"apn_settings": {"apn_name": "x"}}`)
	f.Add("user", "assert_internet_speed", `{"expected_speed": "fast"}`)
	f.Add("user", "break_vpn", `[]`)
	f.Add("robot", "x", `{}`)
	f.Fuzz(func(t *testing.T, envType, name, args string) {
		base, err := telecom.ParseAgentDB([]byte(miniDB))
		if err != nil {
			t.Fatal(err)
		}
		db := base.Fork().(*telecom.DB)
		_, _ = telecom.RunFunction(db, domain.FunctionCall{EnvType: envType, FuncName: name, Arguments: json.RawMessage(args)})
		for _, tl := range (telecom.Kit{}).Tools() {
			_, _ = tl.Call(db, json.RawMessage(args))
		}
		_ = db.Hash()
	})
}
