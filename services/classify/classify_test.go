package classify

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/pkg/item"
)

func defaultClassifier(t testing.TB) *Classifier {
	t.Helper()
	cl, err := New(config.Default().Classify)
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func themeIDs(r Result) []string {
	var ids []string
	for _, th := range r.Themes {
		ids = append(ids, th.ID)
	}
	return ids
}

func TestThemes(t *testing.T) {
	cl := defaultClassifier(t)
	tests := []struct {
		name        string
		it          item.Item
		want, never []string
	}{
		{"compound head", item.Item{Title: "Drugslab opgerold in schuur", Summary: "De politie vond een drugslab."}, []string{"ondermijning"}, nil},
		{"compound tail", item.Item{Title: "Aanpak arbeidsuitbuiting", Summary: "Gemeenten werken samen tegen arbeidsuitbuiting in de regio."}, []string{"mensenhandel"}, nil},
		{"cyber compound", item.Item{Title: "Cyberaanval op gemeente", Summary: "Een cyberaanval legde de systemen plat."}, []string{"digitale-veiligheid"}, nil},
		{"stemmed plural", item.Item{Title: "Kennissessie", Summary: "Een sessie over complexe demonstraties en de aanpak van demonstraties in de regio."}, []string{"maatschappelijke-onrust"}, nil},
		{"english", item.Item{Title: "Terrorist threat level raised to 4", Summary: "The threat level for terrorism in the Netherlands is now substantial.", Language: "en"}, []string{"terrorisme"}, nil},
		{"none", item.Item{Title: "Nieuwe collega bij het bureau", Summary: "Met ingang van september werkt een nieuwe collega op het secretariaat."}, nil, []string{"ondermijning", "terrorisme", "openbare-orde"}},
		{"exclusion: a name is not the theme", item.Item{Title: "Nieuwe directeur", Summary: "De Nationaal Coördinator Terrorismebestrijding en Veiligheid heeft een nieuwe directeur."}, nil, []string{"terrorisme"}},
		// Broad terms need support: another term of the theme or a context word.
		{"broad: drugs prevention", item.Item{Title: "Drugspreventie op basisscholen", Summary: "Leerlingen krijgen les over de risico's van drugs en roken."}, nil, []string{"ondermijning"}},
		{"broad: drugs with context", item.Item{Title: "Drugs in schuur", Summary: "Agenten vonden 40 kilo drugs in een schuur in Emmen."}, []string{"ondermijning"}, nil},
		{"broad: hackathon", item.Item{Title: "Hackathon voor studenten", Summary: "Studenten hacken een weekend lang aan slimme apps voor de stad."}, nil, []string{"digitale-veiligheid"}},
		{"broad: hackers with context", item.Item{Title: "Gemeente gehackt", Summary: "Hackers hebben de systemen van de gemeente platgelegd."}, []string{"digitale-veiligheid"}, nil},
		{"broad: football tournament", item.Item{Title: "Voetbaltoernooi voor de jeugd", Summary: "Zaterdag is het jaarlijkse voetbaltoernooi op het sportpark."}, nil, []string{"openbare-orde"}},
		{"broad: aftercare", item.Item{Title: "Nazorg na heupoperatie", Summary: "Na de operatie is goede nazorg belangrijk voor uw herstel."}, nil, []string{"zorg-en-veiligheid"}},
		{"broad: aftercare of prisoners", item.Item{Title: "Nazorg", Summary: "Gemeenten regelen nazorg voor gedetineerden die uit detentie komen."}, []string{"zorg-en-veiligheid"}, nil},
		{"broad: a dog and fireworks", item.Item{Title: "Hond rent weg door vuurwerk", Summary: "Het vuurwerk maakte de hond zo bang dat hij wegrende. Zijn baasjes zoeken hem nog."}, nil, []string{"openbare-orde"}},
		{"broad: fireworks with context", item.Item{Title: "Vuurwerk", Summary: "De politie hield tijdens de jaarwisseling twintig mensen aan voor het afsteken van vuurwerk."}, []string{"openbare-orde"}, nil},
		{"broad: loverboy victims", item.Item{Title: "Meisjes geronseld door loverboys", Summary: "De meisjes worden via sociale media geronseld en komen in de prostitutie terecht."}, []string{"mensenhandel"}, []string{"jonge-aanwas"}},
		{"broad: youth recruited", item.Item{Title: "Criminelen ronselen", Summary: "Criminelen ronselen jongeren via Snapchat voor explosies."}, []string{"jonge-aanwas"}, nil},
		// Terms carry their language.
		{"dutch term in english", item.Item{Title: "Tell me about the events", Summary: "Tell me what happened at the events in the city and who was there."}, nil, []string{"openbare-orde"}},
		// Compounds: hyphenated, spaced, long, inflected.
		{"hyphenated compound", item.Item{Title: "Politie pakt 47 mensen op", Summary: "Een groot onderzoek naar WhatsApp-fraude."}, []string{"digitale-veiligheid"}, nil},
		{"spaced compound", item.Item{Title: "Politie pakt 47 mensen op", Summary: "Een groot onderzoek naar WhatsApp fraude."}, []string{"digitale-veiligheid"}, nil},
		{"joined phrase", item.Item{Title: "Waarschuwing", Summary: "Ouderen worden vaak slachtoffer van onlinefraude."}, []string{"digitale-veiligheid"}, nil},
		{"compound head plural", item.Item{Title: "Valse e-mails", Summary: "Er gaan phishingmails rond uit naam van de gemeente."}, []string{"digitale-veiligheid"}, nil},
		{"inflected", item.Item{Title: "Controles", Summary: "Er wordt mogelijk geld witgewassen bij autobedrijven."}, []string{"ondermijning"}, nil},
		{"adjective", item.Item{Title: "Extreemrechtse incidenten", Summary: "Het aantal incidenten blijft groot."}, []string{"radicalisering-extremisme"}, nil},
		{"long compound tail", item.Item{Title: "Onderzoek", Summary: "Een onderzoek naar onlineradicalisering onder jongeren."}, []string{"radicalisering-extremisme"}, nil},
		{"riots compound", item.Item{Title: "Avondklokrellen", Summary: "Na drie dagen van avondklokrellen is het weer rustig."}, []string{"maatschappelijke-onrust"}, nil},
		{"protest verb", item.Item{Title: "Boeren protesteerden", Summary: "Boeren protesteerden tegen de plannen van het kabinet."}, []string{"maatschappelijke-onrust"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cl.Classify(tt.it)
			got := themeIDs(r)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("themes %v, want %s", got, w)
				}
			}
			for _, n := range tt.never {
				if slices.Contains(got, n) {
					t.Errorf("themes %v, must not contain %s", got, n)
				}
			}
			for _, th := range r.Themes {
				if th.Score <= 0 || len(th.Matched) == 0 {
					t.Errorf("theme %s without score or matched terms: %+v", th.ID, th)
				}
			}
		})
	}
}

