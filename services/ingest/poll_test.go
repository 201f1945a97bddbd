package ingest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/pkg/item"
)

func feedFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "feeds", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func ids(items []item.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

// TestPollSharedLinks: within one source, entries with other GUIDs that
// share a link are items of their own, and keep their ids from poll to
// poll when a newer one with the same link arrives on top.
func TestPollSharedLinks(t *testing.T) {
	e := newEnv(t)
	body := feedFixture(t, "linkblog.rss")
	feed := &site{body: body}
	src := e.site(t, "leeslijst", feed)
	s := e.service(t, src)
	ctx := context.Background()
	if err := s.Poll(ctx, src); err != nil {
		t.Fatal(err)
	}
	first := e.raw(t, src.ID)
	if len(first) != 6 || len(slices.Compact(slices.Sorted(slices.Values(ids(first))))) != 6 {
		t.Fatalf("first poll: %d items with ids %v, want 6 distinct", len(first), ids(first))
	}
	newer := `<item>
      <title>Kamervragen over het WODC-rapport over havens</title>
      <link>https://www.wodc.nl/actueel/nieuws/2024/01/05/aanpak-drugscriminaliteit-havens</link>
      <guid isPermaLink="true">http://leeslijst.ondermijning.example/2024/01/06/kamervragen-havens/</guid>
      <pubDate>Sat, 06 Jan 2024 09:00:00 +0100</pubDate>
      <description>Drie partijen stellen vragen over de scanners.</description>
    </item>
    <item>`
	feed.set(func(s *site) { s.body = []byte(strings.Replace(string(body), "<item>", newer, 1)) })
	e.clock.Advance(time.Hour)
	if err := s.Poll(ctx, src); err != nil {
		t.Fatal(err)
	}
	all := e.raw(t, src.ID)
	if len(all) != 7 {
		t.Fatalf("%d items after the second poll, want the 6 and the new one", len(all))
	}
	added := all[6]
	if added.Title != "Kamervragen over het WODC-rapport over havens" || slices.Contains(ids(first), added.ID) {
		t.Errorf("new entry %q got id %s, one of the first poll's %v", added.Title, added.ID, ids(first))
	}
}

// TestPollPublishesOnlyNewOrChanged: a poll of a changed feed publishes the
// entries that are new or changed, not all of them again.
func TestPollPublishesOnlyNewOrChanged(t *testing.T) {
	e := newEnv(t)
	body := string(fixture(t, "politie-midden-nederland.rss"))
	feed := &site{body: []byte(body)} // no ETag: every poll reads the feed
	src := e.site(t, "politie", feed)
	s := e.service(t, src)
	ctx := context.Background()
	steps := []struct {
		name  string
		body  string
		total int // on the raw stream after the poll
	}{
		{"first poll", body, 4},
		{"the same feed again", body, 4},
		{"one entry changed", strings.Replace(body, "In de eerste tien maanden", "In de eerste elf maanden", 1), 5},
		{"unchanged again", strings.Replace(body, "In de eerste tien maanden", "In de eerste elf maanden", 1), 5},
	}
	for _, st := range steps {
		feed.set(func(s *site) { s.body = []byte(st.body) })
		e.clock.Advance(10 * time.Minute)
		if err := s.Poll(ctx, src); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if n := len(e.raw(t, src.ID)); n != st.total {
			t.Errorf("%s: %d items on the stream, want %d", st.name, n, st.total)
		}
	}
}

// bigFeed is a police-style RSS feed of n entries, one an hour back from
// 2023-12-20.
func bigFeed(n int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Politie - alle nieuwsberichten</title><link>https://www.politie.nl/nieuws</link><description>Archief</description>
`)
	start := time.Date(2023, 12, 20, 9, 0, 0, 0, time.UTC)
	for i := range n {
		d := start.Add(-time.Duration(i) * time.Hour)
		fmt.Fprintf(&b, `<item><title>Bericht %d: getuigen gezocht</title><link>https://www.politie.nl/nieuws/archief/%d.html</link><guid>https://www.politie.nl/nieuws/archief/%d.html</guid><pubDate>%s</pubDate><description>De politie zoekt getuigen van incident %d.</description></item>
`, i, i, i, d.Format(time.RFC1123Z), i)
	}
	b.WriteString("</channel></rss>\n")
	return []byte(b.String())
}

// TestPollLargeFeed: a feed of 25,000 entries is read (its seen set is
// more than one NATS message), a poll publishes at most
// max_items_per_poll of them, newest first, the rest on later polls, and
// the status says so. Another source is not held up.
func TestPollLargeFeed(t *testing.T) {
	const entries, limit = 25_000, 300
	e := newEnv(t)
	big := e.site(t, "politie-archief", &site{body: bigFeed(entries), etag: `"v1"`})
	small := e.site(t, "nctv", &site{body: fixture(t, "nctv.atom")})
	s := e.serviceWith(t, func(c *config.Config) { c.Ingest.MaxItemsPerPoll = limit }, big, small)
	ctx := context.Background()
	for poll := 1; poll <= 2; poll++ {
		if err := s.Poll(ctx, big); err != nil {
			t.Fatalf("poll %d: %v", poll, err)
		}
		items := e.raw(t, big.ID)
		if len(items) != poll*limit {
			t.Fatalf("poll %d: %d items published, want %d", poll, len(items), poll*limit)
		}
		// Newest first: the poll's last item is entry poll*limit-1.
		if want := fmt.Sprintf("Bericht %d: getuigen gezocht", poll*limit-1); items[len(items)-1].Title != want {
			t.Errorf("poll %d: last published %q, want %q", poll, items[len(items)-1].Title, want)
		}
		st := e.state(t, s, big.ID)
		if st.Pending != entries-poll*limit || st.ETag != "" || st.SeenChunks < 2 || len(st.Notes) != 1 || !strings.Contains(st.Notes[0], "max_items_per_poll 300") {
			t.Errorf("poll %d: pending %d, etag %q, %d chunks, notes %q", poll, st.Pending, st.ETag, st.SeenChunks, st.Notes)
		}
		if n := len(e.seen(t, s, big.ID)); n != entries {
			t.Errorf("poll %d: %d items remembered, want %d", poll, n, entries)
		}
		e.clock.Advance(10 * time.Minute)
	}
	statuses, err := Statuses(ctx, e.kv(t), s.cfg.Sources, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if statuses[0].Pending != entries-2*limit || len(statuses[0].Notes) != 1 || statuses[0].LastError != "" {
		t.Errorf("status %+v, want the pending items and the limit shown", statuses[0])
	}
	srv := httptest.NewServer(StatusHandler(e.kv(t), s.cfg.Sources, LimitsOf(s.cfg.Ingest, e.js.Conn().MaxPayload()), e.js.Conn()))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/sources")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, w := range []string{"hoogstens 300 nieuwe of gewijzigde berichten", "24400 wachten", "max_items_per_poll 300: 24400 more items wait for later polls"} {
		if !strings.Contains(string(page), w) {
			t.Errorf("/sources lacks %q", w)
		}
	}
	if err := s.Poll(ctx, small); err != nil || len(e.raw(t, small.ID)) != 4 {
		t.Errorf("the other source: %v, %d items", err, len(e.raw(t, small.ID)))
	}
}

// TestPollCutsOversizeItem: an item larger than the bus takes has its
// content cut with a marker and a link, and the items after it still go
// out.
func TestPollCutsOversizeItem(t *testing.T) {
	e := newEnv(t)
	huge := strings.Repeat("<p>De gemeenteraad besprak het jaarverslag van het RIEC, hoofdstuk na hoofdstuk. </p>\n", 30_000) // 2.5 MB
	body := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Raadsinformatie</title><link>https://raad.example.nl/</link><description>Raadsstukken</description>
<item><title>Jaarverslag RIEC 2023 (volledige tekst)</title><link>https://raad.example.nl/stukken/jaarverslag-riec-2023</link><pubDate>Tue, 09 Jan 2024 10:00:00 +0100</pubDate><description>Het volledige jaarverslag.</description><content:encoded><![CDATA[` + huge + `]]></content:encoded></item>
<item><title>Agenda commissie Bestuur</title><link>https://raad.example.nl/agenda/commissie-bestuur</link><pubDate>Mon, 08 Jan 2024 10:00:00 +0100</pubDate><description>De agenda van 15 januari.</description></item>
</channel></rss>`
	src := e.site(t, "raad", &site{body: []byte(body)})
	s := e.service(t, src)
	if err := s.Poll(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	items := e.raw(t, src.ID)
	if len(items) != 2 {
		t.Fatalf("%d items, want both", len(items))
	}
	cut := items[0]
	if !cut.Truncated || !strings.Contains(cut.Content, "Ingekort") || !strings.Contains(cut.Content, `href="https://raad.example.nl/stukken/jaarverslag-riec-2023"`) ||
		!strings.HasPrefix(cut.Content, "<p>De gemeenteraad besprak") {
		t.Errorf("cut item: truncated %v, content %d bytes ending %q", cut.Truncated, len(cut.Content), cut.Content[max(0, len(cut.Content)-200):])
	}
	if items[1].Truncated || items[1].Title != "Agenda commissie Bestuur" {
		t.Errorf("second item %+v", items[1])
	}
	st := e.state(t, s, src.ID)
	if st.Failures != 0 || len(st.Notes) != 1 || !strings.Contains(st.Notes[0], "1 items over the bus's largest message") {
		t.Errorf("state: failures %d, notes %q", st.Failures, st.Notes)
	}
}

// TestPollUndatedAtFirstImport: an undated entry found at a source's first
// import gets the date of the oldest dated entry (it does not lead the
// feeds with today's date); one that appears later gets the time it was
// first seen. Both stay date_guessed and keep their dates.
func TestPollUndatedAtFirstImport(t *testing.T) {
	e := newEnv(t)
	body := string(feedFixture(t, "undated-agenda.rss"))
	feed := &site{body: []byte(body)}
	src := e.site(t, "rijksoverheid-bzk", feed)
	s := e.service(t, src)
	ctx := context.Background()
	if err := s.Poll(ctx, src); err != nil {
		t.Fatal(err)
	}
	agenda := e.raw(t, src.ID)[1]
	if agenda.Title != "Agenda: Congres Weerbaar Bestuur" || !agenda.DateGuessed || agenda.Published.Format(time.RFC3339) != "2019-07-02T22:00:00Z" {
		t.Errorf("undated entry at the first import: %q published %v, guessed %v; want the oldest dated entry's date", agenda.Title, agenda.Published, agenda.DateGuessed)
	}
	later := `<item><title>Agenda: Werkbezoek Zeist</title><link>https://www.rijksoverheid.nl/ministeries/bzk/agenda/2023/werkbezoek-zeist</link><description>Werkbezoek over ondermijning.</description></item>
    <item>`
	feed.set(func(s *site) { s.body = []byte(strings.Replace(body, "<item>", later, 1)) })
	e.clock.Advance(time.Hour)
	if err := s.Poll(ctx, src); err != nil {
		t.Fatal(err)
	}
	items := e.raw(t, src.ID)
	if len(items) != 4 {
		t.Fatalf("%d items, want the 3 and the new one", len(items))
	}
	if n := items[3]; !n.DateGuessed || !n.Published.Equal(e.clock.Now()) {
		t.Errorf("undated entry on a later poll: published %v, want the poll's time %v", n.Published, e.clock.Now())
	}
}

// TestPollRepairedFeedStatus: a feed with invalid UTF-8 is read, and its
// status says it was repaired.
func TestPollRepairedFeedStatus(t *testing.T) {
	e := newEnv(t)
	src := e.site(t, "riec-on", &site{body: feedFixture(t, "broken-utf8.rss")})
	s := e.service(t, src)
	if err := s.Poll(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if n := len(e.raw(t, src.ID)); n != 2 {
		t.Errorf("%d items, want 2", n)
	}
	statuses, err := Statuses(context.Background(), e.kv(t), s.cfg.Sources, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if st := statuses[0]; !st.OK || len(st.Notes) != 1 || !strings.Contains(st.Notes[0], "repaired") {
		t.Errorf("status %+v, want ok with a note that the feed was repaired", st)
	}
}

// TestPollCapsStoredNextAttempt: a next attempt stored centuries ahead
// (before Retry-After was capped) is brought back to max_backoff.
func TestPollCapsStoredNextAttempt(t *testing.T) {
	e := newEnv(t)
	src := e.site(t, "rijksoverheid-jenv", &site{body: fixture(t, "rijksoverheid-jenv.rss")})
	s := e.service(t, src)
	ctx := context.Background()
	if err := s.states.Put(ctx, src.ID, State{Failures: 1, NextAttempt: time.Date(2273, 1, 1, 0, 0, 0, 0, time.UTC), LastError: "http status 503"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Poll(ctx, src); err != nil {
		t.Fatal(err)
	}
	want := e.clock.Now().Add(s.cfg.Ingest.MaxBackoff)
	if st := e.state(t, s, src.ID); !st.NextAttempt.Equal(want) {
		t.Errorf("next attempt %v, want max_backoff from now (%v)", st.NextAttempt, want)
	}
	e.clock.Advance(s.cfg.Ingest.MaxBackoff)
	if err := s.Poll(ctx, src); err != nil || len(e.raw(t, src.ID)) != 2 {
		t.Errorf("poll after max_backoff: %v, %d items", err, len(e.raw(t, src.ID)))
	}
}

func (e *env) kv(t *testing.T) jetstream.KeyValue {
	t.Helper()
	kv, err := e.js.KeyValue(context.Background(), bus.FetchBucket)
	if err != nil {
		t.Fatal(err)
	}
	return kv
}

// BenchmarkSeenSet: storing and reading back the seen set of a
// 25,000-entry feed, the per-poll cost of remembering it.
func BenchmarkSeenSet(b *testing.B) {
	set := seenSet{}
	first := time.Date(2023, 12, 20, 9, 0, 0, 0, time.UTC)
	for i := range 25_000 {
		id := item.NewID(fmt.Sprintf("https://www.politie.nl/nieuws/archief/%d.html", i), "politie", "")
		set[id] = seenEntry{First: first, Sum: hash64(id), GUID: hash64("g" + id)}
	}
	ids := make([]string, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	b.ReportAllocs()
	for b.Loop() {
		data := set.encode(ids)
		back := seenSet{}
		if err := back.decode(data); err != nil || len(back) != len(set) {
			b.Fatal(err)
		}
	}
}
