package ingest

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/bakenhub/baken/pkg/config"
)

// HostLoad is what one host's sources ask of its politeness delay: one
// request at a time, host_delay apart, so a pass over its sources takes at
// least Sources x Delay. A host whose pass takes longer than the shortest
// schedule among its sources cannot be polled on schedule: its polls fall
// behind (Behind).
type HostLoad struct {
	Host     string        `json:"host"`
	Sources  int           `json:"sources"`
	Pass     time.Duration `json:"pass_ns"`     // least time for one request to each
	Interval time.Duration `json:"interval_ns"` // the shortest schedule of its sources
}

// Behind reports whether the host's sources cannot all be polled within
// their schedule.
func (h HostLoad) Behind() bool { return h.Interval > 0 && h.Pass > h.Interval }

// String says so for people.
func (h HostLoad) String() string {
	return fmt.Sprintf("host %s: %d sources %s apart need %s a pass, more than their schedule of %s: polls fall behind",
		h.Host, h.Sources, (h.Pass / time.Duration(max(h.Sources, 1))).String(), h.Pass, h.Interval)
}

// HostLoads computes the load of every host of sources at delay, in
// order of host name.
func HostLoads(sources []config.Source, delay time.Duration) []HostLoad {
	byHost := map[string]*HostLoad{}
	for _, src := range sources {
		u, err := url.Parse(src.URL)
		if err != nil || u.Host == "" {
			continue
		}
		host := strings.ToLower(u.Hostname())
		h := byHost[host]
		if h == nil {
			h = &HostLoad{Host: host}
			byHost[host] = h
		}
		h.Sources++
		h.Pass = time.Duration(h.Sources) * delay
		if iv := scheduleInterval(src.Schedule); iv > 0 && (h.Interval == 0 || iv < h.Interval) {
			h.Interval = iv
		}
	}
	out := make([]HostLoad, 0, len(byHost))
	for _, h := range byHost {
		out = append(out, *h)
	}
	slices.SortFunc(out, func(a, b HostLoad) int { return strings.Compare(a.Host, b.Host) })
	return out
}

// scheduleInterval is the shortest time between two runs of a schedule,
// over its next day; 0 when it does not parse.
func scheduleInterval(spec string) time.Duration {
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return 0
	}
	t := s.Next(time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC))
	end := t.Add(24 * time.Hour)
	var least time.Duration
	for i := 0; i < 1440 && t.Before(end); i++ {
		n := s.Next(t)
		if d := n.Sub(t); least == 0 || d < least {
			least = d
		}
		t = n
	}
	return least
}

// reportHostLoads sets the host gauges and returns the hosts that fall
// behind.
func (m *Metrics) reportHostLoads(loads []HostLoad) []HostLoad {
	var behind []HostLoad
	for _, h := range loads {
		m.hostPass.WithLabelValues(h.Host).Set(h.Pass.Seconds())
		v := 0.0
		if h.Behind() {
			v = 1
			behind = append(behind, h)
		}
		m.hostBehind.WithLabelValues(h.Host).Set(v)
	}
	return behind
}
