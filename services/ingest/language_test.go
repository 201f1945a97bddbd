package ingest

import (
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/bakenhub/baken/pkg/config"
)

func TestDetectLanguage(t *testing.T) {
	tests := []struct {
		name, text, def, want string
	}{
		{"dutch", "Op 12 december heeft de NCTV het nieuwe Dreigingsbeeld Terrorisme Nederland gepubliceerd. Het dreigingsniveau gaat van 3 naar 4.", "en", "nl"},
		{"english", "The National Coordinator for Security and Counterterrorism has raised the terrorist threat level for the Netherlands from 3 to 4.", "nl", "en"},
		{"english in a dutch feed", "The NCTV has published the Risk and Crisis Barometer for autumn 2023. The barometer describes how the general public perceives risks and threats to national security.", "nl", "en"},
		{"short title keeps the default", "Risk and Crisis Barometer autumn 2023 published", "nl", "nl"},
		{"names only", "NCTV DTN RIEC BIBOB", "nl", "nl"},
		{"mixed and close", "De toolkit Laat je niet interneppen is the campaign for the public and de gemeenten.", "nl", "nl"},
		{"empty", "", "en", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := detectLanguage(tt.text, tt.def); got != tt.want {
				t.Errorf("detectLanguage(%q, %q) = %q, want %q", tt.text, tt.def, got, tt.want)
			}
		})
	}
}

// TestNormalizeLanguagePerEntry: a Dutch feed with an English entry, as
// the NCTV publishes, tags each entry by its own words.
func TestNormalizeLanguagePerEntry(t *testing.T) {
	feed := parseFixture(t, "nctv.atom")
	want := map[string]string{
		"Terrorist threat level raised to 4 (substantial)":            "en",
		"Nieuwe Dreigingsbeeld Terrorisme Nederland (DTN) verschenen": "nl",
		"Risk and Crisis Barometer autumn 2023 published":             "en",
		"Risico- en crisisbarometer najaar 2023 verschenen":           "nl",
	}
	items, errs := NewNormalizer(fixedClock).Feed(config.Source{ID: "nctv"}, feed, "https://www.nctv.nl/actueel/nieuws.atom")
	if len(errs) != 0 || len(items) != len(want) {
		t.Fatalf("%d items, errors %v", len(items), errs)
	}
	for _, it := range items {
		if it.Language != want[it.Title] {
			t.Errorf("%q: language %q, want %q", it.Title, it.Language, want[it.Title])
		}
	}
	// The same English entry alone, without text beyond its title, keeps
	// the feed's language.
	short := &gofeed.Feed{Language: "nl", Items: []*gofeed.Item{{Title: "Risk and Crisis Barometer autumn 2023 published", Link: "https://english.nctv.nl/x"}}}
	if items, _ := NewNormalizer(fixedClock).Feed(config.Source{ID: "nctv"}, short, ""); items[0].Language != "nl" {
		t.Errorf("short entry: language %q, want the feed's nl", items[0].Language)
	}
}
