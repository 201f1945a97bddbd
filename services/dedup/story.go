package dedup

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bakenhub/baken/pkg/item"
)

// Stories group independent reports of one event or release, each in its
// own words: four outlets on one ransom demand, a release and its
// translation. Precision comes first: two different events told from one
// template (the threat assessment of another period, the same measure in
// another city, the same road a year later) must stay apart, and what tells
// them apart are their facts. A report joins a story when:
//
//   - its distinct figures (in digits, two or more, not a year, not
//     "000": 750, 42, 1457, "54th"; or a year naming an edition:
//     namedYear) agree with the story's: when both state some they share
//     one, and neither has one in its title that the other lacks;
//   - no fact conflicts (facts.go), and when both were published (the
//     source's time, not a first-seen one) they are at most storyWindow
//     apart; both also hold against the story's first report, with its
//     figures not contradicting (figuresFit);
//   - they share two distinct figures (in any language: "42 minderjarige
//     bommenleggers", "42 underage bombers"); or one, two names
//     (capitalised words not opening a sentence, cut like words) and at
//     least minStoryWords of the informative words of the shorter text
//     (five letters or more, no function word, cut to their first six
//     letters); or, in two languages from two sources, the same distinct
//     figures with one in a headline and a headline word in common; or,
//     from two sources, minTitleWords words of their titles (four letters
//     or more, or a name) and minStoryTitleWords of their words. One
//     source's two items on one template, or on one edition, are two
//     items;
//   - or it is an update that recounts the report (recounts): a wire
//     story's next version keeps what was known in a sentence of its own
//     ("Eerder werden bewoners al opgeroepen om weg te blijven uit het
//     centrum"), and its headline carries what is new ("150 woningen in
//     Ede ontruimd"), so the headline-figure rule does not hold for it.
//
// The thresholds sit inside ranges that gave the same result on the real
// devset as a whole (words 0.2-0.35 with a figure; title words 4, words
// 0.3-0.45 without); looser ones joined look-alikes.
//
// StoryPrint is what story detection knows of a text.
type StoryPrint struct {
	Words   []uint32 `json:"words,omitempty"`
	Names   []uint32 `json:"names,omitempty"`
	Figures []uint32 `json:"figures,omitempty"`
	// TitleNames and TitleFigures are those of the title.
	TitleNames   []uint32 `json:"title_names,omitempty"`
	TitleFigures []uint32 `json:"title_figures,omitempty"`
	Lang         string   `json:"lang,omitempty"`
	// Distinct are the figures in digits that are neither years nor round
	// (750, 42, 1457, not 2021 or 000), and the Editions.
	Distinct []uint32 `json:"distinct,omitempty"`
	// Editions are the distinct figures that are years naming an edition
	// ("jaarverslag 2022"): one source's two items on one edition are two
	// items.
	Editions      []uint32 `json:"editions,omitempty"`
	TitleDistinct []uint32 `json:"title_distinct,omitempty"`
	// TitleWords are the informative words of the title (four letters or
	// more, cut like Words).
	TitleWords []uint32 `json:"title_words,omitempty"`
	// Recap are the informative words (cut like Words) of the text's
	// sentences that recount what was reported before: those opening
	// with "Eerder" or "Earlier" not followed by a time of their own
	// ("Eerder dit jaar" tells of another event).
	Recap  []uint32 `json:"recap,omitempty"`
	Source string   `json:"source,omitempty"`
	// Published is the item's publication time in Unix seconds, 0 when
	// the source gave none (a first-seen time proves nothing).
	Published int64 `json:"published,omitempty"`
}

const (
	minStoryWords = 0.35
	// minTitleWords and minStoryTitleWords: without a distinct figure in
	// common, the titles share four informative words and the texts 45%.
	minTitleWords      = 4
	minStoryTitleWords = 0.45
	minStoryNames      = 2
	// minRecapWords and minRecapShare: an update's recap shares at least
	// three words with the earlier report, and half of its own words;
	// minRecapTitleWords are the title words it shares to be looked at.
	minRecapWords      = 3
	minRecapShare      = 0.5
	minRecapTitleWords = 2
	stemLetters        = 6
	// storyWindow is how far apart in publication time two reports of one
	// story can be: an event's reports and a release's rewrites come
	// within days, a look-alike (the same road a year later, the same
	// town's aftermath a week on, the next edition) later.
	storyWindow = 3 * 24 * time.Hour
)

