package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/rapportnet/rapport"
	"github.com/rapportnet/rapport/web"
)

// openAPI is the document, loaded and checked once for the whole test binary.
var openAPI = sync.OnceValues(func() (*openapi3.T, error) {
	// Contacts files are text, checked as text.
	for _, ct := range []string{"text/vcard", "text/csv"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.PlainBodyDecoder)
	}
	openapi3filter.RegisterBodyDecoder("application/zip", openapi3filter.FileBodyDecoder)
	doc, err := openapi3.NewLoader().LoadFromData(web.OpenAPIDocument())
	if err != nil {
		return nil, fmt.Errorf("load OpenAPI document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate OpenAPI document: %w", err)
	}
	return doc, nil
})

var openAPIRouter = sync.OnceValues(func() (routers.Router, error) {
	doc, err := openAPI()
	if err != nil {
		return nil, err
	}
	return gorillamux.NewRouter(doc)
})

// checkOpenAPI fails the test when an API answer, or the request of a
// successful answer, does not match the OpenAPI document.
func checkOpenAPI(t testing.TB, req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) {
	t.Helper()
	if err := validateExchange(req, reqBody, resp, respBody); err != nil {
		t.Errorf("%s %s answered %d, which breaks the OpenAPI document: %v\nbody: %.500s", req.Method, req.URL.Path, resp.StatusCode, err, respBody)
	}
}

// validateExchange checks an API request and its answer against the
// document. The answer is always checked. The request is checked only when
// the answer is a success: tests send malformed JSON, unknown fields and
// wrong content types on purpose, and the document describes the requests
// that work, not those.
func validateExchange(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) error {
	router, err := openAPIRouter()
	if err != nil {
		return err
	}
	// The test site listens on a random loopback port and the document's
	// server is the relative "/": find the route with the same request on a
	// host-less URL.
	u := &url.URL{Path: req.URL.Path, RawPath: req.URL.RawPath, RawQuery: req.URL.RawQuery}
	match, err := http.NewRequest(req.Method, u.String(), bytes.NewReader(reqBody))
	if err != nil {
		return err
	}
	match.Header = req.Header.Clone()
	route, params, err := router.FindRoute(match)
	if err != nil {
		return fmt.Errorf("no operation for %s %s: %w", req.Method, req.URL.Path, err)
	}
	in := &openapi3filter.RequestValidationInput{
		Request: match, PathParams: params, Route: route,
		Options: &openapi3filter.Options{
			// Who may call what is the authorization table's test; here any
			// credentials will do.
			AuthenticationFunc: func(context.Context, *openapi3filter.AuthenticationInput) error { return nil },
		},
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			return fmt.Errorf("request: %w", err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Body:    io.NopCloser(bytes.NewReader(respBody)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return fmt.Errorf("response: %w", err)
	}
	// ValidateResponse does not look at the body of an answer documented
	// without one, such as a 204.
	if r := route.Operation.Responses.Status(resp.StatusCode); r != nil && r.Value != nil && len(r.Value.Content) == 0 && len(respBody) > 0 {
		return fmt.Errorf("response: %d is documented without a body, but has one", resp.StatusCode)
	}
	return nil
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc, err := openAPI()
	if err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	if doc.Info.Title != "Rapport API" || doc.Info.Version != "1" {
		t.Errorf("info = %q version %q", doc.Info.Title, doc.Info.Version)
	}
}

// TestOpenAPICoversEveryAPIRoute checks that the document and the route
// table name the same API operations, and that the document says an
// operation needs credentials exactly when its route is for members.
func TestOpenAPICoversEveryAPIRoute(t *testing.T) {
	doc, err := openAPI()
	if err != nil {
		t.Fatal(err)
	}
	site := newTestSite(t)
	inTable := map[string]web.RouteInfo{}
	for _, rt := range site.Server.Routes() {
		if strings.HasPrefix(rt.Pattern, "/api/v1/") {
			inTable[rt.Method+" "+rt.Pattern] = rt
		}
	}
	if len(inTable) == 0 {
		t.Fatal("the route table has no route under /api/v1/")
	}
	inDoc := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			inDoc[method+" "+path] = op
		}
	}
	for k, rt := range inTable {
		op := inDoc[k]
		if op == nil {
			t.Errorf("route %s is not in the OpenAPI document", k)
			continue
		}
		if needs, want := needsCredentials(doc, op), rt.Access != web.Anyone; needs != want {
			t.Errorf("%s: the document says credentials are needed: %t; the route table: %t", k, needs, want)
		}
	}
	for k := range inDoc {
		if _, ok := inTable[k]; !ok {
			t.Errorf("the OpenAPI document describes %s, which is not a route", k)
		}
	}
}

// needsCredentials reports whether an operation's security requirements
// leave no way in without credentials.
func needsCredentials(doc *openapi3.T, op *openapi3.Operation) bool {
	reqs := doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	if len(reqs) == 0 {
		return false
	}
	for _, r := range reqs {
		if len(r) == 0 {
			return false
		}
	}
	return true
}

