package telecom

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/batonhq/baton/env/domain"
)

// fn is an environment function: a toolkit method tasks call in
// initialization_actions and env_assertions that is not (necessarily) a
// tool.
type fn func(db *DB, args json.RawMessage) (any, error)

// assertError is Python's AssertionError inside an environment function.
func assertError(what string) error { return fmt.Errorf("AssertionError: %s", what) }

func expectedBool(name string, args json.RawMessage) (bool, error) {
	var in struct {
		ExpectedStatus bool `json:"expected_status"`
	}
	err := decode(name, args, &in, "expected_status")
	return in.ExpectedStatus, err
}

// userBoolAssert builds an assert_* function comparing a device fact with
// expected_status.
func userBoolAssert(name string, fact func(u *UserDB) bool) fn {
	return func(db *DB, args json.RawMessage) (any, error) {
		want, err := expectedBool(name, args)
		if err != nil {
			return nil, err
		}
		return fact(db.User) == want, nil
	}
}

// userSet builds a no-argument user function that changes the device.
func userSet(name string, f func(u *UserDB) (any, error)) fn {
	return func(db *DB, args json.RawMessage) (any, error) {
		if err := decode(name, args, nil); err != nil {
			return nil, err
		}
		return f(db.User)
	}
}

// userFuncs are TelecomUserTools' non-tool methods.
var userFuncs = map[string]fn{
	"set_user_info": func(db *DB, args json.RawMessage) (any, error) {
		var in struct {
			Name        string `json:"name"`
			PhoneNumber string `json:"phone_number"`
		}
		if err := decode("set_user_info", args, &in, "name", "phone_number"); err != nil {
			return nil, err
		}
		db.User.Surroundings.Name, db.User.Surroundings.PhoneNumber = &in.Name, &in.PhoneNumber
		return nil, nil
	},
	"set_user_location": func(db *DB, args json.RawMessage) (any, error) {
		var in struct {
			Abroad bool `json:"abroad"`
		}
		if err := decode("set_user_location", args, &in, "abroad"); err != nil {
			return nil, err
		}
		db.User.Surroundings.IsAbroad = in.Abroad
		return nil, nil
	},
	"simulate_network_search": userSet("simulate_network_search", func(u *UserDB) (any, error) {
		u.networkSearch()
		return nil, nil
	}),
	"turn_airplane_mode_on": userSet("turn_airplane_mode_on", func(u *UserDB) (any, error) {
		if !u.toggleAirplane() {
			u.toggleAirplane()
		}
		return "Airplane Mode is now ON.", nil
	}),
	"turn_airplane_mode_off": userSet("turn_airplane_mode_off", func(u *UserDB) (any, error) {
		if u.toggleAirplane() {
			u.toggleAirplane()
		}
		return "Airplane Mode is now OFF.", nil
	}),
	"unseat_sim_card": userSet("unseat_sim_card", func(u *UserDB) (any, error) {
		u.Device.SIMCardMissing = true
		u.networkSearch()
		return "SIM card un-seated successfully.", nil
	}),
	"lock_sim_card": func(db *DB, args json.RawMessage) (any, error) {
		var in struct {
			Mode string `json:"mode"`
		}
		if err := decode("lock_sim_card", args, &in, "mode"); err != nil {
			return nil, err
		}
		u := db.User
		switch in.Mode {
		case "pin":
			u.Device.SIMCardStatus = SIMLockedPIN
		case "puk":
			u.Device.SIMCardStatus = SIMLockedPUK
		}
		u.networkSearch()
		return "SIM card locked successfully in " + in.Mode + " mode.", nil
	},
	"turn_data_on": userSet("turn_data_on", func(u *UserDB) (any, error) {
		u.Device.DataEnabled = true
		return "Data connection restored.", nil
	}),
	"turn_data_off": userSet("turn_data_off", func(u *UserDB) (any, error) {
		if u.toggleData() {
			u.toggleData()
		}
		return "Data connection broken.", nil
	}),
	"turn_roaming_on": userSet("turn_roaming_on", func(u *UserDB) (any, error) {
		if !u.toggleRoaming() {
			u.toggleRoaming()
		}
		return "Data Roaming is now ON.", nil
	}),
	"turn_roaming_off": userSet("turn_roaming_off", func(u *UserDB) (any, error) {
		if u.toggleRoaming() {
			u.toggleRoaming()
		}
		return "Data Roaming is now OFF.", nil
	}),
	"turn_data_saver_mode_on": userSet("turn_data_saver_mode_on", func(u *UserDB) (any, error) {
		if !u.toggleDataSaver() {
			u.toggleDataSaver()
		}
		return "Data Saver Mode is now ON.", nil
	}),
	"turn_data_saver_mode_off": userSet("turn_data_saver_mode_off", func(u *UserDB) (any, error) {
		if u.toggleDataSaver() {
			u.toggleDataSaver()
		}
		return "Data Saver Mode is now OFF.", nil
	}),
	"break_apn_settings": userSet("break_apn_settings", func(u *UserDB) (any, error) {
		u.Device.ActiveAPNSettings.APNName = APNBroken
		u.networkSearch()
		if u.Device.NetworkConnectionStatus != NetNoService {
			return nil, assertError("network_connection_status should be no_service after breaking the APN")
		}
		return "APN settings broken. Please call reset_apn_settings() to fix.", nil
	}),
	"break_apn_mms_setting": userSet("break_apn_mms_setting", func(u *UserDB) (any, error) {
		u.Device.ActiveAPNSettings.MMSCURL = nil
		return "APN MMS setting broken. Please call reset_apn_settings() to fix.", nil
	}),
	"break_vpn": userSet("break_vpn", func(u *UserDB) (any, error) {
		u.connectVPN()
		if u.Device.VPNDetails == nil {
			return nil, fmt.Errorf("'NoneType' object has no attribute 'server_performance'")
		}
		u.Device.VPNDetails.ServerPerformance = "poor"
		return "VPN connection broken.", nil
	}),
	"set_wifi_calling": func(db *DB, args json.RawMessage) (any, error) {
		var in struct {
			Enabled     bool  `json:"enabled"`
			MMSOverWifi *bool `json:"mms_over_wifi"`
		}
		if err := decode("set_wifi_calling", args, &in, "enabled"); err != nil {
			return nil, err
		}
		d := &db.User.Device
		d.WifiCallingEnabled = in.Enabled
		msg := "Wi-Fi Calling is now " + onOff(in.Enabled) + "."
		if in.MMSOverWifi != nil {
			d.WifiCallingMMSOverWifi = *in.MMSOverWifi
			msg += "\nMMS over Wi-Fi is now " + onOff(*in.MMSOverWifi) + "."
		}
		return msg, nil
	},
	"remove_app_permission": func(db *DB, args json.RawMessage) (any, error) {
		var in struct {
			AppName    string `json:"app_name"`
			Permission string `json:"permission"`
		}
		if err := decode("remove_app_permission", args, &in, "app_name", "permission"); err != nil {
			return nil, err
		}
		perm := strings.ToLower(in.Permission)
		app, ok := db.User.Device.AppStatuses.Get(in.AppName)
		if !ok {
			return []any{false, fmt.Sprintf("App '%s' not found. Cannot remove permission.", in.AppName)}, nil
		}
		f := app.Permissions.field(perm)
		if f == nil {
			return []any{false, fmt.Sprintf("Permission '%s' not tracked for app '%s'.", perm, in.AppName)}, nil
		}
		*f = false
		return []any{true, fmt.Sprintf("Permission '%s' removed from app '%s'.", perm, in.AppName)}, nil
	},
	"assert_airplane_mode_status": userBoolAssert("assert_airplane_mode_status", func(u *UserDB) bool { return u.Device.AirplaneMode }),
	"assert_mobile_data_status":   userBoolAssert("assert_mobile_data_status", (*UserDB).mobileDataWorking),
	"assert_mobile_roaming_status": userBoolAssert("assert_mobile_roaming_status", func(u *UserDB) bool {
		return u.Device.RoamingEnabled
	}),
	"assert_mobile_data_saver_mode_status": userBoolAssert("assert_mobile_data_saver_mode_status", func(u *UserDB) bool {
		return u.Device.DataSaverMode
	}),
	"assert_can_send_mms": userBoolAssert("assert_can_send_mms", (*UserDB).canSendMMS),
	"assert_mobile_data_usage_exceeded": userBoolAssert("assert_mobile_data_usage_exceeded", func(u *UserDB) bool {
		return u.Surroundings.MobileDataUsageExceeded
	}),
	"assert_service_status": func(db *DB, args json.RawMessage) (any, error) {
		var in struct {
			ExpectedStatus string `json:"expected_status"`
		}
		if err := decode("assert_service_status", args, &in, "expected_status"); err != nil {
			return nil, err
		}
		valid := false
		for _, s := range netStatuses {
			valid = valid || s == in.ExpectedStatus
		}
		if !valid {
			return nil, domain.Errorf("'%s' is not a valid NetworkStatus", in.ExpectedStatus)
		}
		return db.User.Device.NetworkConnectionStatus == in.ExpectedStatus, nil
	},
	"assert_internet_speed": func(db *DB, args json.RawMessage) (any, error) {
		var in struct {
			ExpectedSpeed domain.Number `json:"expected_speed"`
			ExpectedDesc  *string       `json:"expected_desc"`
		}
		if err := decode("assert_internet_speed", args, &in, "expected_speed"); err != nil {
			return nil, err
		}
		speed, desc, _ := db.User.speedTest()
		if in.ExpectedDesc == nil {
			return speed >= in.ExpectedSpeed.F, nil
		}
		return speed >= in.ExpectedSpeed.F && strings.EqualFold(desc, *in.ExpectedDesc), nil
	},
	"assert_internet_not_excellent": userSet("assert_internet_not_excellent", func(u *UserDB) (any, error) {
		_, desc, _ := u.speedTest()
		return !strings.EqualFold(desc, "excellent"), nil
	}),
}