func newStoryPrint(it item.Item, toks []token) *StoryPrint {
	sp := &StoryPrint{Source: it.Source}
	if !it.Published.IsZero() && !it.DateGuessed {
		sp.Published = it.Published.Unix()
	}
	var nl, en int
	recap := -1 // the sentence that recounts, if any
	for i, t := range toks {
		if opensRecap(toks, i) {
			recap = t.sentence
		}
		if k, ok := namedYear(toks, i); ok {
			sp.Distinct = append(sp.Distinct, k)
			sp.Editions = append(sp.Editions, k)
			if t.title {
				sp.TitleDistinct = append(sp.TitleDistinct, k)
			}
		}
		switch functionWord[t.word] {
		case 1:
			nl++
		case -1:
			en++
		}
		h := uint32(fnvOffset.add(t.word).sum() >> 32)
		switch {
		case figure(t.word) && !t.spelled:
			if distinctive(t.word) {
				sp.Distinct = append(sp.Distinct, h)
				if t.title {
					sp.TitleDistinct = append(sp.TitleDistinct, h)
				}
			}
			sp.Figures = append(sp.Figures, h)
			if t.title {
				sp.TitleFigures = append(sp.TitleFigures, h)
			}
		case t.fact && !t.spelled && !isDateWord(t.word):
			n := stem(t.word) // "Nederlanders" and "Nederland", "Rotterdamse" and "Rotterdam"
			sp.Names = append(sp.Names, n)
			if t.title {
				sp.TitleNames = append(sp.TitleNames, n)
			}
		}
		if n := utf8.RuneCountInString(t.word); (n >= 4 || t.fact && !t.number) && functionWord[t.word] == 0 && !figure(t.word) {
			h := stem(t.word)
			if n >= 5 {
				sp.Words = append(sp.Words, h)
				if t.sentence == recap {
					sp.Recap = append(sp.Recap, h)
				}
			}
			if t.title {
				sp.TitleWords = append(sp.TitleWords, h)
			}
		}
	}
	if en > nl {
		sp.Lang = "en"
	}
	for _, s := range []*[]uint32{&sp.Words, &sp.Names, &sp.Figures, &sp.TitleNames, &sp.TitleFigures, &sp.Distinct, &sp.Editions, &sp.TitleDistinct, &sp.TitleWords, &sp.Recap} {
		slices.Sort(*s)
		*s = slices.Compact(*s)
	}
	return sp
}

// opensRecap reports whether toks[i] opens a sentence of the text that
// recounts an earlier report: "Eerder" or "Earlier" followed by the verb,
// not by a time ("Eerder dit jaar", "Earlier this month", "Eerder in
// maart", "Eerder op 12 juni" point at another event).
func opensRecap(toks []token, i int) bool {
	t := toks[i]
	if t.title || (t.word != "eerder" && t.word != "earlier") || (i > 0 && toks[i-1].sentence == t.sentence) {
		return false
	}
	if i+1 >= len(toks) || toks[i+1].sentence != t.sentence {
		return false
	}
	_, timed := recapTimeWords[toks[i+1].word]
	return !timed && !toks[i+1].number
}

// recapTimeWords, after "Eerder", give the recounted report a time of its
// own, days or more back ("dit jaar", "in maart", "last week"); "Eerder
// vandaag" or "Earlier today" stays within the story.
var recapTimeWords = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, w := range strings.Fields(`dit deze die dat in op vorig vorige afgelopen
		this that in on last`) {
		m[w] = struct{}{}
	}
	return m
}()

// namedYear reports, for a year, whether it names an edition with the
// word it qualifies: "jaarverslag 2022", "het jaarverslag over 2022",
// "Veiligheidsmonitor 2023" say which report, where "in 2017" or "sinds
// 2021" do not; its key is that word (cut like Words) with the year.
func namedYear(toks []token, i int) (uint32, bool) {
	t := toks[i]
	if t.spelled || !figure(t.word) || distinctive(t.word) || len(t.word) != 4 {
		return 0, false
	}
	j := i - 1
	if j >= 0 && (toks[j].word == "over" || toks[j].word == "van") && toks[j].sentence == t.sentence {
		j-- // "jaarverslag over 2022", not "eerst sinds 2021"
	}
	if j < 0 || toks[j].sentence != t.sentence || toks[j].number || functionWord[toks[j].word] != 0 || utf8.RuneCountInString(toks[j].word) < 5 {
		return 0, false
	}
	w := toks[j].word
	if len(w) > stemLetters {
		w = w[:stemLetters]
	}
	return uint32(fnvOffset.add("\x00year").add(w).add(t.word).sum() >> 32), true
}

