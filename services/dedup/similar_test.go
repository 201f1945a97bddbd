package dedup

import (
	"strings"
	"testing"

	"github.com/bakenhub/baken/pkg/item"
)

// Texts shaped like the seeds (shared/seeds/001: the coalition's news page).
const (
	dtnText = "Op 12 december heeft de NCTV (Nationaal Coördinator Terrorisme en Veiligheid) het nieuwe Dreigingsbeeld Terrorisme Nederland (DTN) gepubliceerd. " +
		"Het meest in het oog springende nieuwsfeit, dat op veel aandacht in de media heeft kunnen rekenen, is de verhoging van het dreigingsniveau terrorisme van 3 (‘voorstelbaar’) naar 4 (‘reëel’). " +
		"Kort voor het DTN verscheen -eveneens van de NCTV- al de risico- en crisisbarometer najaar 2023 naar de beleving van het algemeen publiek van risico’s en dreigingen voor de nationale veiligheid."
	dtnMore = " Het dreigingsniveau is verhoogd omdat de dreiging vanuit jihadistische hoek is toegenomen. Ook de spanningen rond het conflict in Israël en de Palestijnse gebieden spelen daarbij een rol. " +
		"Het DTN verschijnt twee keer per jaar en geeft een beeld van de terroristische en extremistische dreiging tegen Nederland en Nederlandse belangen in het buitenland. " +
		"Gemeenten, politie en partners wordt gevraagd alert te blijven op signalen van radicalisering en deze te melden via de bekende meldstructuren."
	cijfersText = "In de eerste tien maanden van 2023 stijgt in Midden-Nederland de totale geregistreerde criminaliteit met 2% ten opzichte van dezelfde periode in 2022. " +
		"Van de 38 gemeenten in de regio Midden-Nederland, is bij acht gemeenten deze stijging 10% of meer geweest. Daar staan vijf gemeenten tegenover waar de criminaliteit juist met minimaal 10% daalde in genoemde periode. " +
		"De grootste stijging in type criminaliteit in desbetreffende periode zien we wederom bij zakkenrollen (+50%). De grootste daling betreft wederom de overvallen met geweld (-25%)."
	kennisText = "Op donderdag 1 februari 2024 organiseren bureau RVS en de ambtelijke werkgroep Maatschappelijke onrust, samen met de politie een kennissessie over complexe demonstraties. " +
		"Het doel van de sessie is het verstevigen van de samenwerking in de regio Midden-Nederland rond het thema Maatschappelijke onrust in het algemeen en de aanpak van complexe demonstraties in het bijzonder. " +
		"Daarnaast streven we ernaar de kennis over handelingsperspectief m.b.t. de aanpak van complexe demonstraties te vergroten."
	sluitText = "De burgemeester van Zeist heeft op grond van artikel 13b van de Opiumwet besloten een woning aan de Slotlaan voor drie maanden te sluiten. " +
		"In de woning werd op 14 november bij een doorzoeking door de politie een hoeveelheid harddrugs aangetroffen. " +
		"Drugshandel vanuit woningen zorgt voor overlast en onveilige situaties in de buurt en trekt criminaliteit aan. De gemeente treedt daarom streng op."
	toolkitText = "Deze uitgebreide toolkit, gericht op preventie, repressie en communicatie, is nu beschikbaar voor gemeenten in de beveiligde apothekerskast (na inlog). " +
		"Bij de inhoud kan je denken aan wet- en regelgeving omtrent vuurwerk, verschillende interventies zoals het gebruik van het bestuursrecht of vuurwerkvrije zones en communicatievoorbeelden."
	apvText = "De VNG heeft de jaarlijkse actualisatie van de model APV afgerond. In deze actualisatie is onder andere de sluitingsbevoegdheid van publieke panden en de vergunningplicht voor dergelijke panden opgenomen. " +
		"Dit om verstoring van de openbare orde tegen te gaan en, middels de vergunningplicht, het (malafide) ondernemersklimaat te verbeteren."
	burendagText = "Tijdens de PGA-burendag Flevoland ontmoeten PGA-coördinatoren van naburige gemeenten elkaar in een informele setting- passeerden verschillende onderwerpen de revue. " +
		"Een daarvan was de vraag: ‘Ben ik procescoördinator of procesregisseur? Benieuwd naar de verschillende meningen?"
)

