package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// State is what ingest remembers of a source between polls, kept in the
// fetch KV bucket under the source id.
type State struct {
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	LastAttempt  time.Time `json:"last_attempt,omitzero"`
	LastSuccess  time.Time `json:"last_success,omitzero"`
	LastError    string    `json:"last_error,omitempty"`
	Failures     int       `json:"failures,omitempty"`
	// NextAttempt holds polls back after failures (exponential backoff).
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	ItemsFound  int       `json:"items_found"`

	// Seen is how states before the seen set was split kept it; it is read
	// once and then stored in chunks (seen.go).
	Seen map[string]time.Time `json:"seen,omitempty"`
	// SeenChunks is how many KV keys the seen set of the last poll takes
	// (seen.go): every item found, when first seen and which version was
	// published, so an undated item keeps its date, an article already
	// read is not fetched again and only new or changed items go out.
	SeenChunks int `json:"seen_chunks,omitempty"`
	// Pending is how many items found wait for a later poll
	// (ingest.max_items_per_poll); Notes say what a poll limited or
	// repaired, for the source's status.
	Pending int      `json:"pending,omitempty"`
	Notes   []string `json:"notes,omitempty"`
	// Recent are the newest post dates, newest first: the post rate that
	// adaptive polling fits its interval to.
	Recent []time.Time `json:"recent,omitempty"`
	// Interval is the adaptive polling interval; NextPoll when it is due.
	Interval time.Duration `json:"interval,omitempty"`
	NextPoll time.Time     `json:"next_poll,omitzero"`
	// Broken says why a scraper looks broken (it found no items, or most
	// lack a field); BrokenSince is when that was first seen.
	Broken      string    `json:"broken,omitempty"`
	BrokenSince time.Time `json:"broken_since,omitzero"`
}

// States reads and writes fetch state.
type States struct{ kv jetstream.KeyValue }

// Get returns the stored state of source, or a zero State.
func (s States) Get(ctx context.Context, source string) (State, error) {
	var st State
	e, err := s.kv.Get(ctx, source)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("fetch state %s: %w", source, err)
	}
	if err := json.Unmarshal(e.Value(), &st); err != nil {
		return State{}, fmt.Errorf("fetch state %s: %w", source, err)
	}
	return st, nil
}

// Put stores the state of source.
func (s States) Put(ctx context.Context, source string, st State) error {
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if _, err := s.kv.Put(ctx, source, data); err != nil {
		return fmt.Errorf("fetch state %s: %w", source, err)
	}
	return nil
}

// backoff is the wait after the n-th consecutive failure: 1m, 2m, 4m ...
// capped at limit, and never shorter than what the server asked for up to
// that limit: a Retry-After of a thousand years waits limit.
func backoff(n int, limit, retryAfter time.Duration) time.Duration {
	d := min(time.Minute<<min(max(n-1, 0), 16), limit)
	return max(d, min(retryAfter, limit))
}