// stem hashes the first stemLetters bytes of a folded word.
func stem(w string) uint32 {
	if len(w) > stemLetters {
		w = w[:stemLetters]
	}
	return uint32(fnvOffset.add(w).sum() >> 32)
}

// figure reports whether a folded word is a figure of two digits or more.
func figure(w string) bool {
	digits := 0
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
		digits++
	}
	return digits >= 2
}

// distinctive reports whether a figure says which event it is: not a year
// (1900-2099), not a run of zeros.
func distinctive(w string) bool {
	if strings.Trim(w, "0") == "" {
		return false
	}
	return !(len(w) == 4 && (strings.HasPrefix(w, "19") || strings.HasPrefix(w, "20")))
}

func isDateWord(w string) bool { _, ok := dateOrNumberWords[w]; return ok }

// sameStory reports whether b tells the story a tells: their distinct
// figures agree (see StoryPrint) and they share two of them, or one and two
// names and most of their words.
func sameStory(a, b *StoryPrint) bool {
	if !figuresFit(a, b) || apart(a, b) {
		return false
	}
	if recounts(a, b) || recounts(b, a) {
		return true
	}
	if !agree(a, b) {
		return false
	}
	short := min(len(a.Words), len(b.Words))
	words := short > 0 && float64(common32(a.Words, b.Words)) >= minStoryWords*float64(short)
	shared := common32(a.Distinct, b.Distinct)
	if a.Source == b.Source {
		shared -= common32(a.Editions, b.Editions)
	}
	switch {
	case shared >= 2:
		return true
	case shared == 1 && a.Lang == b.Lang:
		return common32(a.Names, b.Names) >= minStoryNames && words
	case shared == 1:
		// A translation or a report in another language by another source
		// keeps the figures: the same one, in a headline ("Dreigingsbeeld
		// Terrorisme Nederland 54", "the NCTV stated in their 54th terrorism
		// threat assessment"), and none other in either text; and the
		// headlines share a word (a name, a word both languages have:
		// "terrorisme", "terrorist").
		return a.Source != b.Source && len(a.TitleDistinct)+len(b.TitleDistinct) > 0 && slices.Equal(a.Distinct, b.Distinct) &&
			common32(a.TitleWords, b.TitleWords) > 0
	}
	// No distinct figure in common: two sources (one source's two items
	// on a template are two items), headlines that tell the same news (four
	// informative words) and texts that share much of their words.
	return a.Source != b.Source && a.Lang == b.Lang && common32(a.TitleWords, b.TitleWords) >= minTitleWords &&
		short > 0 && float64(common32(a.Words, b.Words)) >= minStoryTitleWords*float64(short)
}

// recounts reports whether later's recap tells what earlier reported: at
// least minRecapWords and minRecapShare of its words are earlier's, in one
// language, the texts have a name in common ("Ede"), and later was not
// published before earlier (when both say when).
func recounts(later, earlier *StoryPrint) bool {
	n := common32(later.Recap, earlier.Words)
	if n < minRecapWords || float64(n) < minRecapShare*float64(len(later.Recap)) || later.Lang != earlier.Lang {
		return false
	}
	if later.Published != 0 && earlier.Published != 0 && later.Published < earlier.Published {
		return false
	}
	return common32(later.Names, earlier.Names) > 0
}

// agree reports whether the figures of a and b can be of one event
// (figuresFit) and neither has one in its title that the other's text
// lacks: the figure in a headline is the news.
func agree(a, b *StoryPrint) bool {
	return figuresFit(a, b) && missing(a.TitleDistinct, b.Distinct) == 0 && missing(b.TitleDistinct, a.Distinct) == 0
}

// figuresFit reports whether the figures of a and b do not contradict:
// when both state distinct figures they share one. A later report of a
// story is checked this way against the story's first report: a figure
// one of them leaves out is no contradiction.
func figuresFit(a, b *StoryPrint) bool {
	switch {
	case a == nil || b == nil:
		return false
	case len(a.Distinct) > 0 && len(b.Distinct) > 0 && common32(a.Distinct, b.Distinct) == 0:
		return false
	}
	return true
}

// apart reports whether a and b were both published, more than storyWindow
// apart.
func apart(a, b *StoryPrint) bool { return apartBy(a.Published, b.Published, storyWindow) }

