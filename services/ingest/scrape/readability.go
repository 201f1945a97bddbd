package scrape

import (
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// The class and id patterns of Mozilla's Readability, plus the cookie
// banners and share bars of Dutch sites.
var (
	unlikely = regexp.MustCompile(`(?i)-ad-|banner|breadcrumb|combx|comment|community|consent|cookie|disqus|extra|foot|gdpr|header|legends|menu|modal|nav|newsletter|pager|pagination|popup|related|remark|replies|rss|share|shoutbox|sidebar|skip|social|sponsor|supplemental`)
	maybe    = regexp.MustCompile(`(?i)article|body|column|content|main|shadow`)
	positive = regexp.MustCompile(`(?i)article|body|content|entry|hentry|main|page|post|text|blog|story`)
	negative = regexp.MustCompile(`(?i)-ad-|hidden|banner|combx|comment|com-|contact|foot|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|tool|widget`)
)

// junk never holds an article's text.
const junk = "script, style, noscript, template, nav, header, footer, aside, form, iframe, svg, button, dialog, " +
	"[role=navigation], [role=banner], [role=contentinfo], [role=dialog], [aria-hidden=true], [hidden]"

// mainContent finds the element holding the page's main text, the way
// Readability does: drop what is never content, score each paragraph's
// parent (and half to its grandparent) by text length and commas, weigh by
// class names and link density, take the best. It changes doc.
func mainContent(doc *goquery.Document) *goquery.Selection {
	body := doc.Find("body")
	body.Find(junk).Remove()
	body.Find("*").Each(func(_ int, s *goquery.Selection) {
		if s.Is("html, body, article, main") {
			return
		}
		if c := classAndID(s); unlikely.MatchString(c) && !maybe.MatchString(c) {
			s.Remove()
		}
	})
	scores := map[*html.Node]float64{}
	var order []*html.Node
	add := func(s *goquery.Selection, points float64) {
		if s.Length() == 0 || s.Is("html") {
			return
		}
		n := s.Nodes[0]
		if _, ok := scores[n]; !ok {
			scores[n] = initialScore(s)
			order = append(order, n)
		}
		scores[n] += points
	}
	body.Find("p, pre, td, blockquote").Each(func(_ int, p *goquery.Selection) {
		text := collapse(p.Text())
		if len(text) < 25 {
			return
		}
		points := 1 + float64(strings.Count(text, ",")) + min(float64(len(text))/100, 3)
		add(p.Parent(), points)
		add(p.Parent().Parent(), points/2)
	})
	var best *html.Node
	var bestScore float64
	for _, n := range order {
		s := goquery.NewDocumentFromNode(n).Selection
		if score := scores[n] * (1 - linkDensity(s)); best == nil || score > bestScore {
			best, bestScore = n, score
		}
	}
	if best == nil {
		return body
	}
	return goquery.NewDocumentFromNode(best).Selection
}

func initialScore(s *goquery.Selection) float64 {
	var score float64
	switch goquery.NodeName(s) {
	case "div", "article", "main", "section":
		score = 5
	case "pre", "td", "blockquote":
		score = 3
	case "ol", "ul", "dl", "dd", "dt", "li", "address", "form":
		score = -3
	case "h1", "h2", "h3", "h4", "h5", "h6", "th":
		score = -5
	}
	c := classAndID(s)
	if positive.MatchString(c) {
		score += 25
	}
	if negative.MatchString(c) {
		score -= 25
	}
	return score
}

func classAndID(s *goquery.Selection) string {
	c, _ := s.Attr("class")
	id, _ := s.Attr("id")
	return c + " " + id
}

// linkDensity is the share of s's text that is link text.
func linkDensity(s *goquery.Selection) float64 {
	text := len(collapse(s.Text()))
	if text == 0 {
		return 0
	}
	links := 0
	s.Find("a").Each(func(_ int, a *goquery.Selection) { links += len(collapse(a.Text())) })
	return float64(links) / float64(text)
}
