package config

import (
	"strings"
	"testing"
	"time"
)

func TestParseDefaults(t *testing.T) {
	cfg, err := Parse([]byte(`
sources:
  - id: nctv
    url: https://www.nctv.nl/actueel/nieuws
    kind: html
    scrape: {item: "ol.common li", title: h3}
  - id: politie-utrecht
    url: https://rss.politie.nl/rss/ab/gemeenten/utrecht/utrecht.xml
    schedule: "*/5 * * * *"
    home: utrecht-stad
`))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Sources[0].Schedule; got != "@every 10m" {
		t.Errorf("default schedule = %q", got)
	}
	if got := cfg.Sources[1].Name; got != "politie-utrecht" {
		t.Errorf("default name = %q", got)
	}
	if cfg.Publish.FeedSize != 50 || cfg.Dedup.Retention != 90*24*time.Hour || cfg.Ingest.Timeout != 30*time.Second {
		t.Errorf("defaults not applied: %+v", cfg)
	}
	if cfg.Ingest.HostDelay != time.Second || cfg.Ingest.MaxInterval != 0 {
		t.Errorf("politeness defaults: host delay %v, max interval %v", cfg.Ingest.HostDelay, cfg.Ingest.MaxInterval)
	}
	sc := cfg.Sources[0].Scrape
	if loc, err := sc.Location(); err != nil || loc.String() != "Europe/Amsterdam" || sc.Pages() != 1 || sc.Follow {
		t.Errorf("scrape defaults: %v %v, %d pages, follow %v", loc, err, sc.Pages(), sc.Follow)
	}
}

func TestParseDedupStories(t *testing.T) {
	tests := []struct {
		yaml string
		want bool
	}{
		{"sources: []\n", true},
		{"dedup:\n  stories: off\n", false},
		{"dedup:\n  stories: on\n", true},
		{"dedup:\n  stories: false\n", false},
	}
	for _, tt := range tests {
		cfg, err := Parse([]byte(tt.yaml))
		if err != nil {
			t.Fatalf("%q: %v", tt.yaml, err)
		}
		if cfg.Dedup.Stories != tt.want {
			t.Errorf("%q: stories %v, want %v", tt.yaml, cfg.Dedup.Stories, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"bad id", "sources: [{id: NCTV, url: 'https://www.nctv.nl'}]", `sources[0].id "NCTV"`},
		{"duplicate id", "sources: [{id: a, url: 'https://a.nl'}, {id: a, url: 'https://b.nl'}]", `sources[1].id "a": used twice`},
		{"bad url", "sources: [{id: a, url: 'ftp://a.nl'}]", `sources[0].url "ftp://a.nl"`},
		{"bad kind", "sources: [{id: a, url: 'https://a.nl', kind: pdf}]", `sources[0].kind "pdf"`},
		{"bad schedule", "sources: [{id: a, url: 'https://a.nl', schedule: 'sometimes'}]", `sources[0].schedule "sometimes"`},
		{"unknown field", "sources: [{id: a, url: 'https://a.nl', intervall: 5m}]", "field intervall not found"},
		{"zero feed size", "publish: {feed_size: -1}", "publish.feed_size"},
		{"html without scrape", "sources: [{id: nctv, url: 'https://www.nctv.nl', kind: html}]", "sources[0].scrape (source nctv): required for kind html"},
		{"scrape on a feed", "sources: [{id: a, url: 'https://a.nl', scrape: {item: li, title: h3}}]", "sources[0].scrape (source a): only for kind html"},
		{"no item selector", "sources: [{id: a, url: 'https://a.nl', kind: html, scrape: {title: h3}}]", `sources[0].scrape.item "" (source a): required`},
		{"bad selector", "sources: [{id: a, url: 'https://a.nl', kind: html, scrape: {item: li, title: h3}}, {id: coalitie, url: 'https://b.nl', kind: html, scrape: {item: 'article.card', title: h3, date: 'span[class=', summary: p}}]",
			`sources[1].scrape.date "span[class=" (source coalitie): not a CSS selector`},
		{"bad next selector", "sources: [{id: a, url: 'https://a.nl', kind: html, scrape: {item: li, title: h3, next: 'a:nope(1)'}}]", `sources[0].scrape.next "a:nope(1)" (source a): not a CSS selector`},
		{"body without follow", "sources: [{id: a, url: 'https://a.nl', kind: html, scrape: {item: li, title: h3, body: main}}]", `sources[0].scrape.body "main" (source a): needs follow: true`},
		{"depth", "sources: [{id: a, url: 'https://a.nl', kind: html, scrape: {item: li, title: h3, depth: 500}}]", `sources[0].scrape.depth "500" (source a): want 1 to 50 pages`},
		{"time zone", "sources: [{id: a, url: 'https://a.nl', kind: html, scrape: {item: li, title: h3, timezone: Europe/Amsterdm}}]", `sources[0].scrape.timezone "Europe/Amsterdm" (source a)`},
		{"unknown scrape field", "sources: [{id: a, url: 'https://a.nl', kind: html, scrape: {item: li, title: h3, titel: h2}}]", "field titel not found"},
		{"intervals", "ingest: {min_interval: 1h, max_interval: 10m}", "ingest.max_interval 10m0s: less than min_interval 1h0m0s"},
		{"min without max", "ingest: {min_interval: 1h}", "ingest.min_interval 1h0m0s: needs max_interval too"},
		{"negative delay", "ingest: {host_delay: -1s}", "must not be negative"},
		{"bad proxy", "ingest: {proxy: 'socks://x'}", `ingest.proxy "socks://x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

// The production example must stay loadable.
func TestDeployConfigLoads(t *testing.T) {
	cfg, err := Load("../../deploy/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Sources) < 40 {
		t.Errorf("deploy/config.yaml has %d sources, want the ministries and all 38 police feeds of Midden-Nederland", len(cfg.Sources))
	}
}
