// Command netbird-conformance checks a NetBird server against what the
// netbird-go client expects of it: every GET operation of NetBird's API
// document, called through the client, each answer validated against the
// document, and, with -write, create/update/delete scenarios of temporary
// objects. It runs the same runner as the client's real-server contract
// suite (internal/conformance).
//
// The server is the one configured as for every netbird-go program
// (NETBIRD_API_TOKEN, NETBIRD_HOST, ... in the environment or a .env file);
// without a token it checks a local sandbox and says so on stderr.
//
//	go run ./cmd/netbird-conformance                 # read-only: only GETs, nothing created
//	go run ./cmd/netbird-conformance -write          # also create, update and delete temporary objects
//	go run ./cmd/netbird-conformance -json > report.json
//
// Per operation it prints ok, not served, refused (status and why: role,
// cloud-only, precondition, ...), skipped (with the reason, e.g. no peer
// to read) or failed, the departures from the document under it (field,
// what came, what the document says), and a summary line.
//
// Exit status: 0 when nothing breaks what the client relies on; 1 when
// something does: an answer the client cannot use (a 2xx it cannot decode,
// no answer), a 5xx, a property the document requires missing from a 2xx
// answer, a write-scenario request refused other than for the token's role
// (403), an object left behind, or a run stopped by -timeout or Ctrl-C;
// also when the server does not accept the token. Other departures (arrays
// sent as null, enum values in another spelling, statuses the document
// does not list) decode fine: they are warnings. 2 for a usage or
// configuration error.
//
// With -write every object is named nbconf-<run id>-..., is harmless while
// it exists (disabled, no peers, TEST-NET addresses) and is removed at the
// end, also after a failure, a timeout or Ctrl-C; what cannot be removed
// is reported, and the next run with -write removes it first (it finds it
// by the prefix nbconf-). Do not run two -write checks against one server
// at once. Tokens are never printed, plain or hashed.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/netbird-go/netbird/internal/cmdenv"
	"github.com/netbird-go/netbird/internal/conformance"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("netbird-conformance", flag.ContinueOnError)
	fs.SetOutput(stderr)
	write := fs.Bool("write", false, "also create, update and delete temporary objects named nbconf-<run id>-... (removed at the end)")
	asJSON := fs.Bool("json", false, "print the report as JSON on stdout (progress stays on stderr)")
	timeout := fs.Duration("timeout", 10*time.Minute, "time for the whole run; what was created is removed after it")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: netbird-conformance [-write] [-json] [-timeout 10m]\n\n"+
			"Checks a NetBird server against what the netbird-go client expects of it.\n"+
			"The server is NETBIRD_HOST (default api.netbird.io) with NETBIRD_API_TOKEN, from the\n"+
			"environment or a .env file; without a token, a local sandbox.\n"+
			"Read-only unless -write. Exit status 0: nothing breaks the client; 1: something does\n"+
			"(see the package documentation for the rule); 2: usage or configuration error.\n\n")
		fs.PrintDefaults()
	}
	if code, done := cmdenv.ParseFlags(fs, args); done {
		return code
	}
	if *timeout <= 0 {
		fmt.Fprintln(stderr, "-timeout must be positive")
		return 2
	}

	target, err := cmdenv.FromEnvOrSandbox()
	if err != nil {
		fmt.Fprintln(stderr, "error:", conformance.Redact(err.Error()))
		return 2
	}
	defer target.Close()
	red := conformance.NewRedactor(target.Config.Token)
	out, errw := &redacting{w: stdout, r: red}, &redacting{w: stderr, r: red}
	if target.Sandbox != nil {
		fmt.Fprintf(errw, "No NETBIRD_API_TOKEN set: checking a local NetBird sandbox at %s (nothing leaves this machine).\n", target.Sandbox.BaseURL())
	}

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	rep, err := conformance.Check(ctx, conformance.Options{
		Config: target.Config, Write: *write, Sandbox: target.Sandbox != nil, Progress: errw,
	})
	if err != nil {
		fmt.Fprintln(errw, "error:", err)
		return 1
	}
	if *asJSON {
		err = rep.WriteJSON(out)
		fmt.Fprintln(errw, rep.SummaryLine())
	} else {
		err = rep.WriteText(out)
	}
	if err != nil {
		fmt.Fprintln(errw, "error:", err)
		return 1
	}
	if !rep.Summary.Passed {
		return 1
	}
	return 0
}

// redacting writes through r: never the token, plain or hashed.
type redacting struct {
	w io.Writer
	r *conformance.Redactor
}

func (w *redacting) Write(p []byte) (int, error) {
	if _, err := io.WriteString(w.w, w.r.Redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
