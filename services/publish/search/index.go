// Package search is the publisher's full-text index of the curated items:
// title, text, places and sources, with Dutch stemming and accents folded,
// filtered by theme, district, source and period, ranked by relevance. It
// is a bleve index on disk in the publisher's data folder, fed item by item
// from the curated stream; it remembers the last stream sequence it holds,
// so a restart resumes there instead of indexing everything again. Each
// publish replica keeps an index of its own.
package search

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/textnorm"
)

// seqKey is where the index keeps the last curated stream sequence it holds.
var seqKey = []byte("baken:last_seq")

// dutch is the analyzer of the text fields: words, lower case, accents
// folded (Súdwest-Fryslân is found as sudwest-fryslan), Dutch stop words
// dropped and Dutch snowball stems (verdachten, verdachte: verdacht).
const dutch = "baken_nl"

// Index is the search index.
type Index struct {
	idx bleve.Index
}

// Doc is what is indexed of an item.
type Doc struct {
	Title      string    `json:"title"`
	Text       string    `json:"text"`
	Places     []string  `json:"places"`
	Source     string    `json:"source"`      // id, exact
	SourceName string    `json:"source_name"` // words
	Themes     []string  `json:"themes"`
	Districts  []string  `json:"districts"`
	Published  time.Time `json:"published"`
}

// DocOf is the indexed form of it; sourceName names its source.
func DocOf(it item.Item, sourceName string) Doc {
	return Doc{
		Title: it.Title, Text: textnorm.StripHTML(it.Text()), Places: it.Places,
		Source: it.Source, SourceName: sourceName, Themes: it.ThemeIDs(), Districts: it.Districts, Published: it.Published,
	}
}

// Open opens the index in dir, creating it when there is none.
func Open(dir string) (*Index, error) {
	idx, err := bleve.Open(dir)
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		m, mErr := newMapping()
		if mErr != nil {
			return nil, mErr
		}
		idx, err = bleve.New(dir, m)
	}
	if err != nil {
		return nil, fmt.Errorf("search: open %s: %w", dir, err)
	}
	return &Index{idx: idx}, nil
}

func newMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	err := m.AddCustomAnalyzer(dutch, map[string]any{
		"type":          custom.Name,
		"char_filters":  []string{asciifolding.Name},
		"tokenizer":     unicode.Name,
		"token_filters": []string{lowercase.Name, nl.StopName, nl.SnowballStemmerName},
	})
	if err != nil {
		return nil, fmt.Errorf("search: analyzer: %w", err)
	}
	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer, f.Store, f.IncludeTermVectors = dutch, false, false
		return f
	}
	exact := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer, f.Store, f.IncludeTermVectors, f.IncludeInAll = keyword.Name, false, false, false
		return f
	}
	date := bleve.NewDateTimeFieldMapping()
	date.Store, date.IncludeInAll = false, false
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt("title", text())
	doc.AddFieldMappingsAt("text", text())
	doc.AddFieldMappingsAt("places", text())
	doc.AddFieldMappingsAt("source_name", text())
	doc.AddFieldMappingsAt("source", exact())
	doc.AddFieldMappingsAt("themes", exact())
	doc.AddFieldMappingsAt("districts", exact())
	doc.AddFieldMappingsAt("published", date)
	m.DefaultMapping = doc
	m.DefaultAnalyzer = dutch
	m.StoreDynamic, m.IndexDynamic, m.DocValuesDynamic = false, false, false
	return m, nil
}

// Batch is a set of changes applied at once, with the stream sequence they
// bring the index up to.
type Batch struct {
	b   *bleve.Batch
	seq uint64
}

// NewBatch starts a batch.
func (x *Index) NewBatch() *Batch { return &Batch{b: x.idx.NewBatch()} }

// Put adds or replaces the item id, seen at stream sequence seq.
func (b *Batch) Put(id string, d Doc, seq uint64) error {
	b.seq = max(b.seq, seq)
	if err := b.b.Index(id, d); err != nil {
		return fmt.Errorf("search: index %s: %w", id, err)
	}
	return nil
}

// Len is the number of changes in the batch.
func (b *Batch) Len() int { return b.b.Size() }

// Apply writes the batch and its sequence in one go.
func (x *Index) Apply(b *Batch) error {
	b.b.SetInternal(seqKey, []byte(strconv.FormatUint(b.seq, 10)))
	if err := x.idx.Batch(b.b); err != nil {
		return fmt.Errorf("search: batch: %w", err)
	}
	b.b.Reset()
	return nil
}

// LastSeq is the last stream sequence the index holds, 0 for none.
func (x *Index) LastSeq() (uint64, error) {
	v, err := x.idx.GetInternal(seqKey)
	if err != nil {
		return 0, fmt.Errorf("search: %w", err)
	}
	if len(v) == 0 {
		return 0, nil
	}
	return strconv.ParseUint(string(v), 10, 64)
}

// Count is the number of items indexed.
func (x *Index) Count() (uint64, error) { return x.idx.DocCount() }

// Close closes the index.
func (x *Index) Close() error { return x.idx.Close() }