// TestOpenAPIErrorsDocumented checks that every operation lists the errors
// every operation of its kind can give, and that the error codes are the
// closed set of error.go.
func TestOpenAPIErrorsDocumented(t *testing.T) {
	doc, err := openAPI()
	if err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			want := []int{500}
			if op.RequestBody != nil {
				want = append(want, 400, 413, 415)
			}
			if needsCredentials(doc, op) {
				want = append(want, 401)
			}
			for _, status := range want {
				if op.Responses.Status(status) == nil {
					t.Errorf("%s %s: no %d answer", method, path, status)
				}
			}
			for code, r := range op.Responses.Map() {
				status, err := strconv.Atoi(code)
				if err != nil || r.Value == nil {
					t.Errorf("%s %s: answer %q", method, path, code)
					continue
				}
				if status < 400 {
					continue
				}
				if mt := r.Value.Content.Get("application/json"); mt == nil || mt.Schema == nil || mt.Schema.Ref != "#/components/schemas/Error" {
					t.Errorf("%s %s: the %d answer is not an Error", method, path, status)
				}
			}
		}
	}

	schema := doc.Components.Schemas["Error"].Value.Properties["error"].Value.Properties["code"].Value
	var inDoc []string
	for _, v := range schema.Enum {
		inDoc = append(inDoc, v.(string))
	}
	kinds := []string{rapport.EINVALID, rapport.EBADREQUEST, rapport.ENOTFOUND, rapport.ECONFLICT, rapport.EUNAUTHORIZED,
		rapport.EFORBIDDEN, rapport.ERATELIMITED, rapport.ETOOLARGE, rapport.EUNSUPPORTED, rapport.EINTERNAL, rapport.EUNAVAILABLE}
	slices.Sort(inDoc)
	slices.Sort(kinds)
	if !slices.Equal(inDoc, kinds) {
		t.Errorf("error codes in the document: %v; in error.go: %v", inDoc, kinds)
	}
}

func TestOpenAPIServedDocument(t *testing.T) {
	site := newTestSite(t)
	req, err := http.NewRequest("GET", site.URL+"/api/openapi.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	r := site.do(req, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET /api/openapi.json: %d %s", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	if !bytes.Equal(r.Body, web.OpenAPIDocument()) {
		t.Error("the served document is not web/openapi.json")
	}
}

// TestOpenAPICatchesMismatch makes sure the check can fail: answers that
// break the document, and successful requests that break it, are reported,
// while requests refused on purpose are not.
func TestOpenAPICatchesMismatch(t *testing.T) {
	me := `{"id":1,"handle":"ada","display_name":"Ada","email":"ada@example.com","headline":"","about":"","location":"",` +
		`"visibility":"public","connections_visibility":"connections","url":"http://localhost/in/ada",` +
		`"created_at":"2025-01-02T03:04:05Z","positions":[],"education":[],"skills":[]}`
	position := `{"id":7,"title":"Engineer","organization_name":"Analytical Engines","location":"","start":"2021-03","end":null,` +
		`"current":true,"description":""}`
	for _, tc := range []struct {
		name         string
		method, path string
		reqBody      string
		status       int
		respBody     string
		ok           bool
	}{
		{"Valid", "GET", "/api/v1/me", "", 200, me, true},
		{"ValidCreate", "POST", "/api/v1/me/positions", `{"title":"Engineer","organization_name":"Analytical Engines","start":"2021-03"}`, 201, position, true},
		{"RefusedRequestNotChecked", "POST", "/api/v1/me/positions", `{"title":5,"color":"blue"}`, 400,
			`{"error":{"code":"bad_request","message":"Unknown field \"color\".","field":"color"}}`, true},
		{"WrongType", "GET", "/api/v1/me", "", 200, `{"id":"x"}`, false},
		{"MissingField", "GET", "/api/v1/me", "", 200, strings.Replace(me, `,"skills":[]`, "", 1), false},
		{"MissingEmail", "GET", "/api/v1/me", "", 200, strings.Replace(me, `"email":"ada@example.com",`, "", 1), false},
		{"ExtraField", "GET", "/api/v1/me", "", 200, strings.Replace(me, `"id":1,`, `"id":1,"password_hash":"x",`, 1), false},
		{"BadDateTime", "GET", "/api/v1/me", "", 200, strings.Replace(me, `2025-01-02T03:04:05Z`, `2 January 2025`, 1), false},
		{"UndocumentedStatus", "GET", "/api/v1/me", "", 418, `{}`, false},
		{"ErrorWithoutCode", "GET", "/api/v1/me", "", 401, `{"error":{"message":"no"}}`, false},
		{"UnknownErrorCode", "GET", "/api/v1/me", "", 401, `{"error":{"code":"nope","message":"no"}}`, false},
		{"BodyOn204", "DELETE", "/api/v1/me/positions/7", "", 204, `{"ok":true}`, false},
		{"AcceptedBadRequest", "POST", "/api/v1/me/positions", `{"title":"Engineer","organization_name":"Analytical Engines","start":"2021-03","color":"blue"}`, 201, position, false},
		{"NoSuchOperation", "GET", "/api/v1/nowhere", "", 200, `{}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, "http://127.0.0.1:1"+tc.path, strings.NewReader(tc.reqBody))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer rps_test")
			if tc.reqBody != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp := &http.Response{StatusCode: tc.status, Header: http.Header{"Content-Type": {"application/json"}}}
			err = validateExchange(req, []byte(tc.reqBody), resp, []byte(tc.respBody))
			if tc.ok && err != nil {
				t.Fatalf("%d %s was refused: %v", tc.status, tc.respBody, err)
			} else if !tc.ok && err == nil {
				t.Fatalf("%s %s answered %d %s passed the check", tc.method, tc.path, tc.status, tc.respBody)
			}
		})
	}
}
