package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/item"
)

// seenEntry is what ingest remembers of one item of a source between polls.
type seenEntry struct {
	// First is when the item was first seen, or the date it was given
	// when it has none of its own: it keeps that date from poll to poll.
	First time.Time
	// Sum is a hash of the item as last published; 0 when it was found
	// but not published yet (a later poll publishes it).
	Sum uint64
	// GUID is a hash of the GUID of the entry that holds this id, 0 for
	// none: a later entry of the source with the same link and another
	// GUID is an item of its own.
	GUID uint64
}

// sumUnknown marks an item published by a version of ingest that kept no
// sums: its current version is taken as the one published, so an upgrade
// does not publish every item again.
const sumUnknown = ^uint64(0)

// seenSet is every item a source showed on its last poll, by item id.
type seenSet map[string]seenEntry

// seenRecord is the size of one entry in a stored chunk: the id's 16
// bytes, the first-seen time in Unix seconds, the sum and the GUID hash.
const seenRecord = 16 + 8 + 8 + 8

// seenKey is the KV key of chunk n of a source's seen set. The set is
// split over as many keys as it needs, each well under the bus's largest
// message, so a feed of any length can be followed.
func seenKey(source string, n int) string { return source + ".seen." + strconv.Itoa(n) }

// perChunk is how many entries go in one KV value: half the largest
// message the server takes.
func perChunk(maxPayload int64) int {
	return max(int(maxPayload/2/seenRecord), 1)
}

// Seen reads the seen set of source that st says is stored (SeenChunks
// keys), or the map of a state written before the set was split.
func (s States) Seen(ctx context.Context, source string, st State) (seenSet, error) {
	set := seenSet{}
	for id, t := range st.Seen {
		set[id] = seenEntry{First: t, Sum: sumUnknown}
	}
	for n := range st.SeenChunks {
		e, err := s.kv.Get(ctx, seenKey(source, n))
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue // a crash between writes: those items are read as new
		}
		if err != nil {
			return nil, fmt.Errorf("seen items of %s: %w", source, err)
		}
		if err := set.decode(e.Value()); err != nil {
			return nil, fmt.Errorf("seen items of %s, chunk %d: %w", source, n, err)
		}
	}
	return set, nil
}

// PutSeen stores set in chunks of at most perChunk entries, removes the
// chunks of a longer set stored before, and returns how many it wrote.
func (s States) PutSeen(ctx context.Context, source string, set seenSet, old int, maxPayload int64) (int, error) {
	ids := make([]string, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	per := perChunk(maxPayload)
	n := 0
	for start := 0; start < len(ids); start += per {
		chunk := ids[start:min(start+per, len(ids))]
		if _, err := s.kv.Put(ctx, seenKey(source, n), set.encode(chunk)); err != nil {
			return 0, fmt.Errorf("seen items of %s: %w", source, err)
		}
		n++
	}
	for k := n; k < old; k++ {
		if err := s.kv.Delete(ctx, seenKey(source, k)); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
			return 0, fmt.Errorf("seen items of %s: %w", source, err)
		}
	}
	return n, nil
}

func (set seenSet) encode(ids []string) []byte {
	out := make([]byte, 0, len(ids)*seenRecord)
	for _, id := range ids {
		e := set[id]
		var raw [16]byte
		if b, err := hex.DecodeString(id); err == nil && len(b) == 16 {
			copy(raw[:], b)
		} else {
			copy(raw[:], hashBytes(id)) // never happens: ids are 32 hex digits
		}
		out = append(out, raw[:]...)
		out = binary.BigEndian.AppendUint64(out, uint64(e.First.Unix()))
		out = binary.BigEndian.AppendUint64(out, e.Sum)
		out = binary.BigEndian.AppendUint64(out, e.GUID)
	}
	return out
}

func (set seenSet) decode(b []byte) error {
	if len(b)%seenRecord != 0 {
		return fmt.Errorf("%d bytes is not a whole number of entries", len(b))
	}
	for ; len(b) > 0; b = b[seenRecord:] {
		id := hex.EncodeToString(b[:16])
		set[id] = seenEntry{
			First: time.Unix(int64(binary.BigEndian.Uint64(b[16:24])), 0).UTC(),
			Sum:   binary.BigEndian.Uint64(b[24:32]),
			GUID:  binary.BigEndian.Uint64(b[32:40]),
		}
	}
	return nil
}

func hashBytes(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	return sum[:16]
}

// hash64 is a 64-bit hash of s, never 0.
func hash64(s string) uint64 {
	return max(binary.BigEndian.Uint64(hashBytes(s)), 1)
}

// itemSum is the version of an item: a change of anything a subscriber
// sees changes it.
func itemSum(it item.Item) uint64 {
	data, _ := json.Marshal(it)
	return hash64(string(data))
}

// sharedLinks gives entries of one source that share a link with an entry
// of another GUID ids of their own: the first entry seen with a link keeps
// the link's id, the others get item.SharedLinkID (a link blog, or posts
// that are anchors on one page, are several items).
func (set seenSet) sharedLinks(source string, items []item.Item) {
	owner := map[string]uint64{} // link id -> GUID hash, this poll
	for i := range items {
		it := &items[i]
		if it.URL == "" || it.GUID == "" {
			continue
		}
		g := hash64(it.GUID)
		o, ok := owner[it.ID]
		if !ok {
			if e, known := set[it.ID]; known && e.GUID != 0 {
				o, ok = e.GUID, true
			}
		}
		if !ok {
			owner[it.ID] = g
			continue
		}
		if o != g {
			c, err := item.Canonical(it.URL, "")
			if err == nil {
				it.ID = item.SharedLinkID(c, source, it.GUID)
			}
		}
	}
}
