package dedup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus/natstest"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/stage"
)

// story builds an item the way ingest does: canonical URL, id from it.
func story(t testing.TB, source, rawURL, guid, title, content string, published time.Time) item.Item {
	t.Helper()
	var u string
	if rawURL != "" {
		var err error
		if u, err = item.Canonical(rawURL, ""); err != nil {
			t.Fatal(err)
		}
	}
	return item.Item{
		ID:        item.NewID(u, source, guid),
		Source:    source,
		GUID:      guid,
		URL:       u,
		Title:     title,
		Content:   content,
		Published: published.UTC(),
		Language:  "nl",
	}
}

var cet = time.FixedZone("CET", 3600)

// The DTN item as the NCTV publishes it, and the coalition's repost: same
// words, but straight vs typographic quotes, extra white space, other markup.
func dtnNCTV(t testing.TB) item.Item {
	return story(t, "nctv",
		"https://www.nctv.nl/actueel/nieuws/2023/12/12/nieuwe-dreigingsbeeld-terrorisme-nederland-dtn-verschenen",
		"https://www.nctv.nl/actueel/nieuws/2023/12/12/nieuwe-dreigingsbeeld-terrorisme-nederland-dtn-verschenen",
		"Nieuwe Dreigingsbeeld Terrorisme Nederland (DTN) verschenen",
		"<p>Op 12 december heeft de NCTV (Nationaal Coördinator Terrorisme en Veiligheid) het nieuwe Dreigingsbeeld Terrorisme Nederland (DTN) gepubliceerd. "+
			"Het meest in het oog springende nieuwsfeit, dat op veel aandacht in de media heeft kunnen rekenen, is de verhoging van het dreigingsniveau terrorisme  van 3 (&#39;voorstelbaar&#39;) naar 4 (&#39;reëel&#39;).\n"+
			"  Kort voor het DTN verscheen -eveneens van de NCTV- al de risico- en crisisbarometer najaar 2023 naar de beleving van het algemeen publiek van risico&#39;s en dreigingen voor de nationale veiligheid.</p>",
		time.Date(2023, 12, 12, 10, 0, 0, 0, cet))
}

func dtnCoalition(t testing.TB) item.Item {
	return story(t, "veiligheidscoalitie",
		"https://www.veiligheidscoalitie.nl/nieuws/nieuwe-dreigingsbeeld-terrorisme-nederland-dtn-verschenen?utm_source=nieuwsbrief",
		"https://www.veiligheidscoalitie.nl/?p=7376",
		"Nieuwe Dreigingsbeeld Terrorisme Nederland (DTN) verschenen",
		"<p>Op 12 december heeft de NCTV (Nationaal Coördinator Terrorisme en Veiligheid) het nieuwe <strong>Dreigingsbeeld Terrorisme Nederland</strong> (DTN) gepubliceerd.</p>"+
			"<p>Het meest in het oog springende nieuwsfeit, dat op veel aandacht in de media heeft kunnen rekenen, is de verhoging van het dreigingsniveau terrorisme van 3 (‘voorstelbaar’) naar 4 (‘reëel’). "+
			"Kort voor het DTN verscheen -eveneens van de NCTV- al de risico- en crisisbarometer najaar 2023 naar de beleving van het algemeen publiek van risico’s en dreigingen voor de nationale veiligheid.</p>",
		time.Date(2023, 12, 20, 9, 0, 0, 0, cet))
}

// The two Midden-Nederland crime-figure items: the same template, other
// numbers. Distinct stories.
func cijfers(t testing.TB, pct, zakkenrollen int, day int) item.Item {
	return story(t, "politie-midden-nederland",
		fmt.Sprintf("https://www.politie.nl/nieuws/2023/december/%d/03-geregistreerde-criminaliteit-stijgt-met-%d-procent.html", day, pct),
		"",
		"Geregistreerde criminaliteit Midden-Nederland",
		fmt.Sprintf("<p>In de eerste tien maanden van 2023 stijgt in Midden-Nederland de totale geregistreerde criminaliteit met %d%% ten opzichte van dezelfde periode in 2022. "+
			"De grootste stijging in type criminaliteit zien we wederom bij zakkenrollen (+%d%%). De grootste daling betreft wederom de overvallen met geweld (-25%%).</p>", pct, zakkenrollen),
		time.Date(2023, 12, day, 10, 32, 0, 0, cet))
}

