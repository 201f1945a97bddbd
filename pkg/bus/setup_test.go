package bus_test

import (
	"context"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/bus/natstest"
)

// TestSetupCompresses: the streams of items and the dedup bucket are
// stored S2-compressed, also one created uncompressed by an earlier
// version; the classified hop and the small buckets are not.
func TestSetupCompresses(t *testing.T) {
	ctx := context.Background()
	_, js := natstest.Connect(t, natstest.Run(t, t.TempDir()))
	s, err := js.Stream(ctx, bus.OutStream)
	if err != nil {
		t.Fatal(err)
	}
	old := s.CachedInfo().Config
	old.Compression = jetstream.NoCompression
	if _, err := js.UpdateStream(ctx, old); err != nil {
		t.Fatal(err)
	}
	if err := bus.Setup(ctx, js, bus.DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	names := js.StreamNames(ctx)
	n := 0
	for name := range names.Name() {
		s, err := js.Stream(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		want := jetstream.S2Compression
		if name == bus.ClassifiedStream || strings.HasPrefix(name, "KV_") && name != "KV_"+bus.DedupBucket {
			want = jetstream.NoCompression
		}
		if c := s.CachedInfo().Config.Compression; c != want {
			t.Errorf("stream %s: compression %v, want %v", name, c, want)
		}
		n++
	}
	if n < 6 {
		t.Errorf("%d streams, want the six streams and the buckets", n)
	}
}
