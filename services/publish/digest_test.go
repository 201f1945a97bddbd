package publish

import (
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/item"
)

// TestDigestGolden renders digests of a fixed period and compares them
// with testdata/digest-*.golden; run with -update after an intended change.
func TestDigestGolden(t *testing.T) {
	_, srv, put := selectionUnderTest(t, selectionOptions())
	// One with a long text, markup in its title and no link.
	put(item.Item{ID: "a0000000000000000000000000000010", Source: "riec", Title: "Aanpak *ondermijning* [deel 2] <b>nu</b>",
		Content:   "<p>" + strings.Repeat("Het RIEC en de gemeenten werken samen tegen ondermijning in de wijken. ", 8) + "</p>",
		Published: time.Date(2026, 11, 29, 22, 30, 0, 0, time.UTC), Themes: []item.Theme{{ID: "ondermijning"}}, Districts: []string{"oost-utrecht"}})
	waitFor(t, "eight items", func() bool {
		_, body := get(t, srv.URL+"/api/items")
		return strings.Count(string(body), `"id": "a0`) == 8
	})
	tests := []struct{ name, path string }{
		{"digest-all.html", "/digest/all.html?from=2026-11-30&to=2026-11-30"},
		{"digest-all.md", "/digest/all.md?from=2026-11-30&to=2026-11-30"},
		{"digest-custom.html", "/digest/custom.html?themes=ondermijning,jonge-aanwas&from=2026-11-24&to=2026-11-30"},
		{"digest-custom.md", "/digest/custom.md?themes=jonge-aanwas,ondermijning&from=2026-11-24&to=2026-11-30"},
		{"digest-empty.md", "/digest/themes/terrorisme/districts/oost-utrecht.md?from=2026-11-01&to=2026-11-07"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, got := get(t, srv.URL+tt.path)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, got)
			}
			golden := "testdata/" + tt.name + ".golden"
			if *update {
				os.WriteFile(golden, got, 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("%s differs from %s:\n%s", tt.path, golden, got)
			}
			if strings.HasSuffix(tt.name, ".html") && (strings.Contains(string(got), "<style") || strings.Contains(string(got), "<b>nu</b>")) {
				t.Error("a style sheet, or markup from a title")
			}
		})
	}

	// since=7d: what came in this week, not before.
	put(item.Item{ID: "a0000000000000000000000000000011", Source: "nctv", Title: "Van deze week", Published: time.Now().Add(-time.Hour)})
	put(item.Item{ID: "a0000000000000000000000000000012", Source: "nctv", Title: "Van vorige week", Published: time.Now().Add(-8 * 24 * time.Hour)})
	waitFor(t, "this week's item", func() bool {
		_, body := get(t, srv.URL+"/digest/all.md?since=7d")
		return strings.Contains(string(body), "Van deze week")
	})
	if _, body := get(t, srv.URL+"/digest/all.md?since=7d"); strings.Contains(string(body), "Van vorige week") {
		t.Errorf("since=7d has an item of 8 days ago:\n%s", body)
	}

	for _, bad := range []string{"/digest/all.md?since=gisteren", "/digest/all.html?before=1-a", "/digest/custom.md?themes=ufo", "/digest/all.md?theme=x"} {
		if resp, body := get(t, srv.URL+bad); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", bad, resp.StatusCode, body)
		}
	}
	for _, missing := range []string{"/digest/all.pdf", "/digest/themes/ufo.html", "/digest/all"} {
		if resp, _ := get(t, srv.URL+missing); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", missing, resp.StatusCode)
		}
	}
}

func TestShorten(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"kort", 10, "kort"},
		{"Het dreigingsniveau blijft vier, zegt de NCTV.", 30, "Het dreigingsniveau blijft…"},
		{"één twee drie vier", 9, "één twee…"},
	}
	if got := mdEscape("-1 *ster* [link](x) <b> Oost-Utrecht"); got != `\-1 \*ster\* \[link\](x) \<b\> Oost-Utrecht` {
		t.Errorf("mdEscape: %s", got)
	}
	for _, tt := range tests {
		if got := shorten(tt.in, tt.n); got != tt.want {
			t.Errorf("shorten(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