func factsheet(t testing.TB) item.Item {
	return story(t, "rijksoverheid-jenv",
		"https://www.rijksoverheid.nl/actueel/nieuws/2019/07/11/factsheet-stand-van-zaken-ondermijningswetgeving",
		"e7464cfb-356f-4360-be34-fda25865141f",
		"Factsheet stand van zaken Ondermijningswetgeving",
		"<p>Het Ministerie van Justitie en Veiligheid heeft een overzichtelijke factsheet opgesteld, over de stand van zaken van de Ondermijningswetgeving per 1 juli 2019.</p>",
		time.Date(2019, 7, 10, 22, 0, 0, 0, time.UTC))
}

func buit(t testing.TB) item.Item {
	return story(t, "nh-samenveilig",
		"https://nh-sv.nl/nieuws/e-learning-buit-voor-professionals/",
		"https://nh-sv.nl/nieuws/e-learning-buit-voor-professionals/",
		"E-learning BUIT voor professionals: bewustwording en signalering mensenhandel",
		"<p>Criminele en seksuele uitbuiting hebben een ontwrichtend effect. Op kinderen, jongeren en volwassenen die slachtoffer worden. En op de samenleving als geheel.</p>",
		time.Date(2023, 12, 14, 10, 0, 0, 0, cet))
}

// with returns a copy of it changed by f.
func with(it item.Item, f func(*item.Item)) item.Item {
	f(&it)
	return it
}

// moved is it at another URL of the same source (a changed slug), same GUID.
func moved(t testing.TB, it item.Item, rawURL string) item.Item {
	u, err := item.Canonical(rawURL, "")
	if err != nil {
		t.Fatal(err)
	}
	it.URL = u
	it.ID = item.NewID(u, it.Source, it.GUID)
	return it
}

var fixedNow = time.Date(2024, 1, 8, 9, 0, 0, 0, time.UTC)

