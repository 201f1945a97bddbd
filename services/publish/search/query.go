package search

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Query is one search: words and filters; an empty field filters nothing.
type Query struct {
	Words    string
	Theme    string
	District string
	Source   string
	Since    time.Time // published at or after
	Until    time.Time // published before
	Offset   int
	Limit    int  // 0: 20
	Newest   bool // newest first instead of by relevance
}

// Hit is one item found.
type Hit struct {
	ID    string  `json:"id"`
	Score float64 `json:"score"`
}

// Results are a page of hits and how many there are in all.
type Results struct {
	Total uint64        `json:"total"`
	Hits  []Hit         `json:"hits"`
	Took  time.Duration `json:"-"`
}

// Search runs q. Words are matched in title (boosted), text, places and
// the source's name; all words must match, each in any of those fields.
func (x *Index) Search(ctx context.Context, q Query) (Results, error) {
	var must []query.Query
	an := x.idx.Mapping().AnalyzerNamed(dutch)
	for _, w := range strings.Fields(q.Words) {
		if an != nil && len(an.Analyze([]byte(w))) == 0 {
			continue // a stop word ("het", "de"): it would match nothing
		}
		var any []query.Query
		for field, boost := range map[string]float64{"title": 3, "text": 1, "places": 2, "source_name": 1} {
			m := bleve.NewMatchQuery(w)
			m.SetField(field)
			m.SetBoost(boost)
			any = append(any, m)
		}
		must = append(must, bleve.NewDisjunctionQuery(any...))
	}
	for field, v := range map[string]string{"themes": q.Theme, "districts": q.District, "source": q.Source} {
		if v != "" {
			t := bleve.NewTermQuery(v)
			t.SetField(field)
			must = append(must, t)
		}
	}
	if !q.Since.IsZero() || !q.Until.IsZero() {
		r := bleve.NewDateRangeQuery(q.Since, q.Until)
		r.SetField("published")
		must = append(must, r)
	}
	var top query.Query = bleve.NewMatchAllQuery()
	if len(must) > 0 {
		top = bleve.NewConjunctionQuery(must...)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	req := bleve.NewSearchRequestOptions(top, limit, q.Offset, false)
	if q.Newest || strings.TrimSpace(q.Words) == "" {
		req.SortBy([]string{"-published", "_id"})
	}
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return Results{}, fmt.Errorf("search: %w", err)
	}
	out := Results{Total: res.Total, Took: res.Took, Hits: make([]Hit, 0, len(res.Hits))}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, Hit{ID: h.ID, Score: h.Score})
	}
	return out, nil
}
