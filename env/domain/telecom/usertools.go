package telecom

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/batonhq/baton/env/domain"
)

// userSpec makes a user tool whose body needs no arguments.
func userSpec(name, desc string, mutates bool, f func(u *UserDB) string) spec {
	return spec{name: name, desc: desc, mutates: mutates, params: noParams(),
		run: func(db *DB, args json.RawMessage) (string, error) {
			if err := decode(name, args, nil); err != nil {
				return "", err
			}
			return f(db.User), nil
		}}
}

func appParams(desc string) json.RawMessage {
	return domain.Schema(map[string]any{"app_name": domain.Str(desc)}, "app_name")
}

// allowedPerms lists an app's granted permissions in model order.
func allowedPerms(p AppPermissions) []string {
	var out []string
	for _, n := range permNames {
		if *p.field(n) {
			out = append(out, n)
		}
	}
	return out
}

// pyList is str() of a list of str.
func pyList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = pyStrRepr(x)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// userSpecs are tau2's 30 user (phone) tools, sorted by name.
var userSpecs = []spec{
	userSpec("can_send_mms", "Checks if the default messaging app can send MMS messages.", false, func(u *UserDB) string {
		if u.canSendMMS() {
			return "Your messaging app can send MMS messages."
		}
		return "Your messaging app cannot send MMS messages."
	}),
	userSpec("check_apn_settings", "Checks the technical APN settings your phone uses to connect to your carrier's mobile data network. Shows current APN name and MMSC URL for picture messaging.", false, func(u *UserDB) string {
		a := u.Device.ActiveAPNSettings
		name, url := a.APNName, "Not Set"
		if name == "" {
			name = "Not Set"
		}
		if a.MMSCURL != nil && *a.MMSCURL != "" {
			url = *a.MMSCURL
		}
		return fmt.Sprintf("Current APN Name: %s\nMMSC URL (for picture messages): %s\n(These are technical settings, usually best left unchanged.)", name, url)
	}),
	{
		name: "check_app_permissions", desc: "Checks what permissions a specific app currently has. Shows if the app has access to features like storage, camera, location, etc.",
		params: appParams("The name of the app."),
		run: func(db *DB, args json.RawMessage) (string, error) {
			var in struct {
				AppName string `json:"app_name"`
			}
			if err := decode("check_app_permissions", args, &in, "app_name"); err != nil {
				return "", err
			}
			app, ok := db.User.Device.AppStatuses.Get(in.AppName)
			if !ok {
				return fmt.Sprintf("App '%s' not found on this phone.", in.AppName), nil
			}
			perms := allowedPerms(app.Permissions)
			if len(perms) == 0 {
				return fmt.Sprintf("App '%s' currently has no permissions granted.", in.AppName), nil
			}
			return fmt.Sprintf("App '%s' has permission for: %s.", in.AppName, strings.Join(perms, ", ")), nil
		},
	},
	{
		name: "check_app_status", desc: "Checks detailed information about a specific app. Shows its permissions and background data usage settings.",
		params: appParams("The name of the app."),
		run: func(db *DB, args json.RawMessage) (string, error) {
			var in struct {
				AppName string `json:"app_name"`
			}
			if err := decode("check_app_status", args, &in, "app_name"); err != nil {
				return "", err
			}
			app, ok := db.User.Device.AppStatuses.Get(in.AppName)
			if !ok {
				return fmt.Sprintf("App '%s' not found on this phone.", in.AppName), nil
			}
			lines := []string{"Status for App: " + in.AppName}
			perms := allowedPerms(app.Permissions)
			if len(perms) == 0 {
				lines = append(lines, " - Permissions: None granted.")
			} else {
				lines = append(lines, " - Permissions Granted:")
				for _, p := range perms {
					lines = append(lines, "   - "+p)
				}
			}
			return strings.Join(lines, "\n"), nil
		},
	},
	userSpec("check_data_restriction_status", "Checks if your phone has any data-limiting features active. Shows if Data Saver mode is on.", false, func(u *UserDB) string {
		if u.Device.DataSaverMode {
			return "Data Saver mode is ON (limits data usage)."
		}
		return "Data Saver mode is OFF."
	}),
	userSpec("check_installed_apps", "Returns the name of all installed apps on the phone.", false, func(u *UserDB) string {
		return "The following apps are installed on the phone: " + strings.Join(u.Device.AppStatuses.Keys(), ", ")
	}),
	userSpec("check_network_mode_preference", "Shows the current network mode preference.", false, func(u *UserDB) string {
		return "Network Mode Preference: " + u.Device.NetworkModePreference
	}),
	userSpec("check_network_status", "Checks your phone's connection status to cellular networks and Wi-Fi. Shows airplane mode status, signal strength, network type, whether mobile data is enabled, and whether data roaming is enabled.", false, func(u *UserDB) string {
		d := &u.Device
		lines := []string{
			"Airplane Mode: " + onOff(d.AirplaneMode),
			"SIM Card Status: " + u.simStatus(),
			"Cellular Connection: " + d.NetworkConnectionStatus,
			"Cellular Signal: " + d.NetworkSignalStrength,
			"Cellular Network Type: " + d.NetworkTechnologyConnected,
			"Mobile Data Enabled: " + yesNo(d.DataEnabled),
			"Data Roaming Enabled: " + yesNo(d.RoamingEnabled),
			"Wi-Fi Radio: " + onOff(d.WifiEnabled),
			"Wi-Fi Connected: " + yesNo(d.WifiConnected),
		}
		if d.WifiConnected {
			ssid := "None"
			if d.WifiSSID != nil {
				ssid = *d.WifiSSID
			}
			lines = append(lines, "Connected Wi-Fi Network: "+ssid)
		}
		return strings.Join(lines, "\n")
	}),
	userSpec("check_payment_request", "Checks if the agent has sent you a payment request.", false, func(u *UserDB) string {
		pr := u.Surroundings.PaymentRequest
		if pr == nil {
			return "No payment request has been made."
		}
		return fmt.Sprintf("You have a payment request for bill %s of %s USD.", pr.BillID, domain.PyFloat(pr.AmountDue))
	}),
	userSpec("check_sim_status", "Checks if your SIM card is working correctly and displays its current status. Shows if the SIM is active, missing, or locked with a PIN or PUK code.", false, func(u *UserDB) string {
		switch st := u.simStatus(); st {
		case SIMActive:
			return "Your SIM card is active and working."
		case SIMMissing:
			return "No SIM card detected in the phone."
		case SIMLockedPIN:
			return "The SIM card is locked with a PIN code."
		case SIMLockedPUK:
			return "The SIM card is locked with a PUK code."
		default:
			return "Unknown SIM status: " + st
		}
	}),
	userSpec("check_status_bar", "Shows what icons are currently visible in your phone's status bar (the area at the top of the screen). Displays network signal strength, mobile data status (enabled, disabled, data saver), Wi-Fi status, and battery level.", false, func(u *UserDB) string {
		return "Status Bar: " + u.statusBar()
	}),
	userSpec("check_vpn_status", "Checks if you're using a VPN (Virtual Private Network) connection. Shows if a VPN is active, connected, and displays any available connection details.", false, func(u *UserDB) string {
		d := &u.Device
		switch {
		case d.VPNConnected && d.VPNDetails != nil:
			return "VPN is ON and connected. Details: " + vpnDetailsRepr(d.VPNDetails)
		case d.VPNConnected:
			return "VPN is ON and connected (no specific details available)."
		case d.VPNEnabledSetting:
			return "VPN is turned ON in settings, but currently not connected."
		}
		return "VPN is turned OFF."
	}),
	userSpec("check_wifi_calling_status", "Checks if Wi-Fi Calling is enabled on your device. This feature allows you to make and receive calls over a Wi-Fi network instead of using the cellular network.", false, func(u *UserDB) string {
		return "Wi-Fi Calling is currently turned " + onOff(u.Device.WifiCallingEnabled) + "."
	}),
	userSpec("check_wifi_status", "Checks your Wi-Fi connection status. Shows if Wi-Fi is turned on, which network you're connected to (if any), and the signal strength.", false, func(u *UserDB) string {
		d := &u.Device
		if !d.WifiEnabled {
			return "Wi-Fi is turned OFF."
		}
		if d.WifiConnected {
			ssid := "None"
			if d.WifiSSID != nil {
				ssid = *d.WifiSSID
			}
			return fmt.Sprintf("Wi-Fi is ON and connected to '%s'. Signal strength: %s.", ssid, d.WifiSignalStrength)
		}
		return "Wi-Fi is ON but not connected to any network."
	}),
	userSpec("connect_vpn", "Connects to your VPN (Virtual Private Network).", true, func(u *UserDB) string {
		if !u.connectVPN() {
			return "VPN already connected."
		}
		return u.withStatusBar("VPN connected successfully.")
	}),
	userSpec("disconnect_vpn", "Disconnects any active VPN (Virtual Private Network) connection. Stops routing your internet traffic through a VPN server, which might affect connection speed or access to content.", true, func(u *UserDB) string {
		if u.disconnectVPN() {
			return u.withStatusBar("VPN disconnected successfully.")
		}
		return u.withStatusBar("No active VPN connection to disconnect.")
	}),
	{
		name: "grant_app_permission", mutates: true,
		desc: "Gives a specific permission to an app (like access to storage, camera, or location). Required for some app functions to work properly.",
		params: domain.Schema(map[string]any{
			"app_name":   domain.Str("The name of the app to grant the permission to."),
			"permission": domain.Str("The permission to grant, should be lowercase."),
		}, "app_name", "permission"),
		run: func(db *DB, args json.RawMessage) (string, error) {
			var in struct {
				AppName    string `json:"app_name"`
				Permission string `json:"permission"`
			}
			if err := decode("grant_app_permission", args, &in, "app_name", "permission"); err != nil {
				return "", err
			}
			u := db.User
			perm := strings.ToLower(in.Permission)
			app, ok := u.Device.AppStatuses.Get(in.AppName)
			var msg string
			switch {
			case !ok:
				msg = fmt.Sprintf("Error. App '%s' not found. Cannot grant permission.", in.AppName)
			case app.Permissions.field(perm) == nil:
				msg = fmt.Sprintf("Error. Permission '%s' not tracked for app '%s', available permissions: %s", perm, in.AppName, pyList(permNames))
			default:
				*app.Permissions.field(perm) = true
				msg = fmt.Sprintf("Success. Permission '%s' granted to app '%s'.", perm, in.AppName)
			}
			return u.withStatusBar(msg), nil
		},
	},
	userSpec("make_payment", "Makes a payment for the bill that the agent has sent you.", true, func(u *UserDB) string {
		pr := u.Surroundings.PaymentRequest
		if pr == nil {
			return "You do not have a payment request."
		}
		pr.Paid = true
		return fmt.Sprintf("Payment of %s USD has been made for bill %s.", domain.PyFloat(pr.AmountDue), pr.BillID)
	}),
	userSpec("reboot_device", "Restarts your phone completely. This can help resolve many temporary software glitches by refreshing all running services and connections.", true, func(u *UserDB) string {
		var lines []string
		if u.Device.ActiveAPNSettings.ResetAtReboot {
			lines = append(lines, "Resetting APN settings...")
			u.Device.ActiveAPNSettings = defaultAPN()
		}
		lines = append(lines, "Restarting network services...")
		u.Device.NetworkConnectionStatus = NetSearching
		u.networkSearch()
		return u.withStatusBar(strings.Join(lines, "\n"))
	}),
	userSpec("reseat_sim_card", "Simulates removing and reinserting your SIM card. This can help resolve recognition issues.", true, func(u *UserDB) string {
		u.Device.SIMCardMissing = false
		u.networkSearch()
		return u.withStatusBar("SIM card re-seated successfully.")
	}),
	userSpec("reset_apn_settings", "Resets your APN settings to the default settings.", true, func(u *UserDB) string {
		u.Device.ActiveAPNSettings.ResetAtReboot = true
		u.networkSearch()
		return u.withStatusBar("APN settings will reset at reboot.")
	}),
	userSpec("run_speed_test", "Measures your current internet connection speed (download speed). Provides information about connection quality and what activities it can support.", false, func(u *UserDB) string {
		speed, desc, ok := u.speedTest()
		if !ok {
			return "Speed test failed: " + desc + "."
		}
		advice := map[string]string{
			"Very Poor": "Connection is very slow. Basic web browsing might be difficult.",
			"Poor":      "Connection is slow. Web browsing may be sluggish, streaming difficult.",
			"Fair":      "Connection is okay for web browsing and some standard definition streaming.",
			"Good":      "Connection is good for most activities, including HD streaming.",
			"Excellent": "Connection is very fast.",
		}[desc]
		return fmt.Sprintf("Speed Test Result: %.2f Mbps (%s). %s", speed, desc, advice)
	}),
	{
		name: "set_apn_settings", mutates: true, desc: "Sets the APN settings for the phone.",
		params: domain.Schema(map[string]any{
			"apn_settings": map[string]any{
				"type": "object", "description": "The APN settings to apply.",
				"properties": map[string]any{
					"apn_name":        domain.Enum("The name identifier for the APN connection.", APNInternet, APNBroken),
					"reset_at_reboot": map[string]any{"type": "boolean", "description": "Whether the APN settings will be reset at the next reboot."},
					"mms_apn":         map[string]any{"type": []string{"string", "null"}, "description": "Specific APN name used for MMS traffic, if different from general data."},
					"mmsc_url":        map[string]any{"type": []string{"string", "null"}, "description": "The URL of the Multimedia Messaging Service Center (MMSC). Crucial for MMS."},
					"mms_proxy":       map[string]any{"type": []string{"string", "null"}, "description": "The proxy server address required for MMS traffic on some networks."},
					"mms_port":        map[string]any{"type": []string{"integer", "null"}, "description": "The proxy server port required for MMS traffic on some networks."},
				},
			},
		}, "apn_settings"),
		run: (*DB).setAPN,
	},
	{
		name: "set_network_mode_preference", mutates: true,
		desc: "Changes the type of cellular network your phone prefers to connect to (e.g., 5G, LTE/4G, 3G). Higher-speed networks (LTE/5G) provide faster data but may use more battery.",
		params: domain.Schema(map[string]any{
			"mode": domain.Str("The network mode to set: one of " + strings.Join(modes, ", ") + "."),
		}, "mode"),
		run: func(db *DB, args json.RawMessage) (string, error) {
			var in struct {
				Mode string `json:"mode"`
			}
			if err := decode("set_network_mode_preference", args, &in, "mode"); err != nil {
				return "", err
			}
			u := db.User
			if !u.setNetworkMode(in.Mode) {
				return u.withStatusBar(fmt.Sprintf("Failed to set network mode: '%s' is not a valid option. Please use one of: %s", in.Mode, strings.Join(modes, ", "))), nil
			}
			return u.withStatusBar("Preferred Network Mode set to: " + in.Mode), nil
		},
	},
	userSpec("toggle_airplane_mode", "Toggles Airplane Mode ON or OFF. When ON, it disconnects all wireless communications including cellular, Wi-Fi, and Bluetooth.\nReturns the new state of airplane_mode.", true, func(u *UserDB) string {
		return u.withStatusBar("Airplane Mode is now " + onOff(u.toggleAirplane()) + ".")
	}),
	userSpec("toggle_data", "Toggles your phone's mobile data connection ON or OFF. Controls whether your phone can use cellular data for internet access when Wi-Fi is unavailable.\nReturns the new data connection status.", true, func(u *UserDB) string {
		return u.withStatusBar("Mobile Data is now " + onOff(u.toggleData()) + ".")
	}),
	userSpec("toggle_data_saver_mode", "Toggles Data Saver mode ON or OFF. When ON, it reduces data usage, which may affect data speed.\nReturns the new data saver mode status.", true, func(u *UserDB) string {
		return u.withStatusBar("Data Saver Mode is now " + onOff(u.toggleDataSaver()) + ".")
	}),
	userSpec("toggle_roaming", "Toggles Data Roaming ON or OFF. When ON, your phone can use data networks in areas outside your carrier's coverage.\nReturns the new data roaming status.", true, func(u *UserDB) string {
		return u.withStatusBar("Data Roaming is now " + onOff(u.toggleRoaming()) + ".")
	}),
	userSpec("toggle_wifi", "Toggles your phone's Wi-Fi radio ON or OFF. Controls whether your phone can discover and connect to wireless networks for internet access.\nReturns the new Wi-Fi status.", true, func(u *UserDB) string {
		d := &u.Device
		if d.AirplaneMode {
			return u.withStatusBar("Cannot change Wi-Fi settings while Airplane Mode is ON.")
		}
		d.WifiEnabled = !d.WifiEnabled
		if !d.WifiEnabled {
			u.wifiDown()
		}
		return u.withStatusBar("Wi-Fi is now " + onOff(d.WifiEnabled) + ".")
	}),
	userSpec("toggle_wifi_calling", "Toggles Wi-Fi Calling ON or OFF. This feature allows you to make and receive calls over Wi-Fi instead of the cellular network, which can help in areas with weak cellular signal.\nReturns the new Wi-Fi Calling status.", true, func(u *UserDB) string {
		u.Device.WifiCallingEnabled = !u.Device.WifiCallingEnabled
		return u.withStatusBar("Wi-Fi Calling is now " + onOff(u.Device.WifiCallingEnabled) + ".")
	}),
}

