// Command codegen turns the vendored NetBird OpenAPI document into the
// generated parts of netbird-go. `go generate ./...` runs it from the module
// root (see generate.go); it takes no network and reads only these files:
//
//	openapi.yaml                  the vendored NetBird document (never edited)
//	openapi.version               where openapi.yaml came from (version, commit, sha256)
//	internal/codegen/overlay.yaml the naming table and fixes to the document
//	internal/codegen/retired.yaml names and fixes the document has no use for now
//
// and writes:
//
//	api/models.gen.go   models            (oapi-codegen)
//	api/client.gen.go   low-level client  (oapi-codegen)
//	api/spec.gen.go     the spec version constants
//	api/validate.gen.go the Validate methods of the request bodies (validate.go)
//	api/validate_unchecked.gen.txt  the rules of the bodies those leave to the server
//	internal/spec/openapi.gen.json  the document as named and fixed, for netbirdtest
//	api_surface.txt     one line per exported identifier of api/ and the root package
//
// Each step fails with a message that says what to change.
//
// One subcommand maintains the inputs (see update.go and retired.go):
//
//	codegen update -spec <path or URL> -version <vX.Y.Z> [-commit <id>]   (make update-spec)
//	codegen update -continue                   (make update-spec-continue, make names)
package main

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"gopkg.in/yaml.v3"

	"github.com/netbird-go/netbird/internal/spec"
)

// Paths are relative to the module root, where go generate runs us.
type paths struct {
	Spec, Version, Overlay, API, Root, Surface string
	Readme                                     string // "" leaves no README to update (tests)
	Embedded                                   string // "" writes no embedded copy (tests)
	Retired                                    string // "" reads no retired names and dormant fixes (tests)
}

func main() {
	var err error
	switch cmd := append(os.Args[1:], "")[0]; cmd {
	case "update":
		err = cmdUpdate(os.Args[2:])
	case "":
		err = run(paths{Spec: specFile, Version: versionFile, Overlay: overlayFile, Retired: retiredFile, API: "api", Root: ".",
			Surface: surfaceFile, Embedded: "internal/spec/openapi.gen.json", Readme: "README.md"})
	default:
		err = fmt.Errorf("unknown command %q: want update, or none to generate", cmd)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "codegen:", err)
		os.Exit(1)
	}
}

func run(p paths) error {
	raw, err := os.ReadFile(p.Spec)
	if err != nil {
		return err
	}
	ver, err := readVersion(p.Version)
	if err != nil {
		return err
	}
	if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != ver.SHA256 {
		return fmt.Errorf("%s has sha256 %x but %s records %s: update the record (make update-spec) rather than editing the document",
			p.Spec, sum, p.Version, ver.SHA256)
	}
	doc, err := loadDoc(raw, p.Spec)
	if err != nil {
		return err
	}
	table, err := readNamingTable(p.Overlay)
	if err != nil {
		return err
	}
	var dormant []string
	if p.Retired != "" {
		ret, err := readRetired(p.Retired)
		if err != nil {
			return err
		}
		table.retiredFile, table.retired = ret.file, ret.names.names
		dormant = ret.dormant
	}
	if err := table.check(doc); err != nil {
		return err
	}
	named, err := loadNamed(p.Spec, p.Overlay, p.Retired, dormant)
	if err != nil {
		return err
	}
	if len(dormant) > 0 {
		fmt.Fprintf(os.Stderr, "codegen: note: %d fixes of %s do not apply to this release of the document and are skipped (dormant in %s): %s\n",
			len(dormant), p.Overlay, p.Retired, strings.Join(dormant, ", "))
	}
	// kin-openapi's checks, less what spec.Validate lets pass.
	if err := spec.Validate(named); err != nil {
		return fmt.Errorf("%s (with the fixes in %s) is not a valid OpenAPI document: %w", p.Spec, p.Overlay, err)
	}
	if err := os.MkdirAll(p.API, 0o755); err != nil {
		return err
	}
	for _, out := range []struct {
		file string
		gen  codegen.GenerateOptions
	}{
		{"models.gen.go", codegen.GenerateOptions{Models: true}},
		{"client.gen.go", codegen.GenerateOptions{Client: true}},
	} {
		code, err := codegen.Generate(named, oapiConfig(out.gen))
		if err != nil {
			return fmt.Errorf("oapi-codegen (%s): %w", out.file, err)
		}
		if err := writeFile(filepath.Join(p.API, out.file), []byte(code)); err != nil {
			return err
		}
	}
	if err := writeGo(filepath.Join(p.API, "spec.gen.go"), specVersionFile(ver)); err != nil {
		return err
	}
	// One parse of the generated package serves the writers below: they
	// need its models and request builders.
	pkg, err := readAPIPackage(p.API)
	if err != nil {
		return err
	}
	if err := writeValidators(p.API, named, pkg); err != nil {
		return err
	}
	if err := writeLogValuers(filepath.Join(p.API, "logvalue.gen.go"), pkg); err != nil {
		return err
	}
	if err := writeServices(filepath.Join(p.Root, "gen.go"), named, pkg); err != nil {
		return err
	}
	if p.Embedded != "" {
		// The named and fixed document, for netbirdtest and the tests: they
		// validate against exactly what the client was generated from.
		b, err := json.MarshalIndent(named, "", " ")
		if err != nil {
			return err
		}
		if err := writeFile(p.Embedded, append(b, '\n')); err != nil {
			return err
		}
	}
	if err := writeSurface(p.Surface, p.API, p.Root); err != nil {
		return err
	}
	return updateReadme(p.Readme, ver)
}

