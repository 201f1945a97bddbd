package publish

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/sanitize"
	"github.com/bakenhub/baken/services/publish/search"
)

// searchPageSize is how many results a page shows.
const searchPageSize = 20

// periods are the period filter's choices: how far back, by name.
var periods = []struct {
	ID, Name string
	Back     time.Duration
}{
	{"", "Altijd", 0},
	{"1d", "Afgelopen dag", 24 * time.Hour},
	{"7d", "Afgelopen week", 7 * 24 * time.Hour},
	{"30d", "Afgelopen maand", 30 * 24 * time.Hour},
	{"365d", "Afgelopen jaar", 365 * 24 * time.Hour},
}

// searchRequest is a search as the page and the API read it.
type searchRequest struct {
	Query  search.Query
	Period string
	Page   int
}

func readSearch(q url.Values, now time.Time) searchRequest {
	sr := searchRequest{Period: q.Get("period"), Page: 1}
	sr.Query = search.Query{Words: strings.Join(strings.Fields(q.Get("q")), " "), Theme: q.Get("theme"), District: q.Get("district"),
		Source: q.Get("source"), Limit: searchPageSize, Newest: q.Get("sort") == "newest"}
	for _, p := range periods {
		if p.ID == sr.Period && p.Back > 0 {
			sr.Query.Since = now.Add(-p.Back)
		}
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n <= 500 {
		sr.Page = n
	}
	sr.Query.Offset = (sr.Page - 1) * searchPageSize
	return sr
}

// searchHit is a result as shown: the item after overrides.
type searchHit struct {
	ID        string       `json:"id"`
	Title     string       `json:"title"`
	URL       string       `json:"url"`
	Page      string       `json:"page"`
	Source    string       `json:"source"`
	Name      string       `json:"source_name"`
	Published time.Time    `json:"published"`
	Themes    []item.Theme `json:"themes"`
	Districts []string     `json:"districts"`
	Score     float64      `json:"score"`
}

type searchResult struct {
	Words   string      `json:"q"`
	Total   uint64      `json:"total"`
	Page    int         `json:"page"`
	Pages   int         `json:"pages"`
	Hits    []searchHit `json:"items"`
	Error   string      `json:"error,omitempty"`
	TookMS  float64     `json:"took_ms"`
	request searchRequest
}

// runSearch searches the index and shows each hit as the feeds do: hidden
// items are left out.
func (p *Publisher) runSearch(r *http.Request) (searchResult, int) {
	sr := readSearch(r.URL.Query(), time.Now())
	res := searchResult{Words: sr.Query.Words, Page: sr.Page, Hits: []searchHit{}, request: sr}
	if p.search == nil {
		res.Error = "zoeken staat uit op deze server (geen datamap voor de zoekindex)"
		return res, http.StatusServiceUnavailable
	}
	found, err := p.search.Search(r.Context(), sr.Query)
	if err != nil {
		p.log.Error("search", "q", sr.Query.Words, "err", err)
		res.Error = "de zoekopdracht lukte niet"
		return res, http.StatusInternalServerError
	}
	res.Total, res.TookMS = found.Total, float64(found.Took.Microseconds())/1000
	res.Pages = int((found.Total + searchPageSize - 1) / searchPageSize)
	for _, h := range found.Hits {
		it, shown, ok := p.view.Item(h.ID)
		if !ok || !shown {
			continue
		}
		res.Hits = append(res.Hits, searchHit{ID: it.ID, Title: it.Title, URL: sanitize.URL(it.URL), Page: p.opts.BaseURL + "/items/" + it.ID,
			Source: it.Source, Name: p.sourceName(it.Source), Published: it.Published, Themes: orEmpty(it.Themes), Districts: orEmpty(it.Districts), Score: h.Score})
	}
	return res, http.StatusOK
}

// serveSearchAPI answers /api/search?q=..&theme=..&district=..&source=..&period=7d&page=2.
func (p *Publisher) serveSearchAPI(w http.ResponseWriter, r *http.Request) {
	res, code := p.runSearch(r)
	writeJSON(w, code, res)
}

type searchPage struct {
	searchResult
	Themes, Districts, Sources, Periods []checkOption
	Asked                               bool
	Prev, Next                          string
}

// serveSearchPage answers /search: the form, and the results when asked.
func (p *Publisher) serveSearchPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sp := searchPage{Asked: q.Has("q") || q.Has("theme") || q.Has("district") || q.Has("source")}
	code := http.StatusOK
	if sp.Asked {
		sp.searchResult, code = p.runSearch(r)
	} else {
		sp.request = readSearch(q, time.Now())
	}
	sr := sp.request
	for _, t := range p.opts.Themes {
		sp.Themes = append(sp.Themes, checkOption{ID: t.ID, Name: t.Name, Checked: t.ID == sr.Query.Theme})
	}
	for _, d := range p.districtList() {
		sp.Districts = append(sp.Districts, checkOption{ID: d.ID, Name: d.Name, Checked: d.ID == sr.Query.District})
	}
	for _, s := range p.opts.Sources {
		sp.Sources = append(sp.Sources, checkOption{ID: s.ID, Name: s.Name, Checked: s.ID == sr.Query.Source})
	}
	for _, pr := range periods {
		sp.Periods = append(sp.Periods, checkOption{ID: pr.ID, Name: pr.Name, Checked: pr.ID == sr.Period})
	}
	pageURL := func(n int) string {
		v := r.URL.Query()
		v.Set("page", strconv.Itoa(n))
		return "/search?" + v.Encode()
	}
	if sp.Page > 1 {
		sp.Prev = pageURL(sp.Page - 1)
	}
	if sp.Page < sp.Pages {
		sp.Next = pageURL(sp.Page + 1)
	}
	title := "Zoeken"
	if sp.Words != "" {
		title = "Zoeken: " + sp.Words
	}
	p.renderPage(w, r, code, "search", page{Title: title, Nav: "search", Data: sp})
}