func newDeduper(t testing.TB, js jetstream.JetStream) *Deduper {
	t.Helper()
	d, err := New(context.Background(), js, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	d.now = func() time.Time { return fixedNow }
	return d
}

// handle calls Handle, retrying on errConflict as the stage would.
func handle(t testing.TB, d *Deduper, it item.Item) []item.Item {
	t.Helper()
	for range 100 {
		outs, err := d.Handle(context.Background(), it)
		if errors.Is(err, errConflict) {
			time.Sleep(5 * time.Millisecond)
			continue
		}
		if err != nil {
			t.Fatalf("Handle(%q from %s): %v", it.Title, it.Source, err)
		}
		return outs
	}
	t.Fatalf("Handle(%q from %s): still conflicting after 100 tries", it.Title, it.Source)
	return nil
}

// process is what the stage does with one message: handle it, publish the
// outputs, call Published, and start over when that conflicts. It returns
// every output that was published.
func process(t testing.TB, d *Deduper, it item.Item) []item.Item {
	t.Helper()
	var published []item.Item
	for range 100 {
		outs := handle(t, d, it)
		published = append(published, outs...)
		if len(outs) == 0 {
			return published
		}
		err := d.Published(context.Background(), outs)
		if errors.Is(err, errConflict) {
			continue
		}
		if err != nil {
			t.Fatalf("Published: %v", err)
		}
		return published
	}
	t.Fatal("Published still conflicting after 100 tries")
	return nil
}

// want describes one expected output.
type want struct {
	id      string
	title   string // "" to skip
	alsoAt  []item.Location
	updated bool   // Updated set (to fixedNow when the source gave none)
	url     string // the canonical item moved here ("" : it keeps its url)
	story   string // the story it joined ("": its own)
}

type step struct {
	name      string
	in        item.Item
	published bool // call Published on the outputs, as the stage does
	want      []want
}

func TestHandle(t *testing.T) {
	// Items are built inside the test so t is available.
	a := dtnNCTV(t)
	b := dtnCoalition(t)
	loc := func(it item.Item) item.Location { return item.Location{Source: it.Source, URL: it.URL} }
	edited := with(factsheet(t), func(it *item.Item) {
		it.Content += "<p>Het overzicht zal periodiek worden uitgegeven.</p>"
	})
	editedWithDate := with(edited, func(it *item.Item) { it.Updated = time.Date(2019, 7, 12, 8, 0, 0, 0, time.UTC) })
	renamed := moved(t, factsheet(t), "https://www.rijksoverheid.nl/actueel/nieuws/2019/07/11/factsheet-ondermijningswetgeving-juli-2019")
	buitCopy := story(t, "veiligheidscoalitie",
		"https://www.veiligheidscoalitie.nl/nieuws/e-learning-buit-voor-professionals-bewustwording-en-signalering-mensenhandel",
		"https://www.veiligheidscoalitie.nl/?p=7401", buit(t).Title,
		"Criminele en seksuele uitbuiting hebben een ontwrichtend effect.\n\nOp kinderen, jongeren en volwassenen die slachtoffer worden. En op de samenleving als geheel.",
		time.Date(2023, 12, 20, 9, 0, 0, 0, cet))
	// The coalition changes the slug of its repost; the WordPress GUID stays.
	buitCopyMoved := moved(t, buitCopy, "https://www.veiligheidscoalitie.nl/nieuws/e-learning-buit")
	buitOnlyText := with(buitCopy, func(it *item.Item) { it.Summary, it.Content = it.Content, "" })
	// Two sources whose CMS numbers items from 1: the same GUID, other stories.
	sameGUID1 := story(t, "veiligheidsalliantie", "https://www.veiligheidsalliantie.nl/nieuws/netwerkbijeenkomst-maatschappelijk-ongenoegen", "1042",
		"Netwerkbijeenkomst Maatschappelijk ongenoegen", "<p>Op 18 september vond in Zwijndrecht de netwerkbijeenkomst over polarisatie, radicalisering en extremisme plaats.</p>",
		time.Date(2023, 9, 18, 12, 0, 0, 0, cet))
	sameGUID2 := story(t, "veiligheidsnetwerk-oost", "https://vl-nieuws.nl/103913-2/", "1042",
		"Hoe het Veiligheidsnetwerk Oost-Nederland werkt aan een Regionale preventieve aanpak", "<p>Het Veiligheidsnetwerk Oost-Nederland werkt aan een regionale preventieve aanpak van ondermijning.</p>",
		time.Date(2023, 10, 2, 12, 0, 0, 0, cet))

	// The NCTV's full article, the coalition's summary cut from it, and a
	// repost with a new intro: near-duplicates, not exact ones.
	dtnFull := with(a, func(it *item.Item) { it.Content += "<p>" + dtnMore + "</p>" })
	dtnIntro := nhRepost(t, a)
	editedRepost := story(t, "veiligheidscoalitie", "https://www.veiligheidscoalitie.nl/nieuws/factsheet-ondermijningswetgeving", "",
		edited.Title, edited.Content+"<p>Bron: Rijksoverheid.</p>", time.Date(2019, 7, 15, 9, 0, 0, 0, cet))

	// An outlet renames an article's slug; the number in its path stays.
	ransom := story(t, "omroep", "https://www.omroep.nl/nieuws/3211605/drie-arrestaties-na-losgeldeis", "",
		"Drie arrestaties na losgeldeis", "<p>De politie heeft drie mannen aangehouden na de losgeldeis aan de gemeente.</p>", time.Date(2024, 3, 30, 9, 0, 0, 0, cet))
	ransomMoved := story(t, "omroep", "https://www.omroep.nl/nieuws/3211605/meerdere-arrestaties-na-losgeldeis", "",
		"Meerdere arrestaties na losgeldeis", "<p>De politie heeft meerdere mannen aangehouden na de losgeldeis aan de gemeente.</p>", time.Date(2024, 3, 30, 11, 0, 0, 0, cet))
	otherOutlet := with(ransomMoved, func(it *item.Item) {
		*it = story(t, "krant", "https://www.krant.nl/nieuws/3211605/iets-anders", "", "Nieuwe fietsroute geopend", "<p>Een nieuwe fietsroute langs de rivier is geopend.</p>", it.Published)
	})
	dated1 := story(t, "nieuws.nl", "https://nieuws.nl/algemeen/20240330/politie-blijf-weg-uit-centrum/", "",
		"Politie: blijf weg uit centrum", "<p>De politie roept mensen op weg te blijven uit het centrum.</p>", time.Date(2024, 3, 30, 9, 0, 0, 0, cet))
	dated2 := story(t, "nieuws.nl", "https://nieuws.nl/algemeen/20240330/nieuwe-burgemeester-benoemd/", "",
		"Nieuwe burgemeester benoemd", "<p>De gemeenteraad heeft een nieuwe burgemeester voorgedragen.</p>", time.Date(2024, 3, 30, 10, 0, 0, 0, cet))
	// Two outlets on one ransom demand, in their own words.
	hvt1 := story(t, "nrc", "https://www.nrc.nl/nieuws/2020/12/07/hackers-eisen-losgeld", "",
		"Hackers gemeente Hof van Twente eisen 750.000 euro losgeld",
		"<p>De hackers die de gemeente Hof van Twente hebben lamgelegd, eisen 750.000 euro losgeld. Dat bevestigt burgemeester Ellen Nauta aan RTV Oost. De aanval legde vorige week alle systemen van de gemeente plat; volgens de burgemeester gaat het om 1500 computers.</p>",
		time.Date(2020, 12, 7, 9, 0, 0, 0, cet))
	hvt2 := story(t, "nu.nl", "https://www.nu.nl/tech/6095006/hackers-willen-losgeld", "",
		"Hackers willen 750.000 euro losgeld van gemeente Hof van Twente",
		"<p>Criminelen die de systemen van Hof van Twente gijzelen willen 750.000 euro in bitcoins. Burgemeester Nauta zegt niet te betalen. Zo'n 1500 computers van de gemeente moeten opnieuw worden ingericht.</p>",
		time.Date(2020, 12, 7, 11, 0, 0, 0, cet))
	// The same template a month later, with other figures: another event.
	hvtOther := story(t, "omroep", "https://www.omroep.nl/nieuws/3300001/hackers-eisen-losgeld-gemeente", "",
		"Hackers eisen 250.000 euro losgeld van gemeente Hof van Twente",
		"<p>De hackers die de gemeente Hof van Twente hebben lamgelegd, eisen 250.000 euro losgeld. Dat bevestigt burgemeester Ellen Nauta aan RTV Oost. De aanval legde alle systemen van de gemeente plat; volgens de burgemeester gaat het om 900 computers.</p>",
		time.Date(2021, 1, 7, 9, 0, 0, 0, cet))

	scenarios := []struct {
		name  string
		steps []step
	}{
		{"the same article number under a new slug is an update", []step{
			{"original", ransom, true, []want{{id: ransom.ID}}},
			{"new slug, new text", ransomMoved, true, []want{{id: ransom.ID, updated: true, url: ransomMoved.URL}}},
			{"new slug again", ransomMoved, true, nil},
			{"the same number at another outlet is another item", otherOutlet, true, []want{{id: otherOutlet.ID}}},
		}},
		{"a date in the path is no article number", []step{
			{"first", dated1, true, []want{{id: dated1.ID}}},
			{"second, same day", dated2, true, []want{{id: dated2.ID}}},
		}},
		{"independent reports of one event make one story", []step{
			{"first report", hvt1, true, []want{{id: hvt1.ID}}},
			{"second report, own words", hvt2, true, []want{{id: hvt2.ID, story: hvt1.ID}}},
			{"the template with other figures", hvtOther, true, []want{{id: hvtOther.ID}}},
		}},
		{"near-duplicates are merged: a cut summary, a new intro", []step{
			{"the full story", dtnFull, true, []want{{id: a.ID}}},
			{"a summary cut from it", b, true, []want{{id: a.ID, alsoAt: []item.Location{loc(b)}}}},
			{"a repost with an intro", dtnIntro, true, []want{{id: a.ID, alsoAt: []item.Location{loc(b), loc(dtnIntro)}}}},
			{"the summary again", b, true, nil},
			{"the repost again", dtnIntro, true, nil},
		}},
		{"a near-duplicate of an updated story", []step{
			{"original", factsheet(t), true, []want{{id: factsheet(t).ID}}},
			{"edited", edited, true, []want{{id: factsheet(t).ID, updated: true}}},
			{"a repost of the new text", editedRepost, true, []want{{id: factsheet(t).ID, updated: true, alsoAt: []item.Location{loc(editedRepost)}}}},
		}},
		{"new item passes, a repeat is dropped", []step{
			{"new", a, true, []want{{id: a.ID, title: a.Title}}},
			{"again", a, true, nil},
			{"and again", a, true, nil},
		}},
		{"pending until published (crash recovery)", []step{
			{"new, not yet published", a, false, []want{{id: a.ID}}},
			{"redelivered before Published: handed out again", a, false, []want{{id: a.ID}}},
			{"redelivered again, now published", a, true, []want{{id: a.ID}}},
			{"after Published: dropped", a, true, nil},
		}},
		{"same url, changed text is an update", []step{
			{"original", factsheet(t), true, []want{{id: factsheet(t).ID}}},
			{"edited", edited, true, []want{{id: factsheet(t).ID, updated: true}}},
			{"edited again", edited, true, nil},
			{"edited once more, with its own date", editedWithDate, true, nil},
		}},
		{"an update keeps the source's own updated time", []step{
			{"original", factsheet(t), true, []want{{id: factsheet(t).ID}}},
			{"edited with a date", editedWithDate, true, []want{{id: factsheet(t).ID, updated: true}}},
		}},
		{"copy at another url is merged into the canonical item", []step{
			{"canonical", a, true, []want{{id: a.ID, title: a.Title}}},
			{"copy", b, true, []want{{id: a.ID, title: a.Title, alsoAt: []item.Location{loc(b)}}}},
			{"copy again", b, true, nil},
			{"canonical again", a, true, nil},
		}},
		{"first seen is canonical, whichever source", []step{
			{"repost first", b, true, []want{{id: b.ID}}},
			{"original later", a, true, []want{{id: b.ID, alsoAt: []item.Location{loc(a)}}}},
		}},
		{"three copies collect in also_at", []step{
			{"canonical", buit(t), true, []want{{id: buit(t).ID}}},
			{"copy", buitCopy, true, []want{{id: buit(t).ID, alsoAt: []item.Location{loc(buitCopy)}}}},
			{"copy as summary only", with(buitOnlyText, func(it *item.Item) {
				*it = moved(t, *it, "https://www.veiligheidscoalitie.nl/nieuws/buit-samenvatting")
				it.GUID = "https://www.veiligheidscoalitie.nl/?p=7402"
			}), true, []want{{id: buit(t).ID, alsoAt: []item.Location{loc(buitCopy), {Source: "veiligheidscoalitie", URL: "https://www.veiligheidscoalitie.nl/nieuws/buit-samenvatting"}}}}},
		}},
		{"same guid at another url is merged", []step{
			{"original", factsheet(t), true, []want{{id: factsheet(t).ID}}},
			{"new slug", renamed, true, []want{{id: factsheet(t).ID, alsoAt: []item.Location{loc(renamed)}}}},
			{"new slug again", renamed, true, nil},
		}},
		{"a merged copy that moves is merged again", []step{
			{"canonical", buit(t), true, []want{{id: buit(t).ID}}},
			{"copy", buitCopy, true, []want{{id: buit(t).ID, alsoAt: []item.Location{loc(buitCopy)}}}},
			{"copy at a new slug, same guid", buitCopyMoved, true, []want{{id: buit(t).ID, alsoAt: []item.Location{loc(buitCopy), loc(buitCopyMoved)}}}},
			{"moved copy again", buitCopyMoved, true, nil},
		}},
		{"an update keeps also_at", []step{
			{"canonical", buit(t), true, []want{{id: buit(t).ID}}},
			{"copy", buitCopy, true, []want{{id: buit(t).ID, alsoAt: []item.Location{loc(buitCopy)}}}},
			{"canonical edited", with(buit(t), func(it *item.Item) { it.Content += "<p>Aanmelden kan via de website.</p>" }), true,
				[]want{{id: buit(t).ID, updated: true, alsoAt: []item.Location{loc(buitCopy)}}}},
		}},
		{"template-like texts with other numbers both pass", []step{
			{"november figures", cijfers(t, 3, 45, 20), true, []want{{id: cijfers(t, 3, 45, 20).ID}}},
			{"december figures", cijfers(t, 2, 50, 21), true, []want{{id: cijfers(t, 2, 50, 21).ID}}},
			{"november again", cijfers(t, 3, 45, 20), true, nil},
		}},
		{"the same guid in two sources is not a copy", []step{
			{"alliantie 1042", sameGUID1, true, []want{{id: sameGUID1.ID}}},
			{"oost 1042", sameGUID2, true, []want{{id: sameGUID2.ID}}},
		}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			s := natstest.Run(t, "")
			_, js := natstest.Connect(t, s)
			d := newDeduper(t, js)
			first := map[string]item.Item{} // first output per id
			for _, st := range sc.steps {
				var outs []item.Item
				if st.published {
					outs = process(t, d, st.in)
				} else {
					outs = handle(t, d, st.in)
				}
				if len(outs) != len(st.want) {
					t.Fatalf("%s: %d outputs %v, want %d", st.name, len(outs), titles(outs), len(st.want))
				}
				for i, w := range st.want {
					got := outs[i]
					if got.ID != w.id {
						t.Errorf("%s: output id %s (%s), want %s", st.name, got.ID, got.URL, w.id)
					}
					if got.Story != w.story {
						t.Errorf("%s: story %q, want %q", st.name, got.Story, w.story)
					}
					if w.title != "" && got.Title != w.title {
						t.Errorf("%s: title %q, want %q", st.name, got.Title, w.title)
					}
					if !slices.Equal(got.AlsoAt, w.alsoAt) {
						t.Errorf("%s: also_at = %v, want %v", st.name, got.AlsoAt, w.alsoAt)
					}
					if w.updated != !got.Updated.IsZero() {
						t.Errorf("%s: updated = %v, want set: %v", st.name, got.Updated, w.updated)
					}
					if w.updated && st.in.Updated.IsZero() && !got.Updated.Equal(fixedNow) {
						t.Errorf("%s: updated = %v, want the time it was seen, %v", st.name, got.Updated, fixedNow)
					}
					if w.updated && !st.in.Updated.IsZero() && !got.Updated.Equal(st.in.Updated) {
						t.Errorf("%s: updated = %v, want the source's %v", st.name, got.Updated, st.in.Updated)
					}
					if w.url != "" && got.URL != w.url {
						t.Errorf("%s: url %s, want %s", st.name, got.URL, w.url)
					}
					if f, ok := first[got.ID]; ok {
						if w.url != "" {
							f.URL = w.url
						}
						if !got.Published.Equal(f.Published) || got.URL != f.URL || got.Source != f.Source {
							t.Errorf("%s: canonical changed published/url/source: %v %s %s, was %v %s %s",
								st.name, got.Published, got.URL, got.Source, f.Published, f.URL, f.Source)
						}
					} else {
						first[got.ID] = got
					}
				}
			}
		})
	}
}