// agentFuncs are TelecomTools' non-tool methods.
var agentFuncs = map[string]fn{
	"set_data_usage": func(db *DB, args json.RawMessage) (any, error) {
		var in struct {
			customerLine
			DataUsedGB domain.Number `json:"data_used_gb"`
		}
		if err := decode("set_data_usage", args, &in, "customer_id", "line_id", "data_used_gb"); err != nil {
			return nil, err
		}
		l, err := db.targetLine(in.CustomerID, in.LineID)
		if err != nil {
			return nil, err
		}
		l.DataUsedGB = numOf(in.DataUsedGB)
		return fmt.Sprintf("Data usage set to %s GB for line %s", in.DataUsedGB, in.LineID), nil
	},
	"suspend_line_for_overdue_bill": func(db *DB, args json.RawMessage) (any, error) {
		var in struct {
			customerLine
			NewBillID     string `json:"new_bill_id"`
			ContractEnded bool   `json:"contract_ended"`
		}
		if err := decode("suspend_line_for_overdue_bill", args, &in, "customer_id", "line_id", "new_bill_id", "contract_ended"); err != nil {
			return nil, err
		}
		return db.suspendForOverdue(in.CustomerID, in.LineID, in.NewBillID, in.ContractEnded)
	},
	"get_available_plan_ids": func(db *DB, args json.RawMessage) (any, error) {
		if err := decode("get_available_plan_ids", args, nil); err != nil {
			return nil, err
		}
		return db.Plans.Keys(), nil
	},
	"assert_data_refueling_amount": func(db *DB, args json.RawMessage) (any, error) {
		var in struct {
			customerLine
			ExpectedAmount domain.Number `json:"expected_amount"`
		}
		if err := decode("assert_data_refueling_amount", args, &in, "customer_id", "line_id", "expected_amount"); err != nil {
			return nil, err
		}
		l, err := db.readLine(in.CustomerID, in.LineID)
		if err != nil {
			return nil, err
		}
		d := l.DataRefuelingGB - in.ExpectedAmount.F
		return d < 1e-6 && d > -1e-6, nil
	},
	"assert_line_status": func(db *DB, args json.RawMessage) (any, error) {
		var in struct {
			customerLine
			ExpectedStatus string `json:"expected_status"`
		}
		if err := decode("assert_line_status", args, &in, "customer_id", "line_id", "expected_status"); err != nil {
			return nil, err
		}
		l, err := db.readLine(in.CustomerID, in.LineID)
		if err != nil {
			return nil, err
		}
		return l.Status == in.ExpectedStatus, nil
	},
	"assert_overdue_bill_exists": func(db *DB, args json.RawMessage) (any, error) {
		var in struct {
			CustomerID    string `json:"customer_id"`
			OverdueBillID string `json:"overdue_bill_id"`
		}
		if err := decode("assert_overdue_bill_exists", args, &in, "customer_id", "overdue_bill_id"); err != nil {
			return nil, err
		}
		c, err := db.customer(in.CustomerID)
		if err != nil {
			return nil, err
		}
		found := false
		for _, id := range c.BillIDs {
			found = found || id == in.OverdueBillID
		}
		if !found {
			return nil, domain.Errorf("Overdue bill %s not found", in.OverdueBillID)
		}
		b, err := db.bill(in.OverdueBillID)
		if err != nil {
			return nil, err
		}
		if b.Status != BillOverdue {
			return nil, domain.Errorf("Overdue bill %s is not overdue", in.OverdueBillID)
		}
		return true, nil
	},
	"assert_no_overdue_bill": func(db *DB, args json.RawMessage) (any, error) {
		var in struct {
			OverdueBillID string `json:"overdue_bill_id"`
		}
		if err := decode("assert_no_overdue_bill", args, &in, "overdue_bill_id"); err != nil {
			return nil, err
		}
		b, ok := db.Bills.Get(in.OverdueBillID)
		return !ok || b.Status == BillPaid, nil
	},
}

