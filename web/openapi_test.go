package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/rapportnet/rapport/web"
)

// openAPI is the document, loaded and checked once.
var openAPI = sync.OnceValues(func() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(web.OpenAPIDocument())
	if err != nil {
		return nil, err
	}
	return doc, doc.Validate(context.Background())
})

var openAPIRouter = sync.OnceValues(func() (routers.Router, error) {
	doc, err := openAPI()
	if err != nil {
		return nil, err
	}
	return gorillamux.NewRouter(doc)
})

// checkOpenAPI fails the test when an API answer, or the request of a
// successful answer, does not match the OpenAPI document. Requests that
// were answered with an error are not checked: tests send bad ones on
// purpose.
func checkOpenAPI(t testing.TB, req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) {
	t.Helper()
	if err := validateExchange(req, reqBody, resp, respBody); err != nil {
		t.Errorf("%s %s answered %d, which breaks the OpenAPI document: %v\nbody: %.500s", req.Method, req.URL.Path, resp.StatusCode, err, respBody)
	}
}

func validateExchange(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) error {
	router, err := openAPIRouter()
	if err != nil {
		return fmt.Errorf("load document: %w", err)
	}
	// The router matches against the document's server, "/": give it a
	// request for the same path on a host-less URL.
	u := &url.URL{Path: req.URL.Path, RawQuery: req.URL.RawQuery}
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
		Options: &openapi3filter.Options{AuthenticationFunc: func(context.Context, *openapi3filter.AuthenticationInput) error { return nil }},
	}
	if resp.StatusCode < 300 {
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
	return nil
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	if _, err := openAPI(); err != nil {
		t.Fatal(err)
	}
}

// TestOpenAPICoversEveryAPIRoute checks that the document and the route
// table name the same API operations.
func TestOpenAPICoversEveryAPIRoute(t *testing.T) {
	doc, err := openAPI()
	if err != nil {
		t.Fatal(err)
	}
	site := newTestSite(t)
	inTable := map[string]bool{}
	for _, rt := range site.Server.Routes() {
		if strings.HasPrefix(rt.Pattern, "/api/v1/") {
			inTable[rt.Method+" "+rt.Pattern] = true
		}
	}
	inDoc := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			inDoc[method+" "+path] = true
		}
	}
	for k := range inTable {
		if !inDoc[k] {
			t.Errorf("route %s is not in the OpenAPI document", k)
		}
	}
	for k := range inDoc {
		if !inTable[k] {
			t.Errorf("the OpenAPI document describes %s, which is not a route", k)
		}
	}
}

func TestOpenAPIServedDocument(t *testing.T) {
	site := newTestSite(t)
	req, _ := http.NewRequest("GET", site.URL+"/api/openapi.json", nil)
	r := site.do(req, nil)
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/json" || !bytes.Equal(r.Body, web.OpenAPIDocument()) {
		t.Fatalf("GET /api/openapi.json: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
}

// TestOpenAPICatchesMismatch makes sure the check can fail: answers that
// break the document are reported.
func TestOpenAPICatchesMismatch(t *testing.T) {
	req, _ := http.NewRequest("GET", "http://127.0.0.1:1/api/v1/me", nil)
	for _, tc := range []struct {
		name   string
		status int
		body   string
	}{
		{"WrongType", 200, `{"id":"x"}`},
		{"MissingField", 200, `{"id":1,"handle":"ada"}`},
		{"UndocumentedStatus", 418, `{}`},
		{"ErrorWithoutCode", 401, `{"error":{"message":"no"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tc.status, Header: http.Header{"Content-Type": {"application/json"}}}
			if err := validateExchange(req, nil, resp, []byte(tc.body)); err == nil {
				t.Fatalf("%d %s passed the check", tc.status, tc.body)
			}
		})
	}
}