func TestTitleCountsDouble(t *testing.T) {
	tax, err := LoadTaxonomy(strings.NewReader(`
themes:
  - id: openbare-orde
    label: Openbare orde
    threshold: 2
    terms:
      vuurwerk*: 1
`))
	if err != nil {
		t.Fatal(err)
	}
	cl := NewWith(tax, defaultClassifier(t).Gazetteer())
	if got := themeIDs(cl.Classify(item.Item{Title: "Vuurwerkverbod", Summary: "Een besluit."})); len(got) != 1 {
		t.Errorf("title hit of weight 1: themes %v, want openbare-orde", got)
	}
	if got := themeIDs(cl.Classify(item.Item{Title: "Besluit", Summary: "Over vuurwerk. En nog eens vuurwerk."})); len(got) != 0 {
		t.Errorf("body hits of weight 1, repeated: themes %v, want none", got)
	}
}

func TestLoadTaxonomyErrors(t *testing.T) {
	tests := map[string]string{
		"themes: [{id: Onder Mijning, threshold: 1, terms: {a: 1}}]":                       "want a lower-case slug",
		"themes: [{id: a, threshold: 0, terms: {a: 1}}]":                                   "threshold must be positive",
		"themes: [{id: a, threshold: 1, terms: {}}]":                                       "no terms",
		"themes: [{id: a, threshold: 1, terms: {x: -1}}]":                                  "weight must be positive",
		"themes: [{id: a, threshold: 1, terms: {x: 1}, extra: 1}]":                         "field extra not found",
		"themes: [{id: a, threshold: 1, terms: {x: {weight: 1, lang: de}}}]":               "lang \"de\"",
		"themes: [{id: a, threshold: 1, terms: {x: {weight: 1, near: [y]}}}]":              "near words without near support",
		"themes: [{id: a, threshold: 1, terms: {x: {weight: 1, support: [often]}}}]":       "support \"often\"",
		"themes: [{id: a, threshold: 1, terms: {x: {weight: 1, support: true, more: 1}}}]": "field more not found",
		"themes: [{id: a, threshold: 1, en: {x: {weight: 0}}}]":                            "weight must be positive",
	}
	for yaml, want := range tests {
		if _, err := LoadTaxonomy(strings.NewReader(yaml)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", yaml, err, want)
		}
	}
}

