package netbirdtest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"

	"github.com/netbird-go/netbird/netbirdtest"
)

// In a test, start the server with netbirdtest.NewServer(t): it closes at
// the end of the test, and every request or answer that breaks NetBird's API
// document fails the test. Start is the same outside of tests.
func Example() {
	srv, err := netbirdtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.BaseURL()+"/users/current", nil)
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Authorization", "Token "+srv.Token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var me struct {
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&me); err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, me.Email, me.Role)
	fmt.Println("violations:", len(srv.Violations()))
	// Output:
	// 200 admin@example.com owner
	// violations: 0
}

// Make the next two requests to GET /api/peers fail with 503, to test a
// client's retries.
func ExampleServer_InjectFault() {
	srv, err := netbirdtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.InjectFault("ListPeers", netbirdtest.Fault{Status: http.StatusServiceUnavailable, Times: 2})

	for range 3 {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.BaseURL()+"/peers", nil)
		req.Header.Set("Authorization", "Token "+srv.Token())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		_ = resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	fmt.Println("calls:", srv.Calls()["ListPeers"])
	// Output:
	// 503
	// 503
	// 200
	// calls: 3
}
