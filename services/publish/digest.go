package publish

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"
	"unicode/utf8"

	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/nltime"
	"github.com/bakenhub/baken/pkg/textnorm"
	"github.com/bakenhub/baken/services/publish/ledger"
)

// A digest is a period's items of a feed for a newsletter: grouped by
// district, then theme, each with its title, a short summary, source, date
// and link; HTML with inline styles (mail tools drop style sheets) or
// Markdown.

// digestMax is the most items a digest lists; digestSummary the longest
// summary, in characters; digestPeriod the period without since or from.
const (
	digestMax     = 500
	digestSummary = 280
	digestPeriod  = 7 * 24 * time.Hour
)

// digestFormats maps a digest's extension to its content type.
var digestFormats = map[string]string{"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8"}

//go:embed templates/digest.html templates/digest.md
var digestTemplates embed.FS

var (
	digestHTML = htmltemplate.Must(htmltemplate.ParseFS(digestTemplates, "templates/digest.html"))
	digestMD   = texttemplate.Must(texttemplate.New("digest.md").Funcs(texttemplate.FuncMap{"md": mdEscape}).ParseFS(digestTemplates, "templates/digest.md"))
)

// digestData is what the digest templates show.
type digestData struct {
	Title    string
	Period   string // "25 november – 2 december 2026"
	Count    int
	More     bool   // more items than digestMax
	FeedURL  string // the Atom feed of the same selection
	Sections []digestDistrict
}

type digestDistrict struct {
	Name   string
	Themes []digestTheme
}

type digestTheme struct {
	Name  string
	Items []digestItem
}

type digestItem struct {
	Title, Summary, Source, Date, URL string
}

// serveDigest answers /digest/{feed}.{html,md}: feed is a feed key or
// "custom" with a custom feed's query, the period since= or from=/to=.
func (p *Publisher) serveDigest(w http.ResponseWriter, r *http.Request) {
	path := r.PathValue("path")
	key, format, ok := p.feedPath(path, digestFormats)
	if !ok {
		http.NotFound(w, r)
		return
	}
	sel, per, err := p.digestRequest(key, r.URL)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	body, err := p.digest(key, sel, per, format)
	if err != nil {
		p.log.Error("render digest", "feed", path, "err", err)
		http.Error(w, "could not render digest", http.StatusInternalServerError)
		return
	}
	serveDoc(w, r, newRendered(0, body, etagOf(body), p.started), digestFormats[format])
}

// digestRequest reads a digest's period and, for a custom feed, selection.
func (p *Publisher) digestRequest(key string, u *url.URL) (selection, period, error) {
	q := u.Query()
	per, err := parsePeriod(q, time.Now())
	if err != nil {
		return selection{}, per, err
	}
	if q.Has("before") {
		return selection{}, per, fmt.Errorf("%w: a digest has a period (since, from, to), not pages", errQuery)
	}
	for _, name := range []string{"since", "from", "until", "to"} {
		q.Del(name)
	}
	rest := *u
	rest.RawQuery = q.Encode()
	sel, _, err := p.feedRequest(key, &rest)
	return sel, per, err
}

// digest renders the items of sel published in per.
func (p *Publisher) digest(key string, sel selection, per period, format string) ([]byte, error) {
	if per.from.IsZero() {
		end := per.to
		if end.IsZero() {
			end = time.Now()
		}
		per.from = end.Add(-digestPeriod)
	}
	sel.filter.Since, sel.filter.Until = per.from, per.to
	c := p.choose(sel, ledger.Ref{}, digestMax)
	title := p.title(key)
	if key == customKey {
		title = p.customTitle(sel)
	}
	d := digestData{Title: title, Period: dutchPeriod(per), Count: len(c.items), More: c.more,
		FeedURL: p.feedURL(key, "atom", sel.query, ledger.Ref{}), Sections: p.digestSections(sel, c.items)}
	var b bytes.Buffer
	var err error
	if format == "html" {
		err = digestHTML.Execute(&b, d)
	} else {
		err = digestMD.Execute(&b, d)
	}
	return b.Bytes(), err
}

