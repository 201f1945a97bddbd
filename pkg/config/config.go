// Package config reads Baken's configuration file: the sources to follow and
// the settings of each stage. Defaults live in one place (Default) and
// Validate reports the first bad field by name.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"time"

	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"
)

// Config is the whole configuration file.
type Config struct {
	Sources  []Source `yaml:"sources"`
	Ingest   Ingest   `yaml:"ingest"`
	Classify Classify `yaml:"classify"`
	Dedup    Dedup    `yaml:"dedup"`
	Publish  Publish  `yaml:"publish"`
	NATS     NATS     `yaml:"nats"`
}

// Source is one site Baken follows.
type Source struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Kind is "feed" (RSS, Atom or JSON Feed, detected) or "html".
	Kind string `yaml:"kind"`
	URL  string `yaml:"url"`
	// Schedule is a cron spec or "@every 10m"; empty means Ingest.Schedule.
	Schedule string `yaml:"schedule"`
	// Home is the district or region id the source covers; items that name
	// no place get it.
	Home     string `yaml:"home"`
	Language string `yaml:"language"`
	// Scrape configures a source of kind html (see scrape.go).
	Scrape  *Scrape `yaml:"scrape"`
	Network `yaml:",inline"`
}

// Ingest configures fetching.
type Ingest struct {
	Schedule   string        `yaml:"schedule"`
	Timeout    time.Duration `yaml:"timeout"`
	MaxBytes   int64         `yaml:"max_bytes"`
	UserAgent  string        `yaml:"user_agent"`
	MaxBackoff time.Duration `yaml:"max_backoff"`
	// MinInterval and MaxInterval turn on adaptive polling: a source is
	// fetched when an interval fitted to its post rate, within these
	// bounds, has passed (its schedule says how often to check).
	MinInterval time.Duration `yaml:"min_interval"`
	MaxInterval time.Duration `yaml:"max_interval"`
	// HostDelay is the least time between two requests to one host; one
	// request at a time goes to a host.
	HostDelay time.Duration `yaml:"host_delay"`
	// Proxy, when set, is the HTTP proxy every fetch goes through.
	Proxy string `yaml:"proxy"`
	// Network allows every source addresses that are refused by default.
	Network `yaml:",inline"`
	// MaxItemsPerPoll bounds the new or changed items one poll of a source
	// publishes, newest first; the rest go out on later polls. 0: no bound.
	MaxItemsPerPoll int `yaml:"max_items_per_poll"`
}

// Classify configures theme and district classification.
type Classify struct {
	// Taxonomy and Gazetteer replace the shipped files when set.
	Taxonomy  string `yaml:"taxonomy"`
	Gazetteer string `yaml:"gazetteer"`
	// Districts maps a municipality to its police district where the
	// shipped gazetteer knows only the unit: {"Amersfoort": "oost-utrecht"}.
	Districts map[string]string `yaml:"districts"`
}

// Dedup configures duplicate detection.
type Dedup struct {
	Retention time.Duration `yaml:"retention"`
	// Stories groups independent reports of one event (default on;
	// "stories: off" turns it off).
	Stories bool `yaml:"stories"`
}

// Publish configures the published feeds.
type Publish struct {
	Title    string `yaml:"title"`
	BaseURL  string `yaml:"base_url"`
	FeedSize int    `yaml:"feed_size"`
	// Rules is a file of editors' overrides (see pkg/curation), optional.
	Rules string `yaml:"rules"`
	// APIToken, when set, is required as a bearer token to change overrides.
	APIToken string `yaml:"api_token"`
	// WebSub allows subscribers' callbacks at addresses refused by default.
	WebSub Network `yaml:"websub"`
}

