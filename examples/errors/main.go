// Command errors shows how to handle what can go wrong: a resource that is
// not there, a rate limit, and a request the client refuses to send.
//
//	NETBIRD_API_TOKEN=nbp_… go run ./examples/errors
package main

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
)

func main() {
	ctx := context.Background()
	c, err := netbird.NewFromEnv(
		// Stay under NetBird's per-token rate limit rather than collecting 429s.
		netbird.WithRateLimit(5, 10),
	)
	if err != nil {
		log.Fatal(err)
	}

	// Not found: every non-2xx answer is an *netbird.APIError.
	_, err = c.Peers.Get(ctx, "no-such-peer")
	var apiErr *netbird.APIError
	switch {
	case netbird.IsNotFound(err):
		fmt.Println("no such peer:", err)
	case errors.As(err, &apiErr):
		fmt.Printf("NetBird said %d %q (request id %s)\n", apiErr.StatusCode, apiErr.Message, apiErr.RequestID)
	case err != nil:
		log.Fatal(err) // no answer at all: *netbird.TransportError
	}

	// Rate limited: 429s are retried with backoff; if they persist, the
	// error says so.
	if _, err := c.Groups.List(ctx, nil); netbird.IsRateLimited(err) {
		fmt.Println("still rate limited after retries:", err)
	}

	// Validation: the client refuses bodies that break the API's rules
	// before anything is sent.
	me, err := c.Users.Current(ctx)
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.Tokens.Create(ctx, me.ID, api.PersonalAccessTokenRequest{Name: "too-long", ExpiresIn: 400})
	var invalid *api.ValidationError
	if errors.As(err, &invalid) {
		fmt.Printf("refused before sending: field %s %s\n", invalid.Field, invalid.Rule)
	}
}
