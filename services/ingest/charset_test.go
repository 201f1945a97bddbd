package ingest

import (
	"context"
	"strings"
	"testing"
)

// TestScrapeCharsetErrors: a page whose declared charset is unknown or
// wrong gets an error that names the charset, not "item selector matched
// nothing".
func TestScrapeCharsetErrors(t *testing.T) {
	page := listPage([]card{
		{title: "Coördinatie ondermijning in Zeist", slug: "zeist", date: "12 dec. 2023", intro: "Gemeenten en het RIEC werken samen aan een veilige regio."},
		{title: "Reünie wijkagenten", slug: "reunie", date: "11 dec. 2023", intro: "Café-eigenaren en de politie praten over veiligheid."},
	}, "")
	win1252 := strings.NewReplacer("ö", "\xf6", "ü", "\xfc", "é", "\xe9").Replace(page)
	tests := []struct {
		name, contentType, body, want string
	}{
		{"unknown charset in the header", "text/html; charset=x-mac-klingon", page, `charset "x-mac-klingon", which is unknown`},
		{"unknown charset in a meta tag", "text/html", strings.Replace(page, `<meta charset="utf-8">`, `<meta charset="elvish-1">`, 1), `charset "elvish-1", which is unknown`},
		{"UTF-16 declared, UTF-8 sent", "text/html; charset=utf-16le", page, `charset "utf-16le" but does not read as HTML`},
		{"UTF-8 declared, Windows-1252 sent", "text/html; charset=utf-8", strings.Repeat(win1252, 3), `charset "utf-8" but 9 byte sequences are not utf-8`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			site := e.pages()
			site.contentType = tt.contentType
			site.set("/nieuws", tt.body)
			src := htmlSource("coalitie", e.srv.URL+"/nieuws", cardsScrape)
			s := e.service(t, src)
			err := s.Poll(context.Background(), src)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "coalitie") {
				t.Errorf("Poll = %v, want an error naming the source and containing %q", err, tt.want)
			}
			if st := e.state(t, s, src.ID); !strings.Contains(st.LastError, tt.want) || st.Broken != "" {
				t.Errorf("status: error %q, broken %q; want the charset error, not a broken scraper", st.LastError, st.Broken)
			}
		})
	}
}

// TestScrapeTitleDecodedOnce: a page that spells markup in a title
// ("&lt;script&gt;") yields a title that shows it as text; it is not
// decoded a second time and stripped.
func TestScrapeTitleDecodedOnce(t *testing.T) {
	e := newEnv(t)
	site := e.pages()
	site.set("/nieuws", listPage([]card{{title: "Waarom &lt;script&gt; &amp;amp; &lt;b&gt; niet in titels horen", slug: "titels", date: "12 dec. 2023", intro: "Uitleg &amp; tips."}}, ""))
	src := htmlSource("coalitie", e.srv.URL+"/nieuws", cardsScrape)
	s := e.service(t, src)
	if err := s.Poll(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	items := e.raw(t, src.ID)
	if len(items) != 1 || items[0].Title != "Waarom <script> &amp; <b> niet in titels horen" || items[0].Summary != "Uitleg & tips." {
		t.Errorf("items = %+v", items)
	}
}
