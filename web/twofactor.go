package web

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"image/png"
	"net/http"

	"github.com/pquerna/otp"
)

type twoFactorResponse struct {
	Enabled           bool `json:"enabled"`
	RecoveryCodesLeft int  `json:"recovery_codes_left"`
}

type twoFactorSetupResponse struct {
	Secret string `json:"secret"`
	URL    string `json:"otpauth_url"`
}

type codeRequest struct {
	Code string `json:"code"`
}

type passwordCodeRequest struct {
	Password string `json:"password"`
	Code     string `json:"code"`
}

type recoveryCodesResponse struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

func (s *Server) handleAPITwoFactor(w http.ResponseWriter, r *http.Request) error {
	on, left, err := s.svc.Accounts.TwoFactorStatus(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, twoFactorResponse{Enabled: on, RecoveryCodesLeft: left})
	return nil
}

func (s *Server) handleAPITwoFactorSetup(w http.ResponseWriter, r *http.Request) error {
	var req passwordRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	key, err := s.svc.Accounts.SetUpTwoFactor(r.Context(), req.Password)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, twoFactorSetupResponse{Secret: key.Secret(), URL: key.URL()})
	return nil
}

func (s *Server) handleAPITwoFactorEnable(w http.ResponseWriter, r *http.Request) error {
	var req codeRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	codes, err := s.svc.Accounts.EnableTwoFactor(r.Context(), req.Code)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, recoveryCodesResponse{RecoveryCodes: codes})
	return nil
}

func (s *Server) handleAPITwoFactorDisable(w http.ResponseWriter, r *http.Request) error {
	var req passwordCodeRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.svc.Accounts.DisableTwoFactor(r.Context(), req.Password, req.Code); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// twoFactorPage is the two-factor section of the settings.
type twoFactorPage struct {
	Enabled      bool
	RecoveryLeft int
	// While it is being set up: the secret, and its QR code as an image.
	Secret string
	QR     template.URL
	// Just after it was turned on: the recovery codes, shown this once.
	RecoveryCodes []string
}

// qrDataURL draws a key's QR code as a PNG data URL, which the page's
// content security policy allows as an image.
func qrDataURL(key *otp.Key) (template.URL, error) {
	img, err := key.Image(200, 200)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", err
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())), nil
}

func (s *Server) handleTwoFactorSetupForm(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Settings")
	data.Form = "twofactor"
	key, err := s.svc.Accounts.SetUpTwoFactor(r.Context(), r.PostFormValue("password"))
	if err != nil {
		return s.settingsPage(w, r, 0, data, err)
	}
	data.TwoFactor = &twoFactorPage{Secret: key.Secret()}
	if data.TwoFactor.QR, err = qrDataURL(key); err != nil {
		return err
	}
	return s.settingsPage(w, r, http.StatusOK, data, nil)
}

func (s *Server) handleTwoFactorEnableForm(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Settings")
	data.Form = "twofactor"
	data.Values = formValues(r, "code")
	codes, err := s.svc.Accounts.EnableTwoFactor(r.Context(), data.Values["code"])
	if err != nil {
		// Show the QR code again beside the error.
		if key, keyErr := s.svc.Accounts.TwoFactorKey(r.Context()); keyErr == nil {
			data.TwoFactor = &twoFactorPage{Secret: key.Secret()}
			data.TwoFactor.QR, _ = qrDataURL(key)
		}
		return s.settingsPage(w, r, 0, data, err)
	}
	data.TwoFactor = &twoFactorPage{Enabled: true, RecoveryLeft: len(codes), RecoveryCodes: codes}
	data.Values = map[string]string{}
	return s.settingsPage(w, r, http.StatusOK, data, nil)
}

func (s *Server) handleTwoFactorDisableForm(w http.ResponseWriter, r *http.Request) error {
	data := s.newPage(r, "Settings")
	data.Form = "twofactoroff"
	data.Values = formValues(r, "code")
	if err := s.svc.Accounts.DisableTwoFactor(r.Context(), r.PostFormValue("password"), data.Values["code"]); err != nil {
		return s.settingsPage(w, r, 0, data, err)
	}
	return redirect(w, r, "/settings", "twofactoroff")
}