func TestPlaces(t *testing.T) {
	cl := defaultClassifier(t)
	tests := []struct {
		name, home, text string
		places, dists    []string
	}{
		{"multi-word names", "", "Overleg in Utrechtse Heuvelrug, Stichtse Vecht en De Bilt.", []string{"Utrechtse Heuvelrug", "Stichtse Vecht", "De Bilt"}, []string{"midden-nederland"}},
		{"city with sourced district", "", "Een nieuwe aanpak in Utrecht.", []string{"Utrecht"}, []string{"utrecht-stad"}},
		{"part of a municipality", "", "Onrust in Overvecht na een schietpartij.", []string{"Utrecht"}, []string{"utrecht-stad"}},
		{"former municipality", "", "Een inbraakgolf in Weesp.", []string{"Amsterdam"}, []string{"amsterdam"}},
		{"merged municipality", "", "Een inbraak in Haren.", []string{"Groningen"}, []string{"groningen"}},
		{"alias that is a word", "", "This is a grave threat to public order.", nil, nil},
		{"longest name wins", "", "Een festival in Bergen op Zoom.", []string{"Bergen op Zoom"}, []string{"zeeland-west-brabant"}},
		{"word, no evidence", "", "Best practices voor een houten hek en huizen in de wijk.", nil, nil},
		{"word at sentence start", "", "Huizen met achterstallig onderhoud. Houten banken.", nil, nil},
		{"word with a capital mid-sentence", "", "De burgemeesters van Huizen en Soest spraken.", []string{"Huizen", "Soest"}, []string{"gooi-en-vechtstreek", "midden-nederland"}},
		{"burgemeester van", "", "Een gesprek met de burgemeester van houten.", []string{"Houten"}, []string{"midden-nederland"}},
		{"gemeente X", "", "de gemeente best start een proef", []string{"Best"}, []string{"oost-brabant"}},
		{"namesakes decided by home", "noord-holland", "Een bijeenkomst in Bergen.", []string{"Bergen (NH.)"}, []string{"noord-holland"}},
		{"namesakes without home", "", "Een bijeenkomst in Bergen.", nil, nil},
		{"province is not the city", "", "De gemeentesecretarissen van de provincie Utrecht.", nil, nil},
		{"district and unit names", "", "Samenwerking in Gooi en Vechtstreek en Midden-Nederland.", nil, []string{"gooi-en-vechtstreek", "midden-nederland"}},
		// Villages place their municipality (woonplaatsen.csv).
		{"village", "", "Een inbraak in Lepelstraat.", []string{"Bergen op Zoom"}, []string{"zeeland-west-brabant"}},
		{"village of several words", "", "Brand in Koog aan de Zaan.", []string{"Zaanstad"}, []string{"noord-holland"}},
		{"former town, now a village", "", "Een drugslab in Schijndel opgerold.", []string{"Meierijstad"}, []string{"oost-brabant"}},
		{"villages in a list", "", "De politie doorzocht woningen in Amsterdam, Vinkeveen en Assendelft.", []string{"Amsterdam", "De Ronde Venen", "Zaanstad"}, []string{"amsterdam", "midden-nederland", "noord-holland"}},
		{"village named like a person", "", "Een lezing door Joppe van der Bruggen.", nil, nil},
		{"police headline", "", "Lekkerkerk: fietser overleden na aanrijding.", []string{"Krimpenerwaard"}, []string{"den-haag"}},
		// Names in several municipalities need evidence.
		{"namesake village, decided by another place", "", "Brand in Laren, gemeente Lochem.", []string{"Lochem"}, []string{"oost-nederland"}},
		{"namesakes decided by province", "", "Onrust in Stein: de Limburgse gemeente is geen usual suspect.", []string{"Stein (L.)"}, []string{"limburg"}},
		{"municipality over a village of another", "", "Eieren op het stadhuis in Hoorn.", []string{"Hoorn"}, []string{"noord-holland"}},
		{"only villages, no evidence", "", "Een feest in Nes.", nil, nil},
		// News spellings, datelines, longer names, adjectives, home towns.
		{"news alias", "", "Een demonstratie in Den Haag en in Den Bosch.", []string{"'s-Gravenhage", "'s-Hertogenbosch"}, []string{"den-haag", "oost-brabant"}},
		{"english alias", "", "A conference in The Hague on terrorism.", []string{"'s-Gravenhage"}, []string{"den-haag"}},
		{"dateline", "", "DEN HAAG (ANP) - Het kabinet neemt maatregelen tegen ondermijning.", nil, nil},
		{"dateline without agency", "", "ROTTERDAM - De politie heeft een man aangehouden.", nil, nil},
		{"dateline named again", "", "DRACHTEN - De politie heeft in Drachten een hennepkwekerij opgerold.", []string{"Smallingerland"}, []string{"fryslan"}},
		{"surname", "", "Volgens onderzoeker Astrid van Huizen is het beeld somber.", nil, nil},
		{"mayor of", "", "Burgemeesters Niek Meijer van Huizen en Rob Metz van Soest spraken.", []string{"Huizen", "Soest"}, []string{"gooi-en-vechtstreek", "midden-nederland"}},
		{"place inside a place name", "", "Een ongeluk in Den Hoorn.", nil, nil},
		{"organisation", "", "Het Instituut Mijnbouwschade Groningen opent een loket.", nil, nil},
		{"adjective", "", "Cocaïne in de Rotterdamse haven en op Zoetermeerse bedrijventerreinen.", []string{"Rotterdam", "Zoetermeer"}, []string{"rotterdam", "den-haag"}},
		{"home town", "", "Een man uit Alkmaar is aangehouden in Utrecht.", []string{"Utrecht"}, []string{"utrecht-stad"}},
		{"residence", "", "Het slachtoffer, een inwoner van Rotterdam, is overleden.", nil, nil},
		{"hospitals", "", "De gewonden zijn naar ziekenhuizen gebracht, onder meer in Utrecht en Ede.", nil, nil},
		{"comparison", "", "In Putten is het veiliger dan in de buurgemeenten Ermelo en Harderwijk.", []string{"Putten"}, []string{"oost-nederland"}},
		{"provinces beside provinces", "", "In Groningen en Utrecht daalde het aantal het minst en in Flevoland het meest.", nil, []string{"flevoland"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := cl.Gazetteer().Find(tt.home, tt.text)
			if !slices.Equal(p.Municipalities, tt.places) || !slices.Equal(p.Districts, tt.dists) {
				t.Errorf("Find(%q) = %q %q, want %q %q", tt.text, p.Municipalities, p.Districts, tt.places, tt.dists)
			}
		})
	}
}

