// Package bus names Baken's JetStream streams, subjects and KV buckets and
// creates them. Every stage talks to the others only through these.
package bus

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Streams and their subjects, in pipeline order.
const (
	// RawStream holds items as ingested, kept long so they can be replayed.
	RawStream  = "BAKEN_RAW"
	RawSubject = "baken.raw" // + "." + source id

	ClassifiedStream  = "BAKEN_CLASSIFIED"
	ClassifiedSubject = "baken.classified"

	// CuratedStream holds the deduplicated items the publisher serves: the
	// latest version of each item, one subject per item (CuratedItemSubject)
	// and one message per subject (curated.go says why). The publisher reads
	// it back on start.
	CuratedStream  = "BAKEN_CURATED"
	CuratedSubject = "baken.curated" // + "." + item id

	// DeadStream keeps messages a stage gave up on, for inspection.
	DeadStream  = "BAKEN_DEAD"
	DeadSubject = "baken.dead" // + "." + stage

	// AuditStream keeps every editor's override, who, when and why.
	AuditStream  = "BAKEN_AUDIT"
	AuditSubject = "baken.audit"

	// OutStream carries every curated item to downstream consumers once
	// per theme × district pair, on OutSubject + ".<theme>.<district>"
	// (OutSubjectFor), so they subscribe with wildcards. It keeps a week
	// (Options.OutRetention) or 1 GB, the oldest dropped first.
	OutStream  = "BAKEN_OUT"
	OutSubject = "baken.out"

	// StatusSubject carries source health events (core NATS) for alerting.
	StatusSubject = "baken.status" // + "." + source id
)

// KV buckets.
const (
	FetchBucket     = "baken_fetch"     // per-source fetch state
	DedupBucket     = "baken_dedup"     // fingerprints of seen items
	OverridesBucket = "baken_overrides" // editors' overrides per item
	// LeaseBucket holds which ingest replica polls which sources; an
	// entry not renewed within the bucket's TTL (Options.LeaseTTL) lapses.
	LeaseBucket = "baken_ingest_leases"
	// WebSubBucket holds the WebSub subscriptions, WebSubClaimsBucket which
	// replica pushes which update to whom (kept a day).
	WebSubBucket       = "baken_websub"
	WebSubClaimsBucket = "baken_websub_claims"
)

// Options size the streams.
type Options struct {
	Replicas       int           // 1 on one machine, 3 on a cluster
	RawRetention   time.Duration // how long raw items stay replayable
	DedupRetention time.Duration // how long fingerprints are remembered
	CuratedMaxAge  time.Duration
	OutRetention   time.Duration // how long BAKEN_OUT keeps an item
	// LeaseTTL is how long an ingest replica's lease on its sources lasts
	// unrenewed: the longest a dead replica's sources wait for another.
	LeaseTTL time.Duration
}

// DefaultOptions suit a single machine.
func DefaultOptions() Options {
	return Options{Replicas: 1, RawRetention: 90 * 24 * time.Hour, DedupRetention: 90 * 24 * time.Hour, CuratedMaxAge: 90 * 24 * time.Hour, OutRetention: 7 * 24 * time.Hour, LeaseTTL: 20 * time.Second}
}

// outMaxBytes bounds BAKEN_OUT on disk whatever the flow of items.
const outMaxBytes = 1 << 30

// duplicateWindow is how long JetStream remembers a Nats-Msg-Id: a stage
// that crashes between publishing and acking redelivers within it when it
// is back in minutes. The server holds every id of the window in memory
// and, on start, reads the window's messages back to rebuild them: a day
// was some 200 bytes a stream per item of an import, and most of a
// restart's time (issue 10). A redelivery after a longer outage is still
// no second item: dedup drops a known id with the same text, the view
// keeps one version per id; only a BAKEN_OUT reader may see it twice.
const duplicateWindow = 2 * time.Minute

// Setup creates or updates every stream and bucket. It is idempotent, so
// every service calls it on start.
func Setup(ctx context.Context, js jetstream.JetStream, o Options) error {
	streams := []jetstream.StreamConfig{
		{Name: RawStream, Subjects: []string{RawSubject + ".>"}, MaxAge: o.RawRetention},
		{Name: ClassifiedStream, Subjects: []string{ClassifiedSubject}, MaxAge: 7 * 24 * time.Hour},
		curatedConfig(o),
		{Name: DeadStream, Subjects: []string{DeadSubject + ".>"}, MaxAge: 30 * 24 * time.Hour},
		{Name: AuditStream, Subjects: []string{AuditSubject}, MaxAge: 5 * 365 * 24 * time.Hour},
		{Name: OutStream, Subjects: []string{OutSubject + ".>"}, MaxAge: o.OutRetention, MaxBytes: outMaxBytes, Discard: jetstream.DiscardOld},
	}
	if err := migrateCurated(ctx, js, o); err != nil {
		return err
	}
	for _, cfg := range streams {
		cfg.Storage = jetstream.FileStorage
		if cfg.Name != ClassifiedStream {
			// Items are JSON text: S2 takes BAKEN_OUT, a copy per theme ×
			// district pair, to a tenth. The classified stream is a hop
			// whose messages are removed one by one as dedup acks them,
			// each removal from a filled block loading it whole: it stays
			// uncompressed. Of the buckets only dedup's is compressed:
			// the others are small.
			cfg.Compression = jetstream.S2Compression
		}
		cfg.Replicas = o.Replicas
		cfg.Duplicates = min(duplicateWindow, cfg.MaxAge)
		if cfg.Name == ClassifiedStream {
			if err := setupClassified(ctx, js, cfg); err != nil {
				return err
			}
			continue
		}
		if _, err := js.CreateOrUpdateStream(ctx, cfg); err != nil {
			return fmt.Errorf("bus: stream %s: %w", cfg.Name, err)
		}
	}
	buckets := []jetstream.KeyValueConfig{
		{Bucket: FetchBucket, Description: "fetch state per source"},
		{Bucket: DedupBucket, Description: "fingerprints of seen items", TTL: o.DedupRetention, Compression: true},
		{Bucket: OverridesBucket, Description: "editors' overrides per item"},
		{Bucket: LeaseBucket, Description: "ingest replicas' leases on the sources", TTL: o.LeaseTTL},
		{Bucket: WebSubBucket, Description: "WebSub subscriptions"},
		{Bucket: WebSubClaimsBucket, Description: "WebSub deliveries claimed", TTL: 24 * time.Hour},
	}
	for _, cfg := range buckets {
		cfg.Storage = jetstream.FileStorage
		cfg.Replicas = o.Replicas
		if _, err := js.CreateOrUpdateKeyValue(ctx, cfg); err != nil {
			return fmt.Errorf("bus: bucket %s: %w", cfg.Bucket, err)
		}
	}
	return nil
}
