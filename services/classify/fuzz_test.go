package classify

import (
	"testing"
	"unicode/utf8"

	"github.com/bakenhub/baken/pkg/item"
)

// FuzzClassify feeds arbitrary text through tokenising, theme matching and
// the gazetteer: no panic, and every answer is one the data allows.
func FuzzClassify(f *testing.F) {
	for _, s := range []string{
		"Drugslab in Amersfoort", "burgemeester van Huizen", "Best practices", "Zorg- en Veiligheidshuis regio Utrecht",
		"'s-Hertogenbosch — “Den Bosch”", "Echt-Susteren\u00a0en Bergen op Zoom", "ÅÉÎ ﬁ ß 中文", "\xff\xfe", "",
	} {
		f.Add(s, s, "midden-nederland")
	}
	cl := defaultClassifier(f)
	known := map[string]bool{}
	for _, r := range cl.Gazetteer().Regions() {
		known[r.ID] = true
	}
	f.Fuzz(func(t *testing.T, title, body, home string) {
		r := cl.Classify(item.Item{Title: title, Summary: body, Home: home})
		for _, th := range r.Themes {
			if th.Score <= 0 || len(th.Matched) == 0 {
				t.Errorf("theme %+v without score or reason", th)
			}
		}
		for _, p := range r.Places {
			if _, ok := cl.Gazetteer().Municipality(p); !ok {
				t.Errorf("place %q is not a municipality", p)
			}
		}
		for _, d := range r.Districts {
			if d == home {
				continue // the configuration's word, checked by config.Validate
			}
			if !known[d] || !utf8.ValidString(d) {
				t.Errorf("district %q is not a known district", d)
			}
		}
	})
}
