// Package cmdenv picks the server a command of this repository talks to:
// the one configured in the environment or a .env file (NETBIRD_API_TOKEN,
// NETBIRD_HOST, ...), or, without a token, a local NetBird sandbox started
// in the same process, so that the command runs on a fresh machine with no
// NetBird account.
package cmdenv

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/netbird-go/netbird/auth"
	"github.com/netbird-go/netbird/netbirdtest"
)

// Target is the server a command uses.
type Target struct {
	// Config reaches the server: from the environment, or the sandbox's.
	Config auth.Config
	// Sandbox is the local sandbox, nil when the environment names a server.
	Sandbox *netbirdtest.Server
}

// Close stops the sandbox, if there is one.
func (t *Target) Close() {
	if t.Sandbox != nil {
		t.Sandbox.Close()
	}
}

// FromEnvOrSandbox loads ./.env if there is one (variables already set
// win), then uses the server in the environment when NETBIRD_API_TOKEN is
// set, and otherwise starts a local sandbox. The caller closes the Target.
func FromEnvOrSandbox() (*Target, error) {
	if err := auth.LoadDotEnv(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(os.Getenv("NETBIRD_API_TOKEN")) != "" {
		cfg, err := auth.FromEnv()
		if err != nil {
			return nil, err
		}
		return &Target{Config: cfg}, nil
	}
	srv, err := netbirdtest.Start()
	if err != nil {
		return nil, fmt.Errorf("starting the local sandbox: %w", err)
	}
	return &Target{Config: auth.Config{Host: srv.URL(), Token: srv.Token()}, Sandbox: srv}, nil
}

// ParseFlags parses a command's arguments, all of them flags. With -help
// it returns 0 and done (the usage is printed); a bad flag or a stray
// argument returns 2, the usage error status, and done. Otherwise the
// command goes on.
func ParseFlags(fs *flag.FlagSet, args []string) (code int, done bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, true
		}
		return 2, true
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "error: unexpected argument %q (flags come first; see -help)\n", fs.Arg(0))
		return 2, true
	}
	return 0, false
}
