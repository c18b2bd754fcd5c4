// Command dotenv reads its configuration from a .env file:
//
//	printf 'NETBIRD_HOST=netbird.example.com\nNETBIRD_API_TOKEN=nbp_…\n' > .env
//	go run ./examples/dotenv
//
// Variables already set in the environment win over the file, so CI can
// override a developer's .env. Keep .env out of version control.
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/netbird-go/netbird"
)

func main() {
	// NewFromEnv loads ./.env when there is one, then reads the environment.
	// To read other files: auth.LoadDotEnv("config/netbird.env") before auth.FromEnv.
	c, err := netbird.NewFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	peers, err := c.Peers.List(context.Background(), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s has %d peers\n", c.BaseURL(), len(peers))
}
