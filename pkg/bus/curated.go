package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/nats-io/nats.go/jetstream"
)

// Where an item's latest version lives: on the curated stream, under its own
// subject, with at most one message per subject. The stream is already what
// dedup publishes to (with a message id, so a redelivery is no second copy)
// and what downstream consumers and the publisher read; a KV bucket would
// store the same bytes a second time. One message per subject keeps one
// version per item on disk, lets the publisher read any item it does not
// hold in memory with one direct get (GetLastMsgForSubject) and makes a
// restart replay one message per item, not every version. Items leave with
// the stream's MaxAge (CuratedMaxAge, 90 days by default).

// CuratedItemSubject is the subject of an item on the curated stream.
func CuratedItemSubject(id string) string { return CuratedSubject + "." + id }

func curatedConfig(o Options) jetstream.StreamConfig {
	return jetstream.StreamConfig{Name: CuratedStream, Subjects: []string{CuratedSubject + ".>"}, MaxAge: o.CuratedMaxAge, MaxMsgsPerSubject: 1}
}

// migrateCurated moves the items of a curated stream from before one
// subject per item (every version on "baken.curated") to their own
// subjects, the latest version of each last, so that limiting the stream
// to one message per subject keeps every item.
func migrateCurated(ctx context.Context, js jetstream.JetStream, o Options) error {
	s, err := js.Stream(ctx, CuratedStream)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("bus: migrate %s: %w", CuratedStream, err)
	}
	cfg := s.CachedInfo().Config
	if !slices.Contains(cfg.Subjects, CuratedSubject) {
		return nil
	}
	cfg.Subjects = []string{CuratedSubject, CuratedSubject + ".>"}
	cfg.MaxMsgsPerSubject = 0
	if s, err = js.UpdateStream(ctx, cfg); err != nil {
		return fmt.Errorf("bus: migrate %s: %w", CuratedStream, err)
	}
	info, err := s.Info(ctx, jetstream.WithSubjectFilter(CuratedSubject))
	if err != nil {
		return fmt.Errorf("bus: migrate %s: %w", CuratedStream, err)
	}
	if n := info.State.Subjects[CuratedSubject]; n > 0 {
		cons, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{FilterSubjects: []string{CuratedSubject}})
		if err != nil {
			return fmt.Errorf("bus: migrate %s: %w", CuratedStream, err)
		}
		for range n {
			msg, err := cons.Next()
			if err != nil {
				return fmt.Errorf("bus: migrate %s: %w", CuratedStream, err)
			}
			var it struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(msg.Data(), &it) != nil || it.ID == "" {
				continue
			}
			if _, err := js.Publish(ctx, CuratedItemSubject(it.ID), msg.Data()); err != nil {
				return fmt.Errorf("bus: migrate %s: %w", CuratedStream, err)
			}
		}
	}
	if err := s.Purge(ctx, jetstream.WithPurgeSubject(CuratedSubject)); err != nil {
		return fmt.Errorf("bus: migrate %s: %w", CuratedStream, err)
	}
	return nil
}
