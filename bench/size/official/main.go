// Command official lists peers with NetBird's official Go client
// (github.com/netbirdio/netbird/shared/management/client/rest): the fourth
// column of the size report (make size). It is a module of its own so that
// NetBird's dependency versions are its own and never reach this
// repository's go.mod.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/netbirdio/netbird/shared/management/client/rest"
)

func main() {
	c := rest.New("https://api.netbird.io", os.Getenv("NETBIRD_API_TOKEN"))
	peers, err := c.Peers.List(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(len(peers), "peers")
}
