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
		{"negative item bound", "ingest: {max_items_per_poll: -1}", "ingest.max_items_per_poll: must not be negative"},
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
	// Without its secrets in the environment it refuses to start.
	if _, err := Load("../../deploy/config.yaml"); err == nil || !strings.Contains(err.Error(), "BAKEN_API_TOKEN") {
		t.Errorf("without BAKEN_API_TOKEN: %v, want an error naming it", err)
	}
	t.Setenv("BAKEN_API_TOKEN", "token-uit-baken.env")
	t.Setenv("BAKEN_NATS_PASSWORD", "wachtwoord-uit-baken.env")
	cfg, err := Load("../../deploy/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Publish.APIToken != "token-uit-baken.env" || cfg.NATS.User != "baken" || cfg.NATS.Password != "wachtwoord-uit-baken.env" {
		t.Errorf("secrets not read from the environment: token %q, nats %+v", cfg.Publish.APIToken, cfg.NATS)
	}
	if len(cfg.Sources) < 40 {
		t.Errorf("deploy/config.yaml has %d sources, want the ministries and all 38 police feeds of Midden-Nederland", len(cfg.Sources))
	}
}

func TestParseEnvironment(t *testing.T) {
	t.Setenv("BAKEN_TEST_TOKEN", "s3cr$t: {not yaml} $HOME")
	t.Setenv("BAKEN_TEST_HOST", "www.nctv.nl")
	tests := []struct {
		name, yaml string
		token      string // publish.api_token after expansion
		url        string // sources[0].url
		err        string
	}{
		{name: "secret with YAML and dollars stays as set", yaml: "publish: {api_token: '${BAKEN_TEST_TOKEN}'}", token: "s3cr$t: {not yaml} $HOME"},
		{name: "inside a value", yaml: "sources: [{id: a, url: 'https://${BAKEN_TEST_HOST}/actueel'}]", url: "https://www.nctv.nl/actueel"},
		{name: "bare dollar is not expanded", yaml: "publish: {api_token: '$BAKEN_TEST_TOKEN'}", token: "$BAKEN_TEST_TOKEN"},
		{name: "comment is not read", yaml: "# api_token: ${BAKEN_NOT_SET_ANYWHERE}\npublish: {title: Baken}"},
		{name: "unset is an error naming it", yaml: "publish: {api_token: '${BAKEN_NOT_SET_ANYWHERE}'}", err: "publish.api_token: ${BAKEN_NOT_SET_ANYWHERE}: environment variable BAKEN_NOT_SET_ANYWHERE is not set"},
		{name: "unset in a list", yaml: "sources: [{id: a, url: 'https://a.nl', name: '${BAKEN_NOT_SET_ANYWHERE}'}]", err: "sources[0].name: ${BAKEN_NOT_SET_ANYWHERE}"},
		{name: "unset in a map", yaml: "classify: {districts: {Amersfoort: '${BAKEN_NOT_SET_ANYWHERE}'}}", err: "classify.districts.Amersfoort: ${BAKEN_NOT_SET_ANYWHERE}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse([]byte(tt.yaml))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Publish.APIToken != tt.token {
				t.Errorf("api_token = %q, want %q", cfg.Publish.APIToken, tt.token)
			}
			if tt.url != "" && cfg.Sources[0].URL != tt.url {
				t.Errorf("url = %q, want %q", cfg.Sources[0].URL, tt.url)
			}
		})
	}
}

func TestParseNetwork(t *testing.T) {
	cfg, err := Parse([]byte(`
ingest: {allow_cidrs: [10.20.0.0/16]}
sources:
  - {id: intranet, url: 'http://feeds.intranet.example/rss', allow_private: true}
  - {id: partner, url: 'https://partner.example/rss', allow_cidrs: [192.168.7.7]}
`))
	if err != nil {
		t.Fatal(err)
	}
	p, err := cfg.Ingest.Policy(cfg.Sources[1])
	if err != nil || p.AllowPrivate || len(p.Allow) != 2 || p.Allow[1].String() != "192.168.7.7/32" {
		t.Errorf("partner policy = %+v, %v", p, err)
	}
	if p, _ := cfg.Ingest.Policy(cfg.Sources[0]); !p.AllowPrivate {
		t.Errorf("intranet policy = %+v, want allow_private", p)
	}
	if _, err := Parse([]byte("sources: [{id: a, url: 'https://a.nl', allow_cidrs: [10.0.0.0/40]}]")); err == nil || !strings.Contains(err.Error(), `sources[0].allow_cidrs "10.0.0.0/40"`) {
		t.Errorf("bad CIDR: %v", err)
	}
}
