package classify

import (
	"regexp"
	"strings"
)

// dateline matches an agency's dateline at the start of a text: a place in
// capitals or as written, an optional agency and date, then a dash: "DEN
// HAAG (ANP) -", "ROTTERDAM -", "Den Haag, 14 december -".
var dateline = regexp.MustCompile(`^\s*([\p{Lu}'’][\p{L}'’.-]*(?:\s+[\p{L}'’.-]+){0,3})\s*(?:\([\p{L} .]{2,20}\))?\s*(?:,\s*[\p{L}\d ]{1,25})?\s+[-–—]\s`)

// datelineEnd returns the byte offset where text's dateline ends, or 0.
func datelineEnd(text string) int {
	head := text[:min(len(text), 90)]
	if !strings.Contains(head, "- ") && !strings.Contains(head, "– ") && !strings.Contains(head, "— ") {
		return 0
	}
	m := dateline.FindStringIndex(text)
	if m == nil {
		return 0
	}
	return m[1]
}