// TestCopyWaitsForUnpublishedCanonical: an item handed out but not yet
// published (a crash in between) is still deciding, so a copy of it waits
// until the canonical's redelivery has published it, then merges.
func TestCopyWaitsForUnpublishedCanonical(t *testing.T) {
	s := natstest.Run(t, "")
	_, js := natstest.Connect(t, s)
	d := newDeduper(t, js)
	a, b := dtnNCTV(t), dtnCoalition(t)
	if outs := handle(t, d, a); len(outs) != 1 {
		t.Fatalf("canonical: %d outputs, want 1", len(outs))
	}
	if _, err := d.Handle(context.Background(), b); !errors.Is(err, errConflict) {
		t.Fatalf("copy of an unpublished canonical: %v, want errConflict", err)
	}
	if outs := process(t, d, a); len(outs) != 1 || outs[0].ID != a.ID {
		t.Fatalf("canonical redelivered: %v, want it again", titles(outs))
	}
	outs := process(t, d, b)
	want := []item.Location{{Source: b.Source, URL: b.URL}}
	if len(outs) != 1 || outs[0].ID != a.ID || !slices.Equal(outs[0].AlsoAt, want) {
		t.Fatalf("copy after the canonical was published: %v, want %s with also_at %v", titles(outs), a.ID, want)
	}
}

