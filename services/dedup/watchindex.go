package dedup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
)

// watchIndex is the near-duplicate index of the dedup stage: the bands of
// every record in the bucket, kept in memory by a KV watch, so that filing
// an item costs no KV call per band. A new item first stores its bands
// under its file key, once; the bucket's revisions order all of them, and
// the watch files each one's bands in that order. An item that has filed
// its bands at revision R waits until the watch has applied R: then every
// item filed before it, by any replica, is filed, and none filed after it
// stands before it in any bucket. The file key is never written again: a
// key written twice may have lost its first revision (history 1) before a
// lagging watch read it, and the watch would file it late, after items
// that came after it (TestNearCopiesOnFourReplicas then let two copies
// through now and then). That is the atomic filing find relies on
// (near.go): of two items filed at once, the later one gets the earlier
// one back, the earlier one never gets the later one, so neither can wait
// on the other.
// What is known of a filed id (its print, whether it is deciding or a
// copy) is kept for the latest records (held.go) as the watch saw them;
// a decided record's print and canonical never change for find, so that
// answer is as good as a read. One no longer kept is read from the
// bucket, fresh (entry); a deciding one only for its id's record, whether
// it has decided since (its print is the file record's, as held).
type watchIndex struct {
	s       store
	mu      sync.Mutex
	changed *sync.Cond
	applied uint64 // the latest revision the watch has applied
	err     error  // why the watch stopped
	mem     *memIndex
	held    *heldEntries // what the watch saw of the latest records

	cc        jetstream.ConsumeContext
	snapshot  string    // where the index is saved (snapshot.go); "": not saved
	created   time.Time // the bucket stream's creation, which the snapshot names
	whole     time.Time // when the index was last read from the whole bucket
	saved     uint64    // the revision the last snapshot holds
	saving    sync.Mutex
	closed    chan struct{}
	closeOnce sync.Once
	log       *slog.Logger
}

// watchBands starts following the id and file records of the bucket on js
// until ctx is done or it is closed; entries it does not keep are read
// through s. With a snapshot path it resumes from the snapshot there, when
// it matches the bucket, and saves the index to it. It reads
// the bucket's stream with an ordered pull consumer from its first message
// (the bucket keeps one revision per key, so that is the last of each,
// then every new one, in revision order), which keeps up with a flood of
// writes where a KV watch, pushed with flow control, fell behind.
func watchBands(ctx context.Context, js jetstream.JetStream, s store, snapshot string, log *slog.Logger) (*watchIndex, error) {
	x := &watchIndex{s: s, mem: newMemIndex(), held: newHeldEntries(heldBudget), snapshot: snapshot, log: log, closed: make(chan struct{})}
	x.changed = sync.NewCond(&x.mu)
	cfg := jetstream.OrderedConsumerConfig{
		// One wildcard, not the two prefixes: with several filters the
		// server intersects them with the bucket's subject tree for every
		// message it gets next, a fifth of a restart's CPU; the claims
		// this lets through are skipped here.
		FilterSubjects: []string{bucketSubjects},
		DeliverPolicy:  jetstream.DeliverAllPolicy,
	}
	if snapshot != "" {
		str, err := js.Stream(ctx, "KV_"+bus.DedupBucket)
		if err != nil {
			return nil, fmt.Errorf("dedup: watch: %w", err)
		}
		info := str.CachedInfo()
		x.created, x.whole = info.Created, time.Now()
		snap, err := readSnapshot(snapshot, info.Created, info.State.LastSeq, info.Config.MaxAge, x.whole)
		switch {
		case err == nil:
			x.mem, x.applied, x.saved, x.whole = snap.mem, snap.applied, snap.applied, snap.whole
			cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, snap.applied+1
			log.Info("dedup: index read from its snapshot", "path", snapshot, "revision", snap.applied, "ids", len(snap.mem.ids), "last_revision", info.State.LastSeq)
		case !errors.Is(err, fs.ErrNotExist):
			log.Warn("dedup: index snapshot not used, reading the whole bucket", "err", err)
		}
	}
	cons, err := js.OrderedConsumer(ctx, "KV_"+bus.DedupBucket, cfg)
	if err != nil {
		return nil, fmt.Errorf("dedup: watch: %w", err)
	}
	if x.cc, err = cons.Consume(func(msg jetstream.Msg) { x.apply(ctx, msg) }); err != nil {
		return nil, fmt.Errorf("dedup: watch: %w", err)
	}
	context.AfterFunc(ctx, func() {
		x.cc.Stop()
		x.stop(ctx.Err())
	})
	if snapshot != "" {
		go x.saveEvery(ctx, snapshotEvery)
	}
	return x, nil
}

// saveEvery saves the index every period while it moves on, until ctx is
// done or the index is closed.
func (x *watchIndex) saveEvery(ctx context.Context, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-x.closed:
			return
		case <-t.C:
			if err := x.save(); err != nil {
				x.log.Warn("dedup: index not saved", "err", err)
			}
		}
	}
}

