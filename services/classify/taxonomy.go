package classify

import (
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/bakenhub/baken/pkg/textnorm"
)

// Taxonomy is the theme file: per theme, weighted terms and exclusions.
// data/taxonomy.yaml documents the matching rules.
type Taxonomy struct {
	Themes []ThemeRules `yaml:"themes"`
}

// ThemeRules says when an item belongs to one theme.
type ThemeRules struct {
	ID        string             `yaml:"id"`
	Label     string             `yaml:"label"`
	Threshold float64            `yaml:"threshold"`
	Terms     map[string]float64 `yaml:"terms"`
	Exclude   []string           `yaml:"exclude"`
}

// LoadTaxonomy reads and checks a taxonomy file.
func LoadTaxonomy(r io.Reader) (*Taxonomy, error) {
	var t Taxonomy
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("taxonomy: %w", err)
	}
	seen := map[string]bool{}
	for i, th := range t.Themes {
		switch {
		case textnorm.Slug(th.ID) != th.ID || th.ID == "":
			return nil, fmt.Errorf("taxonomy: themes[%d].id %q: want a lower-case slug", i, th.ID)
		case seen[th.ID]:
			return nil, fmt.Errorf("taxonomy: theme %q defined twice", th.ID)
		case th.Threshold <= 0:
			return nil, fmt.Errorf("taxonomy: theme %q: threshold must be positive", th.ID)
		case len(th.Terms) == 0:
			return nil, fmt.Errorf("taxonomy: theme %q: no terms", th.ID)
		}
		seen[th.ID] = true
		for term, w := range th.Terms {
			if w <= 0 {
				return nil, fmt.Errorf("taxonomy: theme %q term %q: weight must be positive", th.ID, term)
			}
			if len(textnorm.Words(textnorm.Fold(term))) == 0 {
				return nil, fmt.Errorf("taxonomy: theme %q term %q: no words", th.ID, term)
			}
		}
	}
	return &t, nil
}

// IDs lists the theme ids in file order.
func (t *Taxonomy) IDs() []string {
	ids := make([]string, len(t.Themes))
	for i, th := range t.Themes {
		ids[i] = th.ID
	}
	return ids
}

// Label returns the display name of a theme id.
func (t *Taxonomy) Label(id string) string {
	for _, th := range t.Themes {
		if th.ID == id && th.Label != "" {
			return th.Label
		}
	}
	return id
}

type matchMode int

const (
	whole  matchMode = iota
	prefix           // "drugs*": compound heads
	suffix           // "*uitbuiting": compound tails
)

// pattern matches one folded word.
type pattern struct {
	text string
	mode matchMode
}

// matches compares a whole-word pattern with the word's stem, and affix
// patterns with the word itself.
func (p pattern) matches(t *token) bool {
	switch p.mode {
	case prefix:
		return strings.HasPrefix(t.folded, p.text)
	case suffix:
		return strings.HasSuffix(t.folded, p.text)
	}
	return t.stem == p.text
}

// compilePhrase turns "zorg en veiligheidshuis*" into word patterns. Whole
// words are stemmed like the text they are compared with; a wildcard
// applies to the word it is written on.
func compilePhrase(phrase string, st *stemmer) []pattern {
	var ps []pattern
	for _, field := range strings.Fields(textnorm.Fold(phrase)) {
		words := textnorm.Words(field)
		for i, w := range words {
			p := pattern{text: st.stem(w), mode: whole}
			switch {
			case i == len(words)-1 && strings.HasSuffix(field, "*"):
				p = pattern{text: w, mode: prefix}
			case i == 0 && strings.HasPrefix(field, "*"):
				p = pattern{text: w, mode: suffix}
			}
			ps = append(ps, p)
		}
	}
	return ps
}
