package hub

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/chromedp"
	"github.com/mmcdole/gofeed"
)

// The browser tests drive Debian's headless Chromium (.ci/run installs
// it) through chromedp against a whole hub on the demo fixtures. Without
// Chromium they fail, so that CI cannot pass without them; set
// BAKEN_SKIP_BROWSER=1 to skip them on a machine without one (never in
// CI). BAKEN_CHROMIUM names another binary. Screenshots at 390 and 1280
// pixels wide go to BAKEN_ARTIFACTS, by default testdata-out/browser here
// (ignored by git).

// browser is one headless Chromium tab with the console watched.
type browser struct {
	t        *testing.T
	ctx      context.Context
	base     string
	dir      string // screenshots
	mu       sync.Mutex
	problems []string // console errors, warnings and uncaught exceptions
}

func chromiumPath() string {
	if p := os.Getenv("BAKEN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	if os.Getenv("BAKEN_SKIP_BROWSER") == "1" {
		t.Skip("BAKEN_SKIP_BROWSER=1: the browser tests are skipped")
	}
	path := chromiumPath()
	if path == "" {
		t.Fatal("no Chromium on PATH: install Debian's chromium (apt-get install chromium; .ci/run does), " +
			"set BAKEN_CHROMIUM to a Chromium binary, or BAKEN_SKIP_BROWSER=1 to skip the browser tests")
	}
	dir := os.Getenv("BAKEN_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("testdata-out", "browser")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, // CI runs as root
		chromedp.Flag("disable-gpu", true), chromedp.WindowSize(1280, 900), chromedp.UserDataDir(t.TempDir()))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	b := &browser{t: t, ctx: ctx, base: base, dir: dir}
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("start %s: %v", path, err)
	}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			switch m.Type {
			case chromedp.ConsoleError, chromedp.ConsoleWarning, chromedp.ConsoleException:
				b.mu.Lock()
				b.problems = append(b.problems, fmt.Sprintf("%s %s:%d %s", m.Type, m.URL, m.Line+1, m.Text))
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// do runs steps, failing the test on an error.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// run runs one step that returns a value.
func run[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// open loads a page of the hub and waits until it is there.
func (b *browser) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("main")))
}