func text(title, body string, places ...string) item.Item {
	return item.Item{Title: title, Content: body, Places: places}
}

func TestDuplicate(t *testing.T) {
	dtn := text("Nieuwe Dreigingsbeeld Terrorisme Nederland (DTN) verschenen", dtnText)
	cijfers := text("Geregistreerde criminaliteit stijgt met 2% in de eerste elf maanden", cijfersText)
	kennis := text("Save the date: kennissessie complexe demonstraties 1 februari", kennisText)
	sluit := text("Burgemeester sluit drugspand aan de Slotlaan", sluitText, "Zeist")
	longStory := text(dtn.Title, "<p>"+dtnText+"</p><p>"+strings.Repeat(dtnMore, 6)+"</p>")
	tests := []struct {
		name string
		a, b item.Item
		dup  bool
	}{
		{"a new intro", dtn, text("Dreigingsniveau verhoogd", "<p>Ook voor de professionals in Noord-Holland is dit relevant nieuws.</p><p>"+dtnText+"</p>"), true},
		{"a cut summary", text(dtn.Title, dtnText+dtnMore), text(dtn.Title, dtnText), true},
		{"a summary cut mid-date", text(dtn.Title, dtnText), text(dtn.Title, strings.SplitAfter(dtnText, "Op 12")[0]+" december heeft de NCTV het nieuwe DTN en de risico- en crisisbarometer najaar 2023"), false},
		{"an extra closing line", sluit, text(sluit.Title, sluitText+"\n\nDit bericht is eerder gepubliceerd door de gemeente Zeist.", "Zeist"), true},
		{"typographic quotes and markup", dtn, text(dtn.Title, "<p>"+strings.NewReplacer("‘", "'", "’", "'", "NCTV", "<strong>NCTV</strong>").Replace(dtnText)+"</p>"), true},
		{"an abbreviated month", text("Regionale bijeenkomst", "Veiligheidsontwikkeling | 20 dec. 2023 "+kennisText), text("Regionale bijeenkomst", "Veiligheidsontwikkeling | 20 december 2023 "+kennisText), true},
		{"a teaser of a long story", longStory, text(dtn.Title, dtnText+" [...]"), true},
		{"other figures", cijfers, text(cijfers.Title, strings.NewReplacer("met 2%", "met 3%", "(+50%)", "(+45%)").Replace(cijfersText)), false},
		{"one figure other", cijfers, text("Criminaliteit in Midden-Nederland", strings.Replace(cijfersText, "bij acht gemeenten", "bij negen gemeenten", 1)), false},
		{"another region", cijfers, text(cijfers.Title, strings.ReplaceAll(cijfersText, "Midden-Nederland", "Oost-Nederland")), false},
		{"another date", kennis, text(kennis.Title, strings.Replace(kennisText, "1 februari", "14 maart", 1)), false},
		{"another weekday and date", kennis, text(kennis.Title, strings.Replace(kennisText, "donderdag 1 februari", "dinsdag 6 februari", 1)), false},
		{"another municipality", sluit, text("Burgemeester sluit drugspand", strings.NewReplacer("Zeist", "Soest", "Slotlaan", "Van Weedestraat").Replace(sluitText), "Soest"), false},
		{"another municipality, only in places", text("Drugspand gesloten", "Een woning is voor drie maanden gesloten na de vondst van harddrugs bij een doorzoeking door de politie, en de gemeente treedt streng op.", "Zeist"),
			text("Drugspand gesloten", "Een woning is voor drie maanden gesloten na de vondst van harddrugs bij een doorzoeking door de politie, en de gemeente treedt streng op.", "Soest"), false},
		{"a newsletter quoting a short item whole", text("Een geslaagde burendag Flevoland!", burendagText),
			text("Nieuwsbrief december 2023", "<p>De laatste nieuwsbrief van het jaar.</p><p>"+dtnText+"</p><p>"+kennisText+"</p><p>Een geslaagde burendag Flevoland! "+burendagText+"</p><p>"+sluitText+"</p>"), false},
		{"a template with other topic words", text("Maak kennis met de toolkit Aanpak illegaal vuurwerk", toolkitText),
			text("Maak kennis met de toolkit Aanpak wapenbezit", strings.NewReplacer("omtrent vuurwerk", "omtrent wapens", "vuurwerkvrije zones", "wapenverbodsgebieden").Replace(toolkitText)), false},
		// A repost that drops or changes a word that states no fact is
		// still a copy; a changed fact, or words changed in two places,
		// is an edit.
		{"one word dropped, no fact", text(sluit.Title, strings.Replace(sluitText, "zorgt voor overlast", "zorgt voor veel overlast", 1), "Zeist"), sluit, true},
		{"one word dropped, no fact, either order", sluit, text(sluit.Title, strings.Replace(sluitText, "zorgt voor overlast", "zorgt voor veel overlast", 1), "Zeist"), true},
		{"a figure dropped", sluit, text(sluit.Title, strings.Replace(sluitText, "op 14 november bij", "op november bij", 1), "Zeist"), false},
		{"a name dropped", sluit, text(sluit.Title, strings.Replace(sluitText, "aan de Slotlaan voor", "aan de voor", 1), "Zeist"), false},
		{"one word changed", sluit, text(sluit.Title, strings.Replace(sluitText, "zorgt voor overlast", "zorgt voor hinder", 1), "Zeist"), true},
		{"one word changed, either order", text(sluit.Title, strings.Replace(sluitText, "zorgt voor overlast", "zorgt voor hinder", 1), "Zeist"), sluit, true},
		{"words changed in two places", sluit, text(sluit.Title, strings.NewReplacer("zorgt voor overlast", "zorgt voor hinder", "een hoeveelheid harddrugs", "een partij harddrugs").Replace(sluitText), "Zeist"), false},
		{"a word of the title changed", text("Burgemeester sluit woning aan de Slotlaan", sluitText, "Zeist"),
			text("Burgemeester sluit woning aan de Slotlaan", strings.Replace(sluitText, "een woning aan", "een bedrijfspand aan", 1), "Zeist"), false},
		{"a name changed to a word", sluit, text(sluit.Title, strings.Replace(sluitText, "aan de Slotlaan voor", "aan de straat voor", 1), "Zeist"), false},
		{"a figure changed to a word", sluit, text(sluit.Title, strings.Replace(sluitText, "op 14 november bij", "op zekere november bij", 1), "Zeist"), false},
		{"the opening with a closing line of its own", text("VNG actualiseert model APV", apvText),
			text("VNG actualiseert model APV", strings.SplitAfter(apvText, "afgerond.")[0]+" Lees meer over de model APV op vng.nl."), true},
		{"a newsletter opening with another item", text("Maak kennis met de toolkit", toolkitText),
			text("Nieuwsbrief", "De laatste nieuwsbrief van het jaar met het nieuws uit de regio. "+strings.SplitAfter(toolkitText, "(na inlog).")[0]+" "+burendagText), false},
		{"too short to tell", text("Agenda", "Week van de Veiligheid: 7 t/m 13 oktober"), text("Agenda", "Week van de Veiligheid: 7 t/m 13 oktober."), false},
		{"different stories", dtn, sluit, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := NewFingerprint(tt.a), NewFingerprint(tt.b)
			simAB, dupAB := duplicate(a, b)
			simBA, dupBA := duplicate(b, a)
			if dupAB != dupBA || simAB != simBA {
				t.Fatalf("not symmetric: %.2f %v, %.2f %v", simAB, dupAB, simBA, dupBA)
			}
			if dupAB != tt.dup {
				t.Errorf("duplicate = %v (similarity %.2f, facts conflict %v), want %v", dupAB, simAB, conflicts(a.Facts, b.Facts), tt.dup)
			}
			if tt.dup && len(sharedBands(a, b)) == 0 {
				t.Errorf("a duplicate that shares no band with its story is never found")
			}
		})
	}
}

func sharedBands(a, b *Fingerprint) []band {
	var shared []band
	for _, x := range a.bands {
		for _, y := range b.bands {
			if x == y {
				shared = append(shared, x)
			}
		}
	}
	return shared
}
