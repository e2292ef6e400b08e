package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkGetMember serves GET /api/v1/members/{handle} in process, signed
// in, without the network: what the server itself spends on the route that
// bench/members.sh loads over HTTP. The health check is the baseline.
func BenchmarkGetMember(b *testing.B) {
	site := newTestSite(b)
	site.checkAPI = false
	token := site.member("viewer")
	const members = 20
	for i := range members {
		site.signUp(fmt.Sprintf("member%d", i))
	}
	for _, bench := range []struct{ name, path, token string }{
		{"healthz", "/healthz", ""},
		{"member", "/api/v1/members/member%d", token},
	} {
		b.Run(bench.name, func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					path := bench.path
					if bench.token != "" {
						path = fmt.Sprintf(bench.path, i%members)
					}
					req := httptest.NewRequest("GET", path, nil)
					if bench.token != "" {
						req.Header.Set("Authorization", "Bearer "+bench.token)
					}
					w := httptest.NewRecorder()
					site.Server.ServeHTTP(w, req)
					if w.Code != http.StatusOK {
						b.Fatalf("GET %s: %d %s", path, w.Code, w.Body)
					}
					i++
				}
			})
		})
	}
}
