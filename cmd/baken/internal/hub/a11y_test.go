package hub

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestAccessibility checks every kind of page of a running hub against the
// basic rules of WCAG 2.1 that a page's HTML shows: lang="nl", one h1 and
// no skipped heading level, a label for every form field, alt text on
// every image, a skip link to the main content, and a page title. The
// stylesheet's contrast is checked in pkg/webui (TestContrast).
func TestAccessibility(t *testing.T) {
	h := webHub(t)
	var hits struct {
		Items []struct {
			ID        string
			Source    string
			Districts []string
		}
	}
	if err := json.Unmarshal(h.get(t, "/api/search?q=politie"), &hits); err != nil || len(hits.Items) == 0 {
		t.Fatalf("no item to check the pages of: %v", err)
	}
	it := hits.Items[0]
	district := "midden-nederland"
	if len(it.Districts) > 0 {
		district = it.Districts[0]
	}
	pages := []string{
		"/", "/themes/ondermijning", "/districts/" + district, "/themes/ondermijning/districts/" + district,
		"/items/" + it.ID, "/search", "/search?q=politie", "/search?q=geenenkelwoordhiervan", "/builder",
		"/builder?theme=ondermijning&district=" + district + "&q=drugs", "/sources", "/sources/" + it.Source,
		"/desk", "/items/bestaatniet",
	}
	editor := h.signIn(t, "redactie@test")
	desk := []string{"/desk", "/desk/items/" + it.ID, "/desk/audit", "/desk/audit?action=hide"}
	check := func(c *http.Client, path string) {
		t.Run(path, func(t *testing.T) {
			resp, err := c.Get(h.base + path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode >= 500 {
				t.Fatalf("%s: %s", path, resp.Status)
			}
			for _, p := range a11yProblems(string(body)) {
				t.Error(p)
			}
		})
	}
	for _, p := range pages {
		check(http.DefaultClient, p)
	}
	for _, p := range desk {
		check(editor, p)
	}
}

// a11yProblems lists what a page breaks of the rules TestAccessibility
// checks.
func a11yProblems(page string) []string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return []string{"unparsable: " + err.Error()}
	}
	var out []string
	labels := map[string]bool{} // ids that a label names
	var fields []*html.Node
	var levels []int
	var title, skip, main bool
	var walk func(n *html.Node, inLabel bool)
	walk = func(n *html.Node, inLabel bool) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "html":
				if attr(n, "lang") != "nl" {
					out = append(out, fmt.Sprintf("<html lang=%q>, want nl", attr(n, "lang")))
				}
			case "title":
				title = n.FirstChild != nil && strings.TrimSpace(n.FirstChild.Data) != ""
			case "h1", "h2", "h3", "h4", "h5", "h6":
				l, _ := strconv.Atoi(n.Data[1:])
				levels = append(levels, l)
			case "label":
				if f := attr(n, "for"); f != "" {
					labels[f] = true
				}
				inLabel = true
			case "input", "select", "textarea":
				if typ := attr(n, "type"); typ != "hidden" && typ != "submit" && typ != "button" && !inLabel && attr(n, "aria-label") == "" {
					fields = append(fields, n)
				}
			case "img":
				if !hasAttr(n, "alt") {
					out = append(out, "<img src="+attr(n, "src")+"> without alt")
				}
			case "a":
				if attr(n, "href") == "#inhoud" {
					skip = true
				}
			case "main":
				main = attr(n, "id") == "inhoud"
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inLabel)
		}
	}
	walk(doc, false)
	for _, f := range fields {
		if id := attr(f, "id"); id == "" || !labels[id] {
			out = append(out, fmt.Sprintf("<%s name=%q> has no label", f.Data, attr(f, "name")))
		}
	}
	h1 := 0
	for i, l := range levels {
		if l == 1 {
			h1++
		}
		if i == 0 && l != 1 {
			out = append(out, fmt.Sprintf("the first heading is h%d, want h1", l))
		}
		if i > 0 && l > levels[i-1]+1 {
			out = append(out, fmt.Sprintf("heading h%d after h%d skips a level", l, levels[i-1]))
		}
	}
	if h1 != 1 {
		out = append(out, fmt.Sprintf("%d h1 headings, want one", h1))
	}
	if !title {
		out = append(out, "no <title>")
	}
	if !skip || !main {
		out = append(out, "no skip link to <main id=inhoud>")
	}
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func TestA11yProblems(t *testing.T) {
	ok := `<!DOCTYPE html><html lang="nl"><head><title>x</title></head><body><a href="#inhoud">skip</a><main id="inhoud"><h1>a</h1><h2>b</h2><h3>c</h3><h2>d</h2>
<label for="q">q</label><input id="q"><label><input type="checkbox"> x</label><input type="hidden" name="csrf"><img src="a.png" alt=""></main></body></html>`
	if p := a11yProblems(ok); len(p) > 0 {
		t.Errorf("a good page: %v", p)
	}
	tests := map[string]string{
		`<html lang="en"><head><title>x</title></head><body><a href="#inhoud"></a><main id="inhoud"><h1>a</h1></main></body></html>`:                  `lang="en"`,
		`<html lang="nl"><head><title>x</title></head><body><a href="#inhoud"></a><main id="inhoud"><h1>a</h1><h3>b</h3></main></body></html>`:        "skips a level",
		`<html lang="nl"><head><title>x</title></head><body><a href="#inhoud"></a><main id="inhoud"><h1>a</h1><h1>b</h1></main></body></html>`:        "2 h1",
		`<html lang="nl"><head><title>x</title></head><body><a href="#inhoud"></a><main id="inhoud"><h1>a</h1><input name="q"></main></body></html>`:  "has no label",
		`<html lang="nl"><head><title>x</title></head><body><a href="#inhoud"></a><main id="inhoud"><h1>a</h1><img src="x.png"></main></body></html>`: "without alt",
		`<html lang="nl"><head><title>x</title></head><body><main><h1>a</h1></main></body></html>`:                                                    "no skip link",
	}
	for page, want := range tests {
		p := a11yProblems(page)
		if !strings.Contains(strings.Join(p, "; "), want) {
			t.Errorf("%s: problems %v, want %q", page, p, want)
		}
	}
}
