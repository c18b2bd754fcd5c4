// Command pagination walks every page of the network traffic events
// (NetBird Cloud) with a range-over-func iterator.
//
//	NETBIRD_API_TOKEN=nbp_… go run ./examples/pagination
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
)

func main() {
	c, err := netbird.NewFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	pageSize := 100
	n := 0
	for ev, err := range c.Events.ListNetworkTrafficAll(context.Background(), &api.ListNetworkTrafficEventsParams{PageSize: &pageSize}) {
		if err != nil {
			log.Fatal(err) // a self-hosted server answers 404: this is a cloud feature
		}
		n++
		if n <= 10 {
			fmt.Printf("%s  %s → %s  %s\n", ev.FlowID, ev.Source.Name, ev.Destination.Name, ev.Direction)
		}
		if n == 1000 {
			break // stops fetching further pages
		}
	}
	fmt.Println(n, "events")
}