// Group names for items without a district or theme.
const (
	noDistrict = "Landelijk en overig"
	noTheme    = "Overig"
)

// digestSections groups items by district (by name, those without last),
// then theme (in display order, those without last). An item goes once,
// under its first district and theme that the selection asks for (else
// its first), newest first within a group.
func (p *Publisher) digestSections(sel selection, items []item.Item) []digestDistrict {
	groups := map[string]map[string][]digestItem{}
	for i := range items {
		it := &items[i]
		d := pick(it.Districts, sel.filter.Districts)
		t := pick(it.ThemeIDs(), sel.filter.Themes)
		if groups[d] == nil {
			groups[d] = map[string][]digestItem{}
		}
		groups[d][t] = append(groups[d][t], p.digestItem(it))
	}
	dists := make([]string, 0, len(groups))
	for d := range groups {
		dists = append(dists, d)
	}
	name := func(d string) string {
		if d == "" {
			return "\uffff" // last
		}
		return textnorm.Fold(p.districtName(d))
	}
	slices.SortFunc(dists, func(a, b string) int { return strings.Compare(name(a), name(b)) })
	order := append(p.themeIDs(), "")
	var out []digestDistrict
	for _, d := range dists {
		sec := digestDistrict{Name: noDistrict}
		if d != "" {
			sec.Name = p.districtName(d)
		}
		for _, t := range order {
			if its, ok := groups[d][t]; ok {
				sec.Themes = append(sec.Themes, digestTheme{Name: cmpOr(t, p.themeName(t), noTheme), Items: its})
				delete(groups[d], t)
			}
		}
		for t, its := range groups[d] { // themes not configured (any more)
			sec.Themes = append(sec.Themes, digestTheme{Name: t, Items: its})
		}
		out = append(out, sec)
	}
	return out
}

// cmpOr is name when id is set, else none.
func cmpOr(id, name, none string) string {
	if id == "" {
		return none
	}
	return name
}

// pick is the first of have that want names, else the first of have, ""
// for none.
func pick(have, want []string) string {
	for _, h := range have {
		if slices.Contains(want, h) {
			return h
		}
	}
	if len(have) > 0 {
		return have[0]
	}
	return ""
}

func (p *Publisher) digestItem(it *item.Item) digestItem {
	sum := it.Summary
	if sum == "" {
		sum = textnorm.StripHTML(it.Content)
	}
	return digestItem{Title: it.Title, Summary: shorten(strings.Join(strings.Fields(sum), " "), digestSummary),
		Source: p.sourceName(it.Source), Date: dutchDate(it.Published), URL: it.URL}
}

// shorten cuts s at a word boundary to at most n characters, with "…".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := string([]rune(s)[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.-") + "…"
}

var dutchMonths = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// dutchDate is "2 december 2026", in Europe/Amsterdam.
func dutchDate(t time.Time) string {
	t = t.In(nltime.Zone)
	return t.Format("2 ") + dutchMonths[t.Month()-1] + t.Format(" 2006")
}

// dutchPeriod names the days of per: "25 november – 2 december 2026"
// (its last day included), "vanaf 25 november 2026" without an end.
func dutchPeriod(per period) string {
	if per.to.IsZero() {
		return "vanaf " + dutchDate(per.from)
	}
	last := per.to.Add(-time.Nanosecond)
	from, to := dutchDate(per.from), dutchDate(last)
	if from == to {
		return from
	}
	if per.from.In(nltime.Zone).Year() == last.In(nltime.Zone).Year() {
		from = strings.TrimSuffix(from, per.from.In(nltime.Zone).Format(" 2006"))
	}
	return from + " – " + to
}

// mdEscape escapes what Markdown would read as markup in plain text:
// emphasis, links, code and HTML anywhere, a heading, list or quote mark
// at the start.
func mdEscape(s string) string {
	var b strings.Builder
	if s != "" && strings.ContainsRune("#-+>", rune(s[0])) {
		b.WriteByte('\\')
	}
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
