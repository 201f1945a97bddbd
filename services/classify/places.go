package classify

import (
	"slices"
	"strings"

	"github.com/bakenhub/baken/pkg/textnorm"
)

// Places is what the gazetteer found in a text.
type Places struct {
	Municipalities []string // CBS names, in order of first mention
	Districts      []string // district or unit ids, in order of first mention
}

// evidencePrefix are words before a name that make it a place: "in Houten",
// "gemeente Best".
var evidencePrefix = map[string]bool{"in": true, "te": true, "gemeente": true, "naar": true, "omgeving": true, "rond": true, "bij": true}

// areaWord before a municipality's name makes it the wider area.
var areaWord = map[string]bool{"provincie": true, "regio": true}

// evidenceOf are words before "van" that make the next word a place:
// "burgemeester van Huizen".
var evidenceOf = map[string]bool{"burgemeester": true, "burgemeesters": true, "gemeente": true, "college": true, "wethouder": true, "inwoners": true, "centrum": true}

// notHere are words before a name that say the item does not happen there:
// where someone comes from ("een man uit Alkmaar"), a direction ("richting
// Den Bosch"), a comparison ("beter dan Ermelo").
var notHere = map[string]bool{"uit": true, "richting": true, "dan": true, "geboren": true}

// notHereOf are words before "van" (or "in", "te") with the same effect:
// "inwoner van Rotterdam", "ziekenhuis in Zwolle", "oud-burgemeester van".
var notHereOf = map[string]bool{"inwoner": true, "inwoonster": true, "ziekenhuis": true, "oud": true, "voormalig": true, "voormalige": true, "afkomstig": true}

// nameHead are capitalised words that may stand right before a place name
// without making it part of a longer name: "Gemeente Putten".
var nameHead = map[string]bool{"gemeente": true, "burgemeester": true, "provincie": true, "regio": true, "stad": true, "dorp": true, "centrum": true, "in": true, "te": true, "en": true, "bij": true, "rond": true, "naar": true}

func init() {
	for w := range provinceWords {
		if strings.HasSuffix(w, "se") {
			nameHead[w] = true // "het Gelderse Putten"
		}
	}
}

// provinceWords name a province: in the text they decide between namesakes
// ("de Limburgse gemeente Stein").
var provinceWords = map[string]string{
	"groningen": "Groningen", "groningse": "Groningen", "friesland": "Fryslân", "fryslan": "Fryslân", "friese": "Fryslân",
	"drenthe": "Drenthe", "drentse": "Drenthe", "overijssel": "Overijssel", "overijsselse": "Overijssel",
	"flevoland": "Flevoland", "flevolandse": "Flevoland", "gelderland": "Gelderland", "gelderse": "Gelderland",
	"utrecht": "Utrecht", "utrechtse": "Utrecht", "zeeland": "Zeeland", "zeeuwse": "Zeeland",
	"brabant": "Noord-Brabant", "brabantse": "Noord-Brabant", "limburg": "Limburg", "limburgse": "Limburg",
}

// Find returns the places named in the texts (title first; each may open
// with a dateline). home is the id
// of the source's district or unit: it decides between namesakes and counts
// as evidence for names that are also ordinary words.
func (g *Gazetteer) Find(home string, texts ...string) Places {
	st := newStemmer()
	fields := make([][]token, len(texts))
	for i, t := range texts {
		fields[i] = st.tokenize(t, true)
	}
	return g.find(home, fields...)
}

// mention is one place name found in a text, not yet decided.
type mention struct {
	pn   *placeName
	toks []token
	i    int
}

func (g *Gazetteer) find(home string, fields ...[]token) Places {
	var p Places
	var open []mention // names with several candidates, decided last
	provinces := map[string]bool{}
	for _, toks := range fields {
		lastEnd := -1 // where the last place name that counted ends
		skipEnd := -1 // where the last one ends that is not where the item happens
		for i := 0; i < len(toks); {
			if pv, ok := provinceWords[toks[i].folded]; ok && capitalised(toks[i].orig) {
				provinces[pv] = true
			}
			if toks[i].folded == "noord" || toks[i].folded == "zuid" {
				if next(toks, i) == "holland" || next(toks, i) == "hollandse" {
					provinces[map[string]string{"noord": "Noord-Holland", "zuid": "Zuid-Holland"}[toks[i].folded]] = true
				}
			}
			pn := g.match(toks, i)
			if pn == nil {
				i++
				continue
			}
			n := len(pn.words)
			switch {
			case pn.kind != kindMunicipality:
				p.Districts = appendNew(p.Districts, pn.region)
			case areaWord[prev(toks, i, 1)], provinceNames[toks[i].folded] && n == 1 && otherProvince(toks, i):
				// "provincie Utrecht" and "regio Utrecht" name more than the
				// city; so does "Groningen en Utrecht" beside "Flevoland".
			case listed(toks, i, skipEnd):
				skipEnd = i + n // "in Utrecht en Ede" after "naar ziekenhuizen"
			case !g.counts(toks, i, pn, home, listed(toks, i, lastEnd)):
				if g.elsewhereOrFrom(toks, i) {
					skipEnd = i + n
				}
			case len(g.candidates(pn, toks, i)) == 1:
				g.record(&p, g.candidates(pn, toks, i)[0])
				lastEnd = i + n
			default:
				open = append(open, mention{pn, toks, i})
				lastEnd = i + n
			}
			i += n
		}
	}
	for _, o := range open {
		var own *Municipality
		if len(o.pn.gemeente) == 1 {
			own = o.pn.gemeente[0]
		}
		if m := g.choose(g.candidates(o.pn, o.toks, o.i), own, home, p, provinces); m != nil {
			g.record(&p, m)
		}
	}
	return p
}

