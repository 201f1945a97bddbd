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
	ID        string  `yaml:"id"`
	Label     string  `yaml:"label"`
	Threshold float64 `yaml:"threshold"`
	// Terms are Dutch unless their lang says otherwise; English are English.
	Terms   map[string]Term `yaml:"terms"`
	English map[string]Term `yaml:"en"`
	Exclude []string        `yaml:"exclude"`
}

// Term is the weight of a taxonomy term and when it may count. In the file
// a term is a number (its weight) or a mapping with these fields.
type Term struct {
	Weight float64 `yaml:"weight"`
	// Lang is "nl", "en" or "any"; empty means the language of the list the
	// term is in.
	Lang string `yaml:"lang"`
	// Support marks a broad term: it counts only with support. true means
	// any of: another term of the theme that needs none ("term"), a Near
	// word in the same sentence close by ("near"), a hit in both the title
	// and the text ("title"); a list names the kinds that count.
	Support Support  `yaml:"support"`
	Near    []string `yaml:"near"`
}

// Support is the kinds of support a broad term needs one of; 0 for none.
type Support uint8

// The kinds of support.
const (
	SupportTerm Support = 1 << iota
	SupportNear
	SupportTitle
)

// UnmarshalYAML reads true, false or a list of "term", "near", "title".
func (s *Support) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		var b bool
		if err := n.Decode(&b); err != nil {
			return err
		}
		*s = 0
		if b {
			*s = SupportTerm | SupportNear | SupportTitle
		}
		return nil
	}
	var kinds []string
	if err := n.Decode(&kinds); err != nil {
		return err
	}
	*s = 0
	for _, k := range kinds {
		switch k {
		case "term":
			*s |= SupportTerm
		case "near":
			*s |= SupportNear
		case "title":
			*s |= SupportTitle
		default:
			return fmt.Errorf("line %d: support %q: want term, near or title", n.Line, k)
		}
	}
	if *s == 0 {
		return fmt.Errorf("line %d: support: an empty list", n.Line)
	}
	return nil
}

// UnmarshalYAML reads a term written as its weight or as a mapping.
func (t *Term) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		return n.Decode(&t.Weight)
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a term is a weight or a mapping", n.Line)
	}
	for i := 0; i < len(n.Content); i += 2 {
		switch k := n.Content[i].Value; k {
		case "weight", "lang", "support", "near":
		default:
			return fmt.Errorf("line %d: field %s not found in type classify.Term", n.Content[i].Line, k)
		}
	}
	type plain Term
	return n.Decode((*plain)(t))
}

// nearWindow is how many words either side of a broad term a Near word
// may be.
const nearWindow = 8

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
		case len(th.Terms)+len(th.English) == 0:
			return nil, fmt.Errorf("taxonomy: theme %q: no terms", th.ID)
		}
		seen[th.ID] = true
		for _, terms := range []map[string]Term{th.Terms, th.English} {
			for term, spec := range terms {
				if err := spec.check(); err != nil {
					return nil, fmt.Errorf("taxonomy: theme %q term %q: %w", th.ID, term, err)
				}
				if len(textnorm.Words(textnorm.Fold(term))) == 0 {
					return nil, fmt.Errorf("taxonomy: theme %q term %q: no words", th.ID, term)
				}
			}
		}
	}
	return &t, nil
}

func (t Term) check() error {
	switch {
	case t.Weight <= 0:
		return fmt.Errorf("weight must be positive")
	case t.Lang != "" && t.Lang != "nl" && t.Lang != "en" && t.Lang != "any":
		return fmt.Errorf("lang %q: want nl, en or any", t.Lang)
	case len(t.Near) > 0 && t.Support&SupportNear == 0:
		return fmt.Errorf("near words without near support")
	}
	for _, w := range t.Near {
		if len(textnorm.Words(textnorm.Fold(w))) == 0 {
			return fmt.Errorf("near %q: no words", w)
		}
	}
	return nil
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
	infix            // "*voetbal*": inside compounds
)

// pattern matches one folded word.
type pattern struct {
	text string
	mode matchMode
	word string // whole: the folded word before stemming
}

// matches compares a whole-word pattern with the word's stem, and affix
// patterns with the word itself.
func (p pattern) matches(t *token) bool {
	switch p.mode {
	case prefix:
		return strings.HasPrefix(t.folded, p.text)
	case suffix:
		return strings.HasSuffix(t.folded, p.text)
	case infix:
		return strings.Contains(t.folded, p.text)
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
			p := pattern{text: st.stem(w), mode: whole, word: w}
			switch {
			case len(words) == 1 && strings.HasPrefix(field, "*") && strings.HasSuffix(field, "*"):
				p = pattern{text: w, mode: infix}
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
