package netmap

import (
	"context"
	"fmt"
	"sync"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
)

// DefaultConcurrency is how many requests Read has in flight at most,
// unless WithConcurrency says otherwise.
const DefaultConcurrency = 4

// Option adjusts Read.
type Option func(*readOptions) error

type readOptions struct {
	concurrency int
}

// WithConcurrency sets how many requests Read has in flight at most (at
// least 1). The client's rate limit and retries still apply to each.
func WithConcurrency(n int) Option {
	return func(o *readOptions) error {
		if n < 1 {
			return fmt.Errorf("netmap: WithConcurrency(%d): concurrency must be at least 1", n)
		}
		o.concurrency = n
		return nil
	}
}

// Read reads an account through c (peers, groups, policies, networks with
// their resources and routers, routes and posture checks) and returns its
// topology. The reads run concurrently, at most DefaultConcurrency (or
// WithConcurrency) at a time; the first error stops the others and is
// returned, naming what was being read.
//
// The reads are not one transaction on the server: an object deleted while
// Read runs may still be named by another one, and is then kept as Unknown
// (see Build). A network deleted between listing it and reading its
// resources or routers is left out.
func Read(ctx context.Context, c *netbird.Client, opts ...Option) (*Topology, error) {
	a, err := ReadAccount(ctx, c, opts...)
	if err != nil {
		return nil, err
	}
	return Build(*a), nil
}

// ReadAccount reads what Read reads and returns it as the API gave it.
func ReadAccount(ctx context.Context, c *netbird.Client, opts ...Option) (*Account, error) {
	o := readOptions{concurrency: DefaultConcurrency}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	if c == nil {
		return nil, fmt.Errorf("netmap: Read: client is nil")
	}

	a := &Account{Resources: map[string][]api.NetworkResource{}, Routers: map[string][]api.NetworkRouter{}}
	g := newLimitGroup(ctx, o.concurrency)
	var mu sync.Mutex // guards a's maps and gone
	gone := map[string]bool{}

	g.Go("peers", func(ctx context.Context) (err error) { a.Peers, err = c.Peers.List(ctx, nil); return })
	g.Go("groups", func(ctx context.Context) (err error) { a.Groups, err = c.Groups.List(ctx, nil); return })
	g.Go("policies", func(ctx context.Context) (err error) { a.Policies, err = c.Policies.List(ctx); return })
	g.Go("routes", func(ctx context.Context) (err error) { a.Routes, err = c.Routes.List(ctx); return })
	g.Go("posture checks", func(ctx context.Context) (err error) {
		a.PostureChecks, err = c.PostureChecks.List(ctx)
		return
	})
	g.Go("networks", func(ctx context.Context) error {
		networks, err := c.Networks.List(ctx)
		if err != nil {
			return err
		}
		a.Networks = networks
		for _, n := range networks {
			g.Go("resources of network "+n.ID, func(ctx context.Context) error {
				list, err := c.Networks.ListResources(ctx, n.ID)
				return keep(&mu, gone, n.ID, err, func() { a.Resources[n.ID] = list })
			})
			g.Go("routers of network "+n.ID, func(ctx context.Context) error {
				list, err := c.Networks.ListRouters(ctx, n.ID)
				return keep(&mu, gone, n.ID, err, func() { a.Routers[n.ID] = list })
			})
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}

	// One snapshot: a network that vanished while being read is left out
	// whole, rather than shown with half of its parts.
	kept := a.Networks[:0]
	for _, n := range a.Networks {
		if gone[n.ID] {
			delete(a.Resources, n.ID)
			delete(a.Routers, n.ID)
			continue
		}
		kept = append(kept, n)
	}
	a.Networks = kept
	return a, nil
}

// keep stores a network's list, or marks the network gone on a 404.
func keep(mu *sync.Mutex, gone map[string]bool, networkID string, err error, store func()) error {
	mu.Lock()
	defer mu.Unlock()
	switch {
	case netbird.IsNotFound(err):
		gone[networkID] = true
		return nil
	case err != nil:
		return err
	}
	store()
	return nil
}

// limitGroup runs tasks in goroutines, at most limit at a time; the first
// error cancels the context of the others. Tasks may start more tasks.
type limitGroup struct {
	ctx    context.Context
	cancel context.CancelFunc
	sem    chan struct{}
	wg     sync.WaitGroup
	once   sync.Once
	err    error
}

func newLimitGroup(ctx context.Context, limit int) *limitGroup {
	ctx, cancel := context.WithCancel(ctx)
	return &limitGroup{ctx: ctx, cancel: cancel, sem: make(chan struct{}, limit)}
}

// Go runs f, named what for its error, once a slot is free.
func (g *limitGroup) Go(what string, f func(ctx context.Context) error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		select {
		case g.sem <- struct{}{}:
		case <-g.ctx.Done():
			g.fail(fmt.Errorf("netmap: reading %s: %w", what, g.ctx.Err()))
			return
		}
		defer func() { <-g.sem }()
		if err := f(g.ctx); err != nil {
			g.fail(fmt.Errorf("netmap: reading %s: %w", what, err))
		}
	}()
}

func (g *limitGroup) fail(err error) {
	g.once.Do(func() {
		g.err = err
		g.cancel()
	})
}

// Wait waits for every task, including those started by tasks, and returns
// the first error.
func (g *limitGroup) Wait() error {
	g.wg.Wait()
	g.cancel()
	return g.err
}
