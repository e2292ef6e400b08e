package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/rapportnet/rapport"
)

// jsonBodies are request types of the API, one of each shape: strings,
// lists, pointers, numbers.
var jsonBodies = []func() any{
	func() any { return &postRequest{} },
	func() any { return &contactRequest{} },
	func() any { return &messageStartRequest{} },
	func() any { return &profileRequest{} },
	func() any { return &educationRequest{} },
	func() any { return &positionRequest{} },
	func() any { return &openToWorkRequest{} },
	func() any { return &signUpRequest{} },
}

// FuzzDecodeJSON reads arbitrary bodies into the API's request types. A body
// read is valid JSON and comes back the same when written and read again;
// any other is refused with a bad request, an unsupported type or a body
// too large, and an error that names a field names one the body has.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"body":"Hello @ada, see https://example.com","audience":"connections"}`,
		`{"name":"Ada Lovelace","emails":["ada@example.com"],"phones":["+44 20 7946 0000"],"organization":"Analytical Engines","title":"Countess","notes":"Met at a salon."}`,
		`{"to":["ada","grace"],"body":"Lunch?"}`,
		`{"display_name":"Ada","headline":null,"share":true}`,
		`{"school":"Cambridge","start_year":1990,"end_year":"1994"}`,
		`{"title":"Engineer","organization_name":"ACME","start":"2020-01","end":null}`,
		`{"titles":["Engineer"],"workplaces":["remote"],"visibility":"recruiters"}`,
		`{"email":"ada@example.com","handle":"ada","display_name":"Ada","password":"correct horse battery staple"}`,
		`{"body": 12}`, `{"to": "ada"}`, `{"share": "yes"}`, `{"unknown": 1}`, `{"Body":"case"}`,
		`{"body":"a"} {"body":"b"}`, `[]`, `null`, `"text"`, ``, `{`, `{"body":"\u00e9\ud800"}`,
		`{"a\"b":1}`, `{"start_year":1e400}`, `{"emails":[1,2]}`,
	} {
		for i := range jsonBodies {
			f.Add(uint8(i), "application/json", []byte(s))
		}
	}
	f.Add(uint8(0), "application/json; charset=utf-8", []byte(`{"body":"x"}`))
	f.Add(uint8(0), "text/plain", []byte(`{"body":"x"}`))
	f.Add(uint8(0), "", []byte(`{"body":"x"}`))
	f.Add(uint8(0), "application/json; charset", []byte(`{"body":"x"}`))
	f.Fuzz(func(t *testing.T, which uint8, contentType string, body []byte) {
		v := jsonBodies[int(which)%len(jsonBodies)]()
		err := decode(contentType, body, v)
		if err == nil {
			if !json.Valid(bytes.TrimSpace(body)) {
				t.Fatalf("read %q, which is not valid JSON", body)
			}
			again, merr := json.Marshal(v)
			if merr != nil {
				t.Fatalf("write %#v: %v", v, merr)
			}
			w := jsonBodies[int(which)%len(jsonBodies)]()
			if err := decode("application/json", again, w); err != nil {
				t.Fatalf("read back %s: %v", again, err)
			}
			if !reflect.DeepEqual(v, w) {
				t.Fatalf("read back %s as %#v, want %#v", again, w, v)
			}
			return
		}
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return // answered as too_large by Server.fail
		}
		var e *rapport.Error
		if !errors.As(err, &e) {
			t.Fatalf("error %v (%T) is not a *rapport.Error", err, err)
		}
		if e.Code != rapport.EBADREQUEST && e.Code != rapport.EUNSUPPORTED {
			t.Fatalf("error %v has code %q", err, e.Code)
		}
		if e.Message == "" {
			t.Fatalf("error %#v has no message", e)
		}
		if e.Field != "" {
			keys := map[string]bool{}
			var doc any
			json.NewDecoder(bytes.NewReader(body)).Decode(&doc)
			collectKeys(doc, keys)
			// An unknown field is named as it is; a value of the wrong
			// type by its path, the names joined by dots.
			for _, part := range strings.Split(e.Field, ".") {
				if !hasKeyFold(keys, e.Field) && !hasKeyFold(keys, part) {
					t.Fatalf("error %#v names %q, which is not a key of %q", e, part, body)
				}
			}
		}
	})
}

// decode runs decodeJSON on a request as the server builds it, with a
// limit on the body.
func decode(contentType string, body []byte, v any) error {
	r := httptest.NewRequest("POST", "/api/v1/x", bytes.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 4096)
	return decodeJSON(r, v)
}

func collectKeys(v any, keys map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			keys[k] = true
			collectKeys(e, keys)
		}
	case []any:
		for _, e := range v {
			collectKeys(e, keys)
		}
	}
}

// hasKeyFold reports whether keys hold k, compared as encoding/json matches
// names: without regard to case.
func hasKeyFold(keys map[string]bool, k string) bool {
	if keys[k] {
		return true
	}
	for key := range keys {
		if strings.EqualFold(key, k) {
			return true
		}
	}
	return false
}