// until waits for a JavaScript condition through page loads (a click
// that navigates, a form that redirects).
func (b *browser) until(what, js string) {
	b.t.Helper()
	deadline := time.Now().Add(8 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			loc, _ := chromedp.Run(b.ctx, chromedp.Location())
			b.t.Fatalf("%s: not so within 8s at %s (%v)", what, loc, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// shoot saves full-page screenshots of the current page at phone and
// desktop width.
func (b *browser) shoot(name string) {
	b.t.Helper()
	for _, w := range []int64{390, 1280} {
		b.do("viewport", chromedp.EmulateViewport(w, 900))
		png := run(b, "screenshot "+name, chromedp.FullScreenshot(100))
		if err := os.WriteFile(filepath.Join(b.dir, fmt.Sprintf("%s-%d.png", name, w)), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
		// Nothing may be wider than a phone's screen at 390 pixels.
		if w == 390 {
			if over := run(b, "width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); over > 390 {
				b.t.Errorf("%s: %d pixels wide at a 390 pixel viewport: it scrolls sideways on a phone", name, over)
			}
		}
	}
}

func (b *browser) has(sel string) bool {
	b.t.Helper()
	return run(b, "query "+sel, chromedp.Evaluate[bool](fmt.Sprintf(`!!document.querySelector(%q)`, sel)))
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	return run(b, "text of "+sel, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q)?.textContent ?? ""`, sel)))
}

func TestBrowser(t *testing.T) {
	h := webHub(t)
	b := newBrowser(t, h.base)

	// The index; the skip link is the first stop of the keyboard.
	b.open("/")
	b.shoot("index")
	b.do("tab", chromedp.KeyEvent("\t"))
	if got := run(b, "focus", chromedp.Evaluate[string](`document.activeElement.className`)); got != "skip" {
		t.Errorf("the first Tab focuses %q, want the skip link", got)
	}

	// Follow a theme that has items.
	theme := run(b, "a theme", chromedp.Evaluate[string](`document.querySelector(".cards .card:has(ul) h3 a").getAttribute("href")`))
	b.do("follow "+theme, chromedp.Click(chromedp.CSS(`a[href="`+theme+`"]`)))
	b.until("the theme page", `location.pathname === "`+theme+`" && !!document.querySelector("ul.items h3 a")`)
	b.shoot("theme")

	// Open its first item and see why it is there.
	href := run(b, "an item", chromedp.Evaluate[string](`document.querySelector("ul.items h3 a").getAttribute("href")`))
	id := strings.TrimPrefix(href, "/items/")
	b.do("open the item", chromedp.Click(chromedp.CSS("ul.items h3 a")))
	b.until("the item page", `location.pathname === "`+href+`" && !!document.querySelector("#themas")`)
	if matched := b.text("#themas .matched"); strings.TrimSpace(matched) == "" {
		t.Error("the item page shows no matched terms")
	}
	title := b.text("h1")
	b.shoot("item")

	// Search for its two longest words and find it.
	b.open("/search")
	b.do("search", chromedp.SetValue(chromedp.CSS("#q"), searchWords(title)), chromedp.Click(chromedp.CSS(`form[role=search] button`)))
	b.until("the results", `location.pathname === "/search" && !!document.querySelector("#resultaten")`)
	if !b.has(`a[href="` + href + `"]`) {
		t.Errorf("searching %q does not find %q", searchWords(title), title)
	}
	b.shoot("search")

	// Build a custom feed of the theme and fetch it.
	themeID := strings.TrimPrefix(theme, "/themes/")
	b.open("/builder")
	b.do("build", chromedp.Click(chromedp.CSS(`input[name=theme][value="`+themeID+`"]`)), chromedp.Click(chromedp.CSS(`button[name=build]`)))
	b.until("the feed URLs", `!!document.querySelector("#url-custom-atom")`)
	custom := run(b, "the custom feed URL", chromedp.Value(chromedp.CSS("#url-custom-atom")))
	if want := h.base + "/feeds/custom.atom?themes=" + themeID; custom != want {
		t.Errorf("the builder made %s, want %s", custom, want)
	}
	b.shoot("builder")
	checkCustomFeed(t, strings.TrimSuffix(custom, ".atom?themes="+themeID)+".json?themes="+themeID, themeID)

	// Sign in as an editor, hide the item, and see it gone from the feed.
	b.open("/desk")
	b.do("sign in", chromedp.SetValue(chromedp.CSS("#who"), "redactie@browsertest"), chromedp.SetValue(chromedp.CSS("#token"), editorToken),
		chromedp.Click(chromedp.CSS(`form[action="/desk/login"] button`)))
	b.until("signed in", `document.body.textContent.includes("Aangemeld als redactie@browsertest")`)
	b.shoot("desk")
	b.open("/desk/items/" + id)
	b.do("hide", chromedp.Click(chromedp.CSS(`input[name=action][value=hide]`)), chromedp.SetValue(chromedp.CSS("#why"), "test in de browser"),
		chromedp.Click(chromedp.CSS(`form[action="/desk/overrides"] button`)))
	b.until("the hide", `!!document.querySelector(".notice") && document.querySelector("#stand").textContent.includes("Verborgen")`)
	b.shoot("desk-item")
	feed := h.feed(t, "/feeds/themes/"+themeID+".atom")
	for _, it := range feed.Items {
		if it.Title == title {
			t.Errorf("the hidden item %q is still in the feed", title)
		}
	}
	b.open(theme)
	if b.has(`a[href="` + href + `"]`) {
		t.Error("the hidden item is still on its theme's page")
	}

	// The sources on a phone.
	b.open("/sources")
	b.shoot("sources")

	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		t.Errorf("console: %s", p)
	}
}

// searchWords are the two longest words of a title.
func searchWords(title string) string {
	words := strings.FieldsFunc(title, func(r rune) bool { return !unicode.IsLetter(r) })
	var a, b string
	for _, w := range words {
		switch {
		case len(w) > len(a):
			a, b = w, a
		case len(w) > len(b):
			b = w
		}
	}
	return strings.TrimSpace(a + " " + b)
}

// checkCustomFeed fetches a custom JSON feed and checks that every entry is
// in the theme (its tags are its theme ids).
func checkCustomFeed(t *testing.T, url, theme string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	f, err := gofeed.NewParser().Parse(resp.Body)
	if err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	if len(f.Items) == 0 {
		t.Errorf("%s has no entries", url)
	}
	for _, it := range f.Items {
		if !strings.Contains(strings.Join(it.Categories, " "), theme) {
			t.Errorf("%s: %q is not in %s (categories %v)", url, it.Title, theme, it.Categories)
		}
	}
}