// candidates are the municipalities a name can be: only those named so
// after "gemeente".
func (g *Gazetteer) candidates(pn *placeName, toks []token, i int) []*Municipality {
	if len(pn.gemeente) > 0 && (prev(toks, i, 1) == "gemeente" || prev(toks, i, 1) == "van" && evidenceOf[prev(toks, i, 2)]) {
		return pn.gemeente
	}
	return pn.munis
}

// counts decides whether the name at toks[i] is meant as the place where
// the item happens.
func (g *Gazetteer) counts(toks []token, i int, pn *placeName, home string, listed bool) bool {
	t := toks[i]
	switch {
	case t.dateline:
		return false // where the story was filed; a later mention places it
	case notHere[prev(toks, i, 1)], notHere[prev(toks, i, skipDescription(toks, i))]:
		return false
	case (prev(toks, i, 1) == "van" || prev(toks, i, 1) == "in" || prev(toks, i, 1) == "te") && notHereOf[prev(toks, i, 2)]:
		return false
	case elsewhere(toks, i):
		return false
	case len(pn.words) == 1 && partOfName(toks, i):
		return false
	case pn.adjective:
		return capitalised(t.orig)
	case pn.village:
		// Villages share their names with people ("Joppe", "De Vries"):
		// a word before them must say it is a place, or they continue a
		// list of places, or head a police headline ("Lekkerkerk: ...").
		return capitalised(t.orig) && (villagePrefix[prev(toks, i, 1)] || listed || t.headline || nameHead[prev(toks, i, 1)] && strings.HasSuffix(prev(toks, i, 1), "se"))
	case pn.word:
		return g.evidence(toks, i, pn, home)
	}
	return true
}

// otherProvince reports whether the sentence of toks[i] names a province
// that is no city's: then "Groningen" and "Utrecht" there are provinces.
func otherProvince(toks []token, i int) bool {
	for k := i; k >= 0; k-- {
		if pv, ok := provinceWords[toks[k].folded]; ok && !provinceNames[toks[k].folded] && pv != "" && capitalised(toks[k].orig) && !strings.HasSuffix(toks[k].folded, "se") {
			return true
		}
		if toks[k].sentenceStart {
			break
		}
	}
	for k := i + 1; k < len(toks) && !toks[k].sentenceStart; k++ {
		if _, ok := provinceWords[toks[k].folded]; ok && !provinceNames[toks[k].folded] && capitalised(toks[k].orig) && !strings.HasSuffix(toks[k].folded, "se") {
			return true
		}
	}
	return false
}

// elsewhereOrFrom reports whether the name at toks[i] is said not to be
// where the item happens (counts' first reasons).
func (g *Gazetteer) elsewhereOrFrom(toks []token, i int) bool {
	return notHere[prev(toks, i, 1)] || notHere[prev(toks, i, skipDescription(toks, i))] || elsewhere(toks, i) ||
		(prev(toks, i, 1) == "van" || prev(toks, i, 1) == "in" || prev(toks, i, 1) == "te") && notHereOf[prev(toks, i, 2)]
}

// skipDescription counts back from toks[i] over "het Drentse", "de
// Limburgse", to the word before them.
func skipDescription(toks []token, i int) int {
	back := 1
	for i-back >= 0 && (nameHead[toks[i-back].folded] && strings.HasSuffix(toks[i-back].folded, "se") || toks[i-back].folded == "het" || toks[i-back].folded == "de") {
		back++
	}
	return back
}

// elsewhere reports whether a word shortly before toks[i], in its sentence,
// says the place is not where the item happens: a comparison ("dan de
// buurgemeenten Ermelo"), hospitals ("naar ziekenhuizen in Utrecht").
func elsewhere(toks []token, i int) bool {
	for k := i - 1; k >= 0 && k >= i-5; k-- {
		switch toks[k].folded {
		case "dan", "ziekenhuis", "ziekenhuizen", "richting":
			return true
		}
		if toks[k].sentenceStart {
			break
		}
	}
	return false
}

// villagePrefix are words before a village's name that make it a place.
var villagePrefix = map[string]bool{"in": true, "te": true, "bij": true, "nabij": true, "rond": true, "naar": true, "omgeving": true, "dorp": true, "buurtschap": true, "kern": true, "kernen": true, "vanuit": true}

