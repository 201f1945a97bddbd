package dedup

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/bus/natstest"
)

// filledIndex is an index of n items, some sharing bands, so that it
// holds single buckets and lists, one of them full.
func filledIndex(n int) *memIndex {
	m := newMemIndex()
	for i := range n {
		id := fmt.Sprintf("item-%03d", i)
		for j := range 5 {
			_, _ = m.file(context.Background(), band(uint64(j)<<56|uint64(i*7+j)), id)
		}
		_, _ = m.file(context.Background(), band(0xff<<56|uint64(i%3)), id) // shared: lists
		// some publication times unknown
		if i%4 != 0 {
			m.notePublished(id, 1_700_000_000+int64(i)*3600)
		}
	}
	return m
}

// withSum appends the checksum writeSnapshot writes.
func withSum(body []byte) []byte {
	h := crc32.NewIEEE()
	h.Write(body)
	return h.Sum(bytes.Clone(body))
}

func encoded(t testing.TB, created time.Time, applied uint64, m *memIndex) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	if err := encodeSnapshot(w, indexSnapshot{created: created, whole: created, applied: applied, mem: m}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return withSum(buf.Bytes())
}

func sameIndex(a, b *memIndex) bool {
	for _, id := range a.ids {
		if a.published(id) != b.published(id) {
			return false
		}
	}
	return reflect.DeepEqual(a.ids, b.ids) && reflect.DeepEqual(a.num, b.num) &&
		reflect.DeepEqual(a.buckets, b.buckets) && reflect.DeepEqual(a.lists, b.lists)
}

