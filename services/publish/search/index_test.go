package search

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/item"
)

// TestResume checks what a restart relies on: the index and its last
// stream sequence survive a close, and an item put again replaces its
// earlier version.
func TestResume(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "search")
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	b := x.NewBatch()
	for i, it := range []item.Item{
		{ID: "a", Source: "nctv", Title: "Drugslab opgerold in Súdwest-Fryslân", Published: day, Places: []string{"Súdwest-Fryslân"}},
		{ID: "b", Source: "politie", Title: "Verdachten aangehouden na ramkraak", Published: day.Add(time.Hour)},
	} {
		if err := b.Put(it.ID, DocOf(it, it.Source), uint64(i+7)); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Apply(b); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if x, err = Open(dir); err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if seq, _ := x.LastSeq(); seq != 8 {
		t.Errorf("reopened at sequence %d, want 8", seq)
	}
	find := func(words string) []string {
		res, err := x.Search(context.Background(), Query{Words: words})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		return ids
	}
	tests := map[string]string{"sudwest-fryslan": "a", "drugslabs": "a", "verdachte": "b", "de ramkraak": "b", "ramkraak drugslab": ""}
	for words, want := range tests {
		if got := find(words); (want == "" && len(got) != 0) || (want != "" && (len(got) != 1 || got[0] != want)) {
			t.Errorf("%q found %v, want %q", words, got, want)
		}
	}
	b = x.NewBatch()
	if err := b.Put("b", DocOf(item.Item{ID: "b", Title: "Inbraak bij juwelier", Published: day}, "politie"), 9); err != nil {
		t.Fatal(err)
	}
	if err := x.Apply(b); err != nil {
		t.Fatal(err)
	}
	if got := find("ramkraak"); len(got) != 0 {
		t.Errorf("the old version is still found: %v", got)
	}
	if n, _ := x.Count(); n != 2 {
		t.Errorf("%d documents, want 2", n)
	}
}
