package telecom_test

import (
	"strings"
	"testing"

	"github.com/batonhq/baton/env/domain/telecom"
)

// miniDB is a one-customer agent database used where the shared data is
// not needed.
const miniDB = `
[[plans]]
plan_id = "P1"
name = "Basic"
data_limit_gb = 5
price_per_month = 40.0
data_refueling_price_per_gb = 2.5

[[lines]]
line_id = "L1"
phone_number = "555-0001"
status = "Active"
plan_id = "P1"
data_used_gb = 1.5

[[customers]]
customer_id = "C1"
full_name = "Ada Lovelace"
date_of_birth = "1815-12-10"
email = "ada@example.com"
phone_number = "555-0001"
line_ids = ["L1"]
bill_ids = []
[customers.address]
street = "1 St"
city = "London"
state = "LN"
zip_code = "00001"
`

func TestParseAgentDB(t *testing.T) {
	db, err := telecom.ParseAgentDB([]byte(miniDB))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := db.Plans.Get("P1")
	if p.DataLimitGB != 5 {
		t.Errorf("integer data_limit_gb = %v, want 5.0", p.DataLimitGB)
	}
	c, _ := db.Customers.Get("C1")
	if c.AccountStatus != "Pending Verification" || c.CreatedAt != "2025-01-01T00:00:00" {
		t.Errorf("defaults not applied: status %q created %q", c.AccountStatus, c.CreatedAt)
	}
	l, _ := db.Lines.Get("L1")
	if l.DataUsedGB.F != 1.5 {
		t.Errorf("data_used_gb = %v", l.DataUsedGB)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, toml, want string
		user             bool
	}{
		{"syntax", "[[plans]\n", "db.toml", false},
		{"unknown field", "[[plans]]\nplan_id=\"P\"\nname=\"n\"\ndata_limit_gb=1.0\nprice_per_month=1.0\ndata_refueling_price_per_gb=1.0\ncolour=\"red\"\n", "unknown field(s) plans.colour", false},
		{"missing required", "[[plans]]\nplan_id=\"P\"\n", "plans[0].name: missing", false},
		{"bad enum", "[[lines]]\nline_id=\"L\"\nphone_number=\"1\"\nplan_id=\"P\"\nstatus=\"Sleeping\"\n", `lines[0].status: "Sleeping" is not one of`, false},
		{"bad date", "[[lines]]\nline_id=\"L\"\nphone_number=\"1\"\nplan_id=\"P\"\ncontract_end_date=\"soon\"\n", "contract_end_date", false},
		{"duplicate id", "[[plans]]\nplan_id=\"P\"\nname=\"n\"\ndata_limit_gb=1.0\nprice_per_month=1.0\ndata_refueling_price_per_gb=1.0\n[[plans]]\nplan_id=\"P\"\nname=\"n\"\ndata_limit_gb=1.0\nprice_per_month=1.0\ndata_refueling_price_per_gb=1.0\n", `duplicate id "P"`, false},
		{"wrong type", "[[plans]]\nplan_id=7\n", "db.toml", false},
		{"user bad enum", "[device]\nsim_card_status = \"gone\"\n", "device.sim_card_status", true},
		{"user unknown field", "[device]\nwarp_drive = true\n", "device.warp_drive", true},
		{"user bad signal", "[surroundings.signal_strength]\n6G = \"good\"\n", "6G", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if c.user {
				_, err = telecom.ParseUserDB([]byte(c.toml))
			} else {
				_, err = telecom.ParseAgentDB([]byte(c.toml))
			}
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "telecom: ") {
				t.Errorf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestParseUserDBDefaultsAndOrder(t *testing.T) {
	u, err := telecom.ParseUserDB([]byte(`
[device]
battery_level = 42
[device.app_statuses.zebra]
app_name = "zebra"
[device.app_statuses.alpha]
app_name = "alpha"
[device.app_statuses.alpha.permissions]
sms = true
`))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(u.Device.AppStatuses.Keys(), ","); got != "zebra,alpha" {
		t.Errorf("app order = %s, want file order zebra,alpha", got)
	}
	if u.Device.BatteryLevel != 42 || u.Device.NetworkModePreference != telecom.Mode4G5GPreferred || !u.Surroundings.LineActive {
		t.Errorf("defaults wrong: %+v", u.Device)
	}
	if u.Device.ActiveAPNSettings.MMSCURL == nil {
		t.Error("default MMSC URL missing")
	}
}
