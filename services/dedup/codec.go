package dedup

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/klauspost/compress/s2"

	"github.com/bakenhub/baken/pkg/item"
)

// A record is stored in a binary form of its own: its state as JSON, the
// item as S2-compressed JSON, then the fingerprint and the bands as
// integers. As JSON, a fingerprint's hashes took ten digits each and a
// record 10 KB on disk, and the watch decoded every digit of every record
// (issue 10); the binary form is a third of that, and a reader that needs
// no item (the watch, an entry) skips it undecoded. Records written as
// JSON by earlier versions start with '{' and are read as before.
//
//	recordMagic
//	uvarint len(state) state        (recordState as JSON)
//	uvarint len(item)  item         (s2 of the item as JSON; 0: none)
//	uvarint len(print) print        (encodePrint; 0: none)
//	uvarint n          n bands      (8 bytes each, little-endian)
const recordMagic = 0xB1

// recordState is a record but for its item, print and bands.
type recordState struct {
	DuplicateOf string  `json:"duplicate_of,omitempty"`
	TextHash    string  `json:"text_hash"`
	Pending     bool    `json:"pending,omitempty"`
	Deciding    bool    `json:"deciding,omitempty"`
	Story       string  `json:"story,omitempty"`
	Similarity  float64 `json:"similarity,omitempty"`
}

func encodeRecord(rec record) ([]byte, error) {
	state, err := json.Marshal(recordState{DuplicateOf: rec.DuplicateOf, TextHash: rec.TextHash, Pending: rec.Pending,
		Deciding: rec.Deciding, Story: rec.Story, Similarity: rec.Similarity})
	if err != nil {
		return nil, err
	}
	var it []byte
	// A deciding record (the bands a new item files, store.go) is followed
	// by its record with the item once decided: its bands and print are
	// enough.
	if rec.Item != nil && !rec.Deciding {
		raw, err := json.Marshal(rec.Item)
		if err != nil {
			return nil, err
		}
		it = s2.Encode(nil, raw)
	}
	var print []byte
	if rec.Print != nil {
		print = encodePrint(nil, rec.Print)
	}
	buf := make([]byte, 0, 1+3*binary.MaxVarintLen32+len(state)+len(it)+len(print)+8*len(rec.Bands)+binary.MaxVarintLen32)
	buf = append(buf, recordMagic)
	for _, part := range [][]byte{state, it, print} {
		buf = binary.AppendUvarint(buf, uint64(len(part)))
		buf = append(buf, part...)
	}
	buf = binary.AppendUvarint(buf, uint64(len(rec.Bands)))
	for _, b := range rec.Bands {
		buf = binary.LittleEndian.AppendUint64(buf, uint64(b))
	}
	return buf, nil
}

// decodeRecord reads a record in either form; the item is decoded only
// when withItem is set.
func decodeRecord(data []byte, withItem bool) (record, error) {
	if len(data) > 0 && data[0] == '{' {
		var rec record
		err := json.Unmarshal(data, &rec)
		return rec, err
	}
	p, err := splitRecord(data)
	if err != nil {
		return record{}, err
	}
	return p.decode(withItem)
}

// watchRecord reads a record without its item for the watch, its print
// for story detection only (decodeStoryPrint: the watch files the story
// bands; the record carries the others), and returns the print in the
// binary form too, in bytes of its own.
func watchRecord(data []byte) (record, []byte, error) {
	if len(data) > 0 && data[0] == '{' {
		rec, err := decodeRecord(data, false)
		if err != nil || rec.Print == nil {
			return rec, nil, err
		}
		return rec, encodePrint(nil, rec.Print), nil
	}
	p, err := splitRecord(data)
	if err != nil {
		return record{}, nil, err
	}
	raw := p.print
	p.print = nil
	rec, err := p.decode(false)
	if err == nil && len(raw) > 0 {
		if rec.Print, err = decodeStoryPrint(raw); err != nil {
			err = fmt.Errorf("print: %w", err)
		}
	}
	return rec, bytes.Clone(raw), err
}

// recordParts are the parts of a record in the binary form, undecoded.
type recordParts struct {
	state, item, print []byte
	bands              []band
}

func splitRecord(data []byte) (recordParts, error) {
	if len(data) == 0 || data[0] != recordMagic {
		return recordParts{}, errors.New("not a dedup record")
	}
	r := reader{data: data[1:]}
	p := recordParts{state: r.part(), item: r.part(), print: r.part()}
	n := r.uvarint()
	if r.err == nil && n > uint64(len(r.data)/8) {
		r.err = errTruncated
	}
	if r.err != nil {
		return recordParts{}, r.err
	}
	if n > 0 {
		p.bands = make([]band, n)
		for i := range p.bands {
			p.bands[i] = band(binary.LittleEndian.Uint64(r.data[8*i:]))
		}
	}
	return p, nil
}

