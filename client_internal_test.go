package netbird

import (
	"testing"

	"github.com/netbird-go/netbird/auth"
)

// ForAccount and WithToken, in either order, share what is the parent's:
// the transport chain (retries, rate limiter, logger) and, while the token
// is the same, the token's pace after 429s. Each derived client's services
// call through that client, not through its parent.
func TestDerivedClientsShareTheParentsLayers(t *testing.T) {
	c, err := New(auth.Config{Host: "https://netbird.example.com", Token: auth.GeneratePAT()}, WithRateLimit(10, 1))
	if err != nil {
		t.Fatal(err)
	}
	child, err := c.ForAccount("child")
	if err != nil {
		t.Fatal(err)
	}
	other := auth.GeneratePAT()
	tokenThenChild, err := c.WithToken(other)
	if err != nil {
		t.Fatal(err)
	}
	if tokenThenChild, err = tokenThenChild.ForAccount("child"); err != nil {
		t.Fatal(err)
	}
	childThenToken, err := child.WithToken(other)
	if err != nil {
		t.Fatal(err)
	}
	for name, d := range map[string]*Client{"ForAccount": child, "WithToken then ForAccount": tokenThenChild, "ForAccount then WithToken": childThenToken} {
		if d.rt != c.rt {
			t.Errorf("%s: a transport of its own", name)
		}
		if d.account != "child" || d.accountQuery != "account=child" {
			t.Errorf("%s: account %q, query %q", name, d.account, d.accountQuery)
		}
		if d.Peers.c != d || d.Tokens.c != d {
			t.Errorf("%s: its services call through another client", name)
		}
	}
	if child.pace != c.pace || child.settings != c.settings {
		t.Error("ForAccount: a pace or settings of its own, with the same token")
	}
	if childThenToken.pace == c.pace || tokenThenChild.pace == c.pace || childThenToken.settings.Token == c.settings.Token {
		t.Error("WithToken: shares the old token's pace or token")
	}
	if c.account != "" || c.Peers.c != c {
		t.Error("ForAccount changed its parent")
	}
}
