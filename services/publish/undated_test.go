package publish

import (
	"context"
	"encoding/xml"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/bus/natstest"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/stage"
)

// Undated items of one page share their first-seen time as published, and
// a source may stamp every release at midnight; the served Atom feed still
// gives each entry an updated time of its own (the W3C validator warns
// DuplicateUpdated otherwise), from when it was curated, and keeps it
// across a restart.
func TestUndatedItemsDistinctUpdated(t *testing.T) {
	srvNATS := natstest.Run(t, "")
	_, js := natstest.Connect(t, srvNATS)
	o := testOptions
	o.FeedSize = 10
	p, srv := runPublisher(t, js, o)
	seen := time.Now().UTC().Truncate(time.Second).Add(-time.Minute) // first seen by ingest
	for i := range 4 {
		it := item.Item{ID: fmt.Sprintf("c00000000000000000000000000000%02d", i), Source: "veiligheidscoalitie", Title: fmt.Sprintf("Bericht %d", i),
			URL: fmt.Sprintf("https://www.veiligheidscoalitie.nl/nieuws/%d", i), Published: seen, DateGuessed: true}
		publishItem(t, js, it)
	}
	dated := item.Item{ID: "c0000000000000000000000000000099", Source: "nctv", Title: "Gedateerd", URL: "https://www.nctv.nl/x", Published: seen.Add(-time.Hour)}
	publishItem(t, js, dated)
	midnight := dated
	midnight.ID, midnight.Title, midnight.URL = "c0000000000000000000000000000098", "Ook om middernacht", "https://www.nctv.nl/y"
	publishItem(t, js, midnight)
	waitFor(t, "six items", func() bool { return p.View().Ledger().Len() == 6 })
	_, body := get(t, srv.URL+"/feeds/all.atom")
	info := feedInfo{SelfURL: "https://baken.example.nl/feeds/all.atom"}
	checkAtom(t, body, info)

	// After a restart on the same stream, the same times.
	p2, srv2 := runPublisher(t, js, o)
	waitFor(t, "the replay", func() bool { return p2.View().Ledger().Len() == 6 })
	_, again := get(t, srv2.URL+"/feeds/all.atom")
	if atomUpdatedTimes(t, body) != atomUpdatedTimes(t, again) {
		t.Errorf("updated times changed on restart:\n%s\n%s", atomUpdatedTimes(t, body), atomUpdatedTimes(t, again))
	}
}

func atomUpdatedTimes(t *testing.T, atom []byte) string {
	t.Helper()
	var f struct {
		Entries []struct {
			Updated string `xml:"updated"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(atom, &f); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(f.Entries)
}

func publishItem(t *testing.T, js jetstream.JetStream, it item.Item) {
	t.Helper()
	if err := stage.Publish(context.Background(), js, bus.CuratedItemSubject(it.ID), it); err != nil {
		t.Fatal(err)
	}
}
