package netbirdtest

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFaultStatus(t *testing.T) {
	srv := NewServer(t)
	srv.InjectFault("ListPeers", Fault{Status: 503, Message: "maintenance"})
	a := do(t, srv, "GET", "/peers", admin(srv), "")
	if a.status != 503 || a.body != `{"code":503,"message":"maintenance"}` || a.header.Get("Content-Type") != jsonContentType {
		t.Errorf("got %d %q %s", a.status, a.header.Get("Content-Type"), a.body)
	}
	if a.header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id")
	}
	expect(t, do(t, srv, "GET", "/users/current", admin(srv), ""), 200) // other operations are untouched
	// Faults act before credentials are checked, like a proxy's.
	if a := do(t, srv, "GET", "/peers", "", ""); a.status != 503 {
		t.Errorf("without credentials: %d", a.status)
	}
	srv.InjectFault("GetPeer", Fault{Status: 500})
	if a := do(t, srv, "GET", "/peers/x", admin(srv), ""); a.body != `{"code":500,"message":"internal server error"}` {
		t.Errorf("default message: %s", a.body)
	}
	srv.ClearFaults()
	expect(t, do(t, srv, "GET", "/peers", admin(srv), ""), 200)
	noViolations(t, srv) // fault answers are not validated
}

func TestFaultHTML(t *testing.T) {
	srv := NewServer(t)
	srv.InjectFault("", Fault{Status: 502, HTML: true})
	for _, path := range []string{"/peers", "/users/current"} {
		a := do(t, srv, "GET", path, admin(srv), "")
		if a.status != 502 || a.header.Get("Content-Type") != "text/html" || !strings.Contains(a.body, "<title>502 Bad Gateway</title>") {
			t.Errorf("%s: %d %q %s", path, a.status, a.header.Get("Content-Type"), a.body)
		}
	}
	// A fault for one operation wins over the one for every operation.
	srv.InjectFault("ListPeers", Fault{Status: 504, HTML: true})
	if a := do(t, srv, "GET", "/peers", admin(srv), ""); a.status != 504 {
		t.Errorf("status %d", a.status)
	}
	noViolations(t, srv)
}

func TestFaultDelay(t *testing.T) {
	srv := NewServer(t)
	srv.InjectFault("GetCurrentUser", Fault{Delay: 150 * time.Millisecond})
	start := time.Now()
	expect(t, do(t, srv, "GET", "/users/current", admin(srv), ""), 200)
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("answered after %v", d)
	}

	srv.InjectFault("GetCurrentUser", Fault{Delay: time.Minute})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.BaseURL()+"/users/current", nil)
	req.Header.Set("Authorization", admin(srv))
	start = time.Now()
	resp, err := srv.Client().Do(req)
	if err == nil {
		_ = resp.Body.Close()
		t.Fatal("no error")
	}
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 10*time.Second {
		t.Errorf("err %v after %v", err, time.Since(start))
	}
	// Close (at cleanup) must not wait for the minute: the handler saw the
	// request's context end.
}

func TestFaultReset(t *testing.T) {
	srv := NewServer(t)
	srv.InjectFault("ListGroups", Fault{Reset: true, Times: 1})
	req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.BaseURL()+"/groups", nil)
	req.Header.Set("Authorization", admin(srv))
	resp, err := srv.Client().Do(req)
	if err == nil {
		_ = resp.Body.Close()
		t.Fatalf("got %d, want a broken connection", resp.StatusCode)
	}
	expect(t, do(t, srv, "GET", "/groups", admin(srv), ""), 200) // Times: 1
	if r := srv.Requests()[0]; r.OperationID != "ListGroups" || r.Status != 0 {
		t.Errorf("log %+v", r)
	}
}

func TestFaultTimes(t *testing.T) {
	srv := NewServer(t)
	srv.InjectFault("ListPeers", Fault{Status: 500, Times: 2})
	var got []int
	for range 4 {
		got = append(got, do(t, srv, "GET", "/peers", admin(srv), "").status)
	}
	if want := []int{500, 500, 200, 200}; !equalInts(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
}

func TestRateLimit(t *testing.T) {
	clock := newFakeClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	srv := NewServer(t, WithRateLimit(6, 5), WithClock(clock.Now))
	var got []int
	for range 8 {
		a := do(t, srv, "GET", "/peers", admin(srv), "")
		got = append(got, a.status)
		if a.status == 429 {
			if a.body != `{"code":429,"message":"too many requests"}` || a.header.Get("Retry-After") != "" {
				t.Errorf("429: %s, Retry-After %q", a.body, a.header.Get("Retry-After"))
			}
		}
	}
	if want := []int{200, 200, 200, 200, 200, 429, 429, 429}; !equalInts(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	// One bucket per token: another token is not limited.
	a := do(t, srv, "POST", "/users/"+srv.CurrentUserID()+"/tokens", "Bearer "+srv.Token(), `{"name":"x","expires_in":1}`)
	if a.status != 429 {
		t.Errorf("the limited token created a token: %d", a.status)
	}
	// 6 requests a minute: one more after 10 s.
	clock.Advance(10 * time.Second)
	expect(t, do(t, srv, "GET", "/peers", admin(srv), ""), 200)
	if a := do(t, srv, "GET", "/peers", admin(srv), ""); a.status != 429 {
		t.Errorf("second request after 10 s: %d", a.status)
	}
	// Terraform is exempt, as in NetBird.
	req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.BaseURL()+"/peers", nil)
	req.Header.Set("Authorization", admin(srv))
	req.Header.Set("User-Agent", "Terraform/1.9 terraform-provider-netbird/0.1")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("terraform: %d", resp.StatusCode)
	}
	noViolations(t, srv)
}

func TestInjectFaultUnknownOperation(t *testing.T) {
	srv := NewServer(t)
	defer func() {
		if msg, _ := recover().(string); !strings.Contains(msg, `"ListPears"`) {
			t.Errorf("panic %q", msg)
		}
	}()
	srv.InjectFault("ListPears", Fault{Status: 500})
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