// listed reports whether toks[i] continues a list of places whose last
// counted name ends at lastEnd: "in Amsterdam, Vinkeveen en Assendelft".
func listed(toks []token, i, lastEnd int) bool {
	switch {
	case lastEnd < 0 || toks[i].sentenceStart:
		return false
	case i == lastEnd:
		return !toks[i].spaced // a comma between them
	case i == lastEnd+1:
		return toks[i-1].folded == "en" || toks[i-1].folded == "of"
	}
	return false
}

// partOfName reports whether the name at toks[i] is the end of a longer
// name: a surname ("Astrid van Huizen"), an organisation ("Instituut
// Mijnbouwschade Groningen"), another place ("Den Hoorn").
func partOfName(toks []token, i int) bool {
	if i == 0 || !toks[i].spaced {
		return false
	}
	before := toks[i-1]
	if capitalised(before.orig) && !before.opening && !nameHead[before.folded] {
		return true
	}
	// A surname: "Astrid van Huizen", "Van der Linde", not "burgemeester
	// Niek Meijer van Huizen" (a full name, then where the mayor is).
	k := i - 1
	for k >= 0 && particle[toks[k].folded] && toks[k+1].spaced && !toks[k+1].sentenceStart {
		k--
	}
	if k == i-1 || k < 0 || !toks[k+1].spaced || toks[k+1].sentenceStart {
		return false
	}
	b := toks[k]
	if !capitalised(b.orig) || evidenceOf[b.folded] || nameHead[b.folded] {
		return false
	}
	fullName := k > 0 && capitalised(toks[k-1].orig) && !toks[k-1].opening && toks[k].spaced
	return !fullName
}

// particle are the words inside Dutch surnames.
var particle = map[string]bool{"van": true, "de": true, "der": true, "den": true, "ter": true, "ten": true, "t": true}

// match returns the longest place name starting at toks[i].
func (g *Gazetteer) match(toks []token, i int) *placeName {
	for _, pn := range g.index[toks[i].folded] {
		if i+len(pn.words) > len(toks) {
			continue
		}
		ok := true
		for k, w := range pn.words[1:] {
			if toks[i+1+k].folded != w {
				ok = false
				break
			}
		}
		if ok {
			return pn
		}
	}
	return nil
}

func (g *Gazetteer) record(p *Places, m *Municipality) {
	p.Municipalities = appendNew(p.Municipalities, m.Name)
	p.Districts = appendNew(p.Districts, g.DistrictOf(m))
}

// choose picks among namesakes the one the text gives evidence for: a
// municipality it names anyway, its province, the district, unit or
// province of another place it names, else the source's home area; none
// when nothing tells. A municipality named so (own) wins over villages of
// other municipalities when nothing else tells.
func (g *Gazetteer) choose(ms []*Municipality, own *Municipality, home string, found Places, provinces map[string]bool) *Municipality {
	tests := []func(m *Municipality) bool{
		func(m *Municipality) bool { return slices.Contains(found.Municipalities, m.Name) },
		func(m *Municipality) bool { return provinces[m.Province] },
		func(m *Municipality) bool {
			for _, d := range found.Districts {
				if g.inArea(m, d) {
					return true
				}
			}
			for _, name := range found.Municipalities {
				if o, ok := g.munis[name]; ok && o.Province == m.Province {
					return true
				}
			}
			return false
		},
		func(m *Municipality) bool { return g.inArea(m, home) },
	}
	if own != nil {
		// The municipality of that name, over villages of others: Hoorn
		// (NH), not the hamlet on Terschelling.
		tests = append(tests, func(m *Municipality) bool { return m == own })
	}
	for _, test := range tests {
		var pick *Municipality
		n := 0
		for _, m := range ms {
			if test(m) {
				pick, n = m, n+1
			}
		}
		if n == 1 {
			return pick
		}
	}
	return nil
}

func (g *Gazetteer) inArea(m *Municipality, area string) bool {
	return area != "" && (g.DistrictOf(m) == area || textnorm.Slug(m.Unit) == area)
}

// evidence decides whether a name that is also a word is meant as a place.
func (g *Gazetteer) evidence(toks []token, i int, pn *placeName, home string) bool {
	t := toks[i]
	switch {
	case capitalised(t.orig) && !t.opening:
		return true
	case prev(toks, i, 1) == "gemeente":
		return true
	case prev(toks, i, 1) == "van" && evidenceOf[prev(toks, i, 2)]:
		return true
	case t.headline:
		return true // "Putten: auto tegen boom"
	}
	if !capitalised(t.orig) {
		return false
	}
	if evidencePrefix[prev(toks, i, 1)] || nameHead[prev(toks, i, 1)] && strings.HasSuffix(prev(toks, i, 1), "se") {
		return true
	}
	if !capitalised(t.orig) {
		return false
	}
	for _, m := range pn.munis {
		if g.inArea(m, home) {
			return true
		}
	}
	return false
}

func prev(toks []token, i, back int) string {
	if i-back < 0 {
		return ""
	}
	return toks[i-back].folded
}

func next(toks []token, i int) string {
	if i+1 >= len(toks) {
		return ""
	}
	return toks[i+1].folded
}

func appendNew(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
