// Command netbird-netmap draws the network of a NetBird account: who can
// reach what, on which protocol and ports, through which policy.
//
// With NETBIRD_API_TOKEN in the environment (or a .env file) it reads the
// account at NETBIRD_HOST (default api.netbird.io); it only reads. Without
// one it starts a local NetBird sandbox in this process, adds demo groups,
// policies, a network and routes to it, and draws that, saying so on
// stderr: nothing leaves the machine.
//
//	go run ./cmd/netbird-netmap                          # Mermaid on stdout
//	go run ./cmd/netbird-netmap -format dot -o map.dot   # Graphviz DOT
//	go run ./cmd/netbird-netmap -format svg -o map.svg   # through Graphviz's dot
//	go run ./cmd/netbird-netmap -format json             # the topology, for other tools
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/internal/cmdenv"
	"github.com/netbird-go/netbird/internal/demoaccount"
	"github.com/netbird-go/netbird/netmap"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// pictureFormats are made by Graphviz's dot from the DOT rendering.
var pictureFormats = map[string]bool{"svg": true, "png": true}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("netbird-netmap", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "mermaid", "output format: mermaid, dot, json, svg or png (svg and png need Graphviz's dot)")
	outFile := fs.String("o", "", "write to this file instead of stdout")
	merge := fs.Bool("merge", false, "draw one edge for each source and destination, labelled with every rule behind it")
	concurrency := fs.Int("concurrency", netmap.DefaultConcurrency, "requests in flight at most while reading the account")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: netbird-netmap [-format mermaid|dot|json|svg|png] [-o FILE] [-merge]\n\n"+
			"Draws the network of a NetBird account: who can reach what, through which policy.\n"+
			"Group access is dashed, direct resource access solid, disabled rules grey, unknown objects red.\n"+
			"With NETBIRD_API_TOKEN (environment or .env) it reads NETBIRD_HOST (default api.netbird.io), read-only.\n"+
			"Without it, it draws a local sandbox account seeded with demo objects.\n\n")
		fs.PrintDefaults()
	}
	if code, done := cmdenv.ParseFlags(fs, args); done {
		return code
	}
	*format = strings.ToLower(*format)
	var textFormat netmap.Format
	if pictureFormats[*format] {
		if _, err := exec.LookPath("dot"); err != nil {
			fmt.Fprintf(stderr, "error: -format %s needs Graphviz's dot program, which is not on PATH:\n"+
				"install Graphviz (apt-get install graphviz, brew install graphviz, ...) or use -format dot and convert it elsewhere\n", *format)
			return 1
		}
		textFormat = netmap.FormatDOT
	} else {
		f, err := netmap.ParseFormat(*format)
		if err != nil {
			fmt.Fprintf(stderr, "error: -format %q: want mermaid, dot, json, svg or png\n", *format)
			return 2
		}
		textFormat = f
	}
	if *concurrency < 1 {
		fmt.Fprintf(stderr, "error: -concurrency %d: must be at least 1\n", *concurrency)
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	out, err := draw(ctx, stderr, textFormat, netmap.RenderOptions{Merge: *merge}, *concurrency)
	if err == nil && pictureFormats[*format] {
		out, err = graphviz(ctx, *format, out)
	}
	if err == nil {
		err = write(*outFile, stdout, out)
	}
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	if *outFile != "" {
		fmt.Fprintf(stderr, "Wrote %s (%s).\n", *outFile, *format)
	}
	return 0
}

// draw reads the account (the sandbox's, seeded, without a token) and
// renders it.
func draw(ctx context.Context, stderr io.Writer, f netmap.Format, opts netmap.RenderOptions, concurrency int) ([]byte, error) {
	target, err := cmdenv.FromEnvOrSandbox()
	if err != nil {
		return nil, err
	}
	defer target.Close()
	c, err := netbird.New(target.Config)
	if err != nil {
		return nil, err
	}
	if target.Sandbox != nil {
		fmt.Fprintf(stderr, "No NETBIRD_API_TOKEN set: drawing a local NetBird sandbox at %s\n"+
			"(an in-process fake server, seeded with demo groups, policies, a network and routes; nothing leaves this machine).\n",
			target.Sandbox.BaseURL())
		if _, err := demoaccount.Seed(ctx, c); err != nil {
			return nil, err
		}
		opts.Title = "NetBird network map (sandbox account)"
	} else {
		fmt.Fprintf(stderr, "Reading the account at NETBIRD_HOST %s with the token in NETBIRD_API_TOKEN (read-only).\n", target.Config.Host)
	}
	top, err := netmap.Read(ctx, c, netmap.WithConcurrency(concurrency))
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(stderr, summary(top))
	var buf bytes.Buffer
	if err := netmap.Write(&buf, top, f, opts); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// summary counts what the map holds, and what it names but the account lacks.
func summary(t *netmap.Topology) string {
	unknown := 0
	for _, g := range t.Groups {
		if g.Unknown {
			unknown++
		}
	}
	for _, p := range t.Peers {
		if p.Unknown {
			unknown++
		}
	}
	for _, r := range t.Resources {
		if r.Unknown {
			unknown++
		}
	}
	for _, c := range t.PostureChecks {
		if c.Unknown {
			unknown++
		}
	}
	s := fmt.Sprintf("Read %d peers, %d groups, %d policies, %d networks, %d resources, %d routes: %d access edges.",
		len(t.Peers), len(t.Groups), len(t.Policies), len(t.Networks), len(t.Resources), len(t.Routes), len(t.Access))
	if unknown > 0 {
		s += fmt.Sprintf(" %d referenced objects are missing from the account (drawn as unknown).", unknown)
	}
	return s
}

// graphviz turns DOT into a picture with Graphviz's dot (found on PATH).
func graphviz(ctx context.Context, format string, src []byte) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "dot", "-Tsvg")
	if format == "png" {
		cmd = exec.CommandContext(ctx, "dot", "-Tpng")
	}
	cmd.Stdin = bytes.NewReader(src)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("dot -T%s: %w: %s", format, err, strings.TrimSpace(errOut.String()))
	}
	return out.Bytes(), nil
}

// write writes the whole output to path, or to stdout when path is empty.
// Rendering is done first, so a failure leaves no half-written file. A new
// file is readable by its owner only: a map tells the account's addresses
// and access rules.
func write(path string, stdout io.Writer, data []byte) error {
	if path == "" {
		_, err := stdout.Write(data)
		return err
	}
	return os.WriteFile(path, data, 0o600)
}
