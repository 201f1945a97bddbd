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
