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
	APNName       string  `json:"apn_name"`
	ResetAtReboot bool    `json:"reset_at_reboot"`
	MMSAPN        *string `json:"mms_apn"`
	MMSCURL       *string `json:"mmsc_url"`
	MMSProxy      *string `json:"mms_proxy"`
	MMSPort       *int64  `json:"mms_port"`
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
	ServerAddress     *string `json:"server_address"`
	Protocol          *string `json:"protocol"`
	ServerPerformance string  `json:"server_performance"`
}

// AppPermissions are the permissions tracked per app, in model order.
type AppPermissions struct {
	SMS     bool `json:"sms"`
	Storage bool `json:"storage"`
	Phone   bool `json:"phone"`
	Network bool `json:"network"`
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
	AppName     string         `json:"app_name"`
	Permissions AppPermissions `json:"permissions"`
}

// Phone is the mock phone's state (tau2's MockPhoneAttributes).
type Phone struct {
	SIMCardStatus              string                        `json:"sim_card_status"`
	SIMCardMissing             bool                          `json:"sim_card_missing"`
	AirplaneMode               bool                          `json:"airplane_mode"`
	NetworkSignalStrength      string                        `json:"network_signal_strength"`
	NetworkTechnologyConnected string                        `json:"network_technology_connected"`
	NetworkConnectionStatus    string                        `json:"network_connection_status"`
	BatteryLevel               int64                         `json:"battery_level"`
	DataEnabled                bool                          `json:"data_enabled"`
	RoamingEnabled             bool                          `json:"roaming_enabled"`
	NetworkModePreference      string                        `json:"network_mode_preference"`
	ActiveAPNSettings          APNSettings                   `json:"active_apn_settings"`
	WifiEnabled                bool                          `json:"wifi_enabled"`
	WifiConnected              bool                          `json:"wifi_connected"`
	WifiSSID                   *string                       `json:"wifi_ssid"`
	WifiSignalStrength         string                        `json:"wifi_signal_strength"`
	WifiCallingEnabled         bool                          `json:"wifi_calling_enabled"`
	WifiCallingMMSOverWifi     bool                          `json:"wifi_calling_mms_over_wifi"`
	DataSaverMode              bool                          `json:"data_saver_mode"`
	VPNEnabledSetting          bool                          `json:"vpn_enabled_setting"`
	VPNConnected               bool                          `json:"vpn_connected"`
	VPNDetails                 *VPNDetails                   `json:"vpn_details"`
	AppStatuses                domain.OrderedMap[*AppStatus] `json:"app_statuses"`
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
	BillID    string  `json:"bill_id"`
	AmountDue float64 `json:"amount_due"`
	Paid      bool    `json:"paid"`
}

// Surroundings is the user's situation (tau2's UserSurroundings).
type Surroundings struct {
	Name                    *string                   `json:"name"`
	PhoneNumber             *string                   `json:"phone_number"`
	IsAbroad                bool                      `json:"is_abroad"`
	RoamingAllowed          bool                      `json:"roaming_allowed"`
	SignalStrength          domain.OrderedMap[string] `json:"signal_strength"`
	MobileDataUsageExceeded bool                      `json:"mobile_data_usage_exceeded"`
	LineActive              bool                      `json:"line_active"`
	PaymentRequest          *PaymentRequest           `json:"payment_request"`
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
	Device       Phone        `json:"device"`
	Surroundings Surroundings `json:"surroundings"`
}

func (u *UserDB) clone() *UserDB {
	return &UserDB{Device: u.Device.clone(), Surroundings: u.Surroundings.clone()}
}
