package telecom

import (
	"github.com/batonhq/baton/env/domain"
)

// User-side (device) types, mirroring tau2's telecom user_data_model.py.

// SIM statuses.
const (
	SIMActive    = "active"
	SIMMissing   = "missing"
	SIMLockedPIN = "locked_pin"
	SIMLockedPUK = "locked_puk"
)

// Network technologies.
const (
	TechNone = "none"
	Tech2G   = "2G"
	Tech3G   = "3G"
	Tech4G   = "4G"
	Tech5G   = "5G"
)

// Network mode preferences.
const (
	Mode4G5GPreferred = "4g_5g_preferred"
	Mode4GOnly        = "4g_only"
	Mode3GOnly        = "3g_only"
	Mode2GOnly        = "2g_only"
)

// Signal strengths (also Wi-Fi's).
const (
	SignalNone      = "none"
	SignalPoor      = "poor"
	SignalFair      = "fair"
	SignalGood      = "good"
	SignalExcellent = "excellent"
)

// Network connection statuses.
const (
	NetConnected     = "connected"
	NetSearching     = "searching"
	NetNoService     = "no_service"
	NetEmergencyOnly = "emergency_only"
)

// APN names.
const (
	APNInternet = "internet"
	APNBroken   = "broken"
)

var (
	simStatuses  = []string{SIMActive, SIMMissing, SIMLockedPIN, SIMLockedPUK}
	techs        = []string{TechNone, Tech2G, Tech3G, Tech4G, Tech5G}
	modes        = []string{Mode4G5GPreferred, Mode4GOnly, Mode3GOnly, Mode2GOnly}
	signals      = []string{SignalNone, SignalPoor, SignalFair, SignalGood, SignalExcellent}
	netStatuses  = []string{NetConnected, NetSearching, NetNoService, NetEmergencyOnly}
	apnNames     = []string{APNInternet, APNBroken}
	perfLevels   = []string{"unknown", "poor", "fair", "good", "excellent"}
	perfEnumName = map[string]string{"unknown": "UNKNOWN", "poor": "POOR", "fair": "FAIR", "good": "GOOD", "excellent": "EXCELLENT"}
)

// APNSettings is the active access point configuration.
type APNSettings struct {
	APNName       string  `json:"apn_name"`        // APNInternet or APNBroken
	ResetAtReboot bool    `json:"reset_at_reboot"` // reboot_device restores the default APN; set by reset_apn_settings
	MMSAPN        *string `json:"mms_apn"`         // MMS APN; nil when unset (MMS fails)
	MMSCURL       *string `json:"mmsc_url"`        // MMS centre URL; nil when unset (MMS fails)
	MMSProxy      *string `json:"mms_proxy"`       // nil when unset
	MMSPort       *int64  `json:"mms_port"`        // nil when unset
}

func defaultAPN() APNSettings {
	apn, url := "mms", "http://mms.carrier.com/mms/wapenc"
	return APNSettings{APNName: APNInternet, MMSAPN: &apn, MMSCURL: &url}
}