func (p recordParts) decode(withItem bool) (record, error) {
	var st recordState
	if err := json.Unmarshal(p.state, &st); err != nil {
		return record{}, fmt.Errorf("state: %w", err)
	}
	rec := record{DuplicateOf: st.DuplicateOf, TextHash: st.TextHash, Pending: st.Pending, Deciding: st.Deciding, Story: st.Story, Similarity: st.Similarity, Bands: p.bands}
	if len(p.print) > 0 {
		fp, err := decodePrint(p.print)
		if err != nil {
			return rec, fmt.Errorf("print: %w", err)
		}
		rec.Print = fp
	}
	if withItem && len(p.item) > 0 {
		raw, err := s2.Decode(nil, p.item)
		if err != nil {
			return rec, fmt.Errorf("item: %w", err)
		}
		rec.Item = new(item.Item)
		if err := json.Unmarshal(raw, rec.Item); err != nil {
			return rec, fmt.Errorf("item: %w", err)
		}
	}
	return rec, nil
}

// encodePrint appends fp in binary. The shingle set is the body's
// shingles and the title's: only those not in the body are written.
//
//	list(shingles not in Body)  list(Body)  list64(Facts)
//	list(BodyFacts)  list(BodyTopics)  story (0; or 1 and encodeStory; or
//	2, encodeStory and list(Recap))
func encodePrint(buf []byte, fp *Fingerprint) []byte {
	body := fp.bodySet()
	var extra []uint32
	for _, s := range fp.Shingles {
		if _, found := slices.BinarySearch(body, s); !found {
			extra = append(extra, s)
		}
	}
	buf = appendList(buf, extra)
	buf = appendList(buf, fp.Body)
	buf = appendList64(buf, fp.Facts)
	buf = appendList(buf, fp.BodyFacts)
	buf = appendList(buf, fp.BodyTopics)
	switch {
	case fp.Story == nil:
		return append(buf, 0)
	case len(fp.Story.Recap) == 0:
		return encodeStory(append(buf, 1), fp.Story)
	}
	return appendList(encodeStory(append(buf, 2), fp.Story), fp.Story.Recap)
}

func decodePrint(data []byte) (*Fingerprint, error) {
	r := reader{data: data}
	extra := r.list()
	fp := &Fingerprint{Body: r.list(), Facts: r.list64(), BodyFacts: r.list(), BodyTopics: r.list()}
	fp.Story = r.storyOf(r.byte())
	if r.err != nil {
		return nil, r.err
	}
	set := append(extra, fp.Body...)
	slices.Sort(set)
	if set = slices.Compact(set); len(set) > 0 {
		fp.Shingles = set
	}
	return fp, nil
}

// decodeStoryPrint is decodePrint for story detection (findStory): the
// facts and the story print only. Most story candidates fail on their
// figures, and decoding and sorting their shingles was the largest part
// of dedup's CPU during an import (issue 10).
func decodeStoryPrint(data []byte) (*Fingerprint, error) {
	r := reader{data: data}
	r.skipList() // the title's extra shingles
	r.skipList() // Body
	fp := &Fingerprint{Facts: r.list64()}
	r.skipList() // BodyFacts
	r.skipList() // BodyTopics
	fp.Story = r.storyOf(r.byte())
	if r.err != nil {
		return nil, r.err
	}
	return fp, nil
}

func encodeStory(buf []byte, sp *StoryPrint) []byte {
	for _, l := range [][]uint32{sp.Words, sp.Names, sp.Figures, sp.TitleNames, sp.TitleFigures, sp.Distinct, sp.Editions, sp.TitleDistinct, sp.TitleWords} {
		buf = appendList(buf, l)
	}
	buf = appendString(buf, sp.Lang)
	buf = appendString(buf, sp.Source)
	return binary.AppendVarint(buf, sp.Published)
}

// storyOf reads the story print that marker (encodePrint) announces.
func (r *reader) storyOf(marker byte) *StoryPrint {
	switch marker {
	case 0:
		return nil
	case 1, 2:
		sp := r.story()
		if marker == 2 {
			sp.Recap = r.list()
		}
		return sp
	}
	if r.err == nil {
		r.err = fmt.Errorf("story marker %d", marker)
	}
	return nil
}

func (r *reader) story() *StoryPrint {
	sp := &StoryPrint{}
	for _, l := range []*[]uint32{&sp.Words, &sp.Names, &sp.Figures, &sp.TitleNames, &sp.TitleFigures, &sp.Distinct, &sp.Editions, &sp.TitleDistinct, &sp.TitleWords} {
		*l = r.list()
	}
	sp.Lang, sp.Source = r.string(), r.string()
	sp.Published = r.varint()
	return sp
}

