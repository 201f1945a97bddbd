// Package classify assigns themes and districts to items: themes from a
// weighted-term taxonomy, places and districts from a gazetteer of Dutch
// municipalities, both explainable (each theme lists the terms that matched).
package classify

import (
	"bytes"
	"embed"
	"fmt"
	"os"
	"strings"

	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/textnorm"
)

//go:embed data/taxonomy.yaml data/gemeenten.csv data/regions.csv data/woonplaatsen.csv
var shipped embed.FS

// Classifier holds a taxonomy and a gazetteer; it is safe for concurrent use.
type Classifier struct {
	tax    *Taxonomy
	stem   *stemmer
	themes *themeMatcher
	gaz    *Gazetteer
}

// New builds a classifier from the shipped data files, or the files named in
// cfg where set.
func New(cfg config.Classify) (*Classifier, error) {
	tax, err := readFile(cfg.Taxonomy, "data/taxonomy.yaml")
	if err != nil {
		return nil, err
	}
	gem, err := readFile(cfg.Gazetteer, "data/gemeenten.csv")
	if err != nil {
		return nil, err
	}
	regions, err := readFile("", "data/regions.csv")
	if err != nil {
		return nil, err
	}
	t, err := LoadTaxonomy(bytes.NewReader(tax))
	if err != nil {
		return nil, err
	}
	g, err := LoadGazetteer(bytes.NewReader(gem), bytes.NewReader(regions), cfg.Districts)
	if err != nil {
		return nil, err
	}
	villages, err := readFile("", "data/woonplaatsen.csv")
	if err != nil {
		return nil, err
	}
	if err := g.AddWoonplaatsen(bytes.NewReader(villages)); err != nil {
		return nil, err
	}
	return NewWith(t, g), nil
}

// NewWith builds a classifier from a loaded taxonomy and gazetteer.
func NewWith(t *Taxonomy, g *Gazetteer) *Classifier {
	st := newStemmer()
	return &Classifier{tax: t, stem: st, themes: newThemeMatcher(t, st), gaz: g}
}

func readFile(path, fallback string) ([]byte, error) {
	if path == "" {
		return shipped.ReadFile(fallback)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("classify: %w", err)
	}
	return data, nil
}

// Taxonomy returns the classifier's taxonomy.
func (c *Classifier) Taxonomy() *Taxonomy { return c.tax }

// Gazetteer returns the classifier's gazetteer.
func (c *Classifier) Gazetteer() *Gazetteer { return c.gaz }

// Result is what the classifier says of one item.
type Result struct {
	Themes    []item.Theme `json:"themes"`
	Places    []string     `json:"places"`
	Districts []string     `json:"districts"`
}

// Classify assigns themes, places and districts to it.
func (c *Classifier) Classify(it item.Item) Result {
	body := textnorm.StripHTML(it.Text())
	if it.Summary != "" && it.Content != "" {
		body = it.Summary + "\n" + body
	}
	title, text := c.stem.tokenize(it.Title, false), c.stem.tokenize(body, true)
	r := Result{Themes: c.themes.score(title, text, language(it.Language, title, text))}
	p := c.gaz.find(it.Home, title, text)
	r.Places, r.Districts = p.Municipalities, p.Districts
	if len(r.Districts) == 0 && it.Home != "" {
		r.Districts = []string{it.Home}
	}
	if r.Themes == nil {
		r.Themes = []item.Theme{}
	}
	if r.Places == nil {
		r.Places = []string{}
	}
	if r.Districts == nil {
		r.Districts = []string{}
	}
	return r
}

// language is the item's language, "nl" or "en", from its own words, else
// from what the source said; "" when neither tells.
func language(declared string, fields ...[]token) string {
	def := ""
	switch {
	case strings.HasPrefix(declared, "nl"):
		def = "nl"
	case strings.HasPrefix(declared, "en"):
		def = "en"
	}
	return textnorm.Language(func(yield func(string) bool) {
		n := 0
		for _, toks := range fields {
			for i := range toks {
				if n++; n > languageWords || !yield(toks[i].folded) {
					return
				}
			}
		}
	}, def)
}

// languageWords is how many words of an item tell its language: enough
// function words, without reading a long text to its end.
const languageWords = 120

// Apply classifies it and stores the result on it.
func (c *Classifier) Apply(it item.Item) item.Item {
	r := c.Classify(it)
	it.Themes, it.Places, it.Districts = r.Themes, r.Places, r.Districts
	return it
}
