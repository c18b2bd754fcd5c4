package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Report is what a check found, as netbird-conformance prints it (and,
// with -json, as it writes it: these field names are the JSON format).
type Report struct {
	Server     string     `json:"server"`  // the API's base URL
	Sandbox    bool       `json:"sandbox"` // a local sandbox, not a user's server
	Mode       string     `json:"mode"`    // "read-only" or "write"
	RunID      string     `json:"run_id,omitempty"`
	Operations []OpReport `json:"operations"`
	Cleanup    *Cleanup   `json:"cleanup,omitempty"`
	Summary    Summary    `json:"summary"`
	Stopped    string     `json:"stopped,omitempty"` // why the run ended early (timeout, interrupt)
}

// OpReport is one operation's outcome; in the write scenarios, one step.
type OpReport struct {
	Operation  string            `json:"operation"` // the operation id, "ListPeers"
	Go         string            `json:"go"`        // the client's method, "Peers.List"
	Method     string            `json:"method"`
	Path       string            `json:"path"`
	Step       string            `json:"step,omitempty"` // the write scenario's step
	CloudOnly  bool              `json:"cloud_only,omitempty"`
	Result     string            `json:"result"` // ok, not served, refused, skipped, failed
	Status     int               `json:"status,omitempty"`
	Why        string            `json:"why,omitempty"`
	IDs        map[string]string `json:"ids,omitempty"` // the path parameters used
	Departures []Departure       `json:"departures,omitempty"`
	Breaks     string            `json:"breaks,omitempty"` // what it breaks that this client relies on
}

// Departure is one way a request or an answer departs from the document.
type Departure struct {
	Where    string `json:"where"`           // "answer 200", "request"
	Field    string `json:"field,omitempty"` // JSON pointer, array indexes as []
	Came     string `json:"came,omitempty"`
	Document string `json:"document,omitempty"` // what the document says
	Reason   string `json:"reason"`
	Breaking bool   `json:"breaking"`
}

// Summary counts the outcomes. Passed is the exit status's rule: nothing
// breaks what this client relies on, nothing created was left behind, and
// the run was not stopped.
type Summary struct {
	Operations int  `json:"operations"`
	OK         int  `json:"ok"`
	NotServed  int  `json:"not_served"`
	Refused    int  `json:"refused"`
	Skipped    int  `json:"skipped"`
	Failed     int  `json:"failed"`
	Departing  int  `json:"departing"` // operations with at least one departure
	Breaking   int  `json:"breaking"`  // operations that break what this client relies on
	LeftBehind int  `json:"left_behind"`
	Passed     bool `json:"passed"`
}

// Object is a temporary object of the write scenarios.
type Object struct {
	Kind  string `json:"kind"` // "group", "policy", ...
	ID    string `json:"id"`
	Name  string `json:"name"`
	Error string `json:"error,omitempty"` // why it could not be removed
}

// Cleanup is what the write scenarios created and removed.
type Cleanup struct {
	// Leftovers are objects of an earlier run (named nbconf-...) found and
	// removed before this one; with -write off they are only listed.
	Leftovers  []Object `json:"leftovers,omitempty"`
	Created    []Object `json:"created,omitempty"`
	Removed    []Object `json:"removed,omitempty"`
	LeftBehind []Object `json:"left_behind,omitempty"`
}

func (r *Report) summarize() {
	s := Summary{Operations: len(r.Operations)}
	for _, o := range r.Operations {
		switch o.Result {
		case KindOK:
			s.OK++
		case KindNotServed:
			s.NotServed++
		case KindRefused:
			s.Refused++
		case KindSkipped:
			s.Skipped++
		case KindFailed:
			s.Failed++
		}
		if len(o.Departures) > 0 {
			s.Departing++
		}
		if o.Breaks != "" {
			s.Breaking++
		}
	}
	if r.Cleanup != nil {
		s.LeftBehind = len(r.Cleanup.LeftBehind)
	}
	s.Passed = s.Breaking == 0 && s.LeftBehind == 0 && r.Stopped == ""
	r.Summary = s
}

// SummaryLine is the report's last line.
func (r *Report) SummaryLine() string {
	s := r.Summary
	verdict := "PASS"
	if !s.Passed {
		verdict = "FAIL"
	}
	line := fmt.Sprintf("%s: %d operations: %d ok, %d refused, %d not served, %d skipped, %d failed; %d depart from the document; %d break this client",
		verdict, s.Operations, s.OK, s.Refused, s.NotServed, s.Skipped, s.Failed, s.Departing, s.Breaking)
	if r.Cleanup != nil {
		line += fmt.Sprintf("; created %d, removed %d, left behind %d", len(r.Cleanup.Created), len(r.Cleanup.Removed), s.LeftBehind)
	}
	if r.Stopped != "" {
		line += "; stopped early: " + r.Stopped
	}
	return line
}

// WriteText writes the report for people: one line per operation, its
// departures under it, what was cleaned up, and the summary line.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "NetBird server %s (%s)\n", r.Server, r.Mode)
	for _, o := range r.Operations {
		res := o.Result
		if o.Result == KindRefused {
			res = fmt.Sprintf("refused %d", o.Status)
		}
		if o.Breaks != "" {
			res = strings.ToUpper(res)
		}
		name := o.Method + " " + o.Path
		if o.Step != "" {
			name = o.Step + ": " + name
		}
		fmt.Fprintf(&b, "%-12s %s (%s)", res, name, o.Go)
		if o.Why != "" {
			fmt.Fprintf(&b, ": %s", o.Why)
		}
		b.WriteString("\n")
		for _, d := range o.Departures {
			fmt.Fprintf(&b, "  departs: %s", d.Where)
			if d.Field != "" {
				fmt.Fprintf(&b, " %s", d.Field)
			}
			if d.Came != "" {
				fmt.Fprintf(&b, ": came %s", d.Came)
			}
			if d.Document != "" {
				fmt.Fprintf(&b, "; the document says %s", d.Document)
			} else {
				fmt.Fprintf(&b, ": %s", d.Reason)
			}
			if d.Breaking {
				b.WriteString(" (breaks this client)")
			}
			b.WriteString("\n")
		}
		if o.Breaks != "" {
			fmt.Fprintf(&b, "  breaks this client: %s\n", o.Breaks)
		}
	}
	if c := r.Cleanup; c != nil {
		for _, o := range c.Leftovers {
			fmt.Fprintf(&b, "leftover of an interrupted run: %s %s %q", o.Kind, o.ID, o.Name)
			if o.Error != "" {
				fmt.Fprintf(&b, " (could not remove: %s)", o.Error)
			} else if r.Mode == "write" {
				b.WriteString(" removed")
			}
			b.WriteString("\n")
		}
		for _, o := range c.Removed {
			fmt.Fprintf(&b, "removed %s %s %q\n", o.Kind, o.ID, o.Name)
		}
		for _, o := range c.LeftBehind {
			fmt.Fprintf(&b, "LEFT BEHIND %s %s %q: %s (the next run with -write removes it)\n", o.Kind, o.ID, o.Name, o.Error)
		}
	}
	b.WriteString(r.SummaryLine() + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the report as one indented JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// opReport turns an outcome into the report's form and decides whether it
// breaks what this client relies on.
func opReport(o Outcome, ids map[string]string) OpReport {
	r := OpReport{
		Operation: o.Op.ID, Go: o.Op.Service + "." + o.Op.GoMethod, Method: o.Op.Method, Path: o.Op.Path,
		CloudOnly: o.Op.CloudOnly, Result: o.Kind, Status: o.Status, Why: o.Why, IDs: ids,
	}
	if o.Kind == KindNotServed {
		r.Status = 0
	}
	for _, f := range o.Findings {
		d := Departure{Where: f.Direction, Reason: Redact(f.Reason), Came: Redact(f.Came()), Document: f.Want, Breaking: f.Breaking()}
		if f.Direction == "answer" {
			d.Where = fmt.Sprintf("answer %d", f.Status)
		}
		if f.Keyword != "" && f.Keyword != "status" {
			d.Field = f.Path()
		}
		r.Departures = append(r.Departures, d)
		if d.Breaking && r.Breaks == "" {
			r.Breaks = fmt.Sprintf("%s %s is missing from a successful answer: the client hands the caller a zero value as if it had come", d.Where, d.Field)
		}
	}
	switch {
	case o.Kind == KindFailed:
		r.Breaks = "the client could not use the answer: " + o.Why
	case o.Kind == KindRefused && o.Status >= 500:
		r.Breaks = fmt.Sprintf("the server failed (%d)", o.Status)
	}
	return r
}