// Env types of tau2's EnvFunctionCall.
const (
	EnvUser      = "user"
	EnvAssistant = "assistant"
)

// RunFunction runs a tau2 environment function on db: env_type "user"
// reaches the phone (its tools and set-up and assert methods), "assistant"
// the agent toolkit. Like tau2, the two sides are synced afterwards. A
// tool returns its response text; assertions return a bool.
func RunFunction(db *DB, call domain.FunctionCall) (any, error) {
	var (
		funcs map[string]fn
		specs []spec
		kit   string
	)
	switch call.EnvType {
	case EnvUser:
		funcs, specs, kit = userFuncs, userSpecs, "TelecomUserTools"
	case EnvAssistant:
		funcs, specs, kit = agentFuncs, agentSpecs, "TelecomTools"
	default:
		return nil, fmt.Errorf("telecom: invalid environment type %q (want %q or %q)", call.EnvType, EnvUser, EnvAssistant)
	}
	var res any
	var err error
	if f, ok := funcs[call.FuncName]; ok {
		res, err = f(db, call.Arguments)
	} else if s, ok := specByName(specs, call.FuncName); ok {
		res, err = s.run(db, call.Arguments)
	} else {
		return nil, fmt.Errorf("telecom: %w", errAttr(kit, call.FuncName))
	}
	if err != nil {
		return nil, fmt.Errorf("telecom: %s: %w", call.FuncName, err)
	}
	if err := db.Sync(); err != nil {
		return nil, fmt.Errorf("telecom: sync after %s: %w", call.FuncName, err)
	}
	return res, nil
}

func specByName(specs []spec, name string) (spec, bool) {
	for _, s := range specs {
		if s.name == name {
			return s, true
		}
	}
	return spec{}, false
}
