package dedup

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
)

// TestRecordCodec: every record of both devsets reads back as written, in
// the binary form and in the JSON form of earlier versions (a deciding
// record in the binary form without its item), and the
// binary form is well under half the JSON's size.
func TestRecordCodec(t *testing.T) {
	set := append(readDevset(t), readSet(t, "testdata/devset-real.jsonl")...)
	var binSize, jsonSize int
	for i, l := range set {
		it := l.Item
		fp := NewFingerprint(it)
		rec := record{Item: &it, TextHash: it.TextHash(), Pending: i%2 == 0, Deciding: i%3 == 0, Print: fp, Bands: fp.bands, Story: "s", Similarity: 0.9}
		if i%5 == 0 {
			rec = record{DuplicateOf: "other", TextHash: it.TextHash(), Similarity: 1}
		}
		bin, err := encodeRecord(rec)
		if err != nil {
			t.Fatal(err)
		}
		legacy, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		binSize, jsonSize = binSize+len(bin), jsonSize+len(legacy)
		for form, data := range map[string][]byte{"binary": bin, "json": legacy} {
			got, err := decodeRecord(data, true)
			if err != nil {
				t.Fatalf("%s %s: %v", form, it.ID, err)
			}
			want := rec
			if rec.Deciding && form == "binary" {
				// Written without its item until decided.
				want.Item = nil
			}
			if !sameRecord(got, want) {
				t.Fatalf("%s %s: read back\n%+v\nwant\n%+v", form, it.ID, got, want)
			}
			if got, _ := decodeRecord(data, false); got.Item != nil && form == "binary" {
				t.Fatalf("%s: item decoded without being asked for", it.ID)
			}
		}
	}
	t.Logf("%d records: binary %d bytes each, JSON %d", len(set), binSize/len(set), jsonSize/len(set))
	if binSize*2 > jsonSize {
		t.Errorf("binary records %d bytes, JSON %d: want less than half", binSize, jsonSize)
	}
}

// sameRecord compares records field by field; an empty list equals none.
func sameRecord(a, b record) bool {
	if a.DuplicateOf != b.DuplicateOf || a.TextHash != b.TextHash || a.Pending != b.Pending || a.Deciding != b.Deciding ||
		a.Story != b.Story || a.Similarity != b.Similarity || !slices.Equal(a.Bands, b.Bands) {
		return false
	}
	if (a.Item == nil) != (b.Item == nil) || a.Item != nil && !reflect.DeepEqual(*a.Item, *b.Item) {
		return false
	}
	if (a.Print == nil) != (b.Print == nil) {
		return false
	}
	return a.Print == nil || samePrint(a.Print, b.Print)
}

func samePrint(a, b *Fingerprint) bool {
	if !slices.Equal(a.Shingles, b.Shingles) || !slices.Equal(a.Body, b.Body) || !slices.Equal(a.Facts, b.Facts) ||
		!slices.Equal(a.BodyFacts, b.BodyFacts) || !slices.Equal(a.BodyTopics, b.BodyTopics) || (a.Story == nil) != (b.Story == nil) {
		return false
	}
	if a.Story == nil {
		return true
	}
	x, y := *a.Story, *b.Story
	lists := func(s *StoryPrint) [][]uint32 {
		return [][]uint32{s.Words, s.Names, s.Figures, s.TitleNames, s.TitleFigures, s.Distinct, s.Editions, s.TitleDistinct, s.TitleWords, s.Recap}
	}
	for i, l := range lists(&x) {
		if !slices.Equal(l, lists(&y)[i]) {
			return false
		}
	}
	return x.Lang == y.Lang && x.Source == y.Source && x.Published == y.Published
}

// FuzzDecodeRecord: a damaged record is an error, never a panic, and a
// record that reads is written back to the same bytes.
func FuzzDecodeRecord(f *testing.F) {
	for _, l := range readDevset(f)[:8] {
		it := l.Item
		fp := NewFingerprint(it)
		data, err := encodeRecord(record{Item: &it, TextHash: "h", Print: fp, Bands: fp.bands})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte{recordMagic, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Add([]byte(`{"text_hash":"x","print":{"shingles":[1,2]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = decodeStoryPrint(data) // never panics on a bad print
		rec, err := decodeRecord(data, true)
		if err != nil || len(data) == 0 || data[0] != recordMagic {
			return
		}
		again, err := encodeRecord(rec)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := decodeRecord(again, true); err != nil || !sameRecord(back, rec) {
			t.Fatalf("written back, read as %+v (%v), want %+v", back, err, rec)
		}
	})
}

// TestStoryPrintDecode checks that the story-only decode of a print reads
// the same facts and story print as the whole decode, and no shingles.
func TestStoryPrintDecode(t *testing.T) {
	for _, l := range append(readDevset(t), readSet(t, "testdata/devset-real.jsonl")...) {
		data := encodePrint(nil, NewFingerprint(l.Item))
		whole, err := decodePrint(data)
		if err != nil {
			t.Fatal(err)
		}
		story, err := decodeStoryPrint(data)
		if err != nil {
			t.Fatalf("%s: %v", l.Item.ID, err)
		}
		if !reflect.DeepEqual(story.Facts, whole.Facts) || !reflect.DeepEqual(story.Story, whole.Story) || story.Shingles != nil {
			t.Errorf("%s: story-only decode %+v, want the facts and story of %+v", l.Item.ID, story, whole)
		}
		if _, err := decodeStoryPrint(data[:len(data)/2]); err == nil {
			t.Errorf("%s: half a print decodes without an error", l.Item.ID)
		}
	}
}
