package netbirdtest

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Fault is a failure to inject into the answers of an operation (see
// [Server.InjectFault]), to test a client's error handling and retries.
// Faults act before credentials are checked, as a proxy in front of NetBird
// would, and their answers are not validated against the document.
//
// A Fault with only Delay set slows requests down, which are then answered
// normally.
type Fault struct {
	// Status, when not 0, is sent with NetBird's JSON error body
	// {"message": Message, "code": Status}.
	Status int
	// Message is the body's message; the status text when empty.
	Message string
	// HTML sends an HTML page with Content-Type text/html instead, as a
	// proxy in front of NetBird does for 502 and 504.
	HTML bool
	// Delay waits before answering. A request whose context ends first
	// gets no answer.
	Delay time.Duration
	// Reset closes the connection without answering.
	Reset bool
	// Times is how many requests the fault hits; 0 means every request.
	Times int
}

type faultState struct {
	f    Fault
	left int // requests left to hit; 0 with f.Times 0 means unlimited
}

// InjectFault makes requests to the operation named operationID (its Go
// name, "ListPeers"), or to every operation when operationID is "", fail as
// f says. A fault for one operation takes precedence over the one for every
// operation; injecting again for the same name replaces the fault. It
// panics if NetBird's document has no such operation.
func (s *Server) InjectFault(operationID string, f Fault) {
	if operationID != "" {
		operationID = s.doc.operation(operationID).id
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[operationID] = &faultState{f: f, left: f.Times}
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.faults)
}

// takeFault returns the fault that hits a request to op, counting it.
func (s *Server) takeFault(op *operation) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, key := range []string{op.id, ""} {
		fs := s.faults[key]
		if fs == nil {
			continue
		}
		if fs.f.Times > 0 {
			fs.left--
			if fs.left <= 0 {
				delete(s.faults, key)
			}
		}
		return fs.f, true
	}
	return Fault{}, false
}

// fault applies the fault for op, if any, and reports whether it answered
// (or dropped) the request.
func (s *Server) fault(w *statusWriter, r *http.Request, op *operation) bool {
	f, ok := s.takeFault(op)
	if !ok {
		return false
	}
	if f.Delay > 0 {
		// Read the body first: only then does net/http watch the connection
		// and end r.Context() when the client goes away. The request is
		// answered normally afterwards, so keep what was read.
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		r.Body = io.NopCloser(bytes.NewReader(body))
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	switch {
	case f.Reset:
		conn, _, err := w.hijack()
		if err != nil {
			panic(http.ErrAbortHandler) // closes the connection or resets the stream
		}
		_ = conn.Close()
		return true
	case f.Status == 0:
		return false
	case f.HTML:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(htmlErrorPage(f.Status)))
		return true
	}
	msg := f.Message
	if msg == "" {
		msg = strings.ToLower(http.StatusText(f.Status))
	}
	writeResponse(w, nil, errorResponse(f.Status, "%s", msg))
	return true
}

// htmlErrorPage is the page nginx sends for a failed upstream.
func htmlErrorPage(status int) string {
	title := strconv.Itoa(status) + " " + http.StatusText(status)
	return "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
		"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
}

// limited applies the rate limit to an authenticated request and reports
// whether it is over the limit. Like NetBird's, the limiter keeps one bucket
// per token and exempts user agents containing "terraform".
func (s *Server) limited(c *call) bool {
	if s.opts.rpm == 0 || strings.Contains(strings.ToLower(c.r.UserAgent()), "terraform") {
		return false
	}
	key := c.r.Header.Get("Authorization")
	_, key, _ = strings.Cut(key, " ")
	key = hashToken(strings.TrimSpace(key)) // never keep the token itself
	s.mu.Lock()
	defer s.mu.Unlock()
	lim := s.limiters[key]
	if lim == nil {
		lim = rate.NewLimiter(rate.Limit(float64(s.opts.rpm)/60), s.opts.burst)
		s.limiters[key] = lim
	}
	return !lim.AllowN(s.now(), 1)
}
