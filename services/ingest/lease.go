package ingest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// leaseShards is how many parts the sources are cut into for sharing.
// A host's sources are always in one part, so the per-host politeness
// stays inside one process; 32 parts spread evenly over a handful of
// replicas and keep the lease traffic to a few KV writes a second.
const leaseShards = 32

// Leases share the sources among ingest replicas through the lease
// bucket. Each replica writes a heartbeat (member.<id>), counts the live
// ones, and holds its fair share of the shards (shard.<n>, created with
// KV Create, renewed with compare-and-set), releasing what is over it so
// a new replica gets work. An entry not renewed within the bucket's TTL
// lapses: a dead replica's shards are taken over within one TTL.
type Leases struct {
	kv     jetstream.KeyValue
	id     string
	period time.Duration // the bucket's TTL
	log    *slog.Logger

	mu      sync.Mutex
	owned   map[int]uint64 // shard -> revision of our entry
	metrics *Metrics       // optional
}

// NewLeases returns the leases of replica id on the lease bucket.
func NewLeases(ctx context.Context, kv jetstream.KeyValue, id string, log *slog.Logger) (*Leases, error) {
	st, err := kv.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("ingest: leases: %w", err)
	}
	period := st.TTL()
	if period <= 0 {
		return nil, fmt.Errorf("ingest: lease bucket %s has no TTL: a dead replica's leases would never lapse", st.Bucket())
	}
	return &Leases{kv: kv, id: id, period: period, log: log, owned: map[int]uint64{}}, nil
}

// Run renews the leases three times per period until ctx is done, then
// releases them so another replica takes over at once.
func (l *Leases) Run(ctx context.Context) {
	t := time.NewTicker(l.period / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			l.release()
			return
		case <-t.C:
			if err := l.Renew(ctx); err != nil && ctx.Err() == nil {
				l.log.Warn("leases not renewed", "err", err)
			}
		}
	}
}

// Renew writes the heartbeat, renews the shards held, and takes or
// releases shards towards a fair share.
func (l *Leases) Renew(ctx context.Context) error {
	if _, err := l.kv.Put(ctx, "member."+l.id, []byte(time.Now().UTC().Format(time.RFC3339))); err != nil {
		return err
	}
	members, err := l.kv.ListKeysFiltered(ctx, "member.*")
	if err != nil {
		return err
	}
	n := 0
	for range members.Keys() {
		n++
	}
	fair := (leaseShards + max(n, 1) - 1) / max(n, 1)

	l.mu.Lock()
	defer l.mu.Unlock()
	for shard, rev := range l.owned {
		next, err := l.kv.Update(ctx, shardKey(shard), []byte(l.id), rev)
		if err != nil {
			// A timeout may hide an update that went through: the shard is
			// lost only if the entry is gone or another replica's.
			e, getErr := l.kv.Get(ctx, shardKey(shard))
			switch {
			case getErr == nil && string(e.Value()) == l.id:
				next = e.Revision()
			case getErr != nil && !errors.Is(getErr, jetstream.ErrKeyNotFound):
				continue // the bus does not answer: keep it, try again next time
			default:
				l.log.Info("lease lost", "shard", shard, "err", err)
				delete(l.owned, shard)
				continue
			}
		}
		l.owned[shard] = next
	}
	held := slices.Sorted(maps.Keys(l.owned))
	for len(held) > fair { // over the fair share: leave the rest to others
		shard := held[len(held)-1]
		held = held[:len(held)-1]
		_ = l.kv.Delete(ctx, shardKey(shard), jetstream.LastRevision(l.owned[shard]))
		delete(l.owned, shard)
	}
	// Start looking at a place of our own, so replicas starting together
	// do not all race for shard 0.
	start := int(hash32(l.id) % leaseShards)
	for i := 0; i < leaseShards && len(l.owned) < fair; i++ {
		shard := (start + i) % leaseShards
		if _, ok := l.owned[shard]; ok {
			continue
		}
		rev, err := l.kv.Create(ctx, shardKey(shard), []byte(l.id))
		switch {
		case err == nil:
			l.owned[shard] = rev
		case errors.Is(err, jetstream.ErrKeyExists):
		default:
			return err
		}
	}
	if l.metrics != nil {
		l.metrics.leasesHeld.Set(float64(len(l.owned)))
	}
	return nil
}

// release gives the shards back on a clean shutdown.
func (l *Leases) release() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	l.mu.Lock()
	defer l.mu.Unlock()
	for shard, rev := range l.owned {
		_ = l.kv.Delete(ctx, shardKey(shard), jetstream.LastRevision(rev))
		delete(l.owned, shard)
	}
	_ = l.kv.Delete(ctx, "member."+l.id)
	if l.metrics != nil {
		l.metrics.leasesHeld.Set(0)
	}
}

// Holds reports whether this replica polls the sources at rawURL's host.
func (l *Leases) Holds(rawURL string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.owned[ShardOf(rawURL)]
	return ok
}

// Held returns how many shards this replica holds.
func (l *Leases) Held() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.owned)
}

// ShardOf is the shard of the sources at rawURL's host.
func ShardOf(rawURL string) int {
	host := rawURL
	if u, err := url.Parse(rawURL); err == nil && u.Host != "" {
		host = u.Host
	}
	return int(hash32(host) % leaseShards)
}

func shardKey(n int) string { return "shard." + strconv.Itoa(n) }

func hash32(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

// replicaID names this process among the ingest replicas: host, pid and
// a random part, in the characters a KV key allows.
func replicaID() string {
	host, _ := os.Hostname()
	clean := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, host)
	return fmt.Sprintf("%s-%d-%04x", cmp.Or(clean, "ingest"), os.Getpid(), rand.N(1<<16))
}
