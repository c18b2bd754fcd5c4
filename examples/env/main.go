// Command env configures the client from the environment:
//
//	NETBIRD_HOST=netbird.example.com NETBIRD_API_TOKEN=nbp_… go run ./examples/env
//
// NETBIRD_HOST defaults to api.netbird.io (NetBird Cloud). NETBIRD_BASE_PATH,
// NETBIRD_TIMEOUT, NETBIRD_CA_FILE and NETBIRD_ALLOW_INSECURE_HTTP are read
// too; see package auth.
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/auth"
)

func main() {
	cfg, err := auth.FromEnv() // names the variable that is missing or wrong
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("config:", cfg) // the token prints redacted
	c, err := netbird.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	me, err := c.Users.Current(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("authenticated as %s (%s), role %s\n", me.Name, me.Email, me.Role)
}
