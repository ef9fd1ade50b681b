package telecom_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/batonhq/baton/env/domain"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

type step struct {
	tool string
	args string
}

// transcript runs steps on a session of task (nil: the plain database)
// and renders each call and its response.
func transcript(t *testing.T, d *domain.Domain, taskID string, steps []step) string {
	t.Helper()
	var task *domain.Task
	if taskID != "" {
		var ok bool
		if task, ok = d.Task(taskID); !ok {
			t.Fatalf("no task %s", taskID)
		}
	}
	s, err := d.NewSession(context.Background(), task)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, st := range steps {
		content, isErr := s.CallRaw(context.Background(), st.tool, json.RawMessage(st.args))
		fmt.Fprintf(&b, ">>> %s %s (error=%v)\n%s\n\n", st.tool, st.args, isErr, content)
	}
	return b.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\n%s", path, got)
	}
}

func TestGoldenOutputs(t *testing.T) {
	d := openTelecom(t)
	cases := []struct {
		name, task string
		steps      []step
	}{
		{
			name: "agent_lookups.golden",
			steps: []step{
				{"get_customer_by_phone", `{"phone_number": "555-123-2002"}`},
				{"get_customer_by_name", `{"full_name": "john smith", "dob": "1985-06-15"}`},
				{"get_details_by_id", `{"id": "L1002"}`},
				{"get_details_by_id", `{"id": "D1002"}`},
				{"get_details_by_id", `{"id": "X1"}`},
				{"get_bills_for_customer", `{"customer_id": "C1001", "limit": 2}`},
				{"get_data_usage", `{"customer_id": "C1001", "line_id": "L1002"}`},
				{"get_customer_by_id", `{"customer_id": "C9999"}`},
				{"suspend_line", `{"customer_id": "C1001", "line_id": "L1001", "reason": "travel"}`},
				{"resume_line", `{"customer_id": "C1001", "line_id": "L1001"}`},
				{"refuel_data", `{"customer_id": "C1002", "line_id": "L1004", "gb_amount": 2}`},
				{"enable_roaming", `{"customer_id": "C1001", "line_id": "L1002"}`},
				{"enable_roaming", `{"customer_id": "C1001", "line_id": "L1002"}`},
				{"transfer_to_human_agents", `{"summary": "needs a human"}`},
			},
		},
		{
			name: "overdue_bill_flow.golden",
			task: "[service_issue]airplane_mode_on|overdue_bill_suspension[PERSONA:None]",
			steps: []step{
				{"check_status_bar", `{}`},
				{"check_network_status", `{}`},
				{"toggle_airplane_mode", `{}`},
				{"get_bills_for_customer", `{"customer_id": "C1001"}`},
				{"send_payment_request", `{"customer_id": "C1001", "bill_id": "B1234321"}`},
				{"check_payment_request", `{}`},
				{"make_payment", `{}`},
				{"get_details_by_id", `{"id": "B1234321"}`},
				{"resume_line", `{"customer_id": "C1001", "line_id": "L1002"}`},
				{"reboot_device", `{}`},
				{"run_speed_test", `{}`},
			},
		},
		{
			name: "phone_tools.golden",
			task: "[mobile_data_issue]data_mode_off|data_usage_exceeded[PERSONA:None]",
			steps: []step{
				{"run_speed_test", `{}`},
				{"check_sim_status", `{}`},
				{"check_apn_settings", `{}`},
				{"check_installed_apps", `{}`},
				{"check_app_status", `{"app_name": "messaging"}`},
				{"check_app_permissions", `{"app_name": "browser"}`},
				{"grant_app_permission", `{"app_name": "browser", "permission": "camera"}`},
				{"check_vpn_status", `{}`},
				{"connect_vpn", `{}`},
				{"check_vpn_status", `{}`},
				{"toggle_wifi", `{}`},
				{"check_wifi_status", `{}`},
				{"check_wifi_calling_status", `{}`},
				{"set_network_mode_preference", `{"mode": "5g_only"}`},
				{"set_network_mode_preference", `{"mode": "3g_only"}`},
				{"check_network_mode_preference", `{}`},
				{"toggle_data", `{}`},
				{"toggle_data_saver_mode", `{}`},
				{"check_data_restriction_status", `{}`},
				{"refuel_data", `{"customer_id": "C1001", "line_id": "L1002", "gb_amount": 2.0}`},
				{"run_speed_test", `{}`},
				{"can_send_mms", `{}`},
				{"set_apn_settings", `{"apn_settings": {"apn_name": "internet", "mmsc_url": null}}`},
				{"check_apn_settings", `{}`},
				{"reset_apn_settings", `{}`},
				{"reboot_device", `{}`},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkGolden(t, c.name, transcript(t, d, c.task, c.steps))
		})
	}
}
