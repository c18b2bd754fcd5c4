package netbird_test

// Every non-2xx answer is an *APIError (errors.go): its fields, its
// message, and the Is… helpers. Internal checks are in
// errors_internal_test.go.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/netbird-go/netbird"
)

func TestErrorStatuses(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 409, 412, 422, 429, 500} {
		for _, html := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d html=%v", status, html), func(t *testing.T) {
				h := newHarness(t, netbird.WithoutRetries())
				h.mux.HandleFunc("GET /peers/{id}", func(w http.ResponseWriter, r *http.Request) {
					if html {
						w.Header().Set("Content-Type", "text/html")
						w.Header().Set("X-Request-Id", "req-123")
						w.WriteHeader(status)
						_, _ = io.WriteString(w, "<html><body><h1>Oops</h1>\n\x1b[31mproxy says no</body></html>")
						return
					}
					writeJSON(w, status, fmt.Sprintf(`{"message":"peer not found","code":%d}`, status))
				})
				_, err := h.client.Peers.Get(context.Background(), "abc")
				var ae *netbird.APIError
				if !errors.As(err, &ae) {
					t.Fatalf("want *APIError, got %T %v", err, err)
				}
				if ae.StatusCode != status || ae.RequestID != "req-123" || ae.Method != "GET" || ae.Path != basePath+"/peers/abc" || ae.Op != "GetPeer" {
					t.Errorf("APIError %+v", ae)
				}
				want := fmt.Sprintf("netbird: GET %s/peers/abc: %d %s: peer not found (request id req-123)", basePath, status, http.StatusText(status))
				if html {
					want = fmt.Sprintf("netbird: GET %s/peers/abc: %d %s: Oops proxy says no (request id req-123)", basePath, status, http.StatusText(status))
					if strings.ContainsAny(ae.Message, "<>\x1b\n") {
						t.Errorf("HTML snippet not sanitized: %q", ae.Message)
					}
				}
				if err.Error() != want {
					t.Errorf("Error() = %q\nwant      %q", err.Error(), want)
				}
				checks := map[int]func(error) bool{401: netbird.IsUnauthorized, 403: netbird.IsForbidden, 404: netbird.IsNotFound, 409: netbird.IsConflict, 429: netbird.IsRateLimited}
				for code, is := range checks {
					if is(err) != (code == status) {
						t.Errorf("helper for %d says %v on a %d", code, is(err), status)
					}
				}
			})
		}
	}
}
