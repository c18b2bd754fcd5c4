package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/util"
	"github.com/speakeasy-api/openapi/overlay"
	"gopkg.in/yaml.v3"
)

// Fixes are the actions of overlay.yaml that are not naming entries. They
// are written for one release of NetBird's document; another release may
// lack what a fix targets (a schema or a property added later), and the
// strict overlay application fails on a target that matches nothing. Such
// fixes stay in overlay.yaml untouched and are listed as dormant in
// retired.yaml; the generator skips exactly the dormant ones, and fails on
// any other fix that matches nothing, so a mistyped target is still caught.

// unmatchedFixes returns the targets of the fixes in ov that match nothing
// in the document raw, in overlay order, each once.
func unmatchedFixes(ov *overlay.Overlay, raw []byte) ([]string, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		return nil, err
	}
	var out []string
	for _, a := range ov.Actions {
		if namingTarget.MatchString(a.Target) || slices.Contains(out, a.Target) {
			continue
		}
		p, err := ov.NewPath(a.Target, nil)
		if err != nil {
			return nil, fmt.Errorf("fix target %s: %w", a.Target, err)
		}
		if len(p.Query(&root)) == 0 {
			out = append(out, a.Target)
		}
	}
	return out, nil
}

// checkDormant compares the dormant fixes recorded in retired.yaml with the
// fixes that actually match nothing in the document.
func checkDormant(ov *overlay.Overlay, unmatched, dormant []string, overlayFile, retiredFile, specFile string) error {
	var errs []error
	for _, t := range unmatched {
		if !slices.Contains(dormant, t) {
			errs = append(errs, fmt.Errorf("the fix of %s with target %s matches nothing in %s: correct the target; if this release of the document lacks it, `make names` records the fix as dormant in %s",
				overlayFile, t, specFile, retiredFile))
		}
	}
	for _, t := range dormant {
		switch {
		case !slices.ContainsFunc(ov.Actions, func(a overlay.Action) bool { return a.Target == t }):
			errs = append(errs, fmt.Errorf("%s lists a dormant fix with target %s, which %s does not have: run `make names`", retiredFile, t, overlayFile))
		case !slices.Contains(unmatched, t):
			errs = append(errs, fmt.Errorf("%s lists the fix with target %s as dormant, but %s has its target: run `make names`", retiredFile, t, specFile))
		}
	}
	return errors.Join(errs...)
}

// loadNamed loads the document at specPath with the overlay applied
// strictly, less the dormant fixes.
func loadNamed(specPath, overlayPath, retiredPath string, dormant []string) (*openapi3.T, error) {
	raw, err := os.ReadFile(specPath)
	if err != nil {
		return nil, err
	}
	ov, err := overlay.Parse(overlayPath)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", overlayPath, err)
	}
	unmatched, err := unmatchedFixes(ov, raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", overlayPath, err)
	}
	if err := checkDormant(ov, unmatched, dormant, overlayPath, retiredPath, specPath); err != nil {
		return nil, err
	}
	if len(dormant) == 0 {
		return util.LoadSwaggerWithOverlay(specPath, util.LoadSwaggerWithOverlayOpts{Path: overlayPath, Strict: true})
	}
	ov.Actions = slices.DeleteFunc(ov.Actions, func(a overlay.Action) bool { return slices.Contains(dormant, a.Target) })
	text, err := ov.ToString()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "netbird-overlay-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, filepath.Base(overlayPath))
	if err := os.WriteFile(tmp, []byte(text), 0o600); err != nil {
		return nil, err
	}
	doc, err := util.LoadSwaggerWithOverlay(specPath, util.LoadSwaggerWithOverlayOpts{Path: tmp, Strict: true})
	if err != nil {
		return nil, errors.New(strings.ReplaceAll(err.Error(), tmp, overlayPath))
	}
	return doc, nil
}