// apartBy reports whether two publication times (Unix seconds, 0:
// unknown) are both known and more than window apart.
func apartBy(a, b int64, window time.Duration) bool {
	if a == 0 || b == 0 {
		return false
	}
	d := time.Duration(a-b) * time.Second
	return d > window || -d > window
}

// missing counts the values of want that have lacks.
func missing(want, have []uint32) int { return len(want) - common32(want, have) }

func common32(a, b []uint32) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n, i, j = n+1, i+1, j+1
		}
	}
	return n
}

// functionWord marks Dutch (1) and English (-1) words too common to say what
// a text is about.
var functionWord = func() map[string]int8 {
	m := map[string]int8{}
	for _, w := range strings.Fields(`de het een en van op te dat die voor met zijn niet aan er ook als bij door naar om wordt worden deze dit hun wat heeft hebben tot uit nog maar wij je u zij werd zich wel dan
		in is was over meer onder andere tegen na bij alle volgens eerder waren kunnen zullen moeten omdat zoals waar wanneer tijdens sinds welke hebben hadden zouden steeds jaren vorig vorige afgelopen grote nieuwe eerste laatste gaat komen komt staat
		deze daarom echter ongeveer zeker alleen`) {
		m[w] = 1
	}
	for _, w := range strings.Fields(`the and to for on that with as by from at this are be has have it its which will not or were their they been an these would can into
		about after before other there where while when than then also more most some such only over under against between during since being their could should`) {
		m[w] = -1
	}
	return m
}()

// storyBand and titleWordBand are the band numbers of the story index: an
// item is filed under each of its distinct figures and each informative
// word of its title (a bucket keeps its latest bucketSize ids, so a common
// word costs no more than a rare one).
const (
	storyBand     = 0xfe
	titleWordBand = 0xfd
)

func storyBands(sp *StoryPrint) []band {
	bs := make([]band, 0, len(sp.Distinct)+len(sp.TitleWords))
	for _, h := range sp.Distinct {
		bs = append(bs, band(uint64(storyBand)<<56|uint64(h)))
	}
	for _, h := range sp.TitleWords {
		bs = append(bs, band(uint64(titleWordBand)<<56|uint64(h)))
	}
	return bs
}

// findStory files fp's story bands under id and returns the story of the
// first report filed before it that tells the same story, checked against
// that story's first report too (so a chain cannot join two events); ""
// when there is none: id starts a story of its own. Only candidates that
// can pass are read: those sharing a distinct figure, or minTitleWords
// title words (in as many title-word buckets; minRecapTitleWords when fp
// recounts an earlier report, so an update found before its original
// arrived joins only by the other rules), and not published more than
// storyWindow apart as far as the index knows.
func findStory(ctx context.Context, idx index, id string, fp *Fingerprint) (string, error) {
	if fp.Story == nil {
		return "", nil
	}
	var order []string
	figures, titles := map[string]bool{}, map[string]int{}
	for _, b := range storyBands(fp.Story) {
		before, err := idx.file(ctx, b, id)
		if err != nil {
			return "", err
		}
		for _, c := range before {
			if c == id {
				continue
			}
			if !figures[c] && titles[c] == 0 {
				order = append(order, c)
			}
			if b>>56 == storyBand {
				figures[c] = true
			} else {
				titles[c]++
			}
		}
	}
	least := minTitleWords
	if len(fp.Story.Recap) > 0 {
		least = minRecapTitleWords
	}
	for _, c := range order {
		if !figures[c] && titles[c] < least {
			continue
		}
		// A candidate published too far apart fails sameStory: the index
		// knows its time to the minute, so it is not read (during an import
		// most candidates are another feed's items of other weeks).
		if apartBy(idx.published(c), fp.Story.Published, storyWindow+time.Minute) {
			continue
		}
		e, ok, err := idx.storyEntry(ctx, c)
		if err != nil {
			return "", err
		}
		if !ok || e.print == nil || e.duplicateOf != "" || !sameStory(e.print.Story, fp.Story) || conflicts(fp.Facts, e.print.Facts) {
			continue
		}
		story := cmp.Or(e.story, c)
		if story != c {
			first, ok, err := idx.storyEntry(ctx, story)
			if err != nil {
				return "", err
			}
			if ok && first.print != nil && (!figuresFit(first.print.Story, fp.Story) || apart(first.print.Story, fp.Story) || conflicts(fp.Facts, first.print.Facts)) {
				continue
			}
		}
		return story, nil
	}
	return "", nil
}