func (a APNSettings) clone() APNSettings {
	c := a
	c.MMSAPN = clonePtr(a.MMSAPN)
	c.MMSCURL = clonePtr(a.MMSCURL)
	c.MMSProxy = clonePtr(a.MMSProxy)
	c.MMSPort = clonePtr(a.MMSPort)
	return c
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// VPNDetails describes a VPN connection.
type VPNDetails struct {
	ServerAddress     *string `json:"server_address"`     // VPN server; nil when unknown
	Protocol          *string `json:"protocol"`           // e.g. "OpenVPN"; nil when unknown
	ServerPerformance string  `json:"server_performance"` // "unknown", "poor", "fair", "good" or "excellent"; poor slows data
}

// AppPermissions are the permissions tracked per app, in model order.
type AppPermissions struct {
	SMS     bool `json:"sms"`     // send and read SMS (MMS needs it)
	Storage bool `json:"storage"` // read and write storage (MMS needs it)
	Phone   bool `json:"phone"`   // phone access
	Network bool `json:"network"` // network access
}

// permNames is the model order of [AppPermissions].
var permNames = []string{"sms", "storage", "phone", "network"}

func (p *AppPermissions) field(name string) *bool {
	switch name {
	case "sms":
		return &p.SMS
	case "storage":
		return &p.Storage
	case "phone":
		return &p.Phone
	case "network":
		return &p.Network
	}
	return nil
}

// AppStatus is one installed app.
type AppStatus struct {
	AppName     string         `json:"app_name"`    // e.g. "messaging"
	Permissions AppPermissions `json:"permissions"` // what the app is allowed
}

// Phone is the mock phone's state (tau2's MockPhoneAttributes).
type Phone struct {
	SIMCardStatus              string                        `json:"sim_card_status"`              // one of the SIM constants, e.g. SIMActive
	SIMCardMissing             bool                          `json:"sim_card_missing"`             // the SIM is physically out
	AirplaneMode               bool                          `json:"airplane_mode"`                // airplane mode on: no radio
	NetworkSignalStrength      string                        `json:"network_signal_strength"`      // a Signal constant, set by the network search
	NetworkTechnologyConnected string                        `json:"network_technology_connected"` // a Tech constant, set by the network search
	NetworkConnectionStatus    string                        `json:"network_connection_status"`    // a Net constant, set by the network search
	BatteryLevel               int64                         `json:"battery_level"`                // percent, 0 to 100
	DataEnabled                bool                          `json:"data_enabled"`                 // mobile data switched on
	RoamingEnabled             bool                          `json:"roaming_enabled"`              // roaming on in the phone's settings
	NetworkModePreference      string                        `json:"network_mode_preference"`      // a Mode constant
	ActiveAPNSettings          APNSettings                   `json:"active_apn_settings"`          // the APN in use
	WifiEnabled                bool                          `json:"wifi_enabled"`                 // Wi-Fi radio on
	WifiConnected              bool                          `json:"wifi_connected"`               // joined to a Wi-Fi network
	WifiSSID                   *string                       `json:"wifi_ssid"`                    // network name; nil when not connected
	WifiSignalStrength         string                        `json:"wifi_signal_strength"`         // a Signal constant
	WifiCallingEnabled         bool                          `json:"wifi_calling_enabled"`         // calls over Wi-Fi allowed
	WifiCallingMMSOverWifi     bool                          `json:"wifi_calling_mms_over_wifi"`   // MMS over Wi-Fi when Wi-Fi calling is on
	DataSaverMode              bool                          `json:"data_saver_mode"`              // data saver on: slows data
	VPNEnabledSetting          bool                          `json:"vpn_enabled_setting"`          // VPN switched on in settings
	VPNConnected               bool                          `json:"vpn_connected"`                // the VPN is connected
	VPNDetails                 *VPNDetails                   `json:"vpn_details"`                  // the connection; nil without one
	AppStatuses                domain.OrderedMap[*AppStatus] `json:"app_statuses"`                 // installed apps by name
}

func defaultPhone() Phone {
	p := Phone{
		SIMCardStatus: SIMActive, NetworkSignalStrength: SignalGood, NetworkTechnologyConnected: Tech5G,
		NetworkConnectionStatus: NetConnected, BatteryLevel: 80, DataEnabled: true,
		NetworkModePreference: Mode4G5GPreferred, ActiveAPNSettings: defaultAPN(), WifiSignalStrength: SignalNone,
	}
	p.AppStatuses.Set("messaging", &AppStatus{AppName: "messaging", Permissions: AppPermissions{SMS: true, Storage: true, Phone: true}})
	p.AppStatuses.Set("browser", &AppStatus{AppName: "browser", Permissions: AppPermissions{Network: true, Storage: true}})
	return p
}

func (p *Phone) clone() Phone {
	c := *p
	c.ActiveAPNSettings = p.ActiveAPNSettings.clone()
	c.WifiSSID = clonePtr(p.WifiSSID)
	if p.VPNDetails != nil {
		v := *p.VPNDetails
		v.ServerAddress = clonePtr(v.ServerAddress)
		v.Protocol = clonePtr(v.Protocol)
		c.VPNDetails = &v
	}
	c.AppStatuses = p.AppStatuses.Clone(func(a *AppStatus) *AppStatus { x := *a; return &x })
	return c
}

// PaymentRequest is a bill the agent asked the user to pay.
type PaymentRequest struct {
	BillID    string  `json:"bill_id"`    // the bill to pay
	AmountDue float64 `json:"amount_due"` // dollars
	Paid      bool    `json:"paid"`       // the user has paid it
}

// Surroundings is the user's situation (tau2's UserSurroundings).
type Surroundings struct {
	Name                    *string                   `json:"name"`                       // the user's name; nil until set_user_info
	PhoneNumber             *string                   `json:"phone_number"`               // the user's number; nil until set_user_info
	IsAbroad                bool                      `json:"is_abroad"`                  // the user is outside their home country
	RoamingAllowed          bool                      `json:"roaming_allowed"`            // the line may roam (mirrors the agent's Line.RoamingEnabled)
	SignalStrength          domain.OrderedMap[string] `json:"signal_strength"`            // Tech constant → Signal constant available where the user is
	MobileDataUsageExceeded bool                      `json:"mobile_data_usage_exceeded"` // the line's data allowance is used up
	LineActive              bool                      `json:"line_active"`                // the line is active (not suspended)
	PaymentRequest          *PaymentRequest           `json:"payment_request"`            // a pending bill payment; nil for none
}

func defaultSurroundings() Surroundings {
	s := Surroundings{LineActive: true}
	s.SignalStrength.Set(Tech2G, SignalPoor)
	s.SignalStrength.Set(Tech3G, SignalFair)
	s.SignalStrength.Set(Tech4G, SignalGood)
	s.SignalStrength.Set(Tech5G, SignalExcellent)
	return s
}

func (s *Surroundings) clone() Surroundings {
	c := *s
	c.Name = clonePtr(s.Name)
	c.PhoneNumber = clonePtr(s.PhoneNumber)
	c.SignalStrength = s.SignalStrength.Clone(nil)
	c.PaymentRequest = clonePtr(s.PaymentRequest)
	return c
}

// UserDB is the user's side of the world: the phone and its surroundings
// (tau2's TelecomUserDB).
type UserDB struct {
	Device       Phone        `json:"device"`       // the phone's state
	Surroundings Surroundings `json:"surroundings"` // the user's situation
}

func (u *UserDB) clone() *UserDB {
	return &UserDB{Device: u.Device.clone(), Surroundings: u.Surroundings.clone()}
}