func TestSnapshotCodec(t *testing.T) {
	created := time.Date(2026, 12, 4, 2, 0, 0, 123456789, time.UTC)
	m := filledIndex(60)
	if len(m.lists) == 0 || len(m.lists[0]) != bucketSize {
		t.Fatalf("fixture: lists %d, want a full one", len(m.lists))
	}
	data := encoded(t, created, 4242, m)
	snap, err := decodeSnapshot(data)
	if err != nil {
		t.Fatal(err)
	}
	if !snap.created.Equal(created) || snap.applied != 4242 || !sameIndex(snap.mem, m) {
		t.Fatalf("decoded created %s applied %d, index equal: %v", snap.created, snap.applied, sameIndex(snap.mem, m))
	}
	// The decoded index files as the original does.
	got, _ := snap.mem.file(context.Background(), band(0xff<<56|1), "later")
	want, _ := m.file(context.Background(), band(0xff<<56|1), "later")
	if !reflect.DeepEqual(got, want) || len(got) != bucketSize {
		t.Errorf("filing after decoding returns %v, want %v", got, want)
	}

	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not a dedup index snapshot"},
		{"other file", []byte("BKNIDX00 and something else entirely"), "not a dedup index snapshot"},
		{"damaged", flip(data, len(data)/2), "checksum"},
		{"truncated", withSum(data[:len(data)/2]), "truncated"},
		{"trailing bytes", withSum(append(bytes.Clone(data[:len(data)-4]), 0)), "after the index"},
		{"bucket past the ids", encoded(t, created, 1, &memIndex{ids: []string{"a"}, num: map[string]uint32{"a": 0}, buckets: map[band]uint32{1: 5}}), "past the index"},
		{"list past the ids", encoded(t, created, 1, &memIndex{ids: []string{"a"}, num: map[string]uint32{"a": 0}, buckets: map[band]uint32{1: inList}, lists: [][]uint32{{0, 3}}}), "lists id 3"},
		{"id twice", encoded(t, created, 1, &memIndex{ids: []string{"a", "a"}, num: map[string]uint32{"a": 1}, buckets: map[band]uint32{}}), "twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := decodeSnapshot(tc.data); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}

	path := filepath.Join(t.TempDir(), "dedup-index")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ttl := 90 * 24 * time.Hour
	if _, err := readSnapshot(path, created, 4242, ttl, created.Add(ttl-time.Hour)); err != nil {
		t.Errorf("snapshot of this bucket: %v", err)
	}
	for _, bucket := range []struct {
		created time.Time
		last    uint64
	}{{created.Add(time.Second), 5000}, {created, 4000}} {
		if _, err := readSnapshot(path, bucket.created, bucket.last, ttl, created); !errors.Is(err, errStaleSnapshot) {
			t.Errorf("bucket created %s at revision %d: %v, want %v", bucket.created, bucket.last, err, errStaleSnapshot)
		}
	}
	// Read whole longer ago than the bucket keeps a record: read whole
	// again, unless the bucket keeps records for ever.
	if _, err := readSnapshot(path, created, 4242, ttl, created.Add(ttl+time.Hour)); !errors.Is(err, errAgedSnapshot) {
		t.Errorf("a TTL after the index was read whole: %v, want %v", err, errAgedSnapshot)
	}
	if _, err := readSnapshot(path, created, 4242, 0, created.Add(10*ttl)); err != nil {
		t.Errorf("a bucket without TTL: %v", err)
	}
}

func flip(data []byte, i int) []byte {
	out := bytes.Clone(data)
	out[i] ^= 0x40
	return out
}

func FuzzDecodeSnapshot(f *testing.F) {
	f.Add(encoded(f, time.Unix(1, 0), 3, filledIndex(20)))
	f.Add([]byte(snapshotMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Fuzzed bytes rarely pass the checksum: give them one.
		for _, d := range [][]byte{data, withSum(data)} {
			snap, err := decodeSnapshot(d)
			if err != nil {
				continue
			}
			if err := snap.mem.check(); err != nil {
				t.Fatalf("decoded an index that fails its check: %v", err)
			}
			_, _ = snap.mem.file(context.Background(), 1, "x")
		}
	})
}

// TestIndexSnapshot: a deduper closed with a snapshot path saves its
// index; the next one starts from it, where it left off, with the index
// it would have built from the whole bucket, and goes on deciding copies.
func TestIndexSnapshot(t *testing.T) {
	ctx := context.Background()
	s := natstest.Run(t, "")
	_, js := natstest.Connect(t, s)
	path := filepath.Join(t.TempDir(), "data", "dedup-index")
	open := func(opts ...Option) *Deduper {
		d, err := New(ctx, js, slog.New(slog.DiscardHandler), opts...)
		if err != nil {
			t.Fatal(err)
		}
		d.now = func() time.Time { return fixedNow }
		return d
	}
	first := open(IndexSnapshot(path))
	for n := range 4 {
		process(t, first, roundDTN(t, n))
	}
	str, err := js.Stream(ctx, "KV_"+bus.DedupBucket)
	if err != nil {
		t.Fatal(err)
	}
	info := str.CachedInfo()
	// Close saves what the watch has applied: all of it, once it caught up.
	if err := first.index.wait(ctx, info.State.LastSeq); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	snap, err := readSnapshot(path, info.Created, info.State.LastSeq, 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if snap.applied != info.State.LastSeq || !sameIndex(snap.mem, first.index.mem) {
		t.Fatalf("snapshot at revision %d of %d, index equal to the closed one's: %v", snap.applied, info.State.LastSeq, sameIndex(snap.mem, first.index.mem))
	}

	resumed := open(IndexSnapshot(path))
	defer resumed.Close()
	if err := resumed.index.wait(ctx, snap.applied); err != nil {
		t.Fatal(err)
	}
	// It read nothing before the snapshot's revision: it holds no print
	// of the items filed before it.
	resumed.index.mu.Lock()
	_, held := resumed.index.held.get(roundDTN(t, 0).ID)
	resumed.index.mu.Unlock()
	if held || !sameIndex(resumed.index.mem, snap.mem) {
		t.Fatalf("resumed: holds the first item's print %v, index is the snapshot's %v; want it resumed from the snapshot", held, sameIndex(resumed.index.mem, snap.mem))
	}
	// A copy of round 2 is merged into it by the resumed deduper.
	outs := process(t, resumed, nhRepost(t, roundDTN(t, 2)))
	if len(outs) != 1 || outs[0].ID != roundDTN(t, 2).ID || len(outs[0].AlsoAt) != 1 {
		t.Fatalf("repost after the restart: %v, want round 2 with its also_at", titles(outs))
	}
	process(t, resumed, roundDTN(t, 9))

	// The index as read whole from the bucket is the resumed one.
	whole := open()
	defer whole.Close()
	info, err = str.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []*Deduper{whole, resumed} {
		if err := d.index.wait(ctx, info.State.LastSeq); err != nil {
			t.Fatal(err)
		}
	}
	if !sameIndex(whole.index.mem, resumed.index.mem) {
		t.Errorf("resumed index: %d ids, %d buckets; read whole: %d ids, %d buckets", len(resumed.index.mem.ids), len(resumed.index.mem.buckets), len(whole.index.mem.ids), len(whole.index.mem.buckets))
	}

	// A snapshot of another bucket is not used: the watch reads it whole.
	if err := os.WriteFile(path, encoded(t, info.Created.Add(-time.Hour), 2, filledIndex(3)), 0o644); err != nil {
		t.Fatal(err)
	}
	other := open(IndexSnapshot(path))
	defer other.Close()
	if err := other.index.wait(ctx, info.State.LastSeq); err != nil {
		t.Fatal(err)
	}
	if !sameIndex(other.index.mem, whole.index.mem) {
		t.Errorf("with a snapshot of another bucket: %d ids, want the %d of the bucket", len(other.index.mem.ids), len(whole.index.mem.ids))
	}
}
