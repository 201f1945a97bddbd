package dedup

import (
	"os"
	"strings"
	"testing"
)

// TestDevset guards the figures of `make eval` on the labelled development
// set: never two stories merged, at least 95% of same-story pairs found,
// every look-alike kept apart.
func TestDevset(t *testing.T) {
	rep, err := Evaluate(readDevset(t))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	rep.Print(&out)
	t.Log("\n" + out.String())
	if p := rep.Pairs.Precision(); p < 1 {
		t.Errorf("pair precision %.2f, want 1.00: %q", p, rep.Errors)
	}
	if r := rep.Pairs.Recall(); r < 0.95 {
		t.Errorf("pair recall %.2f, want >= 0.95: %q", r, rep.Errors)
	}
	for kind, k := range rep.Kinds {
		if strings.HasPrefix(kind, "lookalike") && k[0] != k[1] {
			t.Errorf("%s: %d of %d kept apart", kind, k[0], k[1])
		}
	}
	if rep.Stories < 40 || rep.Pairs.TP+rep.Pairs.FN < 20 {
		t.Errorf("devset shrank: %d stories, %d same-story pairs", rep.Stories, rep.Pairs.TP+rep.Pairs.FN)
	}
}

// TestDevsetReal guards the figures on real published texts
// (testdata/devset-real.jsonl): no two stories ever merged or grouped, no
// look-alike joined to anything, most same-story pairs found (0.74 of all
// when this was written), and every repost and update.
func TestDevsetReal(t *testing.T) {
	rep, err := Evaluate(readSet(t, "testdata/devset-real.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	rep.Print(&out)
	t.Log("\n" + out.String())
	if p := rep.Pairs.Precision(); p < 1 {
		t.Errorf("copy pair precision %.2f, want 1.00: %q", p, rep.Errors)
	}
	if p := rep.StoryPairs.Precision(); p < 1 {
		t.Errorf("story pair precision %.2f, want 1.00: %q", p, rep.Errors)
	}
	if r := rep.StoryPairs.Recall(); r < 0.6 {
		t.Errorf("story pair recall %.2f, want >= 0.60", r)
	}
	for _, kind := range []string{"repost", "update"} {
		if k := rep.StoryKinds[kind]; k == nil || k.Recall() < 1 {
			t.Errorf("%s story pairs %+v, want recall 1.00: %q", kind, k, rep.Errors)
		}
	}
	if k := rep.Kinds["lookalike"]; k[0] != k[1] || k[1] == 0 {
		t.Errorf("look-alikes: %d of %d kept apart", k[0], k[1])
	}
	if rep.Items != 70 || rep.Stories != 45 {
		t.Errorf("devset changed: %d items, %d stories", rep.Items, rep.Stories)
	}
}

func TestReadLabelledErrors(t *testing.T) {
	tests := map[string]string{
		"not json": "{\"story\":\"a\",\"url\":\"https://a.nl/1\"}\nnot json\n",
		"no story": "{\"url\":\"https://a.nl/1\",\"title\":\"x\"}\n",
		// An item without url or guid is no error: it gets an id from its
		// text, as ingest gives it (TestWithID).
		"bad url": "{\"story\":\"a\",\"url\":\"ftp://a.nl/1\"}\n",
	}
	for name, in := range tests {
		if _, err := ReadLabelled(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.Contains(err.Error(), "devset item") {
			t.Errorf("%s: error %q does not say which item", name, err)
		}
	}
}

// readDevset reads the labelled development set.
func readDevset(tb testing.TB) []Labelled {
	tb.Helper()
	return readSet(tb, "testdata/devset.jsonl")
}

func readSet(tb testing.TB, path string) []Labelled {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	set, err := ReadLabelled(f)
	if err != nil {
		tb.Fatal(err)
	}
	return set
}
