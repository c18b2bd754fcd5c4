package netbird

import (
	"context"
	"errors"
	"fmt"

	"github.com/netbird-go/netbird/api"
)

// RotationError says which step of Rotate failed and what state it left.
type RotationError struct {
	Step string // "create", "verify", "delete old token"
	// NewTokenID is the token Rotate created, when it still exists: only
	// when deleting the old token failed. Then both tokens are valid.
	NewTokenID string
	Err        error
}

func (e *RotationError) Error() string {
	switch {
	case e.NewTokenID != "":
		return fmt.Sprintf("netbird: token rotation: %s: %v (the new token %s works; the old one is still valid too)", e.Step, e.Err, e.NewTokenID)
	default:
		return fmt.Sprintf("netbird: token rotation: %s: %v (the old token is unchanged)", e.Step, e.Err)
	}
}

func (e *RotationError) Unwrap() error { return e.Err }

// Rotate replaces a user's token, following NetBird's advice to rotate
// tokens regularly, in an order that never leaves the user without a
// working token:
//
//  1. create a new token named name, valid for expiresInDays (1–365);
//  2. prove it works with one authenticated call (GET /api/users/current,
//     which must answer with userID; for a service user NetBird refuses
//     that call with 403 by design, and a 403 proves the token
//     authenticated: an unknown or invalid token gets 401, or NetBird's
//     404 "invalid token");
//  3. delete the old token.
//
// If step 1 or 2 fails, the new token (if any) is deleted again and the old
// one is untouched. If step 3 fails, Rotate returns the new token together
// with a *RotationError: both tokens are then valid. The plain new token is
// in the result's PlainToken; NetBird shows it only this once.
func (s *TokensService) Rotate(ctx context.Context, userID, oldTokenID, name string, expiresInDays int, opts ...RequestOption) (*api.PersonalAccessTokenGenerated, error) {
	if oldTokenID == "" {
		return nil, &RotationError{Step: "create", Err: errors.New("oldTokenID is empty")}
	}
	created, err := s.Create(ctx, userID, api.PersonalAccessTokenRequest{Name: name, ExpiresIn: expiresInDays}, opts...)
	if err != nil {
		return nil, &RotationError{Step: "create", Err: err}
	}
	if err := s.verify(ctx, userID, created.PlainToken.Reveal(), opts); err != nil {
		if derr := s.Delete(ctx, userID, created.PersonalAccessToken.ID, opts...); derr != nil {
			err = errors.Join(err, fmt.Errorf("deleting the unverified new token %s: %w", created.PersonalAccessToken.ID, derr))
		}
		return nil, &RotationError{Step: "verify", Err: err}
	}
	if err := s.Delete(ctx, userID, oldTokenID, opts...); err != nil {
		return created, &RotationError{Step: "delete old token", NewTokenID: created.PersonalAccessToken.ID, Err: err}
	}
	return created, nil
}

// verify makes one call with token and checks it acts as userID.
func (s *TokensService) verify(ctx context.Context, userID, token string, opts []RequestOption) error {
	nc, err := s.c.WithToken(token)
	if err != nil {
		return err
	}
	me, err := nc.Users.Current(ctx, opts...)
	if IsForbidden(err) {
		// NetBird's GetCurrentUserInfo refuses every service user; it
		// answers so only after the token authenticated.
		return nil
	}
	if err != nil {
		return err
	}
	if me.ID != userID {
		return fmt.Errorf("the new token acts as user %s, want %s", me.ID, userID)
	}
	return nil
}

// CreateShortLived creates a token for a user (typically a service user)
// that expires after days (1–365; 1 is the shortest NetBird allows), for
// a CI job that should not hold a long-lived secret. It returns a client
// that authenticates with the new token, and the token itself so the job
// can delete it when done (Tokens.Delete with created.PersonalAccessToken.ID).
func (s *TokensService) CreateShortLived(ctx context.Context, userID, name string, days int, opts ...RequestOption) (*Client, *api.PersonalAccessTokenGenerated, error) {
	created, err := s.Create(ctx, userID, api.PersonalAccessTokenRequest{Name: name, ExpiresIn: days}, opts...)
	if err != nil {
		return nil, nil, err
	}
	nc, err := s.c.WithToken(created.PlainToken.Reveal())
	if err != nil {
		return nil, created, err
	}
	return nc, created, nil
}
