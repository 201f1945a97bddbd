package dedup

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/bus/natstest"
	"github.com/bakenhub/baken/pkg/item"
)

func TestSameStory(t *testing.T) {
	reportBy := func(source, title, text string) *StoryPrint {
		it := item.Item{Source: source, Title: title, Summary: text}
		return newStoryPrint(it, tokenize(it))
	}
	report := func(title, text string) *StoryPrint { return reportBy("", title, text) }
	carnaval := "Steden waar carnaval groots wordt gevierd, zien de laatste jaren een toename van het aantal bezoekers. De gemeenten treffen daarom extra maatregelen om de hossende carnavalsvierders voldoende ruimte te bieden."
	nl := report("Al zeker 42 minderjarige bommenleggers aangehouden",
		"Alleen dit jaar al zijn er zeker 42 minderjarige verdachten aangehouden voor het plaatsen van een explosief bij huizen. De jongsten waren 11 jaar oud.")
	tr := report("At least 42 underage bombers arrested",
		"This year alone, at least 42 underage suspects have been arrested for placing an explosive at houses. The youngest were 11 years old.")
	fire := reportBy("omroep", "Grote brand in bedrijfspand Tilburg, houd ramen en deuren gesloten",
		"Op industrieterrein Loven in Tilburg woedt een grote brand in een bedrijfspand. De gemeente roept omwonenden op ramen en deuren gesloten te houden vanwege de rookontwikkeling.")
	day := time.Date(2024, 3, 30, 9, 0, 0, 0, time.UTC)
	// dated is sp as if its item was published at t (guessed: the first-seen time).
	dated := func(sp *StoryPrint, t time.Time, guessed bool) *StoryPrint {
		c := *sp
		c.Published = newStoryPrint(item.Item{Published: t, DateGuessed: guessed}, nil).Published
		return &c
	}
	tests := []struct {
		name string
		a, b *StoryPrint
		want bool
	}{
		{"translation: two figures in common", nl, tr, true},
		{"other figures: another event", nl, report("Al zeker 35 minderjarige bommenleggers aangehouden",
			"Alleen dit jaar al zijn er zeker 35 minderjarige verdachten aangehouden voor het plaatsen van een explosief bij huizen. De jongsten waren 12 jaar oud."), false},
		{"more figures, the titles' in the other", nl, report("Al zeker 42 minderjarige bommenleggers aangehouden, 11 in Rotterdam",
			"Zeker 42 jongeren, de jongsten 11 jaar, werden opgepakt. Volgens de politie waren 17 van hen al eerder in beeld."), true},
		{"no figures, two sources, one headline", reportBy("anp", "Extra maatregelen voor toename carnavalsvierders in grote steden", carnaval),
			reportBy("radio", "Extra maatregelen in grote steden door toename carnavalsvierders", "Steden waar carnaval groots gevierd wordt, zien het aantal bezoekers toenemen. Gemeenten treffen daarom extra maatregelen om voldoende ruimte te bieden aan carnavalsvierders."), true},
		{"no figures, one source: a template, two items", reportBy("coalitie", "Maak kennis met de toolkit Aanpak illegaal vuurwerk", carnaval),
			reportBy("coalitie", "Maak kennis met de toolkit Aanpak wapenbezit", carnaval), false},
		{"no figures, headlines apart", reportBy("a", "Code oranje voor het noordwesten", "Het KNMI waarschuwt voor zware windstoten in Noord-Holland en Friesland."),
			reportBy("b", "Zomerstorm op komst", "Het KNMI waarschuwt voor zware windstoten in Noord-Holland en Friesland."), false},
		{"no distinct figures, same source: no story", report("Code oranje voor het noordwesten", "Het KNMI waarschuwt voor zware windstoten in Noord-Holland en Friesland."),
			report("Code oranje voor het noordwesten", "Het KNMI waarschuwt voor zware windstoten in Noord-Holland en Friesland."), false},
		{"years only, one source: no story", report("Veiligheidsmonitor 2023", "Het CBS publiceert de Veiligheidsmonitor 2023 met cijfers over 2023."),
			report("Veiligheidsmonitor 2023", "Het CBS publiceert de Veiligheidsmonitor 2023 over veiligheid in 2023."), false},
		{"one edition (jaarverslag 2022), two sources", reportBy("blik", "AIVD: complottheorieën over elite zijn bedreiging voor Nederland",
			"Anti-institutioneel extremisme is een ernstige dreiging voor Nederland. Dit meldt de AIVD in haar jaarverslag 2022. De AIVD ziet extremisten die zich richten tegen de overheid en instituties."),
			reportBy("nh", "AIVD: complottheorieën over machtige elite ernstige dreiging",
				"Complottheorieën over een kwaadaardige elite vormen op lange termijn een ernstige dreiging voor Nederland. Dat concludeert de AIVD in het jaarverslag over 2022: extremisten richten zich tegen instituties."), true},
		{"another edition (jaarverslag 2021)", reportBy("blik", "AIVD: complottheorieën over elite zijn bedreiging voor Nederland",
			"Anti-institutioneel extremisme is een ernstige dreiging voor Nederland. Dit meldt de AIVD in haar jaarverslag 2022. De AIVD ziet extremisten die zich richten tegen de overheid en instituties."),
			reportBy("nh", "AIVD: complottheorieën over machtige elite ernstige dreiging",
				"Complottheorieën over een kwaadaardige elite vormen op lange termijn een ernstige dreiging voor Nederland. Dat concludeert de AIVD in het jaarverslag over 2021: extremisten richten zich tegen instituties."), false},
		{"a short name in both headlines", reportBy("anp", "Incident in centrum Ede is gijzeling van meerdere personen",
			"In het centrum van Ede is een gijzeling gaande, bevestigt een woordvoerder van de gemeente. De gijzeling betreft meerdere personen, meldt de politie."),
			reportBy("upday", "Incident in centrum Ede is gijzeling, grote politie-inzet",
				"Bij de gijzeling in Ede is geen sprake van een terroristisch motief, meldt de politie. De politie meldt dat het gaat om meerdere personen die zijn gegijzeld."), true},
		{"translation: the headline's one figure", reportBy("nctv", "Beleidsbrief Dreigingsbeeld Terrorisme Nederland 54",
			"Op basis van DTN 54 wordt het dreigingsniveau vastgesteld op niveau 3 van de 5. Een terroristische aanslag in Nederland is voorstelbaar."),
			reportBy("nctv-english", "Terrorist Threat Assessment for the Netherlands 54",
				"There are currently no indications that individuals in the Netherlands are preparing attacks. The threat level has been maintained at 3 (on a scale of 1 to 5)."), true},
		{"translation: another figure in one text", reportBy("nctv", "Beleidsbrief Dreigingsbeeld Terrorisme Nederland 54",
			"Op basis van DTN 54 wordt het dreigingsniveau vastgesteld op niveau 3 van de 5. Een terroristische aanslag in Nederland is voorstelbaar."),
			reportBy("nctv-english", "Terrorist Threat Assessment for the Netherlands 54",
				"Seven individuals were arrested on 27 September. The threat level has been maintained at 3 (on a scale of 1 to 5)."), false},
		{"another language: the figure in one headline", reportBy("nctv", "Beleidsbrief Dreigingsbeeld Terrorisme Nederland 54",
			"Op basis van DTN 54 wordt het dreigingsniveau vastgesteld op niveau 3 van de 5. Een terroristische aanslag in Nederland is voorstelbaar."),
			reportBy("nltimes", "Jihadists, Salafism, extreme right identified as top Dutch terrorist threats",
				"There is currently no concrete evidence that an attack is being planned, the NCTV stated in their 54th terrorism threat assessment. The threat level remained at three out of five."), true},
		{"another language: the figure in no headline", reportBy("nctv", "Beleidsbrief Dreigingsbeeld Terrorisme Nederland",
			"Op basis van DTN 54 wordt het dreigingsniveau vastgesteld op niveau 3 van de 5. Een terroristische aanslag in Nederland is voorstelbaar."),
			reportBy("nltimes", "Jihadists, Salafism, extreme right identified as top Dutch terrorist threats",
				"There is currently no concrete evidence that an attack is being planned, the NCTV stated in their 54th terrorism threat assessment. The threat level remained at three out of five."), false},
		{"another language: the same figure, headlines apart", reportBy("politie", "Politie: 24 aanhoudingen bij rellen in de binnenstad",
			"Bij rellen in de binnenstad zijn zaterdagavond 24 mensen aangehouden. De politie zette de ME in."),
			reportBy("nltimes", "Police detain fans after football match",
				"Police detained 24 people after the football match on Saturday evening, a spokesperson said."), false},
		{"translation: one source", reportBy("nctv", "Beleidsbrief Dreigingsbeeld Terrorisme Nederland 54",
			"Op basis van DTN 54 wordt het dreigingsniveau vastgesteld op niveau 3 van de 5. Een terroristische aanslag in Nederland is voorstelbaar."),
			reportBy("nctv", "Terrorist Threat Assessment for the Netherlands 54",
				"There are currently no indications that individuals in the Netherlands are preparing attacks. The threat level has been maintained at 3 (on a scale of 1 to 5)."), false},
		{"an update recounts the first report", fire,
			reportBy("nu", "Twaalf woningen in Tilburg ontruimd om brand in bedrijfspand",
				"TILBURG (ANP) - De brandweer heeft twaalf woningen ontruimd vanwege de brand in een bedrijfspand op industrieterrein Loven. Eerder riep de gemeente omwonenden op ramen en deuren gesloten te houden vanwege de rookontwikkeling. De oorzaak is nog onbekend."), true},
		{"an update with a headline figure the first report lacks", fire,
			reportBy("anp", "80 brandweerlieden blussen brand in Tilburgs bedrijfspand",
				"Ruim 80 brandweerlieden zijn bezig met het blussen van de brand in een bedrijfspand in Tilburg. Eerder riep de gemeente omwonenden op om ramen en deuren gesloten te houden wegens de rook."), true},
		{"a recap of another time: another event", fire,
			reportBy("anp", "Weer grote brand op industrieterrein Loven",
				"Op industrieterrein Loven in Tilburg woedt opnieuw een grote brand. Eerder dit jaar riep de gemeente omwonenden op ramen en deuren gesloten te houden vanwege de rookontwikkeling."), false},
		{"a recap of something else", fire,
			reportBy("anp", "Brand in Tilburgse loods onder controle",
				"De brand in een loods in Tilburg is onder controle. Eerder werd een verdachte aangehouden voor een inbraak in het naastgelegen kantoor."), false},
		{"a recap sharing two words", fire,
			reportBy("anp", "Twaalf woningen in Tilburg ontruimd om brand in bedrijfspand",
				"De brandweer heeft twaalf woningen in Tilburg ontruimd. Eerder meldden bewoners een harde knal en veel rookontwikkeling bij het bedrijfspand."), false},
		{"a recap sharing three of its many words", fire,
			reportBy("anp", "Twaalf woningen in Tilburg ontruimd om brand in bedrijfspand",
				"De brandweer heeft twaalf woningen in Tilburg ontruimd. Eerder vertelden verschillende bewoners van omliggende straten verslaggevers dat gemeente omwonenden ramen openhielden tijdens zomerse avonden."), false},
		{"an update published before the report it recounts", dated(fire, day, false),
			dated(reportBy("nu", "Twaalf woningen in Tilburg ontruimd om brand in bedrijfspand",
				"De brandweer heeft twaalf woningen ontruimd. Eerder riep de gemeente omwonenden op ramen en deuren gesloten te houden vanwege de rookontwikkeling."), day.Add(-time.Hour), false), false},
		{"a recap without a name in common", fire,
			reportBy("anp", "Grote brand in bedrijfspand in Breda",
				"In een bedrijfspand in Breda woedt een grote brand. Eerder riep de gemeente omwonenden op ramen en deuren gesloten te houden vanwege de rookontwikkeling."), false},
		{"published two days apart", dated(nl, day, false), dated(tr, day.Add(48*time.Hour), false), true},
		{"published ten days apart: another event", dated(nl, day, false), dated(tr, day.Add(240*time.Hour), false), false},
		{"a year apart", dated(tr, day.AddDate(1, 0, 0), false), dated(nl, day, false), false},
		{"a first-seen time proves nothing", dated(nl, day, false), dated(tr, day.Add(240*time.Hour), true), true},
		{"nothing known", nil, nl, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sameStory(tt.a, tt.b); got != tt.want {
				t.Errorf("sameStory = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStoriesOff(t *testing.T) {
	tests := []struct {
		name    string
		stories bool
	}{{"on", true}, {"off", false}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := natstest.Run(t, "")
			_, js := natstest.Connect(t, s)
			d, err := New(context.Background(), js, slog.New(slog.DiscardHandler), Stories(tt.stories))
			if err != nil {
				t.Fatal(err)
			}
			d.now = func() time.Time { return fixedNow }
			first := story(t, "nrc", "https://www.nrc.nl/nieuws/2020/12/07/hackers", "", "Hackers eisen 750.000 euro losgeld van Hof van Twente",
				"<p>De hackers die Hof van Twente hebben lamgelegd, eisen 750.000 euro. Het gaat om 1500 computers, zegt burgemeester Nauta.</p>", fixedNow)
			second := story(t, "nu.nl", "https://www.nu.nl/tech/6095006/hackers", "", "Criminelen willen 750.000 euro van Hof van Twente",
				"<p>Criminelen die de systemen van Hof van Twente gijzelen willen 750.000 euro in bitcoins; 1500 computers moeten opnieuw worden ingericht, zegt burgemeester Nauta.</p>", fixedNow)
			process(t, d, first)
			outs := process(t, d, second)
			if len(outs) != 1 {
				t.Fatalf("%d outputs, want 1", len(outs))
			}
			want := ""
			if tt.stories {
				want = first.ID
			}
			if outs[0].Story != want {
				t.Errorf("story %q, want %q", outs[0].Story, want)
			}
		})
	}
}

func TestMatcherStories(t *testing.T) {
	set := readSet(t, "testdata/devset-real.jsonl")
	for _, opts := range [][]MatcherOption{nil, {WithoutStories()}} {
		m := NewMatcher(opts...)
		grouped := 0
		for _, l := range set {
			r, err := m.Add(l.Item)
			if err != nil {
				t.Fatal(err)
			}
			if r.Story == "" {
				t.Fatalf("%s: no story id", l.ID)
			}
			if r.Story != r.ID && r.DuplicateOf == "" {
				grouped++
			}
		}
		if opts == nil && grouped == 0 {
			t.Error("no report joined a story")
		}
		if opts != nil && grouped != 0 {
			t.Errorf("stories off: %d reports joined a story", grouped)
		}
	}
}

func TestNamedYear(t *testing.T) {
	tests := []struct {
		text string
		want int // editions found
	}{
		{"Dit meldt de AIVD in haar jaarverslag 2022.", 1},
		{"Dat staat in het jaarverslag over 2022 van de dienst.", 1},
		{"Dat meldt het CBS op basis van de Veiligheidsmonitor 2023.", 1},
		{"In 2017 gaf een derde van de Nederlanders aan zich onveilig te voelen.", 0},
		{"Het aantal is voor het eerst sinds 2021 weer toegenomen.", 0},
		{"Op 1 februari 2024 is er een sessie.", 0},
		{"De kwekerij had 1457 planten.", 0},
	}
	for _, tt := range tests {
		it := item.Item{Summary: tt.text}
		if got := len(newStoryPrint(it, tokenize(it)).Editions); got != tt.want {
			t.Errorf("%q: %d editions, want %d", tt.text, got, tt.want)
		}
	}
}

// countingIndex counts the entries findStory reads.
type countingIndex struct {
	*memIndex
	reads int
}

func (c *countingIndex) storyEntry(ctx context.Context, id string) (entry, bool, error) {
	c.reads++
	return c.memIndex.storyEntry(ctx, id)
}

// TestFindStoryPassesOverFarApart: a candidate published more than the
// story window apart is passed over without reading its entry; a
// first-seen time proves nothing, so such a candidate is read.
func TestFindStoryPassesOverFarApart(t *testing.T) {
	day := time.Date(2020, 12, 7, 9, 0, 0, 0, time.UTC)
	first := item.Item{ID: "first", Source: "nrc", Title: "Hackers eisen 750.000 euro losgeld van Hof van Twente", Published: day,
		Summary: "De hackers die Hof van Twente hebben lamgelegd, eisen 750.000 euro. Het gaat om 1500 computers, zegt burgemeester Nauta."}
	tests := []struct {
		name      string
		later     time.Duration
		guessed   bool
		story     string
		wantReads int
	}{
		{"a day later", 24 * time.Hour, false, "first", 1},
		{"three days and half a minute later", 72*time.Hour + 30*time.Second, false, "", 1},
		{"ten days later", 240 * time.Hour, false, "", 0},
		{"ten days later, first seen", 240 * time.Hour, true, "first", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			idx := &countingIndex{memIndex: newMemIndex()}
			fp := NewFingerprint(first)
			if _, err := findStory(ctx, idx, first.ID, fp); err != nil {
				t.Fatal(err)
			}
			idx.put(first.ID, entry{print: fp})
			second := item.Item{ID: "second", Source: "nu.nl", Title: "Criminelen willen 750.000 euro van Hof van Twente",
				Published: day.Add(tt.later), DateGuessed: tt.guessed,
				Summary: "Criminelen die de systemen van Hof van Twente gijzelen willen 750.000 euro in bitcoins; 1500 computers moeten opnieuw worden ingericht, zegt burgemeester Nauta."}
			story, err := findStory(ctx, idx, second.ID, NewFingerprint(second))
			if err != nil {
				t.Fatal(err)
			}
			if story != tt.story || idx.reads != tt.wantReads {
				t.Errorf("story %q after %d reads, want %q after %d", story, idx.reads, tt.story, tt.wantReads)
			}
		})
	}
}

// TestNotePublished: a later version without a publication time forgets
// the earlier one's, so findStory does not pass over it on an old time.
func TestNotePublished(t *testing.T) {
	m := newMemIndex()
	m.notePublished("a", 1_700_000_000)
	if got := m.published("a"); got != 1_700_000_000/60*60 {
		t.Fatalf("published %d", got)
	}
	m.notePublished("a", 0)
	m.notePublished("b", 0)
	if m.published("a") != 0 || m.published("b") != 0 || len(m.ids) != 1 {
		t.Errorf("after unknown times: a %d, b %d, %d ids", m.published("a"), m.published("b"), len(m.ids))
	}
}
