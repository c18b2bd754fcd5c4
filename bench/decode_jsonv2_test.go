//go:build goexperiment.jsonv2

package bench

import jsonv2 "encoding/json/v2"

// Under GOEXPERIMENT=jsonv2, encoding/json runs on encoding/json/v2's
// implementation; BenchmarkDecode then also measures v2's own Unmarshal,
// with its defaults (which differ from v1's: case-sensitive keys, invalid
// UTF-8 refused, duplicate keys refused, ...).
func init() {
	decoders = append(decoders, decoder{"jsonv2", func(data []byte, v any) error { return jsonv2.Unmarshal(data, v) }})
}

// knownV2 are the disagreements under GOEXPERIMENT=jsonv2, on top of known.
var knownV2 = map[string]map[string]string{
	"goccy":     {"edge/time-escaped": escapedTime},
	"segmentio": {"edge/time-escaped": escapedTime},
	"jsoniter":  {"edge/time-escaped": escapedTime},
	"sonic":     {"edge/time-escaped": escapedTime},
	"jsonv2": {
		"edge/key-case":         "keys match case-sensitively",
		"edge/key-unicode-fold": "keys match case-sensitively",
		"edge/duplicate-keys":   "refuses duplicate keys",
		"edge/map-field":        "refuses duplicate keys",
		"edge/invalid-utf8":     "refuses invalid UTF-8",
		"edge/lone-surrogate":   "refuses lone surrogates",
	},
}

// escapedTime: encoding/json on v2 unescapes a time string before parsing
// it, so it accepts what it refuses without the experiment.
const escapedTime = "refuses a time with an escaped character, which encoding/json accepts under jsonv2"

func init() {
	for d, cases := range knownV2 {
		if known[d] == nil {
			known[d] = map[string]string{}
		}
		for c, why := range cases {
			known[d][c] = why
		}
	}
}