func titles(items []item.Item) []string {
	var ts []string
	for _, it := range items {
		ts = append(ts, it.Source+": "+it.Title)
	}
	return ts
}

// TestHandleConcurrentReplicas: two replicas, each on its own connection,
// get copies of the same story at the same moment. Exactly one canonical
// item comes through; the other copy is merged into it.
func TestHandleConcurrentReplicas(t *testing.T) {
	const rounds = 20
	s := natstest.Run(t, "")
	_, js1 := natstest.Connect(t, s)
	_, js2 := natstest.Connect(t, s)
	d1, d2 := newDeduper(t, js1), newDeduper(t, js2)

	kinds := []struct {
		name string
		pair func(t *testing.T, round int) (item.Item, item.Item)
	}{
		{"same text at two urls", func(t *testing.T, n int) (item.Item, item.Item) {
			a, b := dtnNCTV(t), dtnCoalition(t)
			a.Title = fmt.Sprintf("%s (%d)", a.Title, n)
			a.GUID = fmt.Sprintf("%s-%d", a.GUID, n)
			a = moved(t, a, fmt.Sprintf("%s-%d", a.URL, n))
			b.Title = a.Title
			b.GUID = fmt.Sprintf("https://www.veiligheidscoalitie.nl/?p=%d", 8000+n)
			b = moved(t, b, fmt.Sprintf("%s-%d", b.URL, n))
			return a, b
		}},
		{"same url twice", func(t *testing.T, n int) (item.Item, item.Item) {
			a := factsheet(t)
			a.GUID = fmt.Sprintf("e7464cfb-356f-4360-be34-%012d", n)
			a = moved(t, a, fmt.Sprintf("https://www.rijksoverheid.nl/actueel/nieuws/2019/07/11/factsheet-%d", n))
			a.Title = fmt.Sprintf("Factsheet stand van zaken Ondermijningswetgeving, deel %d", n)
			return a, a
		}},
		{"near-duplicates at two urls", func(t *testing.T, n int) (item.Item, item.Item) {
			a := roundDTN(t, n)
			a.Content += "<p>" + dtnMore + "</p>"
			return a, nhRepost(t, roundDTN(t, n))
		}},
		{"same guid at two urls", func(t *testing.T, n int) (item.Item, item.Item) {
			a := buit(t)
			a.GUID = fmt.Sprintf("https://nh-sv.nl/?p=%d", 9000+n)
			a = moved(t, a, fmt.Sprintf("https://nh-sv.nl/nieuws/buit-%d/", n))
			a.Title = fmt.Sprintf("%s (%d)", a.Title, n)
			b := moved(t, with(a, func(it *item.Item) { it.Content += "<p>Bijgewerkt.</p>" }), fmt.Sprintf("https://nh-sv.nl/nieuws/buit-%d-bijgewerkt/", n))
			return a, b
		}},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			for n := range rounds {
				a, b := k.pair(t, n)
				var wg sync.WaitGroup
				var outs [2][]item.Item
				startLine := make(chan struct{})
				for i, job := range []struct {
					d  *Deduper
					it item.Item
				}{{d1, a}, {d2, b}} {
					wg.Go(func() {
						<-startLine
						outs[i] = process(t, job.d, job.it)
					})
				}
				close(startLine)
				wg.Wait()

				ids := map[string]bool{}
				var fresh int // outputs that are a brand-new canonical item
				for _, o := range slices.Concat(outs[0], outs[1]) {
					ids[o.ID] = true
					if len(o.AlsoAt) == 0 {
						fresh++
					}
				}
				if len(ids) != 1 {
					t.Fatalf("round %d: %d distinct items came through (%v), want 1", n, len(ids), titles(slices.Concat(outs[0], outs[1])))
				}
				if a.ID != b.ID && fresh != 1 {
					t.Errorf("round %d: %d outputs without also_at, want exactly 1 new canonical item", n, fresh)
				}
				var canonID string
				for id := range ids {
					canonID = id
				}
				if canonID != a.ID && canonID != b.ID {
					t.Fatalf("round %d: canonical %s is neither copy", n, canonID)
				}
				// Both replicas now drop both copies.
				for _, d := range []*Deduper{d1, d2} {
					for _, it := range []item.Item{a, b} {
						if again := process(t, d, it); len(again) != 0 {
							t.Errorf("round %d: %s handled again gives %v, want nothing", n, it.URL, titles(again))
						}
					}
				}
				// The canonical record lists the other copy.
				rec, _, ok, err := d1.store.get(context.Background(), idKey(canonID))
				if err != nil || !ok || rec.Item == nil || rec.Pending {
					t.Fatalf("round %d: canonical record %+v, %v, %v", n, rec, ok, err)
				}
				if a.ID != b.ID {
					other := a
					if canonID == a.ID {
						other = b
					}
					if !slices.Contains(rec.Item.AlsoAt, item.Location{Source: other.Source, URL: other.URL}) {
						t.Errorf("round %d: canonical also_at %v lacks %s", n, rec.Item.AlsoAt, other.URL)
					}
				}
			}
		})
	}
}