// A list is its length, then whether it ascends (1) or not (0), then its
// values: when it ascends, as uvarints of the differences from the one
// before, which makes positions and sorted hashes short; otherwise (the
// body's hashes in text order) in four bytes each.
func appendList(buf []byte, l []uint32) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(l)))
	if len(l) == 0 {
		return buf
	}
	if !slices.IsSorted(l) {
		buf = append(buf, 0)
		for _, v := range l {
			buf = binary.LittleEndian.AppendUint32(buf, v)
		}
		return buf
	}
	buf = append(buf, 1)
	var prev uint32
	for _, v := range l {
		buf = binary.AppendUvarint(buf, uint64(v-prev))
		prev = v
	}
	return buf
}

// appendList64 writes an ascending list of uint64 as differences.
func appendList64(buf []byte, l []uint64) []byte {
	if !slices.IsSorted(l) {
		l = slices.Sorted(slices.Values(l))
	}
	buf = binary.AppendUvarint(buf, uint64(len(l)))
	var prev uint64
	for _, v := range l {
		buf = binary.AppendUvarint(buf, v-prev)
		prev = v
	}
	return buf
}

func appendString(buf []byte, s string) []byte {
	return append(binary.AppendUvarint(buf, uint64(len(s))), s...)
}

var errTruncated = errors.New("truncated")

// reader reads the binary forms; the first error sticks and every read
// after it returns zero values.
type reader struct {
	data []byte
	err  error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.data)
	if n <= 0 {
		r.err = errTruncated
		return 0
	}
	r.data = r.data[n:]
	return v
}

func (r *reader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.data)
	if n <= 0 {
		r.err = errTruncated
		return 0
	}
	r.data = r.data[n:]
	return v
}

func (r *reader) byte() byte {
	if r.err != nil || len(r.data) == 0 {
		r.err = errTruncated
		return 0
	}
	b := r.data[0]
	r.data = r.data[1:]
	return b
}

// part reads a length and that many bytes.
func (r *reader) part() []byte {
	n := r.uvarint()
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.data)) {
		r.err = errTruncated
		return nil
	}
	p := r.data[:n]
	r.data = r.data[n:]
	return p
}

func (r *reader) string() string { return string(r.part()) }

// count reads a number of things that take at least size bytes each: a
// count the rest of the data cannot hold is an error, not an allocation.
func (r *reader) count(size int) int {
	n := r.uvarint()
	if r.err == nil && n > uint64(len(r.data)/size) {
		r.err = errTruncated
	}
	if r.err != nil {
		return 0
	}
	return int(n)
}

// fixed64 reads 8 bytes, little-endian.
func (r *reader) fixed64() uint64 {
	if r.err != nil || len(r.data) < 8 {
		r.err = errTruncated
		return 0
	}
	v := binary.LittleEndian.Uint64(r.data)
	r.data = r.data[8:]
	return v
}

// listHead reads the length of a list of appendList and whether it
// ascends; n is 0 for an empty list or a bad one (r.err says which).
func (r *reader) listHead() (n uint64, asc bool) {
	n = r.uvarint()
	if r.err != nil || n == 0 {
		return 0, false
	}
	if n > uint64(len(r.data)) { // every value takes a byte at least
		r.err = errTruncated
		return 0, false
	}
	if asc = r.byte() == 1; !asc && (r.err != nil || n > uint64(len(r.data)/4)) {
		r.err = errTruncated
		return 0, false
	}
	return n, asc
}

func (r *reader) list() []uint32 {
	n, asc := r.listHead()
	if n == 0 {
		return nil
	}
	if !asc {
		l := make([]uint32, n)
		for i := range l {
			l[i] = binary.LittleEndian.Uint32(r.data[4*i:])
		}
		r.data = r.data[4*n:]
		return l
	}
	l := make([]uint32, n)
	var prev uint32
	for i := range l {
		prev += uint32(r.uvarint())
		l[i] = prev
	}
	return l
}

// skipList passes over a list of appendList.
func (r *reader) skipList() {
	switch n, asc := r.listHead(); {
	case n == 0:
	case asc:
		for range n {
			r.uvarint()
		}
	default:
		r.data = r.data[4*n:]
	}
}

func (r *reader) list64() []uint64 {
	n := r.uvarint()
	if r.err != nil || n == 0 {
		return nil
	}
	if n > uint64(len(r.data)) {
		r.err = errTruncated
		return nil
	}
	l := make([]uint64, n)
	var prev uint64
	for i := range l {
		prev += r.uvarint()
		l[i] = prev
	}
	return l
}
