package contract

import (
	"context"
	"errors"
	"testing"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/auth"
)

// Each error status the real server uses, reached on the real server, is an
// *APIError classified by its helper, with NetBird's message and request id.
func TestErrorStatuses(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	c := s.client(t, owner, netbird.WithoutRetries())
	expired, err := netbird.New(auth.Config{Host: s.URL, Token: s.expired}, netbird.WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		status  int
		is      func(error) bool
		call    func() error
		message string
	}{
		{"expired token", 401, netbird.IsUnauthorized, func() error { _, err := expired.Peers.List(ctx, nil); return err }, "token invalid"},
		{"user role on groups", 403, netbird.IsForbidden, func() error { _, err := s.client(t, user).Groups.List(ctx, nil); return err }, "permission denied"},
		{"another user's tokens", 403, netbird.IsForbidden, func() error {
			_, err := c.Tokens.Create(ctx, adminID, api.PersonalAccessTokenRequest{Name: "x", ExpiresIn: 1})
			return err
		}, "admin role required to perform this action"},
		{"unknown group", 404, netbird.IsNotFound, func() error { _, err := c.Groups.Get(ctx, "no-such-group"); return err }, ""},
		{"group name taken", 409, netbird.IsConflict, func() error {
			_, err := c.Groups.Create(ctx, api.GroupRequest{Name: "All"})
			return err
		}, "group with name all already exists"},
		{"invite without an identity provider", 412, hasStatus(412), func() error {
			_, err := c.Users.CreateInvite(ctx, api.UserInviteCreateRequest{Name: "x", Email: "x@example.com", Role: "user", AutoGroups: []string{}})
			return err
		}, "invite links are only available with embedded identity provider"},
		{"invalid country code", 422, hasStatus(422), func() error {
			_, err := c.GeoLocations.ListCities(ctx, "not-a-country")
			return err
		}, "invalid country code"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var ae *netbird.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("want an *APIError, got %v", err)
			}
			if ae.StatusCode != tc.status || !tc.is(err) {
				t.Errorf("got %d (%v), want %d classified", ae.StatusCode, err, tc.status)
			}
			if ae.Message == "" || ae.RequestID == "" || tc.message != "" && ae.Message != tc.message {
				t.Errorf("message %q, request id %q; want NetBird's message %q and a request id", ae.Message, ae.RequestID, tc.message)
			}
		})
	}
}

// hasStatus classifies the statuses without an Is… helper.
func hasStatus(status int) func(error) bool {
	return func(err error) bool {
		var ae *netbird.APIError
		return errors.As(err, &ae) && ae.StatusCode == status
	}
}