// Default returns the configuration with every default filled in.
func Default() Config {
	return Config{
		Ingest: Ingest{
			Schedule:   "@every 10m",
			Timeout:    30 * time.Second,
			MaxBytes:   10 << 20,
			UserAgent:  "Baken/1.0 (+https://github.com/bakenhub/baken; feed aggregator)",
			MaxBackoff: 6 * time.Hour,
			HostDelay:  time.Second,
			// A first import of a long archive goes out over several polls.
			MaxItemsPerPoll: 500,
		},
		Dedup:   Dedup{Retention: 90 * 24 * time.Hour, Stories: true},
		Publish: Publish{Title: "Baken", BaseURL: "http://127.0.0.1:8080", FeedSize: 50},
	}
}

// Load reads and validates the file at path. ${NAME} in a string value is
// replaced by the environment variable NAME, which must be set.
func Load(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	cfg, err := Parse(data)
	if err != nil {
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// Parse reads a configuration from YAML over the defaults and validates it.
func Parse(data []byte) (Config, error) {
	cfg := Default()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, err
	}
	if err := expandEnv(&cfg); err != nil {
		return Config{}, err
	}
	for i := range cfg.Sources {
		s := &cfg.Sources[i]
		if s.Kind == "" {
			s.Kind = "feed"
		}
		if s.Schedule == "" {
			s.Schedule = cfg.Ingest.Schedule
		}
		if s.Name == "" {
			s.Name = s.ID
		}
	}
	return cfg, cfg.Validate()
}

var (
	idPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	urlPattern = regexp.MustCompile(`^https?://[^/]+`)
)

// Validate reports the first invalid field.
func (c *Config) Validate() error {
	seen := map[string]bool{}
	var errs []error
	for i, s := range c.Sources {
		field := fmt.Sprintf("sources[%d]", i)
		switch {
		case !idPattern.MatchString(s.ID):
			errs = append(errs, fmt.Errorf("%s.id %q: want lower-case letters, digits and dashes", field, s.ID))
		case seen[s.ID]:
			errs = append(errs, fmt.Errorf("%s.id %q: used twice", field, s.ID))
		}
		seen[s.ID] = true
		if s.Kind != "feed" && s.Kind != "html" {
			errs = append(errs, fmt.Errorf("%s.kind %q: want feed or html", field, s.Kind))
		}
		if !urlPattern.MatchString(s.URL) {
			errs = append(errs, fmt.Errorf("%s.url %q: want an http(s) URL", field, s.URL))
		}
		errs = append(errs, validateScrape(field, s)...)
		errs = append(errs, s.Network.validate(field))
		if s.Home != "" && !idPattern.MatchString(s.Home) {
			errs = append(errs, fmt.Errorf("%s.home %q: want a district id such as midden-nederland", field, s.Home))
		}
		if _, err := cron.ParseStandard(s.Schedule); err != nil {
			errs = append(errs, fmt.Errorf("%s.schedule %q: %w", field, s.Schedule, err))
		}
	}
	if c.Ingest.Timeout <= 0 {
		errs = append(errs, errors.New("ingest.timeout: must be positive"))
	}
	if c.Ingest.MaxBytes <= 0 {
		errs = append(errs, errors.New("ingest.max_bytes: must be positive"))
	}
	if c.Ingest.MaxItemsPerPoll < 0 {
		errs = append(errs, errors.New("ingest.max_items_per_poll: must not be negative"))
	}
	errs = append(errs, c.Ingest.validatePoliteness()...)
	errs = append(errs, c.Ingest.Network.validate("ingest"))
	errs = append(errs, c.NATS.Validate())
	errs = append(errs, c.Publish.WebSub.validate("publish.websub"))
	if c.Publish.FeedSize <= 0 {
		errs = append(errs, errors.New("publish.feed_size: must be positive"))
	}
	if c.Dedup.Retention <= 0 {
		errs = append(errs, errors.New("dedup.retention: must be positive"))
	}
	return errors.Join(errs...)
}

// Source returns the source with the given id.
func (c *Config) Source(id string) (Source, bool) {
	for _, s := range c.Sources {
		if s.ID == id {
			return s, true
		}
	}
	return Source{}, false
}
