package ingest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html/charset"

	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/services/ingest/scrape"
)

// Scraper reads sources of kind html: the list page, older list pages on a
// first import, and the article page of every new item when the source
// follows its links. The service runs it on a schedule; `baken scrape`
// runs it once.
type Scraper struct {
	fetcher *Fetcher
	robots  *Robots
	norm    *Normalizer
	log     *slog.Logger
}

// NewScraper returns a Scraper that fetches as cfg says: politely per host,
// honouring robots.txt, with the size cap and time limit.
func NewScraper(cfg config.Ingest, log *slog.Logger) (*Scraper, error) {
	f, err := NewFetcher(cfg)
	if err != nil {
		return nil, err
	}
	return newScraper(f, NewNormalizer(time.Now), cfg.UserAgent, log), nil
}

func newScraper(f *Fetcher, n *Normalizer, userAgent string, log *slog.Logger) *Scraper {
	return &Scraper{fetcher: f, robots: NewRobots(f, userAgent), norm: n, log: log}
}

// ErrEmptyPage is returned for a list page that answers with no content.
var ErrEmptyPage = errors.New("empty page")

// ScrapeOptions say how much to read.
type ScrapeOptions struct {
	// Now is the time of the poll: the first-seen time of undated items,
	// and what dates without a year are read against.
	Now time.Time
	// Pages is how many list pages to read; 0 means the source's depth.
	Pages int
	// ETag and LastModified are the first page's validators of last time.
	ETag, LastModified string
	// Known says whether an item was read before: its article page is not
	// fetched again, and it is left out of Items.
	Known func(id string) bool
}

// ScrapeResult is what a scrape found.
type ScrapeResult struct {
	Items []item.Item
	// Found counts the items the item selector matched on the pages read;
	// Missing, per field, those where the field's selector found nothing
	// ("body": article pages where the body selector found nothing).
	Found    int
	Missing  map[string]int
	Followed int // article pages read
	Skipped  []error
	Pages    int
	// NotModified is set when the first page answered 304.
	NotModified        bool
	ETag, LastModified string
}

// Scrape reads src once.
func (s *Scraper) Scrape(ctx context.Context, src config.Source, o ScrapeOptions) (*ScrapeResult, error) {
	if src.Scrape == nil {
		return nil, fmt.Errorf("source %s: no scrape configuration", src.ID)
	}
	x, err := scrape.New(*src.Scrape)
	if err != nil {
		return nil, err
	}
	ctx = WithSource(ctx, src)
	pages := cmp.Or(o.Pages, src.Scrape.Pages())
	res := &ScrapeResult{Missing: map[string]int{}}
	seen := map[string]bool{}
	pageURL := src.URL
	for visited := map[string]bool{}; res.Pages < pages && pageURL != "" && !visited[pageURL]; {
		visited[pageURL] = true
		res.Pages++
		p, err := s.page(ctx, x, pageURL, res, o)
		if err != nil || p == nil {
			return res, err
		}
		for _, e := range p.Entries {
			it, err := s.item(ctx, src, x, e, pageURL, res, o)
			switch {
			case err != nil && isFatal(err):
				return res, err
			case err != nil:
				res.Skipped = append(res.Skipped, fmt.Errorf("%q: %w", e.Title, err))
			case it != nil && !seen[it.ID]:
				seen[it.ID] = true
				res.Items = append(res.Items, *it)
			}
		}
		pageURL = p.Next
	}
	return res, nil
}

