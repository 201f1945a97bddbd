package dedup

import (
	"context"
	"sync/atomic"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
)

// spreadKV sends the dedup bucket's reads and writes over several
// connections in turn. A NATS server reads one client connection's
// messages one after the other, so with every KV call of every concurrent
// handler on one connection the stage waits on that one reader. Each call
// stands alone (claims are creates, updates compare-and-set on the
// server), so which connection carries it does not matter.
type spreadKV struct {
	jetstream.KeyValue // the first: everything but the calls below
	all                []jetstream.KeyValue
	next               atomic.Uint32
}

func (s *spreadKV) pick() jetstream.KeyValue {
	return s.all[int(s.next.Add(1))%len(s.all)]
}

func (s *spreadKV) Get(ctx context.Context, key string) (jetstream.KeyValueEntry, error) {
	return s.pick().Get(ctx, key)
}

func (s *spreadKV) Create(ctx context.Context, key string, value []byte, opts ...jetstream.KVCreateOpt) (uint64, error) {
	return s.pick().Create(ctx, key, value, opts...)
}

func (s *spreadKV) Update(ctx context.Context, key string, value []byte, revision uint64) (uint64, error) {
	return s.pick().Update(ctx, key, value, revision)
}

// Option configures a Deduper.
type Option func(*options)

type options struct {
	more     []jetstream.JetStream
	stories  bool
	reg      prometheus.Registerer
	snapshot string
}

// IndexSnapshot keeps a snapshot of the near-duplicate index in the file
// at path, to start from it instead of reading the whole bucket
// (snapshot.go). Each replica needs a path of its own.
func IndexSnapshot(path string) Option { return func(o *options) { o.snapshot = path } }

// Connections spreads the stage's KV calls over these connections as well
// as the one New was given.
func Connections(js ...jetstream.JetStream) Option {
	return func(o *options) { o.more = append(o.more, js...) }
}
