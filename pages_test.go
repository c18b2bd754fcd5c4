package netbird_test

// The page iterators (pages.go): a walk over every page, and a fuzz target
// for whatever a server sends as a page.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/netbird-go/netbird"
	"github.com/netbird-go/netbird/api"
	"github.com/netbird-go/netbird/auth"
)

func TestPaginationWalksEveryPage(t *testing.T) {
	h := newHarness(t)
	var pages []string
	h.mux.HandleFunc("GET /events/network-traffic", func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Query().Get("page")
		pages = append(pages, p)
		writeJSON(w, 200, fmt.Sprintf(`{"data":[{"flow_id":"e%s-1"},{"flow_id":"e%s-2"}],"page":%s,"page_size":2,"total_pages":3,"total_records":6}`, p, p, p))
	})
	var ids []string
	for ev, err := range h.client.Events.ListNetworkTrafficAll(context.Background(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ev.FlowID)
	}
	if strings.Join(pages, ",") != "1,2,3" || len(ids) != 6 || ids[5] != "e3-2" {
		t.Errorf("pages %v, ids %v", pages, ids)
	}
	// Breaking out stops fetching.
	pages = nil
	for _, err := range h.client.Events.ListNetworkTrafficAll(context.Background(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	if len(pages) != 1 {
		t.Errorf("break after the first item fetched pages %v", pages)
	}
}

// pageServer answers every page of GET /api/events/network-traffic with
// the same body, and stops the walk with a 400 after limit requests, so
// that no input can make a test loop for ever.
type pageServer struct {
	mu    sync.Mutex
	body  []byte
	pages []int // the page parameter of each request, in order
	limit int
}

func (s *pageServer) reset(body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body, s.pages = body, nil
}

func (s *pageServer) requested() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.pages...)
}

func (s *pageServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	page, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil {
		page = -1 // no page parameter, or not a number: the property check fails
	}
	s.mu.Lock()
	s.pages = append(s.pages, page)
	n, body := len(s.pages), s.body
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if n > s.limit {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"message":"page limit of the test server","code":400}`))
		return
	}
	_, _ = w.Write(body)
}

// FuzzPagination walks ListNetworkTrafficAll over pages whose body is
// arbitrary bytes. Whatever the server sends, the iterator must not panic,
// must ask for consecutive pages from the start page on, must stop after
// an error, and must stop exactly where the answer says (an empty page,
// the last page, or an answer that cannot be decoded). The server stops
// every walk after 8 requests, so a wrong stop condition shows up as a
// wrong request count rather than a hang. Seeds are in
// testdata/fuzz/FuzzPagination.
func FuzzPagination(f *testing.F) {
	for _, s := range []struct {
		body  string
		start int
	}{
		{`{"data":[{"flow_id":"a"},{"flow_id":"b"}],"page":1,"page_size":2,"total_pages":3,"total_records":6}`, 0},
		{`{"data":[],"total_pages":5}`, 1},
		{`{"data":null,"total_pages":5}`, 2},
		{`null`, 0},
		{`{}`, 0},
		{`[]`, 0},
		{`{"data":[{"flow_id":"a"}],"total_pages":9223372036854775807}`, 9223372036854775806},
		{`{"data":[{"flow_id":"a"}],"total_pages":-1}`, -5},
		{`{"data":[{}],"total_pages":2} trailing`, 1},
		{`{"data":[{"flow_id":1}],"total_pages":2}`, 0},
		{`<html>502</html>`, 0},
		{``, 0},
	} {
		f.Add([]byte(s.body), s.start)
	}
	const limit = 8
	ps := &pageServer{limit: limit}
	srv := httptest.NewServer(ps)
	f.Cleanup(srv.Close)
	c, err := netbird.New(auth.Config{Host: srv.URL, Token: testPAT}, netbird.WithoutRetries())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, start int) {
		ps.reset(body)
		var params *api.ListNetworkTrafficEventsParams
		if start != 0 {
			params = &api.ListNetworkTrafficEventsParams{Page: &start}
		}
		// What the client should make of the body: it decodes the first
		// JSON value and ignores what follows.
		var page *api.NetworkTrafficEventsResponse
		decoded := json.Unmarshal(body, &page) == nil && page != nil
		first := max(start, 1)

		items, errs, afterErr := 0, 0, false
		for _, err := range c.Events.ListNetworkTrafficAll(context.Background(), params) {
			if errs > 0 {
				afterErr = true
			}
			if err != nil {
				errs++
				var ae *netbird.APIError
				var de *netbird.DecodeError
				if !errors.As(err, &ae) && !errors.As(err, &de) {
					t.Fatalf("error %T %v is neither an *APIError nor a *DecodeError", err, err)
				}
				continue
			}
			items++
			if items > (limit+1)*len(body)+1 {
				t.Fatalf("%d items from at most %d pages of %d bytes", items, limit+1, len(body))
			}
		}
		if afterErr {
			t.Fatal("the iterator went on after yielding an error")
		}
		pages := ps.requested()
		for i, p := range pages {
			if p != first+i {
				t.Fatalf("requested pages %v, want consecutive pages from %d", pages, first)
			}
		}
		want := 1
		if decoded && len(page.Data) > 0 && page.TotalPages > first {
			want = min(page.TotalPages-first+1, limit+1)
		}
		if len(pages) != want {
			t.Fatalf("%d requests (pages %v), want %d for body %q", len(pages), pages, want, body)
		}
		if (errs == 1) != (!decoded || len(pages) > limit) || errs > 1 {
			t.Fatalf("%d errors for %d requests, decoded=%v", errs, len(pages), decoded)
		}
	})
}
