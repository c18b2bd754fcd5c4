package netbirdtest

import "sort"

// SampleIDs maps the path parameter names of the document ("userId",
// "peerId", "groupId", "networkId", ...) to ids of objects the server holds
// now, so a test can call an operation on something that exists, such as
// the seeded account's objects, without listing them first. It reads the
// server's state directly, not through the API: it adds nothing to Calls
// or Requests and is never rate limited or faulted.
func (s *Server) SampleIDs() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	first := func(kind string) string {
		if recs := s.st.records[kind]; len(recs) > 0 {
			return recs[0].id
		}
		return ""
	}
	ids := map[string]string{
		"userId":         first("user"),
		"peerId":         first("peer"),
		"groupId":        first("group"),
		"keyId":          first("setup key"),
		"policyId":       first("policy"),
		"routeId":        first("route"),
		"networkId":      first("network"),
		"resourceId":     first("network resource"),
		"routerId":       first("network router"),
		"nsgroupId":      first("nameserver group"),
		"postureCheckId": first("posture check"),
		"country":        "DE",
	}
	if len(s.st.tokens) > 0 {
		ids["tokenId"] = s.st.tokens[0].id
	}
	for k, v := range ids {
		if v == "" {
			delete(ids, k)
		}
	}
	return ids
}

// Operations lists the Go names of every operation the server answers, sorted.
func Operations() ([]string, error) {
	doc, err := loadDocument()
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(doc.ops))
	for id := range doc.ops {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids, nil
}