// page fetches and parses one list page; nil without an error when the
// first page was not modified.
func (s *Scraper) page(ctx context.Context, x *scrape.Extractor, pageURL string, res *ScrapeResult, o ScrapeOptions) (*scrape.Page, error) {
	first := res.Pages == 1
	etag, lastMod := "", ""
	if first {
		etag, lastMod = o.ETag, o.LastModified
	}
	resp, err := s.get(ctx, pageURL, etag, lastMod)
	if err != nil {
		return nil, fmt.Errorf("page %d: %w", res.Pages, err)
	}
	if resp.NotModified {
		res.NotModified, res.ETag, res.LastModified = true, resp.ETag, resp.LastModified
		return nil, nil
	}
	if first {
		res.ETag, res.LastModified = resp.ETag, resp.LastModified
	}
	if len(bytes.TrimSpace(resp.Body)) == 0 {
		return nil, fmt.Errorf("page %d %s: %w", res.Pages, pageURL, ErrEmptyPage)
	}
	body, err := decode(resp)
	if err != nil {
		return nil, fmt.Errorf("page %d %s: %w", res.Pages, pageURL, err)
	}
	p, err := x.Parse(resp.URL, body, o.Now)
	if err != nil {
		return nil, fmt.Errorf("page %d %s: %w", res.Pages, pageURL, err)
	}
	res.Found += p.Found
	for f, n := range p.Missing {
		res.Missing[f] += n
	}
	for _, sk := range p.Skipped {
		res.Skipped = append(res.Skipped, fmt.Errorf("page %d: %s", res.Pages, sk))
	}
	return p, nil
}

// item turns an entry into an item, reading its article page first when
// the source follows links; nil for an item known already.
func (s *Scraper) item(ctx context.Context, src config.Source, x *scrape.Extractor, e scrape.Entry, pageURL string, res *ScrapeResult, o ScrapeOptions) (*item.Item, error) {
	canonical, err := item.Canonical(e.URL, pageURL)
	if err != nil {
		return nil, err
	}
	if o.Known != nil && o.Known(item.NewID(canonical, src.ID, "")) {
		return nil, nil
	}
	fi := &gofeed.Item{Title: e.Title, Link: e.URL, Description: e.Summary, Categories: e.Categories,
		Custom: map[string]string{textTitle: "scraped"}}
	if !e.Published.IsZero() {
		fi.PublishedParsed = &e.Published
	}
	if src.Scrape.Follow {
		resp, err := s.get(ctx, e.URL, "", "")
		if err != nil {
			return nil, fmt.Errorf("article: %w", err)
		}
		body, err := decode(resp)
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", e.URL, err)
		}
		a, err := x.Article(resp.URL, body, o.Now)
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", e.URL, err)
		}
		res.Followed++
		if a.BodyMissing {
			res.Missing["body"]++
		}
		fi.Content = a.Content
		if fi.PublishedParsed == nil && !a.Published.IsZero() {
			fi.PublishedParsed = &a.Published
		}
	}
	it, err := s.norm.Entry(src, fi, pageURL, cmp.Or(src.Language, "nl"))
	if err != nil {
		return nil, err
	}
	if it.DateGuessed {
		it.Published = o.Now.UTC().Truncate(time.Second)
	}
	return &it, nil
}

// get fetches a page robots.txt allows.
func (s *Scraper) get(ctx context.Context, url, etag, lastModified string) (*Response, error) {
	if err := s.robots.Check(ctx, url); err != nil {
		return nil, err
	}
	return s.fetcher.Fetch(ctx, url, etag, lastModified)
}

// decode returns the body as UTF-8, from the charset of the Content-Type
// header, a <meta> in the page, or a guess.
func decode(resp *Response) (*bytes.Reader, error) {
	r, err := charset.NewReader(bytes.NewReader(resp.Body), resp.ContentType)
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	var b bytes.Buffer
	if _, err := b.ReadFrom(r); err != nil {
		return nil, fmt.Errorf("decode as %s: %w", charsetReaderName(resp.Body, resp.ContentType), err)
	}
	if err := checkCharset(resp.Body, b.Bytes(), resp.ContentType); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return bytes.NewReader(b.Bytes()), nil
}

// isFatal tells errors that end the whole scrape (the host wants us to
// stop or does not answer, or we are shutting down) from those that cost
// one article.
func isFatal(err error) bool {
	var he *HTTPError
	var busy *HostBusyError
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.As(err, &busy) ||
		errors.As(err, &he) && (he.Status == http.StatusTooManyRequests || he.Status == http.StatusServiceUnavailable)
}
