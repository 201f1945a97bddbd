package dedup

import (
	"slices"
	"strings"
	"testing"

	"github.com/bakenhub/baken/pkg/item"
)

func TestTokenizeFacts(t *testing.T) {
	tests := []struct {
		title, text string
		facts       []string // the fact words, folded, in order
	}{
		{"Geregistreerde criminaliteit stijgt met 2% in de eerste elf maanden",
			"In de eerste tien maanden van 2023 stijgt in Midden-Nederland de criminaliteit met 2%.",
			[]string{"2", "eerste", "11", "eerste", "10", "2023", "midden", "nederland", "2"}},
		{"Terrorist threat assessment 54", "The 54th assessment, de 54ste, het 3e: veertig terabyte.",
			[]string{"54", "54", "54", "3", "40"}},
		{"Save the date 4 april", "Op donderdag 1 februari 2024 om 13:15 uur organiseert bureau RVS een sessie.",
			[]string{"4", "april", "donderdag", "1", "februari", "2024", "13", "15", "rvs"}},
		{"Werf jij al Burgernetdeelnemers?", "Volg het voorbeeld van (o.a.) Utrecht. Utrecht pakt uit! En ook De Bilt.",
			[]string{"burgernetdeelnemers", "utrecht", "de", "bilt"}},
		{"Nieuws", "Veiligheidsontwikkeling | 20 dec. 2023 en m.b.t. de Week van de Veiligheid",
			[]string{"20", "december", "2023", "week", "veiligheid"}},
		{"Coördinator", "De Nationaal Coo\u0308rdinator Terrorisme en Veiligheid", []string{"nationaal", "coordinator", "terrorisme", "veiligheid"}},
	}
	for _, tt := range tests {
		var got []string
		for _, tok := range tokenize(item.Item{Title: tt.title, Summary: tt.text}) {
			if tok.fact {
				got = append(got, tok.word)
			}
		}
		if !slices.Equal(got, tt.facts) {
			t.Errorf("%q: facts %q, want %q", tt.text, got, tt.facts)
		}
	}
}

func TestConflicts(t *testing.T) {
	const base = "Op donderdag 1 februari 2024 organiseren bureau RVS en de werkgroep een kennissessie in Utrecht over complexe demonstraties voor gemeenten."
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"same text", base, base, false},
		{"other day", base, strings.Replace(base, "1 februari", "8 februari", 1), true},
		{"other year", base, strings.Replace(base, "2024", "2025", 1), true},
		{"other place", base, strings.Replace(base, "in Utrecht", "in Amersfoort", 1), true},
		{"other organiser", base, strings.Replace(base, "bureau RVS", "bureau RIEC", 1), true},
		{"a place added elsewhere", base, base + " Ook in Amersfoort volgt een sessie voor gemeenten en partners.", false},
		{"a name dropped", base, strings.Replace(base, " in Utrecht", "", 1), false},
		{"a date before the text", base, "Den Haag, 14 december - " + base, false},
		{"a number word for the figure", "De groep heeft 40 terabyte aan data in handen van de gemeente.", "De groep heeft veertig terabyte aan data in handen van de gemeente.", false},
		{"another number word", "De groep heeft 40 terabyte aan data in handen van de gemeente.", "De groep heeft dertig terabyte aan data in handen van de gemeente.", true},
		{"a context across sentences", "De stad is Ede. De politie meldt het incident aan de pers.", "Het bureau meldt ANP. De politie meldt het incident aan de pers.", false},
		{"a name and a figure in one context", "Zo meldt de politie Oost-Nederland aan de pers van de stad.", "Eerder ontruimde de politie 150 woningen aan de rand van de stad.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := facts(tokenize(item.Item{Summary: tt.a}), nil)
			b := facts(tokenize(item.Item{Summary: tt.b}), nil)
			if got := conflicts(a, b); got != tt.want {
				t.Errorf("conflicts = %v, want %v", got, tt.want)
			}
			if conflicts(a, b) != conflicts(b, a) {
				t.Error("not symmetric")
			}
		})
	}
}
