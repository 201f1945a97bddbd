package scrape

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// urlAttrs are the attributes that hold a URL (srcset holds several).
var urlAttrs = map[string]bool{"href": true, "src": true, "srcset": true, "poster": true, "cite": true, "action": true, "longdesc": true}

// ResolveLinks makes the relative links and image sources of an HTML
// fragment absolute against base (the page it came from). Links within
// the page (#top), and fragments it cannot parse, stay as they are; a
// fragment without relative links comes back unchanged.
func ResolveLinks(fragment, base string) string {
	b, err := url.Parse(base)
	if err != nil || !b.IsAbs() || !strings.ContainsAny(fragment, "<") {
		return fragment
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(fragment), ctx)
	if err != nil {
		return fragment
	}
	changed := false
	for _, n := range nodes {
		changed = resolveTree(n, b) || changed
	}
	if !changed {
		return fragment
	}
	var out strings.Builder
	for _, n := range nodes {
		if err := html.Render(&out, n); err != nil {
			return fragment
		}
	}
	return out.String()
}

// resolveTree rewrites the URL attributes of n and its descendants and
// says whether it changed any.
func resolveTree(n *html.Node, base *url.URL) (changed bool) {
	if n.Type == html.ElementNode {
		for i, a := range n.Attr {
			if a.Namespace == "" && urlAttrs[a.Key] {
				if v := resolveAttr(a.Key, a.Val, base); v != a.Val {
					n.Attr[i].Val, changed = v, true
				}
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		changed = resolveTree(c, base) || changed
	}
	return changed
}

func resolveAttr(key, val string, base *url.URL) string {
	if key != "srcset" {
		return resolve(val, base)
	}
	// "a.jpg 1x, /b.jpg 2x"
	parts := strings.Split(val, ",")
	for i, p := range parts {
		f := strings.Fields(p)
		if len(f) == 0 {
			continue
		}
		f[0] = resolve(f[0], base)
		parts[i] = strings.Join(f, " ")
	}
	return strings.Join(parts, ", ")
}

func resolve(ref string, base *url.URL) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "#") {
		return ref
	}
	u, err := url.Parse(ref)
	if err != nil || u.IsAbs() {
		return ref
	}
	return base.ResolveReference(u).String()
}
