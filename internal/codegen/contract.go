package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
)

// The contract module (contract/) runs NetBird's real management API from
// the NetBird release it requires. An update moves that requirement to the
// release of the new document, so CI runs the same release's server
// against the same release's document.

const (
	contractGoMod = "contract/go.mod"
	netbirdModule = "github.com/netbirdio/netbird"
	contractMoved = "The contract module now requires" // how the report says it moved
)

// moveContract moves the contract module at root to NetBird release
// version, if the module proxy has it, and says what it did.
func moveContract(root, version string) string {
	path := filepath.Join(root, contractGoMod)
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("The contract module was left alone: %v.", err)
	}
	out, err := runGo(root, io.Discard, "list", "-m", "-json", netbirdModule+"@"+version)
	var info struct{ GoMod string }
	if err == nil {
		err = json.Unmarshal([]byte(out), &info)
	}
	if err != nil || info.GoMod == "" {
		lines := strings.Split(strings.TrimSpace(out), "\n")
		return fmt.Sprintf("The contract module still runs NetBird's server of its current release: the module proxy has no %s@%s (%s).",
			netbirdModule, version, strings.TrimSpace(lines[len(lines)-1]))
	}
	theirs, err := os.ReadFile(info.GoMod)
	if err == nil {
		b, err = movedGoMod(b, theirs, version)
	}
	if err == nil {
		err = writeFile(path, b)
	}
	if err != nil {
		return fmt.Sprintf("The contract module was left alone: %v.", err)
	}
	return fmt.Sprintf(contractMoved+" NetBird %s, with the replace directives of its go.mod. "+
		"Run `cd contract && go mod tidy` (it downloads NetBird's dependencies: minutes), then `make contract`.", version)
}

// movedGoMod rewrites the contract module's go.mod to require NetBird
// version with the replace directives of NetBird's go.mod (theirs), which
// apply only in NetBird's own module, so a module requiring NetBird must
// repeat them. Local replacements (directories) are ours and stay; they
// win over NetBird's for the same module.
func movedGoMod(ours, theirs []byte, version string) ([]byte, error) {
	f, err := modfile.Parse(contractGoMod, ours, nil)
	if err != nil {
		return nil, err
	}
	nb, err := modfile.Parse("go.mod of "+netbirdModule+"@"+version, theirs, nil)
	if err != nil {
		return nil, err
	}
	if err := f.AddRequire(netbirdModule, version); err != nil {
		return nil, err
	}
	local := map[string]bool{}
	for _, r := range f.Replace {
		if modfile.IsDirectoryPath(r.New.Path) {
			local[r.Old.Path] = true
		} else if err := f.DropReplace(r.Old.Path, r.Old.Version); err != nil {
			return nil, err
		}
	}
	commented := false
	for _, r := range nb.Replace {
		if local[r.Old.Path] || modfile.IsDirectoryPath(r.New.Path) {
			continue
		}
		if err := f.AddReplace(r.Old.Path, r.Old.Version, r.New.Path, r.New.Version); err != nil {
			return nil, err
		}
		if !commented {
			commented = true
			last := f.Replace[len(f.Replace)-1].Syntax
			last.Before = append(last.Before, modfile.Comment{Token: "// NetBird's own replace directives (its go.mod at " + version + "): they apply only in"},
				modfile.Comment{Token: "// NetBird's main module, so a module that requires NetBird must repeat them."})
		}
	}
	f.Cleanup()
	return modfile.Format(f.Syntax), nil
}
