package curation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
)

// Store keeps the current override state per item in a KV bucket and every
// override, in order, on the audit stream.
type Store struct {
	js jetstream.JetStream
	kv jetstream.KeyValue
}

// NewStore opens the overrides bucket.
func NewStore(ctx context.Context, js jetstream.JetStream) (*Store, error) {
	kv, err := js.KeyValue(ctx, bus.OverridesBucket)
	if err != nil {
		return nil, fmt.Errorf("curation: %w", err)
	}
	return &Store{js: js, kv: kv}, nil
}

// Apply records o (stamped now) after validating it, and returns the item's
// new state and its revision in the bucket. Concurrent editors of one item
// are serialised by compare-and-set.
func (s *Store) Apply(ctx context.Context, o Override, themes []string) (State, uint64, error) {
	if err := o.Validate(themes); err != nil {
		return State{}, 0, err
	}
	o.At = time.Now().UTC().Truncate(time.Second)
	for range 10 {
		st, rev, err := s.get(ctx, o.ItemID)
		if err != nil {
			return State{}, 0, err
		}
		st = st.Add(o)
		data, _ := json.Marshal(st)
		if rev == 0 {
			rev, err = s.kv.Create(ctx, o.ItemID, data)
		} else {
			rev, err = s.kv.Update(ctx, o.ItemID, data, rev)
		}
		if isConflict(err) {
			continue
		}
		if err != nil {
			return State{}, 0, fmt.Errorf("curation: store %s: %w", o.ItemID, err)
		}
		audit, _ := json.Marshal(o)
		if _, err := s.js.Publish(ctx, bus.AuditSubject, audit); err != nil {
			return st, rev, fmt.Errorf("curation: audit %s: %w", o.ItemID, err)
		}
		return st, rev, nil
	}
	return State{}, 0, fmt.Errorf("curation: %s: too many concurrent edits", o.ItemID)
}

func isConflict(err error) bool {
	var apiErr *jetstream.APIError
	return errors.Is(err, jetstream.ErrKeyExists) ||
		(errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence)
}

func (s *Store) get(ctx context.Context, id string) (State, uint64, error) {
	e, err := s.kv.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return State{}, 0, nil
	}
	if err != nil {
		return State{}, 0, fmt.Errorf("curation: get %s: %w", id, err)
	}
	var st State
	if err := json.Unmarshal(e.Value(), &st); err != nil {
		return State{}, 0, fmt.Errorf("curation: decode %s: %w", id, err)
	}
	return st, e.Revision(), nil
}

// Watch calls fn with every item's state and its revision, first the stored
// ones, then each change, until ctx is done.
func (s *Store) Watch(ctx context.Context, fn func(id string, st State, rev uint64)) error {
	w, err := s.kv.WatchAll(ctx)
	if err != nil {
		return fmt.Errorf("curation: watch: %w", err)
	}
	defer w.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case e, ok := <-w.Updates():
			if !ok {
				return nil
			}
			if e == nil {
				continue // end of the initial values
			}
			var st State
			if e.Operation() == jetstream.KeyValuePut {
				if err := json.Unmarshal(e.Value(), &st); err != nil {
					continue
				}
			}
			fn(e.Key(), st, e.Revision())
		}
	}
}

// Audit returns the overrides recorded on the audit stream, oldest first,
// optionally only those of one item.
func (s *Store) Audit(ctx context.Context, itemID string, limit int) ([]Override, error) {
	cons, err := s.js.OrderedConsumer(ctx, bus.AuditStream, jetstream.OrderedConsumerConfig{})
	if err != nil {
		return nil, fmt.Errorf("curation: audit: %w", err)
	}
	info, err := s.js.Stream(ctx, bus.AuditStream)
	if err != nil {
		return nil, fmt.Errorf("curation: audit: %w", err)
	}
	n := info.CachedInfo().State.Msgs
	var out []Override
	for i := uint64(0); i < n; i++ {
		msg, err := cons.Next(jetstream.FetchMaxWait(2 * time.Second))
		if err != nil {
			return out, fmt.Errorf("curation: audit: %w", err)
		}
		var o Override
		if json.Unmarshal(msg.Data(), &o) == nil && (itemID == "" || strings.EqualFold(o.ItemID, itemID)) {
			out = append(out, o)
		}
	}
	if limit > 0 && len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out, nil
}
