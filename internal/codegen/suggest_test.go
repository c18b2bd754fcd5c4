package main

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// Suggested names read like their neighbours in the table: the bare verb
// for the service's own resource, the noun otherwise, and an operationId
// that names the service; a name already taken is never suggested.
func TestSuggestedNames(t *testing.T) {
	for _, tc := range []struct {
		k    opKey
		tag  string
		want name
	}{
		{opKey{"POST", "/api/agent-network/providers"}, "Agent Network", name{"CreateAgentNetworkProvider", "AgentNetwork", "CreateProvider"}},
		{opKey{"DELETE", "/api/agent-network/providers/{providerId}"}, "Agent Network", name{"DeleteAgentNetworkProvider", "AgentNetwork", "DeleteProvider"}},
		{opKey{"GET", "/api/policies"}, "Policies", name{"ListPolicies", "Policies", "List"}},
		{opKey{"GET", "/api/policies/{policyId}"}, "Policies", name{"GetPolicy", "Policies", "Get"}},
		{opKey{"POST", "/api/peers"}, "Peers", name{"CreatePeer", "Peers", "Create"}},
		{opKey{"GET", "/api/users/{userId}/access-tokens"}, "Tokens", name{"ListAccessTokens", "Tokens", "List"}},
	} {
		if got := suggestName(tc.k, &openapi3.Operation{Tags: []string{tc.tag}}); got != tc.want {
			t.Errorf("%s: suggested %+v, want %+v", tc.k, got, tc.want)
		}
	}
	k := opKey{"POST", "/api/peers"}
	imp := opKey{"POST", "/api/peers/import"}
	taken := &namingTable{names: map[opKey]name{imp: {"CreatePeer", "Peers", "Import"}}, order: []opKey{imp}}
	if got := suggestEntry(k, &openapi3.Operation{Tags: []string{"Peers"}}, taken); !strings.Contains(got, "operationId: CreatePeer2, x-go-service: Peers, x-go-method: Create2") {
		t.Errorf("with CreatePeer taken, suggested:\n%s", got)
	}
}
