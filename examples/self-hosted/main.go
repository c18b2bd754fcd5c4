// Command self-hosted shows the connection settings of a self-hosted
// NetBird management server: a host with a port, an API behind a reverse
// proxy under another path, a private CA, and plain HTTP for local
// development.
//
//	NETBIRD_API_TOKEN=nbp_… go run ./examples/self-hosted -host netbird.example.com:33073 -base-path /netbird/api -ca /etc/ssl/private-ca.pem
//	NETBIRD_API_TOKEN=nbp_… go run ./examples/self-hosted -host http://localhost:33073
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/auth"
)

func main() {
	host := flag.String("host", "netbird.example.com:33073", "management server: host[:port], or a URL (https:// is the default scheme)")
	basePath := flag.String("base-path", "", "API path behind a reverse proxy (default /api)")
	caFile := flag.String("ca", "", "PEM file of a private CA that signed the server's certificate")
	insecure := flag.Bool("allow-insecure-http", false, "allow http:// to a host that is not loopback (sends the token unencrypted)")
	flag.Parse()

	cfg := auth.Config{
		Host:              *host,
		Token:             os.Getenv("NETBIRD_API_TOKEN"),
		BasePath:          *basePath,
		CAFile:            *caFile,
		Timeout:           15 * time.Second,
		AllowInsecureHTTP: *insecure, // http://localhost and 127.0.0.1 never need it
	}
	c, err := netbird.New(cfg) // checks everything; errors name the field
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("talking to", c.BaseURL())
	status, err := c.Instance.Status(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("instance: %+v\n", *status)
}
