package netbird_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/auth"
	"github.com/netbird-go/netbird/netbirdtest"
)

// startSandbox stands in for a real NetBird server in these examples.
func startSandbox() *netbirdtest.Server {
	srv, err := netbirdtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	return srv
}

// exampleClient is a sandbox and a client for it, set up as in Example.
func exampleClient() (*netbirdtest.Server, *netbird.Client) {
	srv := startSandbox()
	c, err := netbird.New(auth.Config{Host: srv.URL(), Token: srv.Token()})
	if err != nil {
		log.Fatal(err)
	}
	return srv, c
}

func Example() {
	srv := startSandbox() // in real code: your NetBird host and token
	defer srv.Close()

	c, err := netbird.New(auth.Config{Host: srv.URL(), Token: srv.Token()})
	if err != nil {
		log.Fatal(err)
	}
	me, err := c.Users.Current(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(me.Email, me.Role)
	// Output: admin@example.com owner
}

func ExampleNewFromEnv() {
	srv := startSandbox()
	defer srv.Close()
	// Usually set by the shell, CI or a .env file.
	_ = os.Setenv("NETBIRD_HOST", srv.URL())
	_ = os.Setenv("NETBIRD_API_TOKEN", srv.Token())
	defer func() { _ = os.Unsetenv("NETBIRD_HOST") }()
	defer func() { _ = os.Unsetenv("NETBIRD_API_TOKEN") }()

	c, err := netbird.NewFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	peers, err := c.Peers.List(context.Background(), nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range peers {
		fmt.Println(p.Name, p.IP)
	}
	// Output:
	// alice-laptop 100.64.0.1
	// db-server 100.64.0.2
	// ci-runner 100.64.0.3
}

func ExampleTokensService_Create() {
	srv, c := exampleClient()
	defer srv.Close()
	ctx := context.Background()
	me, err := c.Users.Current(ctx)
	if err != nil {
		log.Fatal(err)
	}
	created, err := c.Tokens.Create(ctx, me.ID, api.PersonalAccessTokenRequest{Name: "ci-token", ExpiresIn: 30})
	if err != nil {
		log.Fatal(err)
	}
	// PlainToken is shown once; it prints redacted, Reveal gives the secret.
	fmt.Println(created.PersonalAccessToken.Name, len(created.PlainToken.Reveal()))

	// Out-of-range values never reach the server.
	_, err = c.Tokens.Create(ctx, me.ID, api.PersonalAccessTokenRequest{Name: "ci-token", ExpiresIn: 366})
	fmt.Println(err)
	// Output:
	// ci-token 40
	// netbird: invalid PersonalAccessTokenRequest: expires_in must be between 1 and 365, got 366
}

func ExampleTokensService_Rotate() {
	srv, c := exampleClient()
	defer srv.Close()
	ctx := context.Background()
	me, err := c.Users.Current(ctx)
	if err != nil {
		log.Fatal(err)
	}
	old, err := c.Tokens.Create(ctx, me.ID, api.PersonalAccessTokenRequest{Name: "deploy", ExpiresIn: 30})
	if err != nil {
		log.Fatal(err)
	}
	rotated, err := c.Tokens.Rotate(ctx, me.ID, old.PersonalAccessToken.ID, "deploy-2", 30)
	var re *netbird.RotationError
	switch {
	case errors.As(err, &re) && re.NewTokenID != "":
		log.Printf("new token works, but the old one is still valid: %v", err)
	case err != nil:
		log.Fatal(err) // the old token is unchanged
	}
	fmt.Println("now using", rotated.PersonalAccessToken.Name)
	// Output: now using deploy-2
}

// An MSP acts on a customer's (child) account with its own token. NetBird
// ignores the account without an error when the token's user may not
// manage it, so check which account answers before changing anything.
func ExampleClient_ForAccount() {
	srv, c := exampleClient()
	defer srv.Close()
	ctx := context.Background()
	acme := srv.AddChildAccount("Acme") // in real code: the id of your customer's account

	customer, err := c.ForAccount(acme.ID)
	if err != nil {
		log.Fatal(err)
	}
	accounts, err := customer.Accounts.List(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if len(accounts) != 1 || accounts[0].ID != acme.ID {
		log.Fatalf("not acting on %s: this user may not manage it", acme.ID)
	}
	peers, err := customer.Peers.List(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range peers {
		fmt.Println(p.Name)
	}
	// Output:
	// acme-gateway
	// acme-laptop
}

func ExampleIsNotFound() {
	srv, c := exampleClient()
	defer srv.Close()
	_, err := c.Groups.Get(context.Background(), "no-such-group")
	fmt.Println(netbird.IsNotFound(err))

	var apiErr *netbird.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Message)
	}
	// Output:
	// true
	// 404 group: no-such-group not found
}

func ExampleEventsService_ListNetworkTrafficAll() {
	srv, c := exampleClient()
	defer srv.Close()
	pageSize := 10
	n := 0
	for _, err := range c.Events.ListNetworkTrafficAll(context.Background(), &api.ListNetworkTrafficEventsParams{PageSize: &pageSize}) {
		if err != nil {
			log.Fatal(err)
		}
		n++
	}
	fmt.Println(n, "events")
	// Output: 25 events
}

func ExamplePeersService_ListSeq() {
	srv, c := exampleClient()
	defer srv.Close()
	for p, err := range c.Peers.ListSeq(context.Background(), nil) {
		if err != nil {
			log.Fatal(err) // what List would return; the loop ends here
		}
		fmt.Println(p.Name, p.IP)
		if p.Name == "db-server" {
			break // closes the answer
		}
	}
	// Output:
	// alice-laptop 100.64.0.1
	// db-server 100.64.0.2
}
