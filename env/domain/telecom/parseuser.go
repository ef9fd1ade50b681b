package telecom

import (
	"fmt"

	"github.com/BurntSushi/toml"
)

type rawAPN struct {
	APNName       *string `toml:"apn_name"`
	ResetAtReboot *bool   `toml:"reset_at_reboot"`
	MMSAPN        *string `toml:"mms_apn"`
	MMSCURL       *string `toml:"mmsc_url"`
	MMSProxy      *string `toml:"mms_proxy"`
	MMSPort       *int64  `toml:"mms_port"`
}

type rawVPN struct {
	ServerAddress     *string `toml:"server_address"`
	Protocol          *string `toml:"protocol"`
	ServerPerformance *string `toml:"server_performance"`
}

type rawApp struct {
	AppName     *string         `toml:"app_name"`
	Permissions *AppPermissions `toml:"permissions"`
}

type rawPhone struct {
	SIMCardStatus              *string           `toml:"sim_card_status"`
	SIMCardMissing             *bool             `toml:"sim_card_missing"`
	AirplaneMode               *bool             `toml:"airplane_mode"`
	NetworkSignalStrength      *string           `toml:"network_signal_strength"`
	NetworkTechnologyConnected *string           `toml:"network_technology_connected"`
	NetworkConnectionStatus    *string           `toml:"network_connection_status"`
	BatteryLevel               *int64            `toml:"battery_level"`
	DataEnabled                *bool             `toml:"data_enabled"`
	RoamingEnabled             *bool             `toml:"roaming_enabled"`
	NetworkModePreference      *string           `toml:"network_mode_preference"`
	ActiveAPNSettings          *rawAPN           `toml:"active_apn_settings"`
	WifiEnabled                *bool             `toml:"wifi_enabled"`
	WifiConnected              *bool             `toml:"wifi_connected"`
	WifiSSID                   *string           `toml:"wifi_ssid"`
	WifiSignalStrength         *string           `toml:"wifi_signal_strength"`
	WifiCallingEnabled         *bool             `toml:"wifi_calling_enabled"`
	WifiCallingMMSOverWifi     *bool             `toml:"wifi_calling_mms_over_wifi"`
	DataSaverMode              *bool             `toml:"data_saver_mode"`
	VPNEnabledSetting          *bool             `toml:"vpn_enabled_setting"`
	VPNConnected               *bool             `toml:"vpn_connected"`
	VPNDetails                 *rawVPN           `toml:"vpn_details"`
	AppStatuses                map[string]rawApp `toml:"app_statuses"`
}

type rawPaymentRequest struct {
	BillID    *string  `toml:"bill_id"`
	AmountDue *float64 `toml:"amount_due"`
	Paid      bool     `toml:"paid"`
}

type rawSurroundings struct {
	Name                    *string            `toml:"name"`
	PhoneNumber             *string            `toml:"phone_number"`
	IsAbroad                bool               `toml:"is_abroad"`
	RoamingAllowed          bool               `toml:"roaming_allowed"`
	SignalStrength          map[string]string  `toml:"signal_strength"`
	MobileDataUsageExceeded bool               `toml:"mobile_data_usage_exceeded"`
	LineActive              *bool              `toml:"line_active"`
	PaymentRequest          *rawPaymentRequest `toml:"payment_request"`
}

type rawUserDB struct {
	Device       *rawPhone        `toml:"device"`
	Surroundings *rawSurroundings `toml:"surroundings"`
}

func setBool(dst *bool, p *bool) {
	if p != nil {
		*dst = *p
	}
}

