package hub

import (
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// What the injection test counts as a leak: an element that runs or
// loads something, an event handler, a script URL, or CSS that runs.
var (
	leakyElements = map[string]bool{
		"script": true, "style": true, "iframe": true, "frame": true, "frameset": true, "object": true,
		"embed": true, "applet": true, "meta": true, "link": true, "base": true, "form": true,
		"svg": true, "math": true, "template": true, "isindex": true,
	}
	urlAttributes = map[string]bool{
		"href": true, "src": true, "action": true, "formaction": true, "xlink:href": true,
		"background": true, "data": true, "poster": true, "srcset": true, "cite": true, "url": true,
	}
)

// htmlLeaks parses s as a fragment of a page's body, as a reader or a
// browser would render it, and names what could run.
func htmlLeaks(s string) []string {
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return []string{"unparsable: " + err.Error()}
	}
	var out []string
	for _, n := range nodes {
		out = append(out, nodeLeaks(n)...)
	}
	return out
}

// nodeLeaks walks n and everything under it.
func nodeLeaks(n *html.Node) []string {
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if leakyElements[strings.ToLower(n.Data)] {
				out = append(out, "<"+n.Data+">")
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if a.Namespace != "" {
					key = strings.ToLower(a.Namespace + ":" + a.Key)
				}
				switch {
				case strings.HasPrefix(key, "on"):
					out = append(out, fmt.Sprintf("<%s %s>", n.Data, key))
				case key == "srcdoc":
					out = append(out, "srcdoc")
				case key == "style" && cssRuns(a.Val):
					out = append(out, "style="+a.Val)
				case urlAttributes[key] && !safeURL(a.Val):
					out = append(out, fmt.Sprintf("%s=%q", key, a.Val))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func cssRuns(css string) bool {
	c := strings.ToLower(css)
	return strings.Contains(c, "expression") || strings.Contains(c, "javascript") || strings.Contains(c, "url(")
}

// safeURL reports whether a link may be followed: http(s), or relative
// without a scheme. Browsers drop white space and control characters
// inside a scheme, so the check does too.
func safeURL(u string) bool {
	var b strings.Builder
	for _, r := range u {
		if r > ' ' {
			b.WriteRune(r)
		}
	}
	s := strings.ToLower(b.String())
	colon := strings.IndexByte(s, ':')
	if colon < 0 {
		return true
	}
	if slash := strings.IndexAny(s, "/?#"); slash >= 0 && slash < colon {
		return true // a colon in the path, not a scheme
	}
	scheme := s[:colon]
	return scheme == "http" || scheme == "https" || scheme == "mailto"
}

// pageLeaks checks a whole HTML page below its <body>: the head is the
// hub's own template.
func pageLeaks(page string) []string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return []string{"unparsable page: " + err.Error()}
	}
	var body *html.Node
	var find func(*html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "body" {
			body = n
			return
		}
		for c := n.FirstChild; c != nil && body == nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	if body == nil {
		return []string{"no body"}
	}
	return nodeLeaks(body)
}