func (db *DB) setAPN(args json.RawMessage) (string, error) {
	var in struct {
		APNSettings *struct {
			APNName       *string         `json:"apn_name"`
			ResetAtReboot *bool           `json:"reset_at_reboot"`
			MMSAPN        json.RawMessage `json:"mms_apn"`
			MMSCURL       json.RawMessage `json:"mmsc_url"`
			MMSProxy      *string         `json:"mms_proxy"`
			MMSPort       *domain.Int     `json:"mms_port"`
		} `json:"apn_settings"`
	}
	if err := decode("set_apn_settings", args, &in, "apn_settings"); err != nil {
		return "", err
	}
	if in.APNSettings == nil {
		return "", domain.Errorf("1 validation error for APNSettings: Input should be a valid dictionary or instance of APNSettings")
	}
	a, apn := in.APNSettings, defaultAPN()
	if a.APNName != nil {
		if *a.APNName != APNInternet && *a.APNName != APNBroken {
			return "", domain.Errorf("1 validation error for APNSettings\napn_name\n  Input should be 'internet' or 'broken'")
		}
		apn.APNName = *a.APNName
	}
	if a.ResetAtReboot != nil {
		apn.ResetAtReboot = *a.ResetAtReboot
	}
	// A given null clears an optional; an absent one keeps its default.
	for _, f := range []struct {
		raw json.RawMessage
		dst **string
	}{{a.MMSAPN, &apn.MMSAPN}, {a.MMSCURL, &apn.MMSCURL}} {
		if f.raw == nil {
			continue
		}
		var s *string
		if err := json.Unmarshal(f.raw, &s); err != nil {
			return "", domain.Errorf("1 validation error for APNSettings: Input should be a valid string")
		}
		*f.dst = s
	}
	apn.MMSProxy = a.MMSProxy
	if a.MMSPort != nil {
		p := int64(*a.MMSPort)
		apn.MMSPort = &p
	}
	u := db.User
	u.Device.ActiveAPNSettings = apn
	u.networkSearch()
	return u.withStatusBar("APN settings set to: " + apn.APNName), nil
}