// ParseUserDB builds the user database from user_db.toml's content; absent
// fields take tau2's model defaults (empty input gives the default phone).
func ParseUserDB(data []byte) (*UserDB, error) {
	var r rawUserDB
	md, err := toml.Decode(string(data), &r)
	if err != nil {
		return nil, fmt.Errorf("telecom: user_db.toml: %w", err)
	}
	if err := undecoded(md); err != nil {
		return nil, fmt.Errorf("telecom: user_db.toml: %w", err)
	}
	u := &UserDB{Device: defaultPhone(), Surroundings: defaultSurroundings()}
	var f fieldErrs
	if d := r.Device; d != nil {
		p := &u.Device
		p.SIMCardStatus = f.enum("device.sim_card_status", d.SIMCardStatus, p.SIMCardStatus, simStatuses)
		setBool(&p.SIMCardMissing, d.SIMCardMissing)
		setBool(&p.AirplaneMode, d.AirplaneMode)
		p.NetworkSignalStrength = f.enum("device.network_signal_strength", d.NetworkSignalStrength, p.NetworkSignalStrength, signals)
		p.NetworkTechnologyConnected = f.enum("device.network_technology_connected", d.NetworkTechnologyConnected, p.NetworkTechnologyConnected, techs)
		p.NetworkConnectionStatus = f.enum("device.network_connection_status", d.NetworkConnectionStatus, p.NetworkConnectionStatus, netStatuses)
		if d.BatteryLevel != nil {
			p.BatteryLevel = *d.BatteryLevel
		}
		setBool(&p.DataEnabled, d.DataEnabled)
		setBool(&p.RoamingEnabled, d.RoamingEnabled)
		p.NetworkModePreference = f.enum("device.network_mode_preference", d.NetworkModePreference, p.NetworkModePreference, modes)
		if a := d.ActiveAPNSettings; a != nil {
			apn := defaultAPN()
			apn.APNName = f.enum("device.active_apn_settings.apn_name", a.APNName, apn.APNName, apnNames)
			setBool(&apn.ResetAtReboot, a.ResetAtReboot)
			// An absent optional keeps its default; TOML cannot say None.
			if a.MMSAPN != nil {
				apn.MMSAPN = a.MMSAPN
			}
			if a.MMSCURL != nil {
				apn.MMSCURL = a.MMSCURL
			}
			apn.MMSProxy, apn.MMSPort = a.MMSProxy, a.MMSPort
			p.ActiveAPNSettings = apn
		}
		setBool(&p.WifiEnabled, d.WifiEnabled)
		setBool(&p.WifiConnected, d.WifiConnected)
		p.WifiSSID = d.WifiSSID
		p.WifiSignalStrength = f.enum("device.wifi_signal_strength", d.WifiSignalStrength, p.WifiSignalStrength, signals)
		setBool(&p.WifiCallingEnabled, d.WifiCallingEnabled)
		setBool(&p.WifiCallingMMSOverWifi, d.WifiCallingMMSOverWifi)
		setBool(&p.DataSaverMode, d.DataSaverMode)
		setBool(&p.VPNEnabledSetting, d.VPNEnabledSetting)
		setBool(&p.VPNConnected, d.VPNConnected)
		if v := d.VPNDetails; v != nil {
			p.VPNDetails = &VPNDetails{ServerAddress: v.ServerAddress, Protocol: v.Protocol,
				ServerPerformance: f.enum("device.vpn_details.server_performance", v.ServerPerformance, "unknown", perfLevels)}
		}
		if d.AppStatuses != nil {
			p.AppStatuses = appsInOrder(md, d.AppStatuses, &f)
		}
	}
	if s := r.Surroundings; s != nil {
		su := &u.Surroundings
		su.Name, su.PhoneNumber = s.Name, s.PhoneNumber
		su.IsAbroad, su.RoamingAllowed, su.MobileDataUsageExceeded = s.IsAbroad, s.RoamingAllowed, s.MobileDataUsageExceeded
		setBool(&su.LineActive, s.LineActive)
		if s.SignalStrength != nil {
			su.SignalStrength = orderedSignals(s.SignalStrength, &f)
		}
		if pr := s.PaymentRequest; pr != nil {
			su.PaymentRequest = &PaymentRequest{BillID: f.str("surroundings.payment_request.bill_id", pr.BillID),
				AmountDue: f.num("surroundings.payment_request.amount_due", pr.AmountDue), Paid: pr.Paid}
		}
	}
	if f.err != nil {
		return nil, fmt.Errorf("telecom: user_db.toml: %w", f.err)
	}
	return u, nil
}
