package auth

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
)

// hostSpec is a Host value taken apart.
type hostSpec struct {
	scheme   string // "https" or "http"
	hostname string // lower case; an IPv6 address without brackets
	ipv6     bool
	port     string // "" or a canonical decimal in 1–65535
	path     string // whatever follows the host, from its first "/"
}

// hostPort returns the host as it goes into a URL: brackets around IPv6,
// ":port" when a port was given.
func (h hostSpec) hostPort() string {
	host := h.hostname
	if h.ipv6 {
		host = "[" + host + "]"
	}
	if h.port != "" {
		host += ":" + h.port
	}
	return host
}

// parseHost reads a Host value the way people write it: "api.netbird.io",
// "netbird.example.com:33073", "https://netbird.example.com/",
// "http://localhost:33073", "[::1]:33073", with or without surrounding
// spaces. The scheme defaults to https.
//
// It is hand-written rather than built on url.Parse because url.Parse reads
// "localhost:33073" as scheme "localhost" and accepts much that is wrong
// here (userinfo, unbracketed IPv6, ports out of range, unicode hosts).
func parseHost(raw string) (hostSpec, error) {
	s := strings.TrimSpace(raw)
	fail := func(reason string) (hostSpec, error) {
		return hostSpec{}, &ConfigError{Field: "Host", Value: s, Reason: reason}
	}
	if s == "" {
		return hostSpec{}, &ConfigError{Field: "Host",
			Reason: `is empty (want a host name such as "api.netbird.io" or "https://netbird.example.com:33073")`}
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		// What precedes '@' may be a password: keep it out of the error.
		return hostSpec{}, &ConfigError{Field: "Host", Value: "…" + s[i:],
			Reason: "contains user information (user:password@); a NetBird server is authenticated with Token only"}
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return fail("contains spaces or control characters")
		}
	}
	if strings.ContainsAny(s, "?#") {
		return fail("has a query or fragment (? or #); give only scheme, host, port and an optional path")
	}

	h := hostSpec{scheme: "https"}
	rest := s
	if i := strings.Index(s, "://"); i >= 0 {
		h.scheme = strings.ToLower(s[:i])
		rest = s[i+3:]
		if h.scheme != "https" && h.scheme != "http" {
			return fail(fmt.Sprintf("unknown scheme %q (want https, or http for local development)", s[:i]))
		}
	} else if strings.Contains(s, ":/") {
		return fail(`is not a well-formed URL (want "https://host[:port][/path]")`)
	}

	authority := rest
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		authority, h.path = rest[:i], rest[i:]
	}
	if authority == "" {
		return fail("has no host name")
	}
	for i := 0; i < len(authority); i++ {
		if authority[i] >= 0x80 {
			return fail("contains non-ASCII characters; write an internationalised host name in its punycode (xn--) form")
		}
	}

	var hostname, port string
	if strings.HasPrefix(authority, "[") {
		end := strings.IndexByte(authority, ']')
		if end < 0 {
			return fail("has a '[' without ']' (write IPv6 addresses as [addr] or [addr]:port)")
		}
		addr, err := netip.ParseAddr(authority[1:end])
		if err != nil || !addr.Is6() {
			return fail("has no valid IPv6 address inside [ ]")
		}
		if addr.Zone() != "" {
			return fail("has an IPv6 zone (%); zones are not supported")
		}
		after := authority[end+1:]
		if after != "" {
			p, ok := strings.CutPrefix(after, ":")
			if !ok {
				return fail("has unexpected characters after ']'")
			}
			if p == "" {
				return fail("has an empty port after ':'")
			}
			port = p
		}
		hostname, h.ipv6 = addr.String(), true
	} else {
		switch strings.Count(authority, ":") {
		case 0:
			hostname = authority
		case 1:
			hostname, port, _ = strings.Cut(authority, ":")
			if port == "" {
				return fail("has an empty port after ':'")
			}
		default:
			return fail("looks like an IPv6 address without brackets; write it as [addr] or [addr]:port, e.g. [::1]:33073")
		}
		if reason := checkHostname(hostname); reason != "" {
			return fail(reason)
		}
		hostname = strings.ToLower(hostname)
	}

	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || strings.TrimLeft(port, "0123456789") != "" {
			return fail(fmt.Sprintf("port %q is not a number from 1 to 65535", port))
		}
		port = strconv.Itoa(n)
	}
	h.hostname, h.port = hostname, port
	return h, nil
}

// checkHostname checks a DNS name or IPv4 address (RFC 1123, plus '_',
// which container host names often carry).
func checkHostname(name string) string {
	if name == "" {
		return "has no host name"
	}
	if len(name) > 253 {
		return fmt.Sprintf("host name is %d characters long, the limit is 253", len(name))
	}
	labels := strings.Split(strings.TrimSuffix(name, "."), ".") // one trailing dot is allowed
	numeric := true
	for _, l := range labels {
		if l == "" {
			return "host name has an empty label (a leading dot or two dots in a row)"
		}
		if len(l) > 63 {
			return "host name has a label longer than 63 characters"
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return "host name has a label that starts or ends with '-'"
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !isBase62(c) && c != '-' && c != '_' {
				return fmt.Sprintf("host name contains %q; only letters, digits, '-', '_' and '.' are allowed", c)
			}
			if c < '0' || c > '9' {
				numeric = false
			}
		}
	}
	if numeric {
		if a, err := netip.ParseAddr(strings.TrimSuffix(name, ".")); err != nil || !a.Is4() {
			return "is not a valid IPv4 address"
		}
	}
	return ""
}

// isLoopback reports whether plain HTTP to host stays on this machine.
func isLoopback(hostname string) bool {
	if hostname == "localhost" || hostname == "localhost." {
		return true
	}
	a, err := netip.ParseAddr(hostname)
	return err == nil && a.Unmap().IsLoopback()
}

// cleanBasePath checks a base path and trims its trailing "/"; "/" becomes
// "". It returns a reason when p is not acceptable. Only unreserved URL
// characters are allowed, so the path never needs percent-encoding and can
// be joined to a request's escaped path as it is.
func cleanBasePath(p string) (string, string) {
	if !strings.HasPrefix(p, "/") {
		return "", `must start with "/" (for example "/api")`
	}
	if strings.ContainsAny(p, "?#") {
		return "", "must not contain a query or fragment (? or #)"
	}
	for _, r := range p {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return "", "must not contain spaces or control characters"
		}
	}
	if strings.Contains(p, "//") {
		return "", `must not contain an empty segment ("//")`
	}
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "." || seg == ".." {
			return "", `must not contain "." or ".." segments`
		}
	}
	for _, r := range p {
		if !strings.ContainsRune(base62Digits+"-._~/", r) {
			return "", fmt.Sprintf("contains %q; only letters, digits, '-', '.', '_', '~' and '/' are allowed", r)
		}
	}
	return strings.TrimSuffix(p, "/"), ""
}
