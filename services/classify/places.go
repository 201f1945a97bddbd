package classify

import (
	"slices"

	"github.com/bakenhub/baken/pkg/textnorm"
)

// Places is what the gazetteer found in a text.
type Places struct {
	Municipalities []string // CBS names, in order of first mention
	Districts      []string // district or unit ids, in order of first mention
}

// evidencePrefix are words before a name that make it a place: "in Houten",
// "gemeente Best".
var evidencePrefix = map[string]bool{"in": true, "te": true, "gemeente": true, "uit": true, "naar": true, "omgeving": true, "rond": true}

// areaWord before a municipality's name makes it the wider area.
var areaWord = map[string]bool{"provincie": true, "regio": true}

// evidenceOf are words before "van" that make the next word a place:
// "burgemeester van Huizen".
var evidenceOf = map[string]bool{"burgemeester": true, "burgemeesters": true, "gemeente": true, "college": true, "wethouder": true, "inwoners": true, "centrum": true}

// Find returns the places named in the texts (title first). home is the id
// of the source's district or unit: it decides between namesakes and counts
// as evidence for names that are also ordinary words.
func (g *Gazetteer) Find(home string, texts ...string) Places {
	st := newStemmer()
	fields := make([][]token, len(texts))
	for i, t := range texts {
		fields[i] = st.tokenize(t)
	}
	return g.find(home, fields...)
}

func (g *Gazetteer) find(home string, fields ...[]token) Places {
	var p Places
	for _, toks := range fields {
		for i := 0; i < len(toks); {
			pn := g.match(toks, i)
			if pn == nil {
				i++
				continue
			}
			n := len(pn.words)
			// "provincie Utrecht" and "regio Utrecht" name more than the city.
			if pn.kind != kindMunicipality || !areaWord[prev(toks, i, 1)] {
				g.record(&p, pn, toks, i, home)
			}
			i += n
		}
	}
	return p
}

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

func (g *Gazetteer) record(p *Places, pn *placeName, toks []token, i int, home string) {
	if pn.kind != kindMunicipality {
		p.Districts = appendNew(p.Districts, pn.region)
		return
	}
	m := g.choose(pn.munis, home)
	if m == nil {
		return
	}
	if pn.word && !g.evidence(toks, i, m, home) {
		return
	}
	p.Municipalities = appendNew(p.Municipalities, m.Name)
	p.Districts = appendNew(p.Districts, g.DistrictOf(m))
}

// choose picks among namesakes the one in the home area, or the only one.
func (g *Gazetteer) choose(ms []*Municipality, home string) *Municipality {
	if len(ms) == 1 {
		return ms[0]
	}
	for _, m := range ms {
		if g.inArea(m, home) {
			return m
		}
	}
	return nil
}

func (g *Gazetteer) inArea(m *Municipality, area string) bool {
	return area != "" && (g.DistrictOf(m) == area || textnorm.Slug(m.Unit) == area)
}

// evidence decides whether a name that is also a word is meant as a place.
func (g *Gazetteer) evidence(toks []token, i int, m *Municipality, home string) bool {
	t := toks[i]
	switch {
	case capitalised(t.orig) && !t.sentenceStart:
		return true
	case evidencePrefix[prev(toks, i, 1)]:
		return true
	case prev(toks, i, 1) == "van" && evidenceOf[prev(toks, i, 2)]:
		return true
	}
	return capitalised(t.orig) && g.inArea(m, home)
}

func prev(toks []token, i, back int) string {
	if i-back < 0 {
		return ""
	}
	return toks[i-back].folded
}

func appendNew(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
