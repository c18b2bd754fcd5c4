package netmap_test

import (
	"testing"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/auth"
	"github.com/netbird-go/netbird/internal/demoaccount"
	"github.com/netbird-go/netbird/netbirdtest"
)

// seededAccount starts a sandbox with the demo objects, plus a policy that
// names a group deleted since, and returns a client of it.
func seededAccount(t *testing.T, opts ...netbird.Option) (*netbirdtest.Server, *netbird.Client, *demoaccount.Seeded) {
	t.Helper()
	srv := netbirdtest.NewServer(t)
	c, err := netbird.New(auth.Config{Host: srv.URL(), Token: srv.Token()}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	seeded, err := demoaccount.Seed(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	addDanglingPolicy(t, c, seeded)
	return srv, c, seeded
}

// addDanglingPolicy adds the policy "Contractors" and then deletes the group
// and the resource it names: a map must show them as unknown. (NetBird
// refuses to delete a group a policy uses; an account can still come to
// this through reads that race with deletes, or through integrations.)
func addDanglingPolicy(t *testing.T, c *netbird.Client, s *demoaccount.Seeded) {
	t.Helper()
	ctx := t.Context()
	contractors, err := c.Groups.Create(ctx, api.GroupRequest{Name: "Contractors"})
	if err != nil {
		t.Fatal(err)
	}
	share, err := c.Networks.CreateResource(ctx, s.Network, api.NetworkResourceRequest{Name: "old-share", Address: "10.20.2.5", Enabled: true, Groups: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	from, to := []string{contractors.ID}, []string{s.Groups["Servers"]}
	web := api.PolicyRuleUpdate{Name: "web", Enabled: true, Action: api.PolicyRuleUpdateActionAccept, Protocol: api.PolicyRuleUpdateProtocolTCP,
		Sources: &from, Destinations: &to, Ports: &[]string{"80"}}
	files := api.PolicyRuleUpdate{Name: "files", Enabled: true, Action: api.PolicyRuleUpdateActionAccept, Protocol: api.PolicyRuleUpdateProtocolTCP,
		Sources: &from, DestinationResource: &api.Resource{ID: share.ID, Type: api.ResourceTypeHost}, Ports: &[]string{"445"}}
	if _, err := c.Policies.Create(ctx, api.PolicyCreate{Name: "Contractors", Enabled: true, Rules: []api.PolicyRuleUpdate{web, files}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Groups.Delete(ctx, contractors.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.Networks.DeleteResource(ctx, s.Network, share.ID); err != nil {
		t.Fatal(err)
	}
}
