package telecom

import (
	"fmt"
	"strings"

	"github.com/batonhq/baton/env/domain"
)

// The phone simulation: what tau2's TelecomUserTools computes from the
// device state and the surroundings.

func (u *UserDB) simStatus() string {
	if u.Device.SIMCardMissing {
		return SIMMissing
	}
	return u.Device.SIMCardStatus
}

func (u *UserDB) signalFor(tech string) string {
	if s, ok := u.Surroundings.SignalStrength.Get(tech); ok {
		return s
	}
	return SignalNone
}

func (u *UserDB) noService() {
	d := &u.Device
	d.NetworkConnectionStatus, d.NetworkTechnologyConnected, d.NetworkSignalStrength = NetNoService, TechNone, SignalNone
}

// networkSearch re-evaluates the cellular connection (tau2's
// simulate_network_search).
func (u *UserDB) networkSearch() {
	d := &u.Device
	if u.simStatus() == SIMActive {
		d.NetworkConnectionStatus = NetConnected
		tech := Tech4G
		switch d.NetworkModePreference {
		case Mode4G5GPreferred:
			if u.signalFor(Tech5G) != SignalNone {
				tech = Tech5G
			}
		case Mode3GOnly:
			tech = Tech3G
		case Mode2GOnly:
			tech = Tech2G
		}
		d.NetworkTechnologyConnected, d.NetworkSignalStrength = tech, u.signalFor(tech)
	} else {
		u.noService()
	}
	if d.AirplaneMode || d.ActiveAPNSettings.APNName == APNBroken || !u.Surroundings.LineActive {
		u.noService()
	}
}

var signalIcons = map[string]string{
	SignalNone: "📵 No Signal", SignalPoor: "📶¹ Poor", SignalFair: "📶² Fair",
	SignalGood: "📶³ Good", SignalExcellent: "📶⁴ Excellent",
}

// statusBar is the text after "Status Bar: ".
func (u *UserDB) statusBar() string {
	d := &u.Device
	var ind []string
	if d.AirplaneMode {
		ind = append(ind, "✈️ Airplane Mode")
	} else {
		icon, ok := signalIcons[d.NetworkSignalStrength]
		if !ok {
			icon = signalIcons[SignalNone]
		}
		ind = append(ind, icon)
		if d.NetworkTechnologyConnected != TechNone {
			ind = append(ind, d.NetworkTechnologyConnected)
		}
		if d.DataEnabled && d.NetworkTechnologyConnected != TechNone {
			ind = append(ind, "📱 Data Enabled")
			if d.DataSaverMode {
				ind = append(ind, "🔽 Data Saver")
			}
		} else {
			ind = append(ind, "📵 Data Disabled")
		}
	}
	if d.WifiEnabled && d.WifiConnected {
		if d.WifiSSID != nil && *d.WifiSSID != "" {
			ind = append(ind, "📡 Connected to "+*d.WifiSSID)
		} else {
			ind = append(ind, "📡 Enabled")
		}
	}
	if d.VPNConnected {
		ind = append(ind, "🔒 VPN Connected")
	}
	ind = append(ind, fmt.Sprintf("🔋 %d%%", d.BatteryLevel))
	return strings.Join(ind, " | ")
}

// withStatusBar appends the status bar line most write tools end with.
func (u *UserDB) withStatusBar(s string) string { return s + "\nStatus Bar: " + u.statusBar() }

func (u *UserDB) mobileDataWorking() bool {
	d, s := &u.Device, &u.Surroundings
	switch {
	case d.AirplaneMode || d.NetworkSignalStrength == SignalNone:
		return false
	case d.NetworkConnectionStatus == NetNoService:
		return false
	case s.IsAbroad && (!d.RoamingEnabled || !s.RoamingAllowed):
		return false
	case !d.DataEnabled || s.MobileDataUsageExceeded:
		return false
	}
	return true
}

var (
	techSpeed    = map[string][2]float64{Tech2G: {0.1, 0.4}, Tech3G: {1, 5}, Tech4G: {10, 100}, Tech5G: {50, 500}}
	signalFactor = map[string]float64{SignalPoor: 0.2, SignalFair: 0.5, SignalGood: 0.8, SignalExcellent: 1}
)