// save writes the snapshot when the watch has applied revisions since the
// last one.
func (x *watchIndex) save() error {
	x.mu.Lock()
	applied, saved := x.applied, x.saved
	x.mu.Unlock()
	if x.snapshot == "" || applied == saved {
		return nil
	}
	if err := x.writeSnapshot(x.snapshot, x.created, x.whole); err != nil {
		return err
	}
	x.mu.Lock()
	x.saved = max(x.saved, applied)
	x.mu.Unlock()
	return nil
}

// close stops the watch and saves its index for the next start.
func (x *watchIndex) close() error {
	x.closeOnce.Do(func() {
		close(x.closed)
		x.cc.Stop()
		x.stop(errClosed)
	})
	return x.save()
}

var errClosed = errors.New("dedup: closed")

// bucketSubjects are all the subjects of the bucket's stream; the watch
// reads the id records and the bands filed by new items (idKey, fileKey).
const bucketSubjects = "$KV." + bus.DedupBucket + ".>"

// apply files the bands of one record and keeps what find asks of it.
func (x *watchIndex) apply(ctx context.Context, msg jetstream.Msg) {
	md, err := msg.Metadata()
	if err != nil {
		return
	}
	key := strings.TrimPrefix(msg.Subject(), "$KV."+bus.DedupBucket+".")
	kind, id, _ := strings.Cut(key, ".")
	if op := msg.Headers().Get("KV-Operation"); op == "" && (kind == "id" || kind == "file") {
		if rec, print, err := watchRecord(msg.Data()); err == nil {
			for _, b := range rec.Bands {
				_, _ = x.mem.file(ctx, b, id)
			}
			if rec.Print != nil && rec.Print.Story != nil {
				// The story bands follow from the print: records of every
				// version carry it, so none needs writing again.
				for _, b := range storyBands(rec.Print.Story) {
					_, _ = x.mem.file(ctx, b, id)
				}
				x.mem.mu.Lock()
				x.mem.notePublished(id, rec.Print.Story.Published)
				x.mem.mu.Unlock()
			}
			if rec.Print != nil {
				x.mu.Lock()
				x.held.keep(id, heldEntry{print: print, duplicateOf: rec.DuplicateOf, deciding: rec.Deciding, story: rec.Story})
				x.mu.Unlock()
			}
		}
	}
	x.mu.Lock()
	x.applied = max(x.applied, md.Sequence.Stream)
	x.mu.Unlock()
	x.changed.Broadcast()
}

func (x *watchIndex) stop(err error) {
	x.mu.Lock()
	x.err = err
	x.mu.Unlock()
	x.changed.Broadcast()
}

// wait returns once the watch has applied revision rev.
func (x *watchIndex) wait(ctx context.Context, rev uint64) error {
	stop := context.AfterFunc(ctx, x.changed.Broadcast)
	defer stop()
	x.mu.Lock()
	defer x.mu.Unlock()
	for x.applied < rev {
		if x.err != nil {
			return x.err
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("dedup: waiting for the index to reach revision %d: %w", rev, err)
		}
		x.changed.Wait()
	}
	return nil
}

// file returns the ids filed under b before id. The watch filed id already
// (the caller waited for its record); an id no longer in the bucket was
// pushed out by bucketSize later ones, so none came before it.
func (x *watchIndex) file(_ context.Context, b band, id string) ([]string, error) {
	m := x.mem
	m.mu.Lock()
	defer m.mu.Unlock()
	n, known := m.num[id]
	v, ok := m.buckets[b]
	switch {
	case !known || !ok || v == n:
		return nil, nil
	case v&inList == 0:
		return nil, nil // the bucket holds another id only
	}
	list := m.lists[v&^inList]
	i := slices.Index(list, n)
	if i < 0 {
		return nil, nil
	}
	return m.names(list[:i]), nil
}

func (x *watchIndex) published(id string) int64 { return x.mem.published(id) }

func (x *watchIndex) entry(ctx context.Context, id string) (entry, bool, error) {
	return x.heldOrRead(ctx, id, false)
}

func (x *watchIndex) storyEntry(ctx context.Context, id string) (entry, bool, error) {
	return x.heldOrRead(ctx, id, true)
}

// heldOrRead is the entry of id as held, or else as read from the bucket.
func (x *watchIndex) heldOrRead(ctx context.Context, id string, storyOnly bool) (entry, bool, error) {
	x.mu.Lock()
	h, ok := x.held.get(id)
	x.mu.Unlock()
	switch {
	case ok && !h.deciding:
		if e, err := h.decode(storyOnly); err == nil {
			return e, true, nil
		}
	case ok:
		// Held from its file record, deciding: only whether it has decided
		// since is in the bucket, under its id; without a record there,
		// the held print is what the file record would say. (Deciding
		// candidates were a third of a 100,000-item import's reads.)
		e, found, err := x.s.readKey(ctx, idKey(id))
		if err != nil || found {
			return e, found, err
		}
		if e, err := h.decode(storyOnly); err == nil {
			return e, true, nil
		}
	}
	return x.s.readEntry(ctx, id)
}
