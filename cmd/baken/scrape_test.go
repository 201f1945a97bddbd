package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bakenhub/baken/cmd/baken/internal/demo"
	"github.com/bakenhub/baken/pkg/item"
)

// demoConfigFile writes the demo configuration with its fixture server at
// sourcesURL, as a file for --config.
func demoConfigFile(t *testing.T, sourcesURL string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("internal", "demo", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer("${DEMO_URL}", sourcesURL, "${PUBLIC_URL}", "http://baken.test").Replace(string(data))
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readItems(t *testing.T, out []byte) []item.Item {
	t.Helper()
	var items []item.Item
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var it item.Item
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		items = append(items, it)
	}
	return items
}

func TestScrapeCmdConfig(t *testing.T) {
	sources := httptest.NewServer(demo.Handler())
	defer sources.Close()
	cfg := demoConfigFile(t, sources.URL)
	tests := []struct {
		args      []string
		items     int
		first     string
		report    string
		wantError string
	}{
		{args: []string{"--config", cfg, "veiligheidscoalitie"}, items: 20,
			first:  "Geregistreerde criminaliteit stijgt met 2% in de eerste elf maanden",
			report: "veiligheidscoalitie: 20 items from 20 matches on 2 page(s)"},
		{args: []string{"veiligheidscoalitie", "--config", cfg, "--pages", "1"}, items: 12,
			report: "veiligheidscoalitie: 12 items from 12 matches on 1 page(s)"},
		{args: []string{"--config", cfg, "veiligheidsnetwerk-oost"}, items: 1,
			first:  "Hoe het Veiligheidsnetwerk Oost-Nederland werkt aan een Regionale preventieve aanpak",
			report: "1 article pages read"},
		{args: []string{"--config", cfg, "nctv"}, items: 2, first: "Nieuwe Dreigingsbeeld Terrorisme Nederland (DTN) verschenen"},
		{args: []string{"--config", cfg, "rijksoverheid-jenv"}, wantError: "source rijksoverheid-jenv is of kind feed, not html"},
		{args: []string{"--config", cfg, "onbekend"}, wantError: `no source "onbekend"`},
		{args: []string{"--config", cfg}, wantError: "give --config FILE SOURCE_ID, or --url URL with selectors"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[len(tt.args)-1:], " "), func(t *testing.T) {
			var out, report bytes.Buffer
			err := scrapeCmd(tt.args, &out, &report)
			if tt.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantError) {
					t.Errorf("scrapeCmd(%q) = %v, want %q", tt.args, err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatalf("scrapeCmd(%q) = %v\n%s", tt.args, err, report.String())
			}
			items := readItems(t, out.Bytes())
			if len(items) != tt.items {
				t.Fatalf("%d items, want %d", len(items), tt.items)
			}
			if tt.first != "" && items[0].Title != tt.first {
				t.Errorf("first item %q, want %q", items[0].Title, tt.first)
			}
			if !strings.Contains(report.String(), tt.report) {
				t.Errorf("report %q lacks %q", report.String(), tt.report)
			}
		})
	}
}

func TestScrapeCmdURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/nieuws":
			fmt.Fprint(w, `<html><body><ul class="lijst">
<li><a href="/nieuws/a"><h3>Netwerkbijeenkomst in Zwijndrecht</h3></a><span class="datum">11 jul 2023</span></li>
<li><a href="/nieuws/b"><h3>Nieuwe podcast</h3></a><span class="datum">23 nov. 2023</span></li>
<li><a href="/nieuws/c"><h3>Zonder datum</h3></a></li></ul></body></html>`)
		case "/leeg":
			fmt.Fprint(w, `<html><body><p>Onderhoud</p></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	var out, report bytes.Buffer
	err := scrapeCmd([]string{"--url", srv.URL + "/nieuws", "--allow-private", "--item", "ul.lijst li", "--title", "h3", "--date", ".datum"}, &out, &report)
	if err != nil {
		t.Fatalf("%v\n%s", err, report.String())
	}
	items := readItems(t, out.Bytes())
	if len(items) != 3 || items[0].Published.Format("2006-01-02T15:04Z07:00") != "2023-07-10T22:00Z" || !items[2].DateGuessed {
		t.Errorf("items = %+v", items)
	}
	if !strings.Contains(report.String(), "date missing on 1") {
		t.Errorf("report %q does not count the missing date", report.String())
	}

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad selector", []string{"--url", srv.URL + "/nieuws", "--item", "li[", "--title", "h3"}, `scrape.item "li[" (source url): not a CSS selector`},
		{"no title selector", []string{"--url", srv.URL + "/nieuws", "--item", "li"}, `scrape.title "" (source url): required`},
		{"nothing found", []string{"--url", srv.URL + "/leeg", "--allow-private", "--item", "li", "--title", "h3"}, `looks broken: no items: item selector "li" matched nothing`},
		{"page gone", []string{"--url", srv.URL + "/weg", "--allow-private", "--item", "li", "--title", "h3"}, "http status 404"},
		{"loopback without --allow-private", []string{"--url", srv.URL + "/nieuws", "--item", "ul.lijst li", "--title", "h3"}, "refused 127.0.0.1: loopback"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, report bytes.Buffer
			if err := scrapeCmd(tt.args, &out, &report); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("scrapeCmd = %v, want %q", err, tt.want)
			}
		})
	}
}
