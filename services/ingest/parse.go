package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
)

// xmlEncoding finds the encoding an XML declaration names.
var xmlEncoding = regexp.MustCompile(`^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

// parseFeed parses an RSS, Atom or JSON feed, tolerating what real feeds
// get wrong: bytes that are not UTF-8 in a feed that says (or defaults to)
// UTF-8 are replaced by U+FFFD, and a JSON Feed with a single value where
// the spec has a list ("tags": "news") is read as a list of one. Notes say
// what was repaired.
func parseFeed(body []byte, contentType string) (*gofeed.Feed, []string, error) {
	var notes []string
	if declaresUTF8(body, contentType) && !utf8.Valid(body) {
		bad := countInvalid(body)
		body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
		notes = append(notes, fmt.Sprintf("repaired: %d invalid UTF-8 sequences replaced", bad))
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err == nil {
		return feed, notes, nil
	}
	if trimmed := bytes.TrimLeft(body, " \t\r\n\ufeff"); len(trimmed) > 0 && trimmed[0] == '{' {
		fixed, changed, jerr := tolerantJSON(trimmed)
		if jerr == nil && len(changed) > 0 {
			if feed, err2 := gofeed.NewParser().Parse(bytes.NewReader(fixed)); err2 == nil {
				notes = append(notes, "repaired: JSON Feed fields that should be lists read as lists ("+strings.Join(changed, ", ")+")")
				return feed, notes, nil
			}
		}
	}
	return nil, notes, err
}

// declaresUTF8 reports whether the body is meant to be UTF-8: its XML
// declaration or Content-Type says so, or neither names an encoding (JSON
// is always UTF-8).
func declaresUTF8(body []byte, contentType string) bool {
	if m := xmlEncoding.FindSubmatch(body); m != nil {
		return isUTF8Name(string(m[1]))
	}
	if _, params, err := mime.ParseMediaType(contentType); err == nil && params["charset"] != "" {
		return isUTF8Name(params["charset"])
	}
	return true
}

func isUTF8Name(name string) bool {
	n := strings.ToLower(name)
	return n == "utf-8" || n == "utf8"
}

func countInvalid(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			n++
		}
		b = b[size:]
	}
	return n
}

// jsonLists are the JSON Feed fields that are lists, per item and at the
// top; a single string or object there becomes a list of one.
var jsonLists = []string{"tags", "authors", "attachments"}

// tolerantJSON rewrites a JSON Feed so that fields the spec makes lists
// are lists, and numbers written as strings ("size_in_bytes": "1234") are
// numbers. It returns the fields it changed.
func tolerantJSON(data []byte) ([]byte, []string, error) {
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	fixObject(doc, seen)
	if items, ok := doc["items"].([]any); ok {
		for _, it := range items {
			if m, ok := it.(map[string]any); ok {
				fixObject(m, seen)
			}
		}
	}
	var changed []string
	for _, f := range append(jsonLists, "author", "size_in_bytes", "duration_in_seconds") {
		if seen[f] {
			changed = append(changed, f)
		}
	}
	out, err := json.Marshal(doc)
	return out, changed, err
}

func fixObject(m map[string]any, changed map[string]bool) {
	for _, f := range jsonLists {
		switch v := m[f].(type) {
		case string:
			if f == "tags" {
				m[f] = []any{v}
			} else if f == "authors" {
				m[f] = []any{map[string]any{"name": v}}
			} else {
				m[f] = []any{map[string]any{"url": v}}
			}
			changed[f] = true
		case map[string]any:
			m[f] = []any{v}
			changed[f] = true
		}
	}
	if s, ok := m["author"].(string); ok {
		m["author"] = map[string]any{"name": s}
		changed["author"] = true
	}
	if atts, ok := m["attachments"].([]any); ok {
		for _, a := range atts {
			att, ok := a.(map[string]any)
			if !ok {
				continue
			}
			for _, f := range []string{"size_in_bytes", "duration_in_seconds"} {
				if s, ok := att[f].(string); ok {
					var n json.Number = json.Number(strings.TrimSpace(s))
					if _, err := n.Int64(); err == nil {
						att[f] = n
					} else {
						delete(att, f)
					}
					changed[f] = true
				}
			}
		}
	}
}
