package ingest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/bus/natstest"
	"github.com/bakenhub/baken/pkg/config"
)

func TestHostLoads(t *testing.T) {
	police := func(n int, schedule string) []config.Source {
		var out []config.Source
		for i := range n {
			out = append(out, config.Source{ID: fmt.Sprintf("p%d", i), URL: fmt.Sprintf("https://rss.politie.nl/rss/ab/gemeenten/%d.xml", i), Schedule: schedule})
		}
		return out
	}
	tests := []struct {
		name       string
		sources    []config.Source
		delay      time.Duration
		wantPass   time.Duration
		wantEvery  time.Duration
		wantBehind bool
	}{
		{"342 police feeds at 1s, every 10m", police(342, "@every 10m"), time.Second, 342 * time.Second, 10 * time.Minute, false},
		{"342 police feeds at 1s, every 5m", police(342, "@every 5m"), time.Second, 342 * time.Second, 5 * time.Minute, true},
		{"cron every 15 minutes by day", police(342, "*/15 7-22 * * *"), 3 * time.Second, 1026 * time.Second, 15 * time.Minute, true},
		{"no delay", police(1000, "@every 1m"), 0, 0, time.Minute, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loads := HostLoads(tt.sources, tt.delay)
			if len(loads) != 1 {
				t.Fatalf("%d hosts, want 1", len(loads))
			}
			h := loads[0]
			if h.Host != "rss.politie.nl" || h.Pass != tt.wantPass || h.Interval != tt.wantEvery || h.Behind() != tt.wantBehind {
				t.Errorf("%+v behind %v, want pass %s every %s behind %v", h, h.Behind(), tt.wantPass, tt.wantEvery, tt.wantBehind)
			}
		})
	}
}

// TestStatusShowsHostBehind: a source whose host cannot keep up says so
// on /api/sources; one on another host does not.
func TestStatusShowsHostBehind(t *testing.T) {
	_, js := natstest.Connect(t, natstest.Run(t, ""))
	kv, err := js.KeyValue(context.Background(), bus.FetchBucket)
	if err != nil {
		t.Fatal(err)
	}
	sources := []config.Source{
		{ID: "a", URL: "https://rss.politie.nl/a.xml", Schedule: "@every 1m"},
		{ID: "b", URL: "https://rss.politie.nl/b.xml", Schedule: "@every 1m"},
		{ID: "c", URL: "https://www.nctv.nl/nieuws", Schedule: "@every 1m"},
	}
	cfg := config.Default().Ingest
	cfg.HostDelay = 40 * time.Second
	st, err := StatusesWith(context.Background(), kv, sources, LimitsOf(cfg, 1<<20), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if want := s.ID != "c"; (s.Behind != "") != want || (want && !strings.Contains(s.Behind, "2 sources 40s apart need 1m20s")) {
			t.Errorf("%s: behind %q, want it said: %v", s.ID, s.Behind, want)
		}
	}
}
