package item

import "testing"

// TestLink: the published link is the source's own, minus tracking
// parameters; only the canonical form (for identity) is rewritten.
func TestLink(t *testing.T) {
	tests := []struct {
		name, raw, base, link, canonical string
	}{
		{"http stays http", "http://www.gemeente-urk.example/nieuws/1", "", "http://www.gemeente-urk.example/nieuws/1", "https://www.gemeente-urk.example/nieuws/1"},
		{"bare query key kept as written", "https://vl-nieuws.nl/?r123", "", "https://vl-nieuws.nl/?r123", "https://vl-nieuws.nl/?r123="},
		{"fragment kept", "https://blog.example.nl/2024/01/week-2#post-3", "", "https://blog.example.nl/2024/01/week-2#post-3", "https://blog.example.nl/2024/01/week-2"},
		{"tracking removed, order kept", "https://www.politie.nl/nieuws/x.html?utm_source=rss&b=2&a=1&fbclid=XYZ&mc_cid=9", "", "https://www.politie.nl/nieuws/x.html?b=2&a=1", "https://www.politie.nl/nieuws/x.html?a=1&b=2"},
		{"only tracking: no bare ?", "https://www.nctv.nl/actueel?utm_medium=feed", "", "https://www.nctv.nl/actueel", "https://www.nctv.nl/actueel"},
		{"relative against the feed", "../nieuws/2024/vuurwerk", "http://www.veiligheidsregio.example/rss/feed.xml", "http://www.veiligheidsregio.example/nieuws/2024/vuurwerk", "https://www.veiligheidsregio.example/nieuws/2024/vuurwerk"},
		{"port kept", "http://intranet.example.nl:8080/a", "", "http://intranet.example.nl:8080/a", "https://intranet.example.nl:8080/a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Link(tt.raw, tt.base)
			if err != nil || got != tt.link {
				t.Errorf("Link(%q) = %q, %v; want %q", tt.raw, got, err, tt.link)
			}
			c, err := Canonical(tt.raw, tt.base)
			if err != nil || c != tt.canonical {
				t.Errorf("Canonical(%q) = %q, %v; want %q", tt.raw, c, err, tt.canonical)
			}
		})
	}
	for _, bad := range []string{"javascript:alert(1)", "mailto:redactie@nctv.nl", "http://", "://x"} {
		if got, err := Link(bad, ""); err == nil {
			t.Errorf("Link(%q) = %q, want an error", bad, got)
		}
	}
}
