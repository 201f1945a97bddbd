package ingest

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/robfig/cron/v3"

	"github.com/bakenhub/baken/pkg/config"
)

// SourceStatus is one source's health as /api/sources shows it.
type SourceStatus struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Kind        string    `json:"kind"`
	URL         string    `json:"url"`
	OK          bool      `json:"ok"` // polled successfully and not broken
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	Failures    int       `json:"failures"`
	ItemsFound  int       `json:"items_found"`
	Broken      bool      `json:"broken"`
	// BrokenReason says what looks wrong with a scraper, since when.
	BrokenReason string    `json:"broken_reason,omitempty"`
	BrokenSince  time.Time `json:"broken_since,omitzero"`
	// NextAttempt is when the source will be polled next: after its
	// backoff or adaptive interval, on its schedule.
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	Interval    string    `json:"interval,omitempty"` // adaptive polling interval
	// Pending items were found but wait for a later poll
	// (ingest.max_items_per_poll); Notes say what the last poll limited,
	// cut or repaired.
	Pending int      `json:"pending,omitempty"`
	Notes   []string `json:"notes,omitempty"`
	// Behind says that the source's host has more sources than can be
	// polled within their schedule at its politeness delay.
	Behind string `json:"behind,omitempty"`
	// Limits are the bounds every poll of a source works within.
	Limits Limits `json:"limits"`
}

// LimitsOf are the limits of cfg on a bus whose largest message is
// maxPayload bytes.
func LimitsOf(cfg config.Ingest, maxPayload int64) Limits {
	return Limits{MaxItemsPerPoll: cfg.MaxItemsPerPoll, MaxBytes: cfg.MaxBytes, Timeout: cfg.Timeout.String(),
		MaxBackoff: cfg.MaxBackoff.String(), MaxItemBytes: itemBudget(maxPayload), HostDelay: cfg.HostDelay.String(), hostDelay: cfg.HostDelay}
}

// Limits are the bounds of one poll, as configured.
type Limits struct {
	MaxItemsPerPoll int    `json:"max_items_per_poll"` // 0: none
	MaxBytes        int64  `json:"max_bytes"`
	Timeout         string `json:"timeout"`
	MaxBackoff      string `json:"max_backoff"`
	MaxItemBytes    int    `json:"max_item_bytes,omitempty"` // larger items are cut
	HostDelay       string `json:"host_delay,omitempty"`
	hostDelay       time.Duration
}

// Statuses reads the state of every source of the configuration from the
// fetch bucket, in configuration order.
func Statuses(ctx context.Context, kv jetstream.KeyValue, sources []config.Source, now time.Time) ([]SourceStatus, error) {
	return StatusesWith(ctx, kv, sources, Limits{}, now)
}

// StatusesWith is Statuses with the limits every source works within.
func StatusesWith(ctx context.Context, kv jetstream.KeyValue, sources []config.Source, limits Limits, now time.Time) ([]SourceStatus, error) {
	states := States{kv}
	out := make([]SourceStatus, 0, len(sources))
	behind := map[string]string{}
	for _, h := range HostLoads(sources, limits.hostDelay) {
		if h.Behind() {
			behind[h.Host] = h.String()
		}
	}
	for _, src := range sources {
		st, err := states.Get(ctx, src.ID)
		if err != nil {
			return nil, err
		}
		s := SourceStatus{
			ID: src.ID, Name: src.Name, Kind: src.Kind, URL: src.URL,
			LastAttempt: st.LastAttempt, LastSuccess: st.LastSuccess, LastError: st.LastError,
			Failures: st.Failures, ItemsFound: st.ItemsFound,
			Broken: st.Broken != "", BrokenReason: st.Broken, BrokenSince: st.BrokenSince,
			NextAttempt: nextAttempt(src, st, now),
			Pending:     st.Pending, Notes: st.Notes, Limits: limits,
		}
		s.OK = !s.LastSuccess.IsZero() && s.Failures == 0 && !s.Broken
		if st.Interval > 0 {
			s.Interval = st.Interval.String()
		}
		if u, err := url.Parse(src.URL); err == nil {
			s.Behind = behind[strings.ToLower(u.Hostname())]
		}
		out = append(out, s)
	}
	return out, nil
}

// nextAttempt is the first tick of src's schedule after its last attempt
// at which a poll is due: not before now, its backoff or its adaptive
// interval.
func nextAttempt(src config.Source, st State, now time.Time) time.Time {
	due := now
	for _, t := range []time.Time{st.NextAttempt, st.NextPoll} {
		if t.After(due) {
			due = t
		}
	}
	sched, err := cron.ParseStandard(src.Schedule)
	if err != nil {
		return due
	}
	tick := sched.Next(now)
	if !st.LastAttempt.IsZero() {
		tick = sched.Next(st.LastAttempt)
	}
	for range 100_000 {
		if !tick.Before(due) {
			return tick
		}
		tick = sched.Next(tick)
	}
	return due
}

// StatusReport is what /api/sources answers: the hub's bus, then every
// source's health.
type StatusReport struct {
	Bus     BusState       `json:"bus"`
	Limits  Limits         `json:"limits"`
	Error   string         `json:"error,omitempty"`
	Sources []SourceStatus `json:"sources"`
}
