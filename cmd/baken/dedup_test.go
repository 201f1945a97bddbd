package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/bakenhub/baken/pkg/item"
)

func TestDedupCmd(t *testing.T) {
	const dtn = "Op 12 december heeft de NCTV (Nationaal Coördinator Terrorisme en Veiligheid) het nieuwe Dreigingsbeeld Terrorisme Nederland (DTN) gepubliceerd. " +
		"Het meest in het oog springende nieuwsfeit, dat op veel aandacht in de media heeft kunnen rekenen, is de verhoging van het dreigingsniveau terrorisme van 3 (‘voorstelbaar’) naar 4 (‘reëel’)."
	const cijfers = "In de eerste tien maanden van 2023 stijgt in Midden-Nederland de totale geregistreerde criminaliteit met 2% ten opzichte van dezelfde periode in 2022. " +
		"De grootste stijging in type criminaliteit zien we wederom bij zakkenrollen (+50%). De grootste daling betreft wederom de overvallen met geweld (-25%)."
	lines := []map[string]any{
		{"id": "nctv-dtn", "source": "nctv", "url": "https://www.nctv.nl/actueel/nieuws/dtn", "title": "Nieuw DTN verschenen",
			"content": "<p>" + dtn + "</p><p>Het DTN verschijnt twee keer per jaar en geeft een beeld van de terroristische en extremistische dreiging tegen Nederland.</p>"},
		{"id": "vc-dtn", "source": "veiligheidscoalitie", "url": "https://www.veiligheidscoalitie.nl/nieuws/dtn", "title": "Nieuw DTN verschenen", "summary": dtn},
		{"id": "nh-dtn", "source": "nh-samenveilig", "url": "https://nh-sv.nl/nieuws/dtn/", "title": "Nieuw DTN verschenen",
			"summary": strings.NewReplacer("‘", "'", "’", "'").Replace(dtn)},
		{"id": "cijfers-dec", "source": "politie-midden-nederland", "url": "https://www.politie.nl/nieuws/1", "title": "Geregistreerde criminaliteit", "summary": cijfers},
		{"id": "cijfers-nov", "source": "politie-midden-nederland", "url": "https://www.politie.nl/nieuws/2", "title": "Geregistreerde criminaliteit",
			"summary": strings.NewReplacer("met 2%", "met 3%", "(+50%)", "(+45%)").Replace(cijfers)},
		{"source": "nieuwsbrief", "url": "https://www.veiligheidscoalitie.nl/nieuws/dtn?utm_source=nieuwsbrief", "title": "Nieuw DTN verschenen", "summary": dtn},
	}
	var in bytes.Buffer
	for _, l := range lines {
		data, _ := json.Marshal(l)
		in.Write(data)
		in.WriteString("\n\n")
	}
	var out bytes.Buffer
	if err := dedupCmd(nil, &in, &out); err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []struct {
		id, dup string // dup "" for null
		sim     func(float64) bool
	}{
		{"nctv-dtn", "", func(s float64) bool { return s == 0 }},
		{"vc-dtn", "nctv-dtn", func(s float64) bool { return s >= 0.7 && s <= 1 }},
		{"nh-dtn", "nctv-dtn", func(s float64) bool { return s == 1 }}, // an exact copy of vc-dtn
		{"cijfers-dec", "", func(s float64) bool { return s == 0 }},
		{"cijfers-nov", "", func(s float64) bool { return s == 0 }},
		{"", "nctv-dtn", func(s float64) bool { return s == 1 }}, // no id: ingest's, from the url
	}
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(got), len(want), out.String())
	}
	for i, w := range want {
		var r struct {
			ID          string   `json:"id"`
			DuplicateOf *string  `json:"duplicate_of"`
			Similarity  *float64 `json:"similarity"`
			Story       *string  `json:"story"`
		}
		if err := json.Unmarshal([]byte(got[i]), &r); err != nil {
			t.Fatal(err)
		}
		// Every line names its story: a copy its item's, the rest their own
		// (none of these is another report of an earlier story).
		wantStory := r.ID
		if w.dup != "" {
			wantStory = w.dup
		}
		if r.Story == nil || *r.Story != wantStory {
			t.Errorf("line %d = %s, want story %q", i+1, got[i], wantStory)
		}
		dup := ""
		if r.DuplicateOf != nil {
			dup = *r.DuplicateOf
		}
		if (w.id != "" && r.ID != w.id) || r.ID == "" || dup != w.dup || r.Similarity == nil || !w.sim(*r.Similarity) {
			t.Errorf("line %d = %s, want id %q duplicate_of %q", i+1, got[i], w.id, w.dup)
		}
		if w.dup == "" && !strings.Contains(got[i], `"duplicate_of":null`) {
			t.Errorf("line %d = %s, want duplicate_of null", i+1, got[i])
		}
	}

	for name, bad := range map[string]string{
		"not json":    "{\"id\":\"a\",\"url\":\"https://a.nl/1\"}\nnot json\n",
		"not http(s)": "{\"id\":\"a\",\"url\":\"https://a.nl/1\"}\n{\"url\":\"ftp://a.nl/1\"}\n",
	} {
		err := dedupCmd(nil, strings.NewReader(bad), &out)
		if err == nil || !strings.Contains(err.Error(), "dedup: stdin line 2") {
			t.Errorf("%s: error %v, want one naming line 2", name, err)
		}
	}
	// An item with neither url nor guid gets an id from its source, title
	// and text, as ingest gives it.
	out.Reset()
	if err := dedupCmd(nil, strings.NewReader("{\"source\":\"nctv\",\"title\":\"zonder adres\",\"summary\":\"Een bericht.\"}\n"), &out); err != nil ||
		!strings.Contains(out.String(), item.EntryID("nctv", "", "zonder adres", "Een bericht.")) {
		t.Errorf("no url and no guid: %v, %s; want the id from the text", err, out.String())
	}
}
