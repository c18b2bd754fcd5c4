// Command clientonly is the smallest program that uses package netbird: the
// dependency test builds its import graph to prove what a user pays for.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/netbird-go/netbird"
)

func main() {
	c, err := netbird.NewFromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	peers, err := c.Peers.List(context.Background(), nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(len(peers), "peers")
}
