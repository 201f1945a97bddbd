package dedup

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"time"
)

// A snapshot of the watch's index lets a restart read the bucket from the
// revision after it instead of from its first record: re-filing every
// record of 100,000 items, and the server decompressing the whole bucket
// for it, was half of a restart's CPU (issue 10). It holds the bands as
// filed, exactly, and the revision they reach; the prints held for find
// are not in it (they are read from the bucket when asked, and held again
// as new records come), which keeps it small: some 200 bytes an item.
// It is written by the process that owns it, every snapshotEvery and on
// Close, to a temporary file renamed over the last one; a snapshot that
// does not match the bucket (another bucket, or one older than it) or
// fails its checksum is not used, and the watch reads the whole bucket.
//
//	snapshotMagic
//	int64 the bucket stream's creation time (unix nanoseconds)
//	int64 when the index was last read from the whole bucket (unix ns)
//	uvarint applied
//	uvarint n, n ids                  (uvarint len, bytes, uvarint
//	                                   publication minute: memIndex.minutes)
//	uvarint n, n buckets              (8-byte band, uvarint value)
//	uvarint n, n lists                (uvarint len, uvarint ids)
//	crc32 (IEEE) of all before it     (4 bytes)
//
// The index keeps what it filed of records the bucket has since dropped
// (aged out): a snapshot older than the bucket's TTL since the index was
// last read whole is not used, so that the index is read whole again once
// a TTL. The bands come from the code (sketch.go, story.go): a change to
// them must change snapshotMagic, so that no snapshot of the old bands is
// used.
const snapshotMagic = "BKNIDX03"

// snapshotEvery is how often a running watch saves its index: at most
// that much of the bucket is read again after a crash.
const snapshotEvery = 10 * time.Minute

// indexSnapshot is an index as saved: what a watch resumes from.
type indexSnapshot struct {
	created time.Time // of the bucket's stream
	whole   time.Time // when the index was last read from the whole bucket
	applied uint64
	mem     *memIndex
}

// writeSnapshot saves the index of x at the revision it has applied. The
// revision is read with the index locked: then at most the one record
// after it can be in the index, in part or whole (the watch files a
// record's bands before it counts it applied, and the next only after),
// and filing that record again on resuming changes nothing.
func (x *watchIndex) writeSnapshot(path string, created, whole time.Time) (err error) {
	x.saving.Lock()
	defer x.saving.Unlock()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("dedup: save index: %w", err)
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("dedup: save index: %w", err)
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	sum := crc32.NewIEEE()
	w := bufio.NewWriterSize(io.MultiWriter(f, sum), 1<<16)
	x.mem.mu.Lock()
	x.mu.Lock() // under mem.mu: nothing takes them the other way round
	applied := x.applied
	x.mu.Unlock()
	err = encodeSnapshot(w, indexSnapshot{created: created, whole: whole, applied: applied, mem: x.mem})
	x.mem.mu.Unlock()
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		_, err = f.Write(sum.Sum(nil))
	}
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = f.Close()
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return fmt.Errorf("dedup: save index to %s: %w", path, err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync() // the rename outlives a crash
		_ = d.Close()
	}
	return nil
}

// encodeSnapshot writes snap without the checksum; the caller locks its
// index.
func encodeSnapshot(w *bufio.Writer, snap indexSnapshot) error {
	m := snap.mem
	var buf []byte
	flush := func() {
		if len(buf) > 1<<15 {
			_, _ = w.Write(buf)
			buf = buf[:0]
		}
	}
	buf = append(buf, snapshotMagic...)
	buf = binary.LittleEndian.AppendUint64(buf, uint64(snap.created.UnixNano()))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(snap.whole.UnixNano()))
	buf = binary.AppendUvarint(buf, snap.applied)
	buf = binary.AppendUvarint(buf, uint64(len(m.ids)))
	for n, id := range m.ids {
		buf = appendString(buf, id)
		var minute uint32
		if n < len(m.minutes) {
			minute = m.minutes[n]
		}
		buf = binary.AppendUvarint(buf, uint64(minute))
		flush()
	}
	buf = binary.AppendUvarint(buf, uint64(len(m.buckets)))
	for b, v := range m.buckets {
		buf = binary.LittleEndian.AppendUint64(buf, uint64(b))
		buf = binary.AppendUvarint(buf, uint64(v))
		flush()
	}
	buf = binary.AppendUvarint(buf, uint64(len(m.lists)))
	for _, l := range m.lists {
		buf = binary.AppendUvarint(buf, uint64(len(l)))
		for _, n := range l {
			buf = binary.AppendUvarint(buf, uint64(n))
		}
		flush()
	}
	_, err := w.Write(buf)
	return err
}

