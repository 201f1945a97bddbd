// Package item defines the one item schema that flows through every stage of
// Baken, from ingest to the published feeds.
package item

import "time"

// Item is a news item as it travels through the pipeline (JSON end to end).
type Item struct {
	ID     string `json:"id"`
	Source string `json:"source"`
	GUID   string `json:"guid,omitempty"`
	URL    string `json:"url"`
	Title  string `json:"title"` // plain text
	// TitleDerived is set when the source gave no title and Title is made
	// from the first words of the text.
	TitleDerived bool      `json:"title_derived,omitempty"`
	Summary      string    `json:"summary,omitempty"`
	Content      string    `json:"content,omitempty"` // sanitised HTML
	Published    time.Time `json:"published"`
	Updated      time.Time `json:"updated,omitzero"`
	// DateGuessed is set when the source gave no date and Published is the
	// first-seen time.
	DateGuessed bool     `json:"date_guessed,omitempty"`
	Language    string   `json:"language,omitempty"`
	Authors     []string `json:"authors,omitempty"`
	Categories  []string `json:"categories,omitempty"` // as the source labelled it
	// Enclosures are the files the entry carries: reports, images, audio.
	Enclosures []Enclosure `json:"enclosures,omitempty"`
	// Truncated is set when the content was cut to fit the bus's largest
	// message; the content then ends with a marker and a link to the original.
	Truncated bool `json:"truncated,omitempty"`
	// Home is the district of the source, used when the text names no place.
	Home string `json:"home,omitempty"`

	Themes      []Theme    `json:"themes,omitempty"`
	Places      []string   `json:"places,omitempty"`
	Districts   []string   `json:"districts,omitempty"`
	DuplicateOf string     `json:"duplicate_of,omitempty"`
	AlsoAt      []Location `json:"also_at,omitempty"`

	// Story is the id of the first report of the story this item is an
	// independent report of; empty when it is the first (or stories are
	// off).
	Story string `json:"story,omitempty"`
	// ReportedBy lists, on a story's first report as the publisher shows
	// it, the other reports of the story.
	ReportedBy []Location `json:"reported_by,omitempty"`
	// Curated is when this version was stored on the curated stream, as
	// the publisher read it; not part of the JSON.
	Curated time.Time `json:"-"`
}

// Enclosure is a file attached to an entry (RSS enclosure, Atom
// rel=enclosure, media:content, JSON Feed attachment).
type Enclosure struct {
	URL    string `json:"url"`
	Type   string `json:"type,omitempty"`   // MIME type
	Length int64  `json:"length,omitempty"` // bytes, 0 when unknown
}

// Theme is one theme assigned to an item, with why.
type Theme struct {
	ID      string   `json:"id"`
	Score   float64  `json:"score"`
	Matched []string `json:"matched"`
}

// Location names another place where the same story was published.
type Location struct {
	Source string `json:"source"`
	URL    string `json:"url"`
	Title  string `json:"title,omitempty"` // of another report of the story
}

// ThemeIDs lists the ids of the item's themes in order.
func (it *Item) ThemeIDs() []string {
	ids := make([]string, len(it.Themes))
	for i, t := range it.Themes {
		ids[i] = t.ID
	}
	return ids
}

// LastChange is the item's updated time, or its published time.
func (it *Item) LastChange() time.Time {
	if it.Updated.After(it.Published) {
		return it.Updated
	}
	return it.Published
}

// PlacementHeader carries an item's Placement as JSON on the curated
// stream: a reader that keeps only the items some feed shows decodes the
// whole item only for those.
const PlacementHeader = "Baken-Placement"

// Placement is the item without what only an item shown needs: its
// summary and text, authors, categories, enclosures, places, the words its
// themes matched, its copies' and its story's other reports. What puts an
// item in a feed (its dates, source, themes, districts, story) and what
// lists it as a report (source, title, link) stay.
func (it Item) Placement() Item {
	it.Summary, it.Content = "", ""
	it.Authors, it.Categories, it.Enclosures, it.Places = nil, nil, nil, nil
	it.AlsoAt, it.ReportedBy = nil, nil
	if it.Themes != nil {
		themes := make([]Theme, len(it.Themes))
		for i, t := range it.Themes {
			themes[i] = Theme{ID: t.ID, Score: t.Score}
		}
		it.Themes = themes
	}
	return it
}