// updateReadme rewrites the text between the spec-version markers of the
// README, so the README always names the vendored NetBird release.
func updateReadme(path string, v specVersion) error {
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	const begin, end = "<!-- spec-version -->", "<!-- /spec-version -->"
	i, j := bytes.Index(b, []byte(begin)), bytes.Index(b, []byte(end))
	if i < 0 || j < i {
		return fmt.Errorf("%s: no %s ... %s markers for the spec version", path, begin, end)
	}
	text := fmt.Sprintf("NetBird %s (commit %s)", v.Version, v.Commit[:min(12, len(v.Commit))])
	out := slices.Concat(b[:i+len(begin)], []byte(text), b[j:])
	return writeFile(path, out)
}

//go:embed templates/imports.tmpl
var importsTemplate string

// oapiConfig is the one oapi-codegen configuration of the project.
func oapiConfig(gen codegen.GenerateOptions) codegen.Configuration {
	version := oapiCodegenVersion()
	return codegen.Configuration{
		// The header names the oapi-codegen release, not our module's build.
		NoVCSVersionOverride: &version,
		PackageName:          "api",
		Generate:             gen,
		Compatibility: codegen.CompatibilityOptions{
			AlwaysPrefixEnumValues: true,
		},
		OutputOptions: codegen.OutputOptions{
			// ID, URL, DNS, API, IP... in every generated name.
			NameNormalizer: "ToCamelCaseWithInitialisms",
			UserTemplates:  map[string]string{"imports.tmpl": importsTemplate},
			// format: email as a plain string: runtime's Email type would
			// refuse to decode an answer holding an address it cannot parse.
			TypeMapping: &codegen.TypeMapping{
				String: codegen.FormatMapping{Formats: map[string]codegen.SimpleTypeSpec{"email": {Type: "string"}}},
			},
			AdditionalInitialisms: []string{"EDR", "IDP", "MSP", "SCIM", "PAT", "AWS", "CSV", "PDF", "TTL", "NS", "OS", "ICMP", "JWT", "OIDC", "MFA", "CIDR"},
		},
		// The document is read from disk; it has no remote references.
		AllowRemoteRefsFrom: []string{},
	}
}

// writeFile writes b to path unless the file holds b already (keeping its
// modification time), keeping the file's mode.
func writeFile(path string, b []byte) error {
	old, err := os.ReadFile(path)
	if err == nil && bytes.Equal(old, b) {
		return nil
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func writeGo(path string, src []byte) error {
	out, err := format.Source(src)
	if err != nil {
		return fmt.Errorf("%s: generated code does not parse: %w", path, err)
	}
	return writeFile(path, out)
}

const header = "// Code generated by internal/codegen from openapi.yaml. DO NOT EDIT.\n\n"

func specVersionFile(v specVersion) []byte {
	return fmt.Appendf([]byte(header), "package api\n\n"+
		"// SpecVersion is the NetBird release whose OpenAPI document this package was generated from.\nconst SpecVersion = %q\n\n"+
		"// SpecCommit is the NetBird repository commit of that document.\nconst SpecCommit = %q\n", v.Version, v.Commit)
}

// specVersion is the record in openapi.version: where openapi.yaml came from.
type specVersion struct {
	Version string `yaml:"version"`
	Commit  string `yaml:"commit"`
	SHA256  string `yaml:"sha256"`
}

func readVersion(path string) (specVersion, error) {
	var v specVersion
	b, err := os.ReadFile(path)
	if err == nil {
		err = yaml.Unmarshal(b, &v)
	}
	if err != nil {
		return v, fmt.Errorf("%s: %w", path, err)
	}
	if v.Version == "" || v.Commit == "" || v.SHA256 == "" {
		return v, fmt.Errorf("%s must give version, commit and sha256", path)
	}
	return v, nil
}

// oapiCodegenVersion is the oapi-codegen release this program was built
// with: the one go.mod pins.
func oapiCodegenVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/oapi-codegen/oapi-codegen/v2" {
				return d.Version
			}
		}
	}
	return "(unknown version)"
}