// errStaleSnapshot is a snapshot of another bucket than the one there is.
var errStaleSnapshot = errors.New("snapshot of another bucket")

// readSnapshot reads the snapshot at path, for a bucket whose stream was
// created at created, holds revisions up to last and keeps a record for
// ttl (0: for ever), at now.
func readSnapshot(path string, created time.Time, last uint64, ttl time.Duration, now time.Time) (indexSnapshot, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return indexSnapshot{}, err
	}
	snap, err := decodeSnapshot(data)
	if err != nil {
		return indexSnapshot{}, fmt.Errorf("%s: %w", path, err)
	}
	if !snap.created.Equal(created) || snap.applied > last {
		return indexSnapshot{}, fmt.Errorf("%s: %w (created %s, revision %d; the bucket: created %s, revision %d)",
			path, errStaleSnapshot, snap.created.UTC().Format(time.RFC3339Nano), snap.applied, created.UTC().Format(time.RFC3339Nano), last)
	}
	if ttl > 0 && now.Sub(snap.whole) > ttl {
		return indexSnapshot{}, fmt.Errorf("%s: %w (last read whole %s, the bucket keeps %s)", path, errAgedSnapshot, snap.whole.UTC().Format(time.RFC3339), ttl)
	}
	return snap, nil
}

// errAgedSnapshot is a snapshot of an index last read whole longer ago
// than the bucket keeps a record: it is read whole again, without the
// records dropped since.
var errAgedSnapshot = errors.New("index to be read whole again")

// decodeSnapshot checks and decodes a snapshot. Every number it reads is
// checked against what it indexes, so a damaged file is an error, never
// an index that points nowhere.
func decodeSnapshot(data []byte) (indexSnapshot, error) {
	if len(data) < len(snapshotMagic)+16+4 || string(data[:len(snapshotMagic)]) != snapshotMagic {
		return indexSnapshot{}, errors.New("not a dedup index snapshot")
	}
	body, tail := data[:len(data)-4], data[len(data)-4:]
	if crc32.ChecksumIEEE(body) != binary.BigEndian.Uint32(tail) {
		return indexSnapshot{}, errors.New("checksum mismatch: the snapshot is damaged")
	}
	body = body[len(snapshotMagic):]
	snap := indexSnapshot{created: time.Unix(0, int64(binary.LittleEndian.Uint64(body))), whole: time.Unix(0, int64(binary.LittleEndian.Uint64(body[8:])))}
	r := reader{data: body[16:]}
	snap.applied = r.uvarint()
	m := newMemIndex()
	n := r.count(1)
	m.ids = make([]string, 0, n)
	m.minutes = make([]uint32, 0, n)
	for range n {
		id := r.string()
		minute := r.uvarint()
		if minute >= 1<<32 && r.err == nil {
			r.err = fmt.Errorf("publication minute %d out of range", minute)
		}
		m.num[id] = uint32(len(m.ids))
		m.ids = append(m.ids, id)
		m.minutes = append(m.minutes, uint32(minute))
	}
	n = r.count(9)
	m.buckets = make(map[band]uint32, n)
	for range n {
		m.buckets[band(r.fixed64())] = uint32(r.uvarint())
	}
	n = r.count(1)
	m.lists = make([][]uint32, n)
	for i := range m.lists {
		l := make([]uint32, r.count(1))
		for j := range l {
			l[j] = uint32(r.uvarint())
		}
		m.lists[i] = l
	}
	if r.err != nil {
		return indexSnapshot{}, r.err
	}
	if len(r.data) > 0 {
		return indexSnapshot{}, fmt.Errorf("%d bytes after the index", len(r.data))
	}
	if err := m.check(); err != nil {
		return indexSnapshot{}, err
	}
	snap.mem = m
	return snap, nil
}

// check reports a bucket or list that names an id or list not there.
func (m *memIndex) check() error {
	ids := uint32(len(m.ids))
	if len(m.num) != len(m.ids) {
		return errors.New("an id listed twice")
	}
	for _, v := range m.buckets {
		if v&inList != 0 && v&^inList >= uint32(len(m.lists)) || v&inList == 0 && v >= ids {
			return fmt.Errorf("a bucket points at %d, past the index", v&^inList)
		}
	}
	for _, l := range m.lists {
		for _, n := range l {
			if n >= ids {
				return fmt.Errorf("a bucket lists id %d of %d", n, ids)
			}
		}
	}
	return nil
}