// speedTest returns the simulated download speed and its description;
// ok is false when mobile data does not work.
func (u *UserDB) speedTest() (speed float64, desc string, ok bool) {
	if !u.mobileDataWorking() {
		return 0, "No Connection", false
	}
	d := &u.Device
	base := 1.0
	if d.VPNConnected && d.VPNDetails != nil && d.VPNDetails.ServerPerformance == "poor" {
		base = 0.1
	}
	if d.DataSaverMode {
		base *= 0.2
	}
	r := techSpeed[d.NetworkTechnologyConnected]
	speed = domain.PyRound((r[0]+r[1])/2.0*signalFactor[d.NetworkSignalStrength]*base, 2)
	switch {
	case speed < 1:
		desc = "Very Poor"
	case speed < 5:
		desc = "Poor"
	case speed < 25:
		desc = "Fair"
	case speed < 100:
		desc = "Good"
	default:
		desc = "Excellent"
	}
	return speed, desc, true
}

func (u *UserDB) canSendMMS() bool {
	d := &u.Device
	if !u.mobileDataWorking() || d.NetworkTechnologyConnected == Tech2G {
		return false
	}
	if d.WifiCallingEnabled && d.WifiCallingMMSOverWifi {
		return false
	}
	if d.ActiveAPNSettings.MMSCURL == nil {
		return false
	}
	app, ok := d.AppStatuses.Get("messaging")
	return ok && app.Permissions.Storage && app.Permissions.SMS
}

// toggleAirplane flips airplane mode and returns the new state.
func (u *UserDB) toggleAirplane() bool {
	d := &u.Device
	wasOn := d.AirplaneMode
	d.AirplaneMode = !wasOn
	if wasOn {
		d.NetworkConnectionStatus = NetSearching
		if d.WifiEnabled {
			u.wifiDown()
		}
	} else {
		u.wifiDown()
		if d.VPNConnected {
			u.disconnectVPN()
		}
	}
	u.networkSearch()
	return d.AirplaneMode
}

func (u *UserDB) wifiDown() {
	d := &u.Device
	d.WifiConnected, d.WifiSSID, d.WifiSignalStrength = false, nil, SignalNone
}

func (u *UserDB) toggleData() bool {
	u.Device.DataEnabled = !u.Device.DataEnabled
	u.networkSearch()
	return u.Device.DataEnabled
}

func (u *UserDB) toggleRoaming() bool {
	u.Device.RoamingEnabled = !u.Device.RoamingEnabled
	u.networkSearch()
	return u.Device.RoamingEnabled
}

func (u *UserDB) toggleDataSaver() bool {
	u.Device.DataSaverMode = !u.Device.DataSaverMode
	return u.Device.DataSaverMode
}

// connectVPN returns false when a VPN was already connected.
func (u *UserDB) connectVPN() bool {
	if u.Device.VPNConnected {
		return false
	}
	addr, proto := "192.168.1.1", "OpenVPN"
	u.Device.VPNConnected = true
	u.Device.VPNDetails = &VPNDetails{ServerAddress: &addr, Protocol: &proto, ServerPerformance: "excellent"}
	return true
}

func (u *UserDB) disconnectVPN() bool {
	if !u.Device.VPNConnected {
		return false
	}
	u.Device.VPNConnected, u.Device.VPNDetails = false, nil
	return true
}

// setNetworkMode returns false for a mode that is not a preference.
func (u *UserDB) setNetworkMode(mode string) bool {
	for _, m := range modes {
		if m == mode {
			u.Device.NetworkModePreference = mode
			u.networkSearch()
			return true
		}
	}
	return false
}

func onOff(b bool) string {
	if b {
		return "ON"
	}
	return "OFF"
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

// pyBool is str(bool) in Python.
func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// pyStrRepr is repr(str) for the plain strings this domain prints.
func pyStrRepr(s string) string {
	q := "'"
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		q = `"`
	}
	r := strings.NewReplacer(`\`, `\\`, q, `\`+q, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return q + r.Replace(s) + q
}

// vpnDetailsRepr is str() of the VPN details' model_dump(): a Python dict
// whose performance value is an Enum member, shown by its repr.
func vpnDetailsRepr(v *VPNDetails) string {
	opt := func(p *string) string {
		if p == nil {
			return "None"
		}
		return pyStrRepr(*p)
	}
	perf := v.ServerPerformance
	return fmt.Sprintf("{'server_address': %s, 'protocol': %s, 'server_performance': <PerformanceLevel.%s: %s>}",
		opt(v.ServerAddress), opt(v.Protocol), perfEnumName[perf], pyStrRepr(perf))
}
