// Command service-user creates a service user for automation, gives it a
// short-lived token, uses that token, and cleans up.
//
//	NETBIRD_API_TOKEN=nbp_… go run ./examples/service-user
//
// Service users are not tied to a person: use them for CI and operators,
// and give each job its own short-lived token.
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
	name := "ci-bot"
	bot, err := c.Users.Create(ctx, api.UserCreateRequest{
		Name:          &name,
		Role:          "admin",
		AutoGroups:    []string{},
		IsServiceUser: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer func() {
		if err := c.Users.Delete(ctx, bot.ID); err != nil {
			log.Print(err)
		}
	}()
	fmt.Println("service user", bot.ID)

	// A one-day token and a client that uses it.
	botClient, tok, err := c.Tokens.CreateShortLived(ctx, bot.ID, "ci-run", 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("token %s (%v) expires %s\n", tok.PersonalAccessToken.ID, tok.PlainToken, tok.PersonalAccessToken.ExpirationDate)

	groups, err := botClient.Groups.List(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("the bot sees %d groups\n", len(groups))
}