func TestHomeWhenNoPlace(t *testing.T) {
	r := defaultClassifier(t).Classify(item.Item{Title: "Nieuwsbrief", Summary: "De nieuwsbrief van deze maand.", Home: "rotterdam"})
	if !slices.Equal(r.Districts, []string{"rotterdam"}) {
		t.Errorf("districts %v, want the source's home", r.Districts)
	}
}

func TestDistrictOverride(t *testing.T) {
	g, err := LoadGazetteer(mustOpen(t, "data/gemeenten.csv"), mustOpen(t, "data/regions.csv"), map[string]string{"Amersfoort": "Oost-Utrecht"})
	if err != nil {
		t.Fatal(err)
	}
	if p := g.Find("", "Een bijeenkomst in Amersfoort."); !slices.Equal(p.Districts, []string{"oost-utrecht"}) {
		t.Errorf("districts %v, want the configured oost-utrecht", p.Districts)
	}
	if _, err := LoadGazetteer(mustOpen(t, "data/gemeenten.csv"), mustOpen(t, "data/regions.csv"), map[string]string{"Amersfort": "x"}); err == nil {
		t.Error("override of an unknown municipality accepted")
	}
}

func TestGazetteerCoversEveryMunicipality(t *testing.T) {
	g := defaultClassifier(t).Gazetteer()
	if g.Len() != 342 {
		t.Errorf("%d municipalities, want 342", g.Len())
	}
}

// TestDevset guards the figures the README reports.
func TestDevset(t *testing.T) {
	cl := defaultClassifier(t)
	set, err := ReadLabelled(mustOpen(t, "testdata/devset.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	rep := Evaluate(cl, set)
	if f1 := rep.Micro.F1(); f1 < 0.90 {
		t.Errorf("micro-F1 %.2f, want >= 0.90", f1)
	}
	if acc := float64(rep.PlacesExact) / float64(rep.Items); acc < 0.95 {
		t.Errorf("places exactly right on %.0f%% of items, want >= 95%%", 100*acc)
	}
}

// TestDevsetReal guards the figures on real published texts
// (testdata/devset-real.jsonl, see devset-real.SOURCES.md).
func TestDevsetReal(t *testing.T) {
	cl := defaultClassifier(t)
	set, err := ReadLabelled(mustOpen(t, "testdata/devset-real.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(set) != 178 {
		t.Fatalf("devset changed: %d items", len(set))
	}
	rep := Evaluate(cl, set)
	if f1 := rep.Micro.F1(); f1 < 0.93 {
		t.Errorf("micro-F1 %.2f, want >= 0.93: %q", f1, rep.Errors)
	}
	if acc := float64(rep.PlacesExact) / float64(rep.Items); acc < 0.90 {
		t.Errorf("places exactly right on %.0f%% of items, want >= 90%%: %q", 100*acc, rep.Errors)
	}
}

func mustOpen(t testing.TB, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
