// Command apionly is the smallest program that uses package api: the
// dependency test builds its import graph to prove what a user pays for.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/netbird-go/netbird/api"
)

func main() {
	c, err := api.NewClientWithResponses("https://api.netbird.io")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	res, err := c.ListPeersWithResponse(context.Background(), nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(res.StatusCode())
}
