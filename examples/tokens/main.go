// Command tokens manages personal access tokens: it lists the current
// user's tokens, creates a 1-day and a 365-day token, and deletes them.
//
//	NETBIRD_API_TOKEN=nbp_… go run ./examples/tokens
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
)

func main() {
	ctx := context.Background()
	c, err := netbird.NewFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	me, err := c.Users.Current(ctx)
	if err != nil {
		log.Fatal(err)
	}

	tokens, err := c.Tokens.List(ctx, me.ID)
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range tokens {
		fmt.Printf("%s  %s  expires %s\n", t.ID, t.Name, t.ExpirationDate.Format("2006-01-02"))
	}

	// NetBird allows 1 to 365 days; the client refuses anything else before
	// sending (an *api.ValidationError naming expires_in).
	for _, days := range []int{1, 365} {
		created, err := c.Tokens.Create(ctx, me.ID, api.PersonalAccessTokenRequest{Name: fmt.Sprintf("example-%dd", days), ExpiresIn: days})
		if err != nil {
			log.Fatal(err)
		}
		// PlainToken is shown only once by NetBird. It prints redacted;
		// created.PlainToken.Reveal() is the secret, to store in a vault.
		fmt.Printf("created %s: %v, expires %s\n", created.PersonalAccessToken.ID, created.PlainToken,
			created.PersonalAccessToken.ExpirationDate.Format("2006-01-02"))
		if err := c.Tokens.Delete(ctx, me.ID, created.PersonalAccessToken.ID); err != nil {
			log.Fatal(err)
		}
		fmt.Println("deleted", created.PersonalAccessToken.ID)
	}
}