// TestHandleSharedState: what one replica stored, another one sees: a copy
// is merged and a repeat is dropped across replicas.
func TestHandleSharedState(t *testing.T) {
	s := natstest.Run(t, "")
	_, js1 := natstest.Connect(t, s)
	_, js2 := natstest.Connect(t, s)
	d1, d2 := newDeduper(t, js1), newDeduper(t, js2)
	a, b := dtnNCTV(t), dtnCoalition(t)
	if outs := process(t, d1, a); len(outs) != 1 || outs[0].ID != a.ID {
		t.Fatalf("replica 1, new item: %v", titles(outs))
	}
	outs := process(t, d2, b)
	if len(outs) != 1 || outs[0].ID != a.ID || len(outs[0].AlsoAt) != 1 {
		t.Fatalf("replica 2, copy: %+v, want the canonical item with one also_at", outs)
	}
	if outs := process(t, d2, a); len(outs) != 0 {
		t.Errorf("replica 2 passes a repeat of what replica 1 stored: %v", titles(outs))
	}
}

func TestHandleErrorsAreTransient(t *testing.T) {
	s := natstest.Run(t, "")
	nc, js := natstest.Connect(t, s)
	d := newDeduper(t, js)
	nc.Close()
	_, err := d.Handle(context.Background(), dtnNCTV(t))
	if err == nil {
		t.Fatal("Handle on a closed connection = nil")
	}
	if !strings.Contains(err.Error(), "dedup") {
		t.Errorf("error %q does not name the stage", err)
	}
	if errors.Is(err, stage.ErrPermanent) {
		t.Errorf("a lost connection is a permanent error: %v", err)
	}
}

// nhRepost is it as Noord-Holland Samen Veilig reposts it: its own URL and
// title, and a sentence of its own before the text.
func nhRepost(t testing.TB, it item.Item) item.Item {
	r := story(t, "nh-samenveilig", "https://nh-sv.nl/nieuws/"+it.ID[:8]+"/?utm_source=nieuwsbrief", "",
		"Dreigingsniveau terrorisme verhoogd", "<p>Ook voor de professionals in Noord-Holland is dit relevant nieuws.</p>"+it.Content,
		it.Published.Add(24*time.Hour))
	return r
}

// roundDTN is the DTN story of another date, at a URL of its own: a story
// of its own in round n of a test.
func roundDTN(t testing.TB, n int) item.Item {
	a := dtnNCTV(t)
	a.Content = strings.Replace(a.Content, "Op 12 december", fmt.Sprintf("Op %d november", n+1), 1)
	a.GUID = fmt.Sprintf("%s-ronde-%d", a.GUID, n)
	return moved(t, a, fmt.Sprintf("%s-ronde-%d", a.URL, n))
}
